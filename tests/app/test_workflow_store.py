"""The store-backed workflow keeps exactly the machines' state: random step sequences
applied through app.workflow.whistles/cases and reloaded from the database equal the
same steps applied to the pure machines; refused steps leave the database unchanged."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.accounts import get_user
from app.store import open_store
from app.workflow import case_machine as cm
from app.workflow import cases, whistles
from app.workflow import whistle_machine as wm
from app.workflow.places import WorkflowError

T0 = datetime(2026, 11, 20, 10, 30)
REFUSED = (wm.IllegalWhistleStep, cm.IllegalTransition, PermissionError, WorkflowError)


@pytest.fixture(scope="module")
def db(small_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("wfstore") / "d.duckdb"
    shutil.copy(small_db_path, path)
    store = open_store(path)
    yield store
    store.close()


def _users(store):
    return {n: get_user(store, n) for n in ("sec01", "dept_cg", "dept_hw", "supervisor",
                                            "dispatcher", "dept_zf", "grid01", "operator")}


def _whistle_calls(db, u, wid, dept, handler, now):
    """(store call, machine call) of every whistle step, bound to this moment."""
    return {
        "report_in": (lambda: whistles.report_in(db, handler, wid, at=now, by="张三"),
                      lambda w: wm.report_in(w, dept, now, "张三")),
        "feed_back": (lambda: whistles.feed_back(db, handler, wid, at=now, note="好"),
                      lambda w: wm.feed_back(w, dept, now)),
        "verify": (lambda: whistles.verify(db, u["sec01"], wid, at=now, department_id=dept),
                   lambda w: wm.verify(w, dept, now, True)),
        "reject": (lambda: whistles.verify(db, u["sec01"], wid, at=now, department_id=dept,
                                           passed=False),
                   lambda w: wm.verify(w, dept, now, False)),
        "rate": (lambda: whistles.rate(db, u["sec01"], wid, at=now, department_id=dept,
                                       rating=4),
                 lambda w: wm.rate(w, dept, now, 4)),
        "supervise": (lambda: whistles.supervise(db, u["supervisor"], wid, at=now),
                      lambda w: wm.supervise(w, now)),
        "accountability": (lambda: whistles.accountability(db, u["supervisor"], wid, at=now),
                           lambda w: wm.flag_accountability(w, now)),
    }


_whistle_steps = st.lists(st.tuples(
    st.sampled_from(["report_in", "feed_back", "verify", "reject", "rate", "supervise",
                     "accountability"]),
    st.sampled_from(["CG", "HW"]), st.integers(0, 36 * 60)), max_size=14)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_whistle_steps)
def test_whistle_round_trip(db, steps):
    u = _users(db)
    ids = dict(db.rows("SELECT code, id FROM departments"))
    grid = db.scalar("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                     "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.id LIMIT 1")
    wid = whistles.blow(db, u["sec01"], grid_id=grid, department_ids=[ids["CG"], ids["HW"]],
                        title="测试", description="", lon=117.15, lat=39.17, at=T0,
                        report_hours=2, finish_hours=27)
    _, model = whistles.load_whistle(db, wid)
    now = T0
    for action, code, minutes in steps:
        now += timedelta(minutes=minutes)
        dept = ids[code]
        handler = u["dept_cg"] if code == "CG" else u["dept_hw"]
        store_call, machine_call = _whistle_calls(db, u, wid, dept, handler, now)[action]
        try:
            expected = machine_call(model)
        except wm.IllegalWhistleStep:
            before = db.scalar("SELECT count(*) FROM whistle_events WHERE whistle_id = ?", [wid])
            with pytest.raises(REFUSED):
                store_call()
            assert db.scalar("SELECT count(*) FROM whistle_events WHERE whistle_id = ?",
                             [wid]) == before
            continue
        store_call()
        _, loaded = whistles.load_whistle(db, wid)
        assert [(t.department_id, t.state, t.reported_at, t.fed_back_at, t.verified_at,
                 t.rating) for t in loaded.tasks] == \
            [(t.department_id, t.state, t.reported_at, t.fed_back_at, t.verified_at, t.rating)
             for t in expected.tasks]
        assert (loaded.supervised, loaded.accountability, loaded.closed_at) == \
            (expected.supervised, expected.accountability, expected.closed_at)
        model = expected


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(cm.ACTIONS), st.integers(0, 36 * 60)),
                      max_size=14))
def test_case_round_trip(db, steps):
    u = _users(db)
    grid = db.scalar("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                     "WHERE c.id = ? ORDER BY g.id LIMIT 1", [u["grid01"].scope.id])
    rec = cases.new_case(db, u["operator"], category_code="0301", source="patrol",
                         description="测试", grid_id=grid, lon=117.15, lat=39.17, at=T0)
    model = rec.state
    zf = u["dept_zf"].scope.id
    now = T0
    for action, minutes in steps:
        now += timedelta(minutes=minutes)
        who = {"register": "operator", "close": "operator", "evaluate": "operator",
               "dispatch": "dispatcher", "void": "dispatcher", "park": "dispatcher",
               "verify": "grid01", "rework": "grid01"}.get(action, "dept_zf")
        kw = dict(reason="原因", extra_hours=4.0, satisfaction=5,
                  department_id=zf if action == "dispatch" else None)
        try:
            expected, _ = cm.apply(model, action, now, approver="dispatcher", **kw)
        except cm.IllegalTransition:
            with pytest.raises(REFUSED):
                cases.advance(db, u[who], rec.id, action, at=now, approver="dispatcher",
                              approver_password="Dispatch#2026", **kw)
            assert cases.load_case(db, rec.id).state.status == model.status
            continue
        got = cases.advance(db, u[who], rec.id, action, at=now, approver="dispatcher",
                            approver_password="Dispatch#2026", **kw).state
        assert (got.status, got.deadline_at, got.remaining_s, got.rework_count,
                got.department_id) == (expected.status, expected.deadline_at,
                                       expected.remaining_s, expected.rework_count,
                                       expected.department_id)
        model = expected
