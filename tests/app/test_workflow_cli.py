"""End-to-end from the command line: the whistle loop of the issue's 'done when', the
case loop with an approval, forbidden actions as one-line errors, audit afterwards."""

from __future__ import annotations

import json

import pytest

from app.auth.permissions import Role
from app.cli import main
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store

PASSWORDS = {"sec01": DEMO_PASSWORDS[Role.STREET_SECRETARY],
             "sec02": DEMO_PASSWORDS[Role.STREET_SECRETARY],
             "dept_cg": DEMO_PASSWORDS[Role.DEPARTMENT_HANDLER],
             "dept_hw": DEMO_PASSWORDS[Role.DEPARTMENT_HANDLER],
             "supervisor": DEMO_PASSWORDS[Role.SUPERVISION_OFFICE],
             "leader": DEMO_PASSWORDS[Role.DISTRICT_LEADER],
             "operator": DEMO_PASSWORDS[Role.OPERATOR],
             "dispatcher": DEMO_PASSWORDS[Role.DISPATCHER],
             "grid01": DEMO_PASSWORDS[Role.GRID_WORKER],
             "admin": DEMO_PASSWORDS[Role.ADMINISTRATOR]}


@pytest.fixture
def run(district_db, monkeypatch, capsys):
    """The command line on a writable small district, on each backend."""
    return _runner(district_db, monkeypatch, capsys)


@pytest.fixture
def duck_run(small_db_copy, monkeypatch, capsys):
    """The same on a DuckDB file only (accounts on a server are login roles: elsewhere)."""
    return _runner(str(small_db_copy), monkeypatch, capsys)


def _runner(db, monkeypatch, capsys):
    def run(user, now, *argv, ok=True):
        monkeypatch.setenv("GRIDCC_PASSWORD", PASSWORDS.get(user, "x"))
        code = main([*argv, "--db", db, "--now", now, "--json"]
                    + (["--user", user] if user else []))
        out = capsys.readouterr()
        assert (code == 0) == ok, out.err
        if not ok:
            assert "Traceback" not in out.err and out.err.count("\n") == 1
            return out.err
        return json.loads(out.out)
    run.db = db
    run.env = monkeypatch.setenv
    return run


def _first_grid(db):
    with open_store(db, read_only=True) as s:
        return s.scalar("SELECT g.code FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.code LIMIT 1")


