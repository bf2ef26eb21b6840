"""``cases import``: a good file lands with workflow-consistent steps the indicators see;
every kind of bad record is reported with its line number, and nothing is written."""

from __future__ import annotations

import json

import pytest

from app.appraisal import compute_indicators, parse_period
from app.appraisal.case_import import CaseImportError, import_cases
from app.auth.accounts import User, get_user
from app.auth.permissions import Role, Scope
from app.cli import main
from app.store import open_store

GRID_CODE = "12010600100101"
HEADER = ("id,category,source,grid,street,community,lon,lat,department,reported_at,"
          "registered_at,dispatched_at,handled_at,fed_back_at,verified_at,closed_at,"
          "evaluated_at,satisfaction,deadline_at\n")
GOOD = [
    # closed on time, placed by grid code
    "H-001,0602,hotline,12010600100101,,,,,CG,2025-03-03 09:00,2025-03-03 09:10,"
    "2025-03-03 09:20,2025-03-04 10:00,2025-03-04 10:30,2025-03-04 14:00,2025-03-04 15:00,"
    "2025-03-05 09:00,5,2025-03-05 12:00",
    # closed late, placed by coordinates (filled in below), deadline computed from the limit
    "H-002,0602,public,,{street},,{lon},{lat},,2025-03-10 09:00,2025-03-10 09:10,"
    "2025-03-10 09:20,2025-03-20 10:00,2025-03-20 10:30,2025-03-20 14:00,2025-03-20 15:00,,,",
    # accepted only
    "H-003,0101,app,12010600100101,,,,,,2025-03-12 09:00,,,,,,,,,",
]


@pytest.fixture
def db(district_db):
    store = open_store(district_db)
    yield store
    store.close()


def _good_csv(db, tmp_path):
    lon, lat, street = db.rows(
        "SELECT g.label_lon, g.label_lat, s.code FROM grid_units g JOIN grid_units c ON "
        "c.id = g.parent_id JOIN grid_units s ON s.id = c.parent_id WHERE g.code = ?",
        [GRID_CODE])[0]
    path = tmp_path / "good.csv"
    path.write_text(HEADER + "\n".join(GOOD).format(lon=lon, lat=lat, street=street) + "\n",
                    encoding="utf-8")
    return path


def test_good_file_is_imported_with_workflow_steps(db, tmp_path):
    before = compute_indicators(db, parse_period("2025-03"), "overall").rows[0].counts
    op = get_user(db, "operator")
    res = import_cases(db, op, _good_csv(db, tmp_path), at=parse_period("2026-11").start)
    assert (res.cases, res.transitions) == (3, 8 + 7 + 1)
    rows = dict(db.rows("SELECT code, status FROM cases WHERE code LIKE 'H-%'"))
    assert rows == {"H-001": "evaluated", "H-002": "closed", "H-003": "accepted"}
    steps = db.rows("SELECT action, from_status, to_status FROM case_transitions t JOIN cases c "
                    "ON c.id = t.case_id WHERE c.code = 'H-002' ORDER BY seq")
    assert [s[0] for s in steps] == ["accept", "register", "dispatch", "handle", "feed_back",
                                     "verify", "close"]
    assert all(a[2] == b[1] for a, b in zip(steps, steps[1:], strict=False))  # a chain
    # H-002 found its grid by point-in-polygon; its deadline is 24 working hours after the
    # dispatch (Mon 09:20 + 8h10 + 9h + 6h50 = Wed 15:20)
    grid, deadline = db.rows("SELECT g.code, c.deadline_at FROM cases c JOIN grid_units g ON "
                             "g.id = c.grid_id WHERE c.code = 'H-002'")[0]
    assert grid == GRID_CODE and str(deadline) == "2025-03-12 15:20:00"
    after = compute_indicators(db, parse_period("2025-03"), "overall").rows[0].counts
    assert after["received"] - before["received"] == 3
    assert after["closed"] - before["closed"] == 2
    assert after["closed_on_time"] - before["closed_on_time"] == 1
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'case.import'") == 1


