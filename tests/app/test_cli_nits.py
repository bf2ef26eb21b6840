"""Command-line nits an operator met (issue 12): every command takes --db, reports into a
folder, a period in the future, a file that is not a district, refusals said once in
Chinese with street names."""

from __future__ import annotations

import json

import pytest

from app.appraisal.case_import import CaseImportError, import_cases
from app.auth.accounts import User
from app.auth.permissions import Role, Scope
from app.store import open_store
from tests.app.test_cli import run_cli
from tests.conftest import TEST_NOW

NOW = TEST_NOW.isoformat(timespec="minutes")


def test_demo_media_takes_db_like_every_command(small_db_path, tmp_path):
    r = run_cli("demo-media", "--help")
    assert "--db" in r.stdout
    r = run_cli("demo-media", "--db", str(small_db_path), "--dir", str(tmp_path / "x"),
                env={"PATH": "/nonexistent"})  # no ffmpeg here: refused for that, not --db
    assert "unrecognized arguments" not in r.stderr
    assert r.returncode == 1 and "ffmpeg" in r.stderr


def test_score_pdf_into_a_folder_writes_the_default_name(small_db_path, tmp_path):
    r = run_cli("score", "--db", str(small_db_path), "--period", "2026-10", "--pdf",
                str(tmp_path))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "score-2026-10-department.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in r.stdout and "Errno" not in r.stderr + r.stdout
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]  # no temporary file left


def test_score_csv_into_a_folder_too(small_db_path, tmp_path):
    r = run_cli("score", "--db", str(small_db_path), "--period", "2026Q3", "--subject", "street",
                "--csv", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "score-2026Q3-street.csv").read_text(encoding="utf-8-sig").count("\n") > 2


@pytest.mark.parametrize("period", ["2027-01", "2027Q2", "2030"])
def test_a_period_in_the_future_is_said_to_be(small_db_path, period):
    r = run_cli("score", "--db", str(small_db_path), "--period", period, "--json")
    assert r.returncode == 1 and r.stdout == ""
    assert f"统计期 {period} 尚未开始" in r.stderr and "2026-11-20" in r.stderr


def test_the_current_period_still_shows(small_db_path):
    r = run_cli("score", "--db", str(small_db_path), "--period", "2026-11", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["period"] == "2026-11"


@pytest.mark.parametrize("content", [b"id,name\n1,a\n", b"PK\x03\x04 a spreadsheet" * 50])
def test_a_file_that_is_not_a_district_is_named_as_such(tmp_path, content):
    path = tmp_path / "some.csv"
    path.write_bytes(content)
    for cmd in (["info"], ["check"], ["case", "list"]):
        r = run_cli(*cmd, "--db", str(path))
        assert r.returncode == 1
        assert f"{path} 不是 GridCC 区库文件" in r.stderr, r.stderr
        assert "in-memory" not in r.stderr and "Traceback" not in r.stderr
    assert path.read_bytes() == content  # untouched


def _cases_file(db_path, tmp_path, n: int) -> tuple:
    with open_store(db_path, read_only=True) as s:
        grid, street = s.rows(
            "SELECT g.code, st.name FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
            "JOIN grid_units st ON st.id = c.parent_id WHERE g.level = 4 ORDER BY g.code "
            "LIMIT 1")[0]
    recs = [{"id": f"R-{i}", "category": "0602", "source": "app", "grid": grid,
             "reported_at": "2025-04-01T09:00"} for i in range(n)]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(recs, indent=1), encoding="utf-8")
    return path, street


def test_a_role_refusal_in_cases_import_is_said_once(small_db_copy, tmp_path):
    path, _ = _cases_file(small_db_copy, tmp_path, 30)
    r = run_cli("cases", "import", str(path), "--db", str(small_db_copy), "--user", "sec01",
                "--now", NOW, env={"GRIDCC_PASSWORD": "Secretary#2026"})
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2, r.stderr  # the refusal once, then the summary
    assert "街道党工委书记无权受理案件（共 30 条记录" in lines[0]
    assert lines[1] == f"gridcc: error: {path}：30 条记录有误，未导入任何案件"
    with open_store(small_db_copy, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM cases WHERE code LIKE 'R-%'") == 0


def test_an_area_refusal_names_both_streets(small_db_copy, tmp_path):
    path, street = _cases_file(small_db_copy, tmp_path, 3)
    with open_store(small_db_copy) as db:
        other_id, other = db.rows("SELECT id, name FROM grid_units WHERE level = 2 AND name <> ? "
                                  "ORDER BY code LIMIT 1", [street])[0]
        op = User(999, "op_other", "街道值班员", Role.OPERATOR, Scope("street", int(other_id)))
        with pytest.raises(CaseImportError) as exc:
            import_cases(db, op, path, at=TEST_NOW)
    [(line, reason)] = exc.value.problems
    assert exc.value.records == 3
    assert reason.startswith(f"只能为本街道（{other}）受理案件，该处属于{street}")
    assert "street" not in reason and str(other_id) not in reason.split("（共")[0]


def test_survey_refusal_names_the_streets(small_db_copy):
    with open_store(small_db_copy, read_only=True) as s:
        (a, _a_name), (b, b_name) = s.rows("SELECT code, name FROM grid_units WHERE level = 2 "
                                           "ORDER BY code LIMIT 2")
    r = run_cli("score", "survey", "--db", str(small_db_copy), "--user", "sec01", "--period",
                "2026-11", "--street", b, "--ratings", "CG=90", "--now", NOW,
                env={"GRIDCC_PASSWORD": "Secretary#2026"})
    assert r.returncode == 1
    assert f"只能为本街道（{_a_name}）填报街道对部门的评价，该处属于{b_name}" in r.stderr, r.stderr
    r = run_cli("score", "survey", "--db", str(small_db_copy), "--user", "sec01", "--period",
                "2026-11", "--street", a, "--ratings", "XX=90", "--now", NOW,
                env={"GRIDCC_PASSWORD": "Secretary#2026"})
    assert r.returncode == 1 and "没有这个部门代码" in r.stderr