def test_whistle_loop_from_blow_to_second_whistle(run):
    grid = _first_grid(run.db)
    err = run("sec02", "2026-11-20T10:30", "whistle", "blow", "--grid", grid, "--dept", "CG,HW",
              "--title", "垃圾堆积", ok=False)
    # by the streets' names, in Chinese (no ids, no role codes)
    with open_store(run.db, read_only=True) as s:
        mine, theirs = (s.scalar("SELECT name FROM grid_units WHERE code = ?", [c])
                        for c in (s.scalar("SELECT g.code FROM grid_units g JOIN users u "
                                           "ON u.scope_id = g.id WHERE u.username = 'sec02'"),
                                  grid[:9]))
    assert f"只能为本街道（{mine}）吹哨，该处属于{theirs}" in err
    w = run("sec01", "2026-11-20T10:30", "whistle", "blow", "--grid", grid, "--dept", "CG,HW",
            "--title", "闲置空地垃圾堆积", "--preset", "urgent")
    wid = str(w["id"])
    assert w["report_deadline"].startswith("2026-11-20 12:30")
    assert run("dept_cg", "2026-11-20T11:00", "whistle", "report-in", wid)["departments"][0][
        "state"] == "reported"
    assert "不在其中" in run("leader", "2026-11-20T11:00", "whistle",
                                                "report-in", wid, ok=False)
    run("dept_cg", "2026-11-20T15:00", "whistle", "feedback", wid, "--text", "已清运")
    run("sec01", "2026-11-20T16:00", "whistle", "verify", wid, "--dept", "CG")
    w = run("sec01", "2026-11-20T16:10", "whistle", "rate", wid, "--dept", "CG", "--rating", "4",
            "--comment", "及时")
    assert w["departments"][0]["rating"] == 4 and w["status"] == "reported"
    # HW never reports in: on Monday it is on the supervision list, 6.5 working hours late
    sup = run("supervisor", "2026-11-23T10:00", "whistle", "list", "--supervision")
    assert sup[0]["id"] == int(wid) and sup[0]["late_hours"] == 6.5
    assert run("sec02", "2026-11-23T10:00", "whistle", "list", "--supervision") == []
    assert "街道党工委书记无权督办" in run("sec01", "2026-11-23T10:00", "whistle", "supervise", wid,
                                      ok=False)
    assert run("supervisor", "2026-11-23T10:00", "whistle", "supervise", wid)["supervised"]
    assert "已在督办之列" in run(
        "supervisor", "2026-11-23T10:01", "whistle", "supervise", wid, ok=False)
    second = run("sec01", "2026-11-23T10:05", "whistle", "second", wid)
    assert second["round"] == 2 and "区领导" in {d["name"] for d in second["departments"]}
    assert "已经吹过二次哨" in run("sec01", "2026-11-23T10:06", "whistle", "second", wid, ok=False)
    run("leader", "2026-11-23T10:30", "whistle", "report-in", str(second["id"]))
    assert run("supervisor", "2026-11-23T11:00", "whistle", "accountability", wid)[
        "accountability"]
    shown = run("sec01", "2026-11-23T11:00", "whistle", "show", wid)
    assert [e["action"] for e in shown["timeline"]] == [
        "blow", "report_in", "feed_back", "verify", "rate", "supervise", "second",
        "accountability"]
    assert run(None, "2026-11-23T11:00", "audit", "verify")["ok"]


def test_case_loop_with_approval_and_refusals(run):
    grid = _first_grid(run.db)
    c = run("operator", "2026-11-20T09:00", "case", "new", "--category", "0101", "--grid", grid,
            "--text", "路口暴露垃圾")
    code = c["code"]
    run("operator", "2026-11-20T09:05", "case", "advance", code, "register")
    assert "指挥中心值班员无权派遣案件" in run("operator", "2026-11-20T09:06", "case", "advance", code,
                                     "dispatch", ok=False)
    d = run("dispatcher", "2026-11-20T09:10", "case", "advance", code, "dispatch")
    assert d["status"] == "dispatched" and d["deadline_at"].startswith("2026-11-20 13:10")
    assert "不能结案" in run("operator", "2026-11-20T09:11", "case", "advance", code, "close",
                                 ok=False)
    # the department asks for an extension: needs a reason and an approver
    assert "延期须填写原因" in run("dept_hw", "2026-11-20T10:10", "case", "advance", code,
                                   "extend", "--hours", "8", "--approver", "dispatcher", ok=False)
    assert "审批人 dispatcher 须输入本人密码确认" in run(
        "dept_hw", "2026-11-20T10:10", "case", "advance", code, "extend", "--hours", "8",
        "--reason", "需协调物业", "--approver", "dispatcher", ok=False)
    run.env("GRIDCC_APPROVER_PASSWORD", "wrong-password")
    assert "审批人 dispatcher：用户名或密码错误" in run(
        "dept_hw", "2026-11-20T10:10", "case", "advance", code, "extend", "--hours", "8",
        "--reason", "需协调物业", "--approver", "dispatcher", ok=False)
    run.env("GRIDCC_APPROVER_PASSWORD", PASSWORDS["dispatcher"])
    e = run("dept_hw", "2026-11-20T10:10", "case", "advance", code, "extend", "--hours", "8",
            "--reason", "需协调物业", "--approver", "dispatcher")
    assert e["status"] == "extended" and e["remaining_s"] == 11 * 3600
    r = run("dept_hw", "2026-11-23T09:00", "case", "advance", code, "resume")
    assert r["deadline_at"].startswith("2026-11-24 11:00")  # 11 working hours: 8.5 Mon + 2.5 Tue
    for who, action in (("dept_hw", "handle"), ("dept_hw", "feed_back")):
        run(who, "2026-11-23T10:00", "case", "advance", code, action)
    assert run("grid01", "2026-11-23T11:00", "case", "advance", code, "rework", "--reason",
               "未清理干净")["rework_count"] == 1
    shown = run("operator", "2026-11-23T11:00", "case", "show", code)
    assert [s["action"] for s in shown["steps"]] == [
        "accept", "register", "dispatch", "extend", "resume", "handle", "feed_back", "rework"]
    assert shown["steps"][3]["approver"] == "dispatcher"
    assert run(None, "2026-11-23T11:00", "audit", "verify")["ok"]


