"""Known answers: a hand-made set of cases and whistles in a real DuckDB district, with
every expected figure worked out by hand below (October 2026, departments CG and HW).

Cases (grid 12010600100101, street 西沽南街道; CG category 0602, HW category 0102):

| case | dept | reported | dispatched | deadline   | handled | closed  | notes |
|------|------|----------|------------|------------|---------|---------|-------|
| A    | CG   | 10-12    | 10-12      | 10-14 09:00| 10-13   | 10-13 15:00 | on time |
| B    | CG   | 10-15    | 10-15      | 10-20 12:00| 10-19   | 10-21 10:00 | closed late |
| C    | CG   | 10-26    | 10-26      | 10-29 12:00| 11-02   | 11-03 | due in Oct, closed after it |
| D    | CG   | 10-14    | 10-14      | renewed by rework | 10-15 | 10-16 09:00 | 返工 once (workflow) |
| E    | CG   | 10-20    | 10-20      | none (paused) | —    | —       | 缓办 on 10-21 (workflow) |
| F    | CG   | 09-21    | 09-21      | 09-28 12:00| 10-09   | 10-12 10:00 | due in Sept, closed in Oct |
| G    | CG   | 10-15    | —          | —          | —       | —       | voided |
| H    | CG   | 10-28    | 10-28      | 11-05      | —       | —       | open, due in Nov |
| I    | HW   | 10-19    | 10-19      | 10-20 12:00| 10-20   | 10-20 10:30 | evaluated 5 |

CG in October: received 7 (A B C D E G H), due 5 (A B C D F), closed 4 (A B D F), closed on
time 2 (A D) → 结案率 80.00 %, 按期结案率 40.00 %; handled 4 (A B D F), reworked 1 (D) →
返工率 25.00 %.  HW: 1/1/1 → 100 %.  District: due 6, closed 5, on time 3.

Whistles: W1 (10-13 09:00, report-in limit 11:00, supervised) summons CG, who reports in
at 11:01 — one minute late — and HW (10:30); W2 (10-22) summons CG, on time.
报到及时率 CG 1/2 = 50.00 %, HW 1/1 = 100.00 %.  Ratings: CG 3 and 4, HW 5.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.appraisal import (
    AppraisalError,
    compute_indicators,
    department_scores,
    drill_down,
    format_rate,
    is_published,
    parse_period,
    publish_period,
    record_survey,
    surveys_for,
    validate_scheme,
)
from app.auth.accounts import get_user
from app.auth.permissions import PermissionDenied
from app.store import open_store
from app.workflow import cases as wf
from tests.backends import BACKENDS, district_copy

OCT = parse_period("2026-10")
GRID = 16  # 12010600100101, community 4, street 2
STREET, OTHER_STREET = 2, 3
CG, HW = 6, 8


def T(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-{text}")


#: the scheme of these tests, written out so that the expected scores can be computed by hand
TEST_SCHEME = {
    "version": "t1", "name": "test", "street_weight": 0.5,
    "street_appraisal": {"survey_weight": 0.6, "whistle_rating_weight": 0.4},
    "objective": [
        {"indicator": "close_rate", "weight": 40,
         "rule": {"type": "threshold", "full_at": 0.9, "minus_per_point": 2}},
        {"indicator": "on_time_close_rate", "weight": 30, "rule": {"type": "proportional"}},
        {"indicator": "report_in_rate", "weight": 20, "rule": {"type": "proportional"}},
        {"indicator": "rework_rate", "weight": 10,
         "rule": {"type": "deduction", "free_up_to": 0.10, "minus_per_point": 0.5}},
    ],
    "deductions": [{"indicator": "w_supervised", "points_each": 1, "max": 5}],
    "area": [{"indicator": "close_rate", "weight": 100, "rule": {"type": "proportional"}}],
    "grades": [{"min": 90, "code": "A", "label": "优秀", "colour": "#2fb36d"},
               {"min": 60, "code": "B", "label": "良好", "colour": "#3b8eea"},
               {"min": 0, "code": "C", "label": "较差", "colour": "#e5484d"}],
}

_STEPS = (("accepted_at", "accept", None, "accepted"),
          ("registered_at", "register", "accepted", "registered"),
          ("dispatched_at", "dispatch", "registered", "dispatched"),
          ("handled_at", "handle", "dispatched", "handled"),
          ("fed_back_at", "feed_back", "handled", "fed_back"),
          ("verified_at", "verify", "fed_back", "verified"),
          ("closed_at", "close", "verified", "closed"),
          ("evaluated_at", "evaluate", "closed", "evaluated"))


def _case(store, cid, code, dept, cat, status, **t):
    """Insert a case and its steps directly (what the workflow would have written)."""
    t.setdefault("accepted_at", t["reported_at"])
    cols = {"id": cid, "code": code, "category_code": cat, "source": "patrol", "status": status,
            "description": f"测试案件 {code}", "lon": 117.1, "lat": 39.1, "grid_id": GRID,
            "department_id": dept, "rework_count": 0, **t}
    names = ", ".join(cols)
    store.rows(f"INSERT INTO cases ({names}) VALUES ({', '.join('?' * len(cols))})",
               list(cols.values()))
    seq = 0
    for col, action, src, dst in _STEPS:
        if col in t:
            seq += 1
            store.rows("INSERT INTO case_transitions (case_id, seq, action, from_status, "
                       "to_status, occurred_at, actor_role) VALUES (?, ?, ?, ?, ?, ?, 'test')",
                       [cid, seq, action, src, dst, t[col]])
    if status == "voided":
        store.rows("INSERT INTO case_transitions (case_id, seq, action, from_status, to_status, "
                   "occurred_at, actor_role) VALUES (?, ?, 'void', 'accepted', 'voided', ?, 'test')",
                   [cid, seq + 1, t["voided_at"]])


def _whistle(store, wid, blown, report_deadline, supervised, depts):
    store.rows("INSERT INTO whistles (id, code, street_id, grid_id, round, title, description, "
               "lon, lat, blown_by_role, blown_at, report_deadline, finish_deadline, status, "
               "closed_at, supervised) VALUES (?, ?, ?, ?, 1, '测试哨令', '测试', 117.1, 39.1, "
               "'street_secretary', ?, ?, ?, 'closed', ?, ?)",
               [wid, f"CS-T{wid}", STREET, GRID, blown, report_deadline,
                blown + timedelta(days=7, hours=8, minutes=30), blown + timedelta(days=9),
                supervised])
    for dept, reported, fed_back, rating in depts:
        store.rows("INSERT INTO whistle_departments (whistle_id, department_id, reported_at, "
                   "reported_by, handled_at, fed_back_at, rating, rated_at) "
                   "VALUES (?, ?, ?, '张三', ?, ?, ?, ?)",
                   [wid, dept, reported, fed_back - timedelta(hours=2), fed_back, rating,
                    fed_back + timedelta(days=1)])


@pytest.fixture(scope="module", params=BACKENDS)
def db(request):
    store = open_store(district_copy(request, request.param))
    for table in ("cases", "case_transitions", "whistles", "whistle_departments",
                  "whistle_events", "appraisal_ratings"):
        store.rows(f"DELETE FROM {table}")
    _case(store, 1, "A", CG, "0602", "closed", reported_at=T("10-12 09:00"),
          registered_at=T("10-12 09:05"), dispatched_at=T("10-12 09:10"),
          deadline_at=T("10-14 09:00"), handled_at=T("10-13 10:00"), fed_back_at=T("10-13 10:30"),
          verified_at=T("10-13 14:00"), closed_at=T("10-13 15:00"))
    _case(store, 2, "B", CG, "0602", "closed", reported_at=T("10-15 09:00"),
          registered_at=T("10-15 09:30"), dispatched_at=T("10-15 10:00"),
          deadline_at=T("10-20 12:00"), handled_at=T("10-19 16:00"), fed_back_at=T("10-19 16:30"),
          verified_at=T("10-20 16:00"), closed_at=T("10-21 10:00"))
    _case(store, 3, "C", CG, "0602", "closed", reported_at=T("10-26 09:00"),
          registered_at=T("10-26 09:30"), dispatched_at=T("10-26 10:00"),
          deadline_at=T("10-29 12:00"), handled_at=T("11-02 10:00"), fed_back_at=T("11-02 11:00"),
          verified_at=T("11-03 09:00"), closed_at=T("11-03 10:00"))
    _case(store, 6, "F", CG, "0602", "closed", reported_at=T("09-21 09:00"),
          registered_at=T("09-21 09:30"), dispatched_at=T("09-21 10:00"),
          deadline_at=T("09-28 12:00"), handled_at=T("10-09 10:00"), fed_back_at=T("10-09 11:00"),
          verified_at=T("10-12 09:00"), closed_at=T("10-12 10:00"))
    _case_void(store)
    _case(store, 8, "H", CG, "0602", "dispatched", reported_at=T("10-28 09:00"),
          registered_at=T("10-28 09:30"), dispatched_at=T("10-28 10:00"),
          deadline_at=T("11-05 10:00"))
    _case(store, 9, "I", HW, "0102", "evaluated", reported_at=T("10-19 09:00"),
          registered_at=T("10-19 09:10"), dispatched_at=T("10-19 09:20"),
          deadline_at=T("10-20 12:00"), handled_at=T("10-20 09:00"), fed_back_at=T("10-20 09:30"),
          verified_at=T("10-20 10:00"), closed_at=T("10-20 10:30"), evaluated_at=T("10-21 09:00"),
          satisfaction=5)
    # D and E go through the real workflow (permissions, approvals, the paused clock)
    u = {n: get_user(store, n) for n in ("operator", "dispatcher", "dept_cg", "grid01",
                                         "sec01", "sec02", "supervisor", "admin")}
    d = wf.new_case(store, u["operator"], category_code="0602", source="patrol",
                    description="路灯不亮 (返工)", grid_id=GRID, lon=117.1, lat=39.1,
                    at=T("10-14 09:00"))
    for user, action, at in (("operator", "register", "10-14 09:10"),
                             ("dispatcher", "dispatch", "10-14 09:20"),
                             ("dept_cg", "handle", "10-14 14:00"),
                             ("dept_cg", "feed_back", "10-14 14:30"),
                             ("grid01", "rework", "10-14 15:00"),
                             ("dept_cg", "handle", "10-15 10:00"),
                             ("dept_cg", "feed_back", "10-15 10:30"),
                             ("grid01", "verify", "10-15 11:00"),
                             ("operator", "close", "10-16 09:00")):
        wf.advance(store, u[user], d.id, action, at=T(at), department_id=CG,
                   reason="整改不到位" if action == "rework" else None)
    e = wf.new_case(store, u["operator"], category_code="0602", source="patrol",
                    description="路灯不亮 (缓办)", grid_id=GRID, lon=117.1, lat=39.1,
                    at=T("10-20 09:00"))
    for user, action, at in (("operator", "register", "10-20 09:10"),
                             ("dispatcher", "dispatch", "10-20 09:20"),
                             ("dispatcher", "defer", "10-21 10:00")):
        wf.advance(store, u[user], e.id, action, at=T(at), department_id=CG,
                   reason="纳入专项整治" if action == "defer" else None)
    _whistle(store, 1, T("10-13 09:00"), T("10-13 11:00"), True,
             [(CG, T("10-13 11:01"), T("10-16 10:00"), 3),
              (HW, T("10-13 10:30"), T("10-16 11:00"), 5)])
    _whistle(store, 2, T("10-22 09:00"), T("10-22 17:00"), False,
             [(CG, T("10-22 10:00"), T("10-23 15:00"), 4)])
    store.users = u
    yield store
    store.close()


def _case_void(store):
    """G: accepted, then voided (重复上报)."""
    cols = {"id": 7, "code": "G", "category_code": "0602", "source": "public",
            "status": "voided", "description": "重复上报", "lon": 117.1, "lat": 39.1,
            "grid_id": GRID, "department_id": CG, "reported_at": T("10-15 11:00"),
            "accepted_at": T("10-15 11:00"), "rework_count": 0}
    store.rows(f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               list(cols.values()))
    store.rows("INSERT INTO case_transitions (case_id, seq, action, from_status, to_status, "
               "occurred_at, actor_role) VALUES (7, 1, 'accept', NULL, 'accepted', ?, 'test'), "
               "(7, 2, 'void', 'accepted', 'voided', ?, 'test')",
               [T("10-15 11:00"), T("10-15 11:30")])


def test_workflow_cases_are_as_planned(db):
    d, e = db.rows("SELECT rework_count, status, deadline_at FROM cases WHERE id > 9 ORDER BY id")
    assert d[0] == 1 and d[1] == "closed" and d[2] == T("10-19 12:00")  # renewed by the rework
    assert e[1] == "deferred" and e[2] is None  # the clock is paused: no deadline


def test_department_counts_and_rates(db):
    tab = compute_indicators(db, OCT, "department", ids=[CG, HW])
    cg, hw = tab.row(CG), tab.row(HW)
    assert (cg.counts["received"], cg.counts["due"], cg.counts["closed"],
            cg.counts["closed_on_time"]) == (7, 5, 4, 2)
    assert (cg.counts["handled"], cg.counts["reworked"]) == (4, 1)
    assert format_rate(cg.values["close_rate"]) == "80.00%"
    assert format_rate(cg.values["on_time_close_rate"]) == "40.00%"
    assert format_rate(cg.values["rework_rate"]) == "25.00%"
    assert format_rate(cg.values["report_in_rate"]) == "50.00%"  # 11:01 is one minute late
    assert cg.counts["w_received"] == 2 and cg.counts["w_reported_on_time"] == 1
    assert cg.values["finish_on_time_rate"] == 1.0 and cg.values["whistle_rating"] == 3.5
    assert cg.counts["w_supervised"] == 1
    assert hw.values["close_rate"] == hw.values["on_time_close_rate"] == 1.0
    assert hw.values["report_in_rate"] == 1.0 and hw.values["satisfaction_rate"] == 1.0
    assert hw.values["rework_rate"] == 0.0
    assert cg.values["satisfaction_rate"] is None  # nothing evaluated: no denominator


def test_working_hours_skip_nights_weekends_holidays(db):
    tab = compute_indicators(db, OCT, "department", ids=[CG, HW], deltas=False)
    # I: 10-19 09:00 → 10-20 10:30 = 8.5 h + 2 h
    assert tab.row(HW).values["avg_close_hours"] == pytest.approx(10.5)
    # A 15 h, B 37 h, D 18 h, F 91 h (Mid-Autumn and National Day holidays skipped,
    # Saturday 10-10 a make-up working day): (15 + 37 + 18 + 91) / 4
    assert tab.row(CG).values["avg_close_hours"] == pytest.approx(40.25)


def test_district_and_area_figures(db):
    overall = compute_indicators(db, OCT, "overall").rows[0]
    assert (overall.counts["due"], overall.counts["closed"],
            overall.counts["closed_on_time"]) == (6, 5, 3)
    assert format_rate(overall.values["close_rate"]) == "83.33%"
    assert format_rate(overall.values["on_time_close_rate"]) == "50.00%"
    street = compute_indicators(db, OCT, "street", ids=[STREET]).row(STREET)
    assert street.counts["due"] == 6 and street.counts["w_received"] == 3
    other = compute_indicators(db, OCT, "street", ids=[OTHER_STREET]).row(OTHER_STREET)
    assert other.counts["due"] == 0 and other.values["close_rate"] is None
    grid = compute_indicators(db, OCT, "grid", ids=[GRID]).row(GRID)
    assert grid.counts["closed"] == 5


def test_month_on_month_and_year_on_year(db):
    cg = compute_indicators(db, OCT, "department", ids=[CG]).row(CG)
    # September: F was due (deadline 09-28) and not closed → 结案率 0 %
    sept = compute_indicators(db, parse_period("2026-09"), "department", ids=[CG]).row(CG)
    assert sept.counts["due"] == 1 and sept.values["close_rate"] == 0.0
    assert cg.mom["close_rate"] == pytest.approx(0.8)
    assert cg.yoy["close_rate"] is None  # nothing in October 2025
    # counts too: with no record of October 2025 the change is unknown, not "+7"
    assert cg.counts["received"] == 7 and cg.yoy["received"] is None
    assert cg.mom["received"] is not None


def test_quarter_and_range_periods(db):
    q4 = compute_indicators(db, parse_period("2026Q4"), "department", ids=[CG]).row(CG)
    # October's five plus H (due 11-05, open); C (due in October) now also closed (11-03)
    assert (q4.counts["due"], q4.counts["closed"]) == (6, 5)
    rng = compute_indicators(db, parse_period("2026-10-12..2026-10-13"), "department",
                             ids=[CG]).row(CG)
    assert (rng.counts["due"], rng.counts["closed"], rng.counts["closed_on_time"]) == (2, 2, 1)


def test_drill_down_lists_the_cases_behind_the_figure(db):
    dd = drill_down(db, OCT, "department", CG, "close_rate")
    assert sorted(r[0] for r in dd.rows) == sorted(["A", "B", "F", db.scalar(
        "SELECT code FROM cases WHERE rework_count = 1")])
    assert len(dd.denominator_rows) == 5 and "C" in {r[0] for r in dd.denominator_rows}
    assert dd.numerator_total == 4 and dd.denominator_total == 5
    late = drill_down(db, OCT, "department", CG, "report_in_rate")
    assert [r[0] for r in late.rows] == ["CS-T2"]
    assert sorted(r[0] for r in late.denominator_rows) == ["CS-T1", "CS-T2"]


def test_department_scores_by_hand(db):
    u = db.users
    record_survey(db, u["sec01"], OCT, STREET, {CG: 80, HW: 90}, "十月评议",
                  at=T("11-02 10:00"))
    scheme = validate_scheme(TEST_SCHEME)
    scores = department_scores(db, OCT, scheme)
    assert [(s.code, s.rank) for s in scores] == [("HW", 1), ("CG", 2)]
    hw, cg = scores
    # CG objective: 结案率 80 % → 40 − 2 × 10 = 20; 按期 30 × 0.4 = 12; 报到 20 × 0.5 = 10;
    # 返工 25 % → 10 − 0.5 × 15 = 2.5; total 44.5, minus 1 for the supervised whistle = 43.5
    assert cg.objective == 43.5
    assert cg.breakdown == {"close_rate": 20.0, "on_time_close_rate": 12.0,
                            "report_in_rate": 10.0, "rework_rate": 2.5, "-w_supervised": -1.0}
    # street appraisal: 0.6 × survey 80 + 0.4 × ratings (3 + 4) / 2 × 20 = 48 + 28 = 76
    assert cg.street_appraisal == 76.0
    assert cg.score == 59.75 and cg.grade == "C" and cg.grade_colour == "#e5484d"
    # HW: objective 100 − 1 = 99; street 0.6 × 90 + 0.4 × 100 = 94; score 96.5
    assert (hw.objective, hw.street_appraisal, hw.score, hw.grade) == (99.0, 94.0, 96.5, "A")
    # September: CG's only figure is 结案率 0 % → score 0; HW had nothing → not ranked
    assert cg.previous_score == 0.0 and cg.delta == 59.75
    assert hw.previous_score is None and hw.delta is None


def test_survey_rules(db):
    u = db.users
    with pytest.raises(AppraisalError, match="每个街道每期只评议一次"):
        record_survey(db, u["sec01"], OCT, STREET, {CG: 70})
    # another street's secretary: both streets by their names
    names = dict(db.rows("SELECT id, name FROM grid_units WHERE level = 2"))
    own = u["sec02"].scope.id
    with pytest.raises(PermissionDenied, match=f"只能为本街道（{names[own]}）填报.*"
                                               f"该处属于{names[STREET]}"):
        record_survey(db, u["sec02"], OCT, STREET, {CG: 70})
    with pytest.raises(PermissionDenied):
        record_survey(db, u["dept_cg"], OCT, STREET, {CG: 100})
    nov = parse_period("2026-11")
    with pytest.raises(AppraisalError, match="须为 0 到 100 之间的数"):
        record_survey(db, u["sec01"], nov, STREET, {CG: 120})
    with pytest.raises(AppraisalError, match="没有编号为 999 的被评议部门"):
        record_survey(db, u["sec01"], nov, STREET, {999: 80})
    with pytest.raises(AppraisalError, match="没有这个街道"):
        record_survey(db, u["sec01"], nov, 999, {CG: 80})
    assert db.scalar("SELECT count(*) FROM appraisal_ratings WHERE period = '2026-11'") == 0
    [sv] = surveys_for(db, OCT)
    assert sv.street_id == STREET and sv.ratings == {CG: 80.0, HW: 90.0}
    assert sv.submitted_by == "sec01" and sv.comment == "十月评议"
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'appraisal.survey'") == 1


def test_publishing_freezes_figures_and_scheme(db):
    u = db.users
    scheme = validate_scheme(TEST_SCHEME)
    with pytest.raises(PermissionDenied):
        publish_period(db, u["operator"], OCT, scheme, at=T("11-20 10:00"))
    with pytest.raises(AppraisalError, match="has not ended"):
        publish_period(db, u["supervisor"], parse_period("2026-11"), scheme,
                       at=T("11-20 10:00"))
    before = department_scores(db, OCT, scheme)
    publish_period(db, u["supervisor"], OCT, scheme, at=T("11-20 10:00"))
    assert is_published(db, OCT)
    assert db.scalar("SELECT scheme_version FROM appraisal_publications WHERE period = "
                     "'2026-10'") == "t1"
    # a late case closed in October changes the live indicators, not the published figures
    _case(db, 50, "LATE", CG, "0602", "closed", reported_at=T("10-20 09:00"),
          registered_at=T("10-20 09:10"), dispatched_at=T("10-20 09:20"),
          deadline_at=T("10-30 12:00"), handled_at=T("10-29 10:00"),
          fed_back_at=T("10-29 11:00"), verified_at=T("10-29 12:00"), closed_at=T("10-30 10:00"))
    assert compute_indicators(db, OCT, "department", ids=[CG], live=True).row(CG).counts["due"] == 6
    frozen = compute_indicators(db, OCT, "department", ids=[CG]).row(CG)
    assert frozen.counts["due"] == 5 and format_rate(frozen.values["close_rate"]) == "80.00%"
    assert frozen.mom["close_rate"] == pytest.approx(0.8)
    assert compute_indicators(db, OCT, "overall").rows[0].counts["due"] == 6  # A B C D F I
    other = dict(TEST_SCHEME, version="t2", street_weight=0.1)
    after = department_scores(db, OCT, validate_scheme(other))
    assert [(s.code, s.score, s.published) for s in after] == \
        [(s.code, s.score, True) for s in before]
    with pytest.raises(AppraisalError, match="already published"):
        publish_period(db, u["supervisor"], OCT, scheme, at=T("11-20 11:00"))
    with pytest.raises(AppraisalError, match="已发布"):
        record_survey(db, u["sec02"], OCT, OTHER_STREET, {CG: 50})
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'appraisal.publish'") == 1