BAD = {
    "这个案件类别": "B-1,9999,public,12010600100101,,,,,,2025-03-03 09:00,,,,,,,,,",
    "这种案源": "B-2,0602,pigeon,12010600100101,,,,,,2025-03-03 09:00,,,,,,,,,",
    "不是 ISO 日期时间": "B-3,0602,public,12010600100101,,,,,,03/03/2025 9am,,,,,,,,,",
    "早于 registered_at": "B-4,0602,public,12010600100101,,,,,,2025-03-03 09:00,"
                            "2025-03-03 10:00,2025-03-03 09:30,,,,,,,",
    "缺少更早的一步 dispatched_at": "B-5,0602,public,12010600100101,,,,,,"
                                             "2025-03-03 09:00,2025-03-03 09:10,,"
                                             "2025-03-04 10:00,,,,,,",
    "不在本区任何网格内": "B-6,0602,public,,,,100.0,30.0,,2025-03-03 09:00,,,,,,,,,",
    "的基础网格": "B-7,0602,public,12010699999999,,,,,,2025-03-03 09:00,,,,,,,,,",
    "没有位置": "B-8,0602,public,,120106001,,,,,2025-03-03 09:00,,,,,,,,,",
    "没有部门代码": "B-9,0602,public,12010600100101,,,,,XX,2025-03-03 09:00,,,,,,,,,",
    "重复出现": "H-001,0602,public,12010600100101,,,,,,2025-03-03 09:00,,,,,,,,,",
    "satisfaction": "B-11,0602,public,12010600100101,,,,,,2025-03-03 09:00,,,,,,,,7,",
    "不含网格": "B-12,0602,public,12010600100101,120106002,,,,,"
                             "2025-03-03 09:00,,,,,,,,,",
    "缺少 reported_at": "B-13,0602,public,12010600100101,,,,,,,,,,,,,,,",
}


def test_every_bad_record_is_reported_with_its_line_and_nothing_is_written(db, tmp_path):
    lines = [GOOD[0]] + list(BAD.values())
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    cases_before = db.scalar("SELECT count(*) FROM cases")
    steps_before = db.scalar("SELECT count(*) FROM case_transitions")
    with pytest.raises(CaseImportError) as exc:
        import_cases(db, get_user(db, "operator"), path, at=parse_period("2026-11").start)
    problems = dict(exc.value.problems)
    assert len(problems) == len(BAD)
    for n, reason in enumerate(BAD, start=3):  # header is line 1, the good row line 2
        assert reason in problems[n], (n, problems[n])
    assert db.scalar("SELECT count(*) FROM cases") == cases_before
    assert db.scalar("SELECT count(*) FROM case_transitions") == steps_before


def test_json_records_and_the_command(db, district_db, tmp_path, capsys, monkeypatch):
    db.close()
    recs = [{"id": "J-1", "category": "0602", "source": "app", "grid": GRID_CODE,
             "reported_at": "2025-04-01T09:00", "registered_at": "2025-04-01T09:05"},
            {"id": "J-2", "category": "0602", "source": "app", "grid": GRID_CODE,
             "reported_at": "2025-04-01T09:00", "closed_at": "2025-04-01T10:00"}]
    path = tmp_path / "h.json"
    path.write_text(json.dumps(recs, ensure_ascii=False, indent=1), encoding="utf-8")
    monkeypatch.setenv("GRIDCC_PASSWORD", "Operator#2026")
    args = ["cases", "import", str(path), "--db", district_db, "--user", "operator",
            "--now", "2026-11-20T10:00"]
    assert main(args) == 1
    err = capsys.readouterr().err
    line_of_j2 = json.dumps(recs, ensure_ascii=False, indent=1).splitlines().index(" {", 2) + 1
    assert f"h.json:{line_of_j2}: 有 closed_at 却缺少更早的一步 registered_at" in err
    assert "h.json：1 条记录有误，未导入任何案件" in err
    recs[1] = dict(recs[1], closed_at=None)
    path.write_text(json.dumps(recs), encoding="utf-8")
    assert main(args) == 0
    assert "导入 2 件案件（3 个步骤）" in capsys.readouterr().out
    with open_store(district_db, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM cases WHERE code LIKE 'J-%'") == 2


def test_a_street_operator_cannot_import_elsewhere(db, tmp_path):
    """Street 3's operator may not import cases located in street 2 (said once, by name)."""
    other = User(999, "op03", "街道值班员", Role.OPERATOR, Scope("street", 3))
    with pytest.raises(CaseImportError, match=r"只能为本街道（.+街道）受理案件，该处属于.+街道"
                                              r"（共 3 条记录"):
        import_cases(db, other, _good_csv(db, tmp_path), at=parse_period("2026-11").start)
    assert db.scalar("SELECT count(*) FROM cases WHERE code LIKE 'H-%'") == 0