def test_users_add_lock_list(duck_run, monkeypatch):
    run = duck_run
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "Newcomer#2026")
    u = run("admin", "2026-11-20T09:00", "users", "add", "sec01b", "--role", "street_director",
            "--scope", "street:2")
    assert u["scope"] == "street 2"
    assert "指挥中心值班员无权管理账号" in run("operator", "2026-11-20T09:00", "users", "list",
                                            ok=False)
    assert run("admin", "2026-11-20T09:01", "users", "lock", "sec01b")["locked"]
    assert any(x["username"] == "sec01b" and x["locked"]
               for x in run("admin", "2026-11-20T09:02", "users", "list"))


def test_users_list_and_login_errors(run):
    users = run("admin", "2026-11-20T09:02", "users", "list")
    assert {"admin", "sec01", "dept_cg", "operator"} <= {x["username"] for x in users}
    assert "指挥中心值班员无权管理账号" in run("operator", "2026-11-20T09:00", "users", "list",
                                            ok=False)
    assert "用户名或密码错误" in run("nobody", "2026-11-20T09:03", "case", "list",
                                                 ok=False)
    assert "sign in with --user" in run(None, "2026-11-20T09:03", "case", "list", ok=False)


def test_json_lists_are_exports_in_the_audit_log(run):
    rows = run("operator", "2026-11-20T09:00", "case", "list", "--limit", "5")
    assert len(rows) == 5
    with open_store(run.db, read_only=True) as s:
        last = s.rows("SELECT username, action, entity, after FROM audit_log ORDER BY seq DESC "
                      "LIMIT 1")[0]
    assert last == ("operator", "export", "cases", '{"records":5}')


def test_demo_whistle_timeline_and_scoped_lists(run):
    with open_store(run.db, read_only=True) as s:  # a closed whistle of sec01's street
        first = s.scalar("SELECT min(w.id) FROM whistles w JOIN users u ON u.username = 'sec01' "
                         "AND u.scope_id = w.street_id WHERE w.status = 'closed'")
        other = s.scalar("SELECT min(w.id) FROM whistles w JOIN users u ON u.username = 'sec01' "
                         "AND u.scope_id <> w.street_id")
    # another street's whistle is not shown (the server's row-level security agrees)
    assert run("sec01", "2026-11-20T09:00", "whistle", "show", str(other), ok=False)
    shown = run("sec01", "2026-11-20T09:00", "whistle", "show", str(first))
    actions = [e["action"] for e in shown["timeline"]]
    assert actions[0] == "blow" and "close" in actions and shown["status"] == "closed"
    assert actions.count("report_in") == len(shown["departments"])
    times = [e["occurred_at"] for e in shown["timeline"]]
    assert times == sorted(times)
    # a department handler's queue holds only its own department's cases
    rows = run("dept_hw", "2026-11-20T09:00", "case", "list", "--limit", "20")
    with open_store(run.db, read_only=True) as s:
        hw = s.scalar("SELECT id FROM departments WHERE code = 'HW'")
    assert rows and {r["department_id"] for r in rows} == {hw}
    # a street head sees only the whistles of the street
    whistles = run("sec02", "2026-11-20T09:00", "whistle", "list", "--limit", "100")
    assert whistles and {w["street_id"] for w in whistles} == {3}
