"""Every domain command, as a separate process, with ``--db postgresql://…`` (the small
district on a throwaway server): info, check, score in all its outputs, case, whistle,
audit, users list and cases import.  The same commands on a DuckDB file are tested in
test_cli, test_workflow_cli, test_appraisal_cli, test_audit and test_cases_import."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from app.auth.permissions import Role
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]
NOW = TEST_NOW.isoformat(timespec="minutes")


def _run(db: str, *args: str, user: str | None = None, ok: bool = True):
    env = {**os.environ, "GRIDCC_NOW": TEST_NOW.isoformat()}
    if user:
        role = {"operator": Role.OPERATOR, "sec01": Role.STREET_SECRETARY,
                "dept_cg": Role.DEPARTMENT_HANDLER, "admin": Role.ADMINISTRATOR,
                "auditor": Role.AUDITOR}[user]
        env["GRIDCC_PASSWORD"] = DEMO_PASSWORDS[role]
        args = (*args, "--user", user)
    r = subprocess.run([sys.executable, "-m", "app", *args, "--db", db], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=300)
    assert (r.returncode == 0) == ok, r.stderr
    assert "Traceback" not in r.stderr
    return r


def test_info_and_check_on_the_server(pg_small_url, small_db_path):
    info = json.loads(_run(pg_small_url, "info", "--json").stdout)
    local = json.loads(_run(str(small_db_path), "info", "--json").stdout)
    assert info["database"].startswith("postgresql://") and "***" in info["database"]
    info.pop("database"), local.pop("database")
    assert info == local
    assert "街道" in _run(pg_small_url, "info").stdout
    out = _run(pg_small_url, "check").stdout
    assert "all checks passed" in out and "FAIL" not in out


def test_score_in_every_output_on_the_server(pg_small_url, tmp_path):
    table = _run(pg_small_url, "score", "--period", "2026-10").stdout
    assert table.startswith("绩效考核 部门 · 2026-10") and "结案率" in table
    data = json.loads(_run(pg_small_url, "score", "--period", "2026-10", "--subject",
                           "street", "--json").stdout)
    assert data["period"] == "2026-10" and len(data["rows"]) == 2
    c, x, p = tmp_path / "s.csv", tmp_path / "s.xlsx", tmp_path / "s.pdf"
    _run(pg_small_url, "score", "--period", "2026-10", "--csv", str(c))
    _run(pg_small_url, "score", "--period", "2026-10", "--xlsx", str(x))
    _run(pg_small_url, "score", "--period", "2026-10", "--pdf", str(p))
    with c.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["排名", "编码", "名称"] and len(rows) > 5
    ws = load_workbook(x).worksheets[0]
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == [r[1] for r in rows[1:]]
    assert p.read_bytes().startswith(b"%PDF")


def test_case_and_whistle_loops_on_the_server(pg_small_url):
    case = json.loads(_run(pg_small_url, "case", "new", "--category", "0602", "--grid",
                           _grid(pg_small_url), "--text", "路灯不亮", "--source",
                           "patrol", "--json", "--now", NOW, user="operator").stdout)
    _run(pg_small_url, "case", "advance", str(case["id"]), "register", "--json", "--now", NOW,
         user="operator")
    shown = json.loads(_run(pg_small_url, "case", "show", str(case["id"]), "--json",
                            user="operator").stdout)
    assert [s["action"] for s in shown["steps"]] == ["accept", "register"]
    assert len(json.loads(_run(pg_small_url, "case", "list", "--limit", "5", "--json",
                               user="operator").stdout)) == 5
    blown = json.loads(_run(pg_small_url, "whistle", "blow", "--grid", _grid(pg_small_url),
                            "--dept", "CG,HW", "--title", "垃圾堆积", "--json", "--now", NOW,
                            user="sec01").stdout)
    _run(pg_small_url, "whistle", "report-in", str(blown["id"]), "--by", "张三", "--json",
         "--now", NOW, user="dept_cg")
    w = json.loads(_run(pg_small_url, "whistle", "show", str(blown["id"]), "--json",
                        user="sec01").stdout)
    assert [e["action"] for e in w["timeline"]] == ["blow", "report_in"]
    assert any(x["id"] == blown["id"] for x in json.loads(
        _run(pg_small_url, "whistle", "list", "--json", user="dept_cg").stdout))


def test_audit_users_and_cases_import_on_the_server(pg_small_url, tmp_path):
    assert "条记录" in _run(pg_small_url, "audit", "verify").stdout
    shown = json.loads(_run(pg_small_url, "audit", "show", "--limit", "3", "--json",
                            user="auditor").stdout)
    assert len(shown) == 3
    users = json.loads(_run(pg_small_url, "users", "list", "--json", user="admin").stdout)
    assert {"admin", "sec01", "operator"} <= {u["username"] for u in users}
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{"id": "S-1", "category": "0602", "source": "app",
                                 "grid": _grid(pg_small_url), "reported_at": "2025-04-01T09:00",
                                 "registered_at": "2025-04-01T09:05"}]), encoding="utf-8")
    out = _run(pg_small_url, "cases", "import", str(path), "--now", NOW, user="operator").stdout
    assert "导入 1 件案件" in out
    with open_store(pg_small_url, read_only=True) as s:
        assert s.scalar("SELECT status FROM cases WHERE code = 'S-1'") == "registered"
    assert "条记录" in _run(pg_small_url, "audit", "verify").stdout


def _grid(db: str) -> str:
    with open_store(db, read_only=True) as s:
        return s.scalar("SELECT g.code FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.code LIMIT 1")


def test_district_settings_and_cameras_on_the_server(pg_small_url, small_db_path):
    _run(pg_small_url, "district", "set", "--time-zone", "Asia/Urumqi")
    shown = json.loads(_run(pg_small_url, "district", "show", "--json").stdout)
    assert shown["time_zone"] == "Asia/Urumqi"
    with open_store(small_db_path, read_only=True) as s:
        lon, lat = s.rows("SELECT lon, lat FROM cameras ORDER BY code LIMIT 1")[0]
    near = [_run(db, "cameras", "nearest", str(lon), str(lat), "--json").stdout
            for db in (pg_small_url, str(small_db_path))]
    assert near[0] == near[1] and json.loads(near[0])
