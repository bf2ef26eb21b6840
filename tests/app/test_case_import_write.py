"""``cases import`` writes in slices and with lean DuckDB settings: the same cases and
steps as one insert would write, repeats of a code found at their lines, the store's
settings as they were afterwards (also after a refusal)."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pytest

from app.appraisal import import_write
from app.appraisal.case_import import CaseImportError, import_cases
from app.appraisal.import_rows import TextColumn
from app.auth.accounts import get_user
from app.store import open_store

GRID_CODE = "12010600100101"
NOW = datetime(2026, 11, 20, 10, 30)
STEPS = ("registered_at", "dispatched_at", "handled_at", "fed_back_at", "verified_at",
         "closed_at", "evaluated_at")


def _cases(n: int) -> list[dict]:
    """``n`` cases with 0 to 7 steps after acceptance, every fifth voided."""
    out = []
    for i in range(n):
        rec = {"id": f"W-{i:03d}", "category": "0602", "source": "hotline", "grid": GRID_CODE,
               "reported_at": f"2025-03-{1 + i % 28:02d}T08:00", "description": f"第 {i} 件"}
        if i % 5 == 4:
            rec["voided_at"] = rec["reported_at"][:-5] + "09:00"
        else:
            for k, col in enumerate(STEPS[:i % 8]):
                rec[col] = rec["reported_at"][:-5] + f"{9 + k:02d}:00"
            if i % 8 == 7:
                rec["satisfaction"] = 4
        out.append(rec)
    return out


def _written(path) -> tuple[list, list]:
    with open_store(path, read_only=True) as s:
        cases = s.rows("SELECT code, status, description, reported_at, closed_at, deadline_at, "
                       "satisfaction FROM cases WHERE code LIKE 'W-%' ORDER BY code")
        steps = s.rows("SELECT c.code, t.seq, t.action, t.from_status, t.to_status, "
                       "t.occurred_at, t.actor_role, t.note FROM case_transitions t JOIN cases c "
                       "ON c.id = t.case_id WHERE c.code LIKE 'W-%' ORDER BY c.code, t.seq")
    return cases, steps


def _import(path, data) -> tuple[int, int]:
    with open_store(path) as s:
        res = import_cases(s, get_user(s, "operator"), data, at=NOW)
    return res.cases, res.transitions


def test_slices_write_what_one_insert_writes(small_db_path, tmp_path, monkeypatch):
    import shutil

    data = tmp_path / "w.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _cases(40)),
                    encoding="utf-8")
    whole, sliced = tmp_path / "whole.duckdb", tmp_path / "sliced.duckdb"
    shutil.copy(small_db_path, whole)
    shutil.copy(small_db_path, sliced)
    recs = _cases(40)
    steps = sum(1 + ("voided_at" in r) + sum(c in r for c in STEPS) for r in recs)
    assert _import(whole, data) == (40, steps)
    monkeypatch.setattr(import_write, "SLICE", 3)  # cases and every step in many inserts
    assert _import(sliced, data) == (40, steps)
    assert _written(sliced) == _written(whole)
    cases, steps = _written(sliced)
    assert [c[2] for c in cases[:2]] == ["第 0 件", "第 1 件"]
    voided = [s for s in steps if s[2] == "void"]
    assert len(voided) == 8 and all(s[3] == "accepted" and s[4] == "voided" for s in voided)


def test_repeated_codes_are_refused_at_each_repeat(db_copy, tmp_path):
    recs = _cases(6)
    for i, code in enumerate(["A", "B", "A", "C", "B", "A"]):
        recs[i]["id"] = code
    data = tmp_path / "twice.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    with open_store(db_copy) as s, pytest.raises(CaseImportError) as exc:
        import_cases(s, get_user(s, "operator"), data, at=NOW)
    assert exc.value.problems == [(3, "案件 A 重复出现（第一次在第 1 行）"),
                                  (5, "案件 B 重复出现（第一次在第 2 行）"),
                                  (6, "案件 A 重复出现（第一次在第 1 行）")]


def _settings(s) -> list:
    return [s.scalar(f"SELECT current_setting('{k}')::VARCHAR") for k in import_write._LEAN_WRITES]


def test_duckdb_settings_are_restored_after_writing_and_after_a_refusal(db_copy, tmp_path,
                                                                         monkeypatch):
    data = tmp_path / "w.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in _cases(3)), encoding="utf-8")
    with open_store(db_copy) as s:
        before = _settings(s)
        import_cases(s, get_user(s, "operator"), data, at=NOW)
        assert _settings(s) == before
        # the codes taken meanwhile: refused inside the write, the settings restored too
        monkeypatch.setattr("app.appraisal.import_records.codes_taken",
                            lambda store, codes: np.zeros(0, np.int64))
        with pytest.raises(CaseImportError, match="刚被其他操作写入区库"):
            import_cases(s, get_user(s, "operator"), data, at=NOW)
        assert _settings(s) == before


def test_text_column_keeps_any_text():
    col = TextColumn()
    assert col.arrow().to_pylist() == []
    texts = ["", "H-1", "第一行\r\n第二行", "é" * 3000, ""]
    for t in texts:
        col.append(t)
    assert col.arrow().to_pylist() == texts


@pytest.fixture
def db_copy(small_db_copy):
    return small_db_copy


def test_killed_after_the_commit_the_import_is_all_there(small_db_copy, tmp_path):
    """The commit's checkpoint is left to the close: a process killed before closing
    leaves the import in the WAL, replayed whole on the next open (marks agreeing)."""
    import signal
    import subprocess
    import sys

    data = tmp_path / "w.jsonl"
    recs = _cases(30)
    data.write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    code = ("import os, signal, sys; from pathlib import Path; from datetime import datetime\n"
            "from app.appraisal.case_import import import_cases\n"
            "from app.auth.accounts import get_user\nfrom app.store import open_store\n"
            "s = open_store(sys.argv[1])\n"
            "import_cases(s, get_user(s, 'operator'), Path(sys.argv[2]), "
            "at=datetime(2026, 11, 20, 10, 30))\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    r = subprocess.run([sys.executable, "-c", code, str(small_db_copy), str(data)],
                       capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, r.stderr
    with open_store(small_db_copy) as s:
        assert s.torn_marks() == []
        assert s.scalar("SELECT count(*) FROM cases WHERE code LIKE 'W-%'") == 30
        assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'case.import'") == 1
