"""The store-backed workflow keeps exactly the machines' state: random step sequences
applied through app.workflow.whistles/cases and reloaded from the database equal the
same steps applied to the pure machines; refused steps leave the database unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.accounts import get_user
from app.store import StoreConflict, StoreError, open_store
from app.workflow import case_machine as cm
from app.workflow import cases, whistles
from app.workflow import whistle_machine as wm
from app.workflow.places import WorkflowError
from tests.backends import BACKENDS, district_copy
from tests.threads import on_cursors

T0 = datetime(2026, 11, 20, 10, 30)
REFUSED = (wm.IllegalWhistleStep, cm.IllegalTransition, PermissionError, WorkflowError)


@pytest.fixture(scope="module", params=BACKENDS)
def db(request):
    store = open_store(district_copy(request, request.param))
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


def _grid(db, u):
    return db.scalar("SELECT g.id FROM grid_units g WHERE g.parent_id = ? AND g.level = 4 "
                     "ORDER BY g.id LIMIT 1", [u["grid01"].scope.id])


def _new(db, u, at=T0):
    return cases.new_case(db, u["operator"], category_code="0301", source="patrol",
                          description="测试", grid_id=_grid(db, u), lon=117.15, lat=39.17, at=at)


def _count(db, sql, params):
    return db.scalar(f"SELECT count(*) FROM {sql}", params)


def test_stale_case_action_is_refused_naming_who_did_what_and_when(db):
    u = _users(db)
    heard = []
    unsubscribe = db.changes.subscribe(heard.extend)
    try:
        shown = cases.advance(db, u["operator"], _new(db, u).id, "register", at=T0)
        assert shown.version == 1
        zf = u["dept_zf"].scope.id
        cases.advance(db, u["dispatcher"], shown.id, "dispatch", at=T0 + timedelta(minutes=2),
                      department_id=zf, expected_version=shown.version)
        steps = _count(db, "case_transitions WHERE case_id = ?", [shown.id])
        audited = _count(db, "audit_log", [])
        heard.clear()
        with pytest.raises(StoreConflict) as err:  # acts on what it showed: version 1
            cases.advance(db, u["dispatcher"], shown.id, "dispatch", at=T0 + timedelta(minutes=3),
                          department_id=zf, expected_version=shown.version)
        assert str(err.value) == f"案件 {shown.code} 已由 指挥中心派遣员 于 10:32 派遣，请刷新后重试"
        assert (err.value.entity, err.value.ref, err.value.action) == ("case", shown.code,
                                                                      "dispatch")
        assert isinstance(err.value, StoreError)  # the CLI prints it as one line
        assert _count(db, "case_transitions WHERE case_id = ?", [shown.id]) == steps
        assert _count(db, "audit_log", []) == audited and heard == []
        assert cases.load_case(db, shown.id).version == 2
    finally:
        unsubscribe()


def test_stale_whistle_step_is_refused_and_writes_nothing(db):
    u = _users(db)
    ids = dict(db.rows("SELECT code, id FROM departments"))
    wid = whistles.blow(db, u["sec01"], grid_id=_grid(db, u), department_ids=[ids["CG"],
                        ids["HW"]], title="占道经营", description="", lon=117.15, lat=39.17,
                        at=T0, report_hours=2, finish_hours=27)
    _, shown = whistles.load_whistle(db, wid)
    whistles.report_in(db, u["dept_cg"], wid, at=T0 + timedelta(minutes=10), by="张三",
                       expected_version=shown.version)
    code = db.scalar("SELECT code FROM whistles WHERE id = ?", [wid])
    with pytest.raises(StoreConflict) as err:
        whistles.report_in(db, u["dept_hw"], wid, at=T0 + timedelta(minutes=11), by="李四",
                           expected_version=shown.version)
    display = u["dept_cg"].display_name
    assert str(err.value) == f"哨令 {code} 已由 {display} 于 10:40 报到，请刷新后重试"
    _, now = whistles.load_whistle(db, wid)
    assert [t.state for t in now.tasks] == ["reported", "blown"] and now.version == 1


def test_departments_reporting_in_at_once_both_stay(db):
    u = _users(db)
    ids = dict(db.rows("SELECT code, id FROM departments"))
    depts = {"dept_cg": ids["CG"], "dept_hw": ids["HW"]}
    for round_ in range(5):
        wid = whistles.blow(db, u["sec01"], grid_id=_grid(db, u),
                            department_ids=list(depts.values()), title=f"同时报到{round_}",
                            description="", lon=117.15, lat=39.17, at=T0, report_hours=2,
                            finish_hours=27)
        on_cursors(db, lambda cur, name, wid=wid: whistles.report_in(
            cur, u[name], wid, at=T0 + timedelta(minutes=5), by=f"{name}报到人"), list(depts))
        _, w = whistles.load_whistle(db, wid)
        assert {(t.department_id, t.state, t.reported_by) for t in w.tasks} == {
            (d, "reported", f"{n}报到人") for n, d in depts.items()}
        assert w.version == 2


def test_new_cases_from_several_threads_get_unique_ids_and_codes(db):
    u = _users(db)
    day = datetime(2026, 11, 21, 9, 0)  # a day with no case codes of GridCC yet
    batches, _ = on_cursors(db, lambda cur, _k: [_new(cur, u, at=day) for _ in range(5)],
                            range(4))
    made = [r for batch in batches for r in batch]
    assert len({r.id for r in made}) == 20
    assert sorted(r.code for r in made) == [f"AJ20261121{n:05d}W" for n in range(1, 21)]
    assert min(r.id for r in made) > db.scalar("SELECT max(id) FROM cases WHERE id NOT IN ("
                                               + ",".join(str(r.id) for r in made) + ")")


def test_each_write_publishes_its_change_once_after_commit(db):
    u = _users(db)
    reader = db.cursor()
    heard = []

    def follow(batch):  # a follower reads the store: it must see the committed state
        for c in batch:
            if c.entity == "case":
                heard.append((c, cases.load_case(reader, c.ids[0]).state.status))
            else:
                heard.append((c, None))

    unsubscribe = db.changes.subscribe(follow)
    try:
        rec = _new(db, u)
        assert [(c.entity, c.ids, c.action, c.actor, s) for c, s in heard] == [
            ("case", (rec.id,), "case.accept", "operator", "accepted")]
        heard.clear()
        with pytest.raises(cm.IllegalTransition):  # refused: nothing published
            cases.advance(db, u["operator"], rec.id, "close", at=T0)
        assert heard == []
        cases.advance(db, u["operator"], rec.id, "register", at=T0)
        assert [(c.ids, c.action, c.at, s) for c, s in heard] == [
            ((rec.id,), "case.register", T0, "registered")]
        heard.clear()
        ids = dict(db.rows("SELECT code, id FROM departments"))
        wid = whistles.blow(db, u["sec01"], grid_id=_grid(db, u), department_ids=[ids["CG"]],
                            title="从案件吹哨", description="", lon=117.15, lat=39.17, at=T0,
                            report_hours=2, finish_hours=27, case_id=rec.id)
        nid = whistles.second(db, u["sec01"], wid, at=T0 + timedelta(hours=1), report_hours=2,
                              finish_hours=27)
        assert [(c.entity, c.ids, c.action) for c, _ in heard] == [
            ("whistle", (wid,), "whistle.blow"), ("whistle", (wid, nid), "whistle.second")]
    finally:
        unsubscribe()
        reader.close()
