"""``cases import`` reads what a case can hold exactly: offsets converted, any file
name, the write lock only for the final transaction, every problem counted."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import app.appraisal.case_import as case_import
from app.appraisal.case_import import CaseImportError, import_cases
from app.auth.accounts import get_user
from app.cli import main
from app.store import open_store
from tests.conftest import TEST_NOW

GRID = "12010600100101"


def _rec(code: str, **kw) -> dict:
    return {"id": code, "category": "0602", "source": "app", "grid": GRID,
            "reported_at": "2025-03-03T09:00", **kw}


@pytest.fixture
def db(small_db_copy):
    store = open_store(small_db_copy)
    yield store
    store.close()


def test_times_with_offsets_are_converted_to_the_district_zone(db, tmp_path):
    path = tmp_path / "z.json"
    path.write_text(json.dumps([
        _rec("Z-UTC", reported_at="2025-03-03T01:00:00+00:00"),
        _rec("Z-ZULU", reported_at="2025-03-03T01:00Z"),
        _rec("Z-LOCAL", reported_at="2025-03-03T09:00"),
        _rec("Z-NY", reported_at="2025-03-02T20:00-05:00"),
    ]), encoding="utf-8")
    import_cases(db, get_user(db, "operator"), path, at=TEST_NOW)
    times = {c: str(t) for c, t in db.rows("SELECT code, reported_at FROM cases "
                                           "WHERE code LIKE 'Z-%'")}
    assert set(times.values()) == {"2025-03-03 09:00:00"}, times


def test_what_a_file_may_legitimately_hold_is_read(db, tmp_path):
    """A BOM and CRLF in CSV, a description over lines, JSON numbers for a grid code
    and coordinates: all read, as written."""
    lon, lat = db.rows("SELECT label_lon, label_lat FROM grid_units WHERE code = ?", [GRID])[0]
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + (
        "id,category,source,grid,reported_at,description\r\n"
        f'C-1,0602,app,{GRID},2025-03-03 09:00,"第一行\r\n第二行"\r\n').encode())
    json_path = tmp_path / "numbers.jsonl"
    json_path.write_text(json.dumps({"id": 4711, "category": "0602", "source": "app",
                                     "grid": int(GRID), "reported_at": "2025-03-03T09:00"}) + "\n"
                         + json.dumps(_rec("C-3", grid=None, lon=lon, lat=lat)) + "\n",
                         encoding="utf-8")
    op = get_user(db, "operator")
    assert import_cases(db, op, csv_path, at=TEST_NOW).cases == 1
    assert import_cases(db, op, json_path, at=TEST_NOW).cases == 2
    assert db.scalar("SELECT description FROM cases WHERE code = 'C-1'") == "第一行\r\n第二行"
    grids = dict(db.rows("SELECT c.code, g.code FROM cases c JOIN grid_units g "
                         "ON g.id = c.grid_id WHERE c.code IN ('4711', 'C-3')"))
    assert grids == {"4711": GRID, "C-3": GRID}


def test_a_file_name_that_is_not_utf8_is_imported_and_named(small_db_copy, tmp_path, capsys,
                                                          monkeypatch):
    path = Path(os.fsdecode(bytes(tmp_path) + b"/\xb2\xe2\xca\xd4-\x1b[2J.json"))  # GBK 测试
    path.write_text(json.dumps([_rec("N-1")]), encoding="utf-8")
    monkeypatch.setenv("GRIDCC_PASSWORD", "Operator#2026")
    args = ["cases", "import", os.fsdecode(path), "--db", str(small_db_copy),
            "--user", "operator", "--now", TEST_NOW.isoformat()]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "\\xb2\\xe2\\xca\\xd4-\\u001b[2J.json" in out and "\x1b" not in out
    with open_store(small_db_copy, read_only=True) as s:
        after = json.loads(s.scalar("SELECT after FROM audit_log WHERE action = 'case.import'"))
    assert after["file"].endswith("\\xb2\\xe2\\xca\\xd4-\\u001b[2J.json")


def test_a_refused_file_is_said_at_its_lines_with_every_bad_record_counted(db, tmp_path,
                                                                          capsys, monkeypatch):
    recs = [_rec(f"P-{i}", category="9999" if i % 2 else "0602") for i in range(3000)]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    with pytest.raises(CaseImportError) as exc:
        import_cases(db, get_user(db, "operator"), path, at=TEST_NOW)
    assert exc.value.records == 1500
    assert len(exc.value.problems) == 1000 and exc.value.unlisted == 500
    assert [line for line, _ in exc.value.problems[:3]] == [2, 4, 6]
    db.close()
    monkeypatch.setenv("GRIDCC_PASSWORD", "Operator#2026")
    assert main(["cases", "import", str(path), "--db", str(db.path), "--user", "operator",
                 "--now", TEST_NOW.isoformat()]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 202  # 200 problems, how many more, the summary
    assert err[0] == f"{path}:2: 没有“9999”这个案件类别"
    assert err[200] == "……另有 1300 处问题未列出"
    assert err[201].endswith(f"{path}：1500 条记录有误，未导入任何案件")


def test_reading_and_checking_hold_no_write_lock(db, small_db_copy, tmp_path, monkeypatch):
    """While the file is read another writer commits (it would wait for a held lock);
    the case it wrote then clashes with the file's: refused as already there."""
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(_rec(f"L-{i}")) + "\n" for i in range(50)),
                    encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps([_rec("L-40")]), encoding="utf-8")
    op = get_user(db, "operator")
    read = case_import.read_records
    written = []

    def reading_while_another_writes(*args):
        for n, item in enumerate(read(*args)):
            if n == 10:
                writer = threading.Thread(target=lambda: written.append(
                    import_cases(db.cursor(), op, other, at=TEST_NOW).cases))
                writer.start()
                writer.join()
            yield item

    monkeypatch.setattr(case_import, "read_records", reading_while_another_writes)
    with pytest.raises(CaseImportError) as exc:
        import_cases(db, op, path, at=TEST_NOW)
    assert written == [1]
    assert exc.value.problems == [(41, "案件 L-40 在区库中已存在")]


def test_a_code_taken_after_the_check_is_refused_in_the_write(db, tmp_path, monkeypatch):
    path = tmp_path / "race.json"
    path.write_text(json.dumps([_rec("R-1"), _rec("R-2")]), encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps([_rec("R-2")]), encoding="utf-8")
    op = get_user(db, "operator")
    finish = case_import.CaseChecker.finish
    others = [other]

    def finish_then_another_writes(checker):
        finish(checker)
        if others:  # once: the other import finishes its check here too
            import_cases(db, op, others.pop(), at=TEST_NOW)

    monkeypatch.setattr(case_import.CaseChecker, "finish", finish_then_another_writes)
    with pytest.raises(CaseImportError) as exc:
        import_cases(db, op, path, at=TEST_NOW)
    assert exc.value.problems == [(1, "案件 R-2 刚被其他操作写入区库")]
    assert db.scalar("SELECT count(*) FROM cases WHERE code LIKE 'R-%'") == 1
