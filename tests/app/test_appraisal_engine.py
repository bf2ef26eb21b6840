"""The appraisal engine's parts: periods, the working-day table in SQL, the per-case
facts (same counts as counting over ``cases``), the scheme's validation and versions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from app.appraisal import (
    DEFAULT_SCHEME_PATH,
    INDICATORS,
    MEASURES,
    AppraisalError,
    SchemeError,
    compute_indicators,
    current_scheme,
    load_scheme,
    parse_period,
    red_black_list,
    save_scheme,
    validate_scheme,
)
from app.appraisal.model import AreaScore
from app.appraisal.sql import ensure_workdays, work_hours_sql
from app.auth.accounts import get_user
from app.auth.permissions import PermissionDenied
from app.store import open_store
from tests.backends import BACKENDS, reading_store


@pytest.fixture(scope="module", params=BACKENDS)
def any_store(request):
    yield from reading_store(request)


def test_periods():
    p = parse_period("2026-10")
    assert (p.kind, p.start, p.end, p.label) == ("month", datetime(2026, 10, 1),
                                                  datetime(2026, 11, 1), "2026-10")
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-03").year_before().label == "2025-03"
    q = parse_period("2026q3")
    assert q.label == "2026Q3" and q.previous().label == "2026Q2"
    assert [m.label for m in q.months()] == ["2026-07", "2026-08", "2026-09"]
    assert parse_period("2026Q1").previous().label == "2025Q4"
    y = parse_period("2026")
    assert y.previous() == y.year_before() == parse_period("2025")
    r = parse_period("2026-10-01..2026-10-15")
    assert (r.start, r.end) == (datetime(2026, 10, 1), datetime(2026, 10, 16))
    assert r.previous().label == "2026-09-16~2026-09-30"
    assert parse_period("2024-02-29..2024-02-29").year_before().label == "2023-02-28~2023-02-28"
    for bad in ("2026-13", "26-10", "2026Q5", "2026-10-15..2026-10-01", "last month", ""):
        with pytest.raises(ValueError, match="period"):
            parse_period(bad)


def test_sql_working_hours_equal_the_calendar(any_store):
    """Working hours in SQL (the vectorised working-day table) equal the workflow's own
    calendar, across nights, weekends, the National Day holidays and a make-up Saturday."""
    from app.domain.worktime import DEFAULT_CALENDAR

    rng = np.random.default_rng(5)
    t0 = datetime(2026, 9, 15)
    pairs = []
    for _ in range(300):
        a = t0 + timedelta(minutes=int(rng.integers(0, 60 * 24 * 50)))
        pairs.append((a, a + timedelta(minutes=int(rng.integers(0, 60 * 24 * 20)))))
    pairs += [(datetime(2026, 9, 30, 17, 0), datetime(2026, 10, 10, 9, 0)),  # holiday, 调休
              (datetime(2026, 10, 9, 17, 29), datetime(2026, 10, 12, 8, 31))]
    workdays = ensure_workdays(any_store)
    values = ", ".join(f"(TIMESTAMP '{a}', TIMESTAMP '{b}')" for a, b in pairs)
    got = [r[0] for r in any_store.rows(
        f"SELECT {work_hours_sql('p.a', 'p.b', 'wa', 'wb')} FROM (VALUES {values}) p(a, b) "
        f"JOIN {workdays} wa ON wa.day = CAST(p.a AS DATE) "
        f"JOIN {workdays} wb ON wb.day = CAST(p.b AS DATE) ORDER BY p.a, p.b")]
    want = [DEFAULT_CALENDAR.work_seconds_between(a, b) / 3600 for a, b in sorted(pairs)]
    assert got == pytest.approx(want, abs=1e-9)
    by_pair = dict(zip(sorted(pairs), got, strict=True))
    # 09-30 17:00 → 10-10 09:00: 0.5 h + 10-08 9 h + 10-09 9 h + 10-10 (调休 Saturday) 0.5 h
    assert by_pair[pairs[-2]] == pytest.approx(19.0)
    # 10-09 17:29 → 10-12 08:31: 1 min + the make-up Saturday's 9 h + 1 min
    assert by_pair[pairs[-1]] == pytest.approx(9 + 2 / 60)


RAW = {  # the same measures, counted straight over cases (no facts table)
    "due": "status NOT IN ('voided','parked') AND ((deadline_at >= {s} AND deadline_at < {e}) "
           "OR (closed_at >= {s} AND closed_at < {e}))",
    "closed": "closed_at >= {s} AND closed_at < {e}",
    "closed_on_time": "closed_at >= {s} AND closed_at < {e} AND closed_at <= deadline_at",
    "reworked": "handled_at >= {s} AND handled_at < {e} AND rework_count > 0",
    "returned": "dispatched_at >= {s} AND dispatched_at < {e} AND id IN "
                "(SELECT case_id FROM case_transitions WHERE action = 'return')",
    "satisfied": "evaluated_at >= {s} AND evaluated_at < {e} AND satisfaction >= 4",
}


@pytest.mark.parametrize("label", ["2026-10", "2026Q3", "2026"])
def test_facts_count_exactly_what_the_cases_say(any_store, label):
    p = parse_period(label)
    tab = compute_indicators(any_store, p, "department", deltas=False)
    s, e = f"TIMESTAMP '{p.start}'", f"TIMESTAMP '{p.end}'"
    for measure, pred in RAW.items():
        raw = dict(any_store.rows(f"SELECT department_id, count(*) FROM cases WHERE "
                              f"{pred.replace('{s}', s).replace('{e}', e)} GROUP BY 1"))
        got = {r.subject_id: r.counts[measure] for r in tab.rows if r.counts[measure]}
        assert got == raw, measure
        assert sum(raw.values()) > 0, measure


def test_facts_follow_changes_of_the_cases(district_db):
    with open_store(district_db) as db:
        p = parse_period("2026-10")
        before = compute_indicators(db, p, "overall", deltas=False).rows[0].counts["closed"]
        db.rows("UPDATE cases SET closed_at = NULL, status = 'verified' WHERE id = "
                "(SELECT min(id) FROM cases WHERE closed_at >= TIMESTAMP '2026-10-02' AND "
                "closed_at < TIMESTAMP '2026-10-30')")
        db.rows("INSERT INTO case_transitions SELECT case_id, 99, 'reopen', 'closed', "
                "'verified', TIMESTAMP '2026-11-01', 'test', NULL, NULL, NULL, NULL "
                "FROM case_transitions LIMIT 1")
        after = compute_indicators(db, p, "overall", deltas=False).rows[0].counts["closed"]
        assert after == before - 1


def test_every_indicator_names_known_measures():
    for ind in INDICATORS.values():
        assert ind.numerator in MEASURES and (ind.denominator is None
                                              or ind.denominator in MEASURES)
        assert ind.kind in ("count", "rate", "hours", "score") and ind.formula_zh


def test_the_shipped_scheme_is_valid():
    s = load_scheme()
    assert s.version == "v1" and s.street_weight == 0.5
    assert sum(i.weight for i in s.objective) == 100 and sum(i.weight for i in s.area) == 100
    assert [g.label_zh for g in s.grades] == ["优秀", "良好", "一般", "较差"]
    assert s.grade(95).code == "A" and s.grade(79.99).code == "C" and s.grade(0).code == "D"
    on_time = next(i for i in s.objective if i.indicator == "on_time_close_rate")
    assert on_time.rule.points(on_time.weight, 0.75) == 30  # ≥ 70 %: full points
    assert on_time.rule.points(on_time.weight, 0.65) == pytest.approx(25)  # 5 points below


def test_validation_reports_every_problem_with_its_path():
    data = json.loads(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))
    data["objective"][0]["weight"] = 20  # sum 90
    data["objective"][1]["indicator"] = "happiness"
    data["objective"][2]["rule"] = {"type": "threshold", "full_at": 1.5, "minus_per_point": 1}
    data["grades"][2]["colour"] = "yellow"
    data["grades"][3]["min"] = 10
    data["street_weight"] = 2
    data["version"] = "v 2!"
    with pytest.raises(SchemeError) as exc:
        validate_scheme(data)
    problems = exc.value.problems
    for path in ("objective: weights sum to", "objective[1].indicator: unknown indicator",
                 "objective[2].rule.full_at: 1.5 is outside", "grades[2].colour",
                 "grades[3].min: the last band must start at 0", "street_weight: 2",
                 "version:"):
        assert any(p.startswith(path) for p in problems), (path, problems)
    assert len(problems) == 7


def test_rate_of_the_wrong_kind_is_refused():
    data = json.loads(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))
    data["objective"][0]["indicator"] = "received"  # a count, not a rate
    data["deductions"][0]["indicator"] = "close_rate"  # deductions count events
    with pytest.raises(SchemeError) as exc:
        validate_scheme(data)
    assert [p.split(":")[0] for p in exc.value.problems] == ["objective[0].indicator",
                                                             "deductions[0].indicator"]


def test_saving_a_scheme_makes_a_new_audited_version(district_db, tmp_path):
    with open_store(district_db) as db:
        admin, sec = get_user(db, "admin"), get_user(db, "sec01")
        data = json.loads(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))
        data["version"], data["street_weight"] = "v2", 0.4
        with pytest.raises(PermissionDenied):
            save_scheme(db, data, sec)
        with pytest.raises(AppraisalError, match="v1 already exists"):
            save_scheme(db, load_scheme(), admin)
        save_scheme(db, data, admin, at=datetime(2026, 11, 20, 9, 0))
        assert current_scheme(db).version == "v2" and current_scheme(db).street_weight == 0.4
        with pytest.raises(AppraisalError, match="v2 already exists"):
            save_scheme(db, dict(data, street_weight=0.3), admin)
        assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'appraisal.scheme'") == 1
    out = tmp_path / "s.json"
    save_scheme(out, data)
    assert load_scheme(out).version == "v2"


def _area(code, rank):
    return AreaScore(rank, code, code, "street", 100 - rank, rank, None, None, "A", "", "#000000")


def test_red_and_black_lists_never_share_a_subject():
    scores = [_area(f"S{i}", i) for i in range(1, 8)]
    red, black = red_black_list(scores, 5)
    assert [s.code for s in red] == ["S1", "S2", "S3", "S4"]
    assert [s.code for s in black] == ["S7", "S6", "S5"]
    red, black = red_black_list(scores * 2, 3)
    assert len(red) == len(black) == 3


def test_big_screen_and_info_use_the_one_closure_definition(any_store):
    """headline.closure_arrays on case arrays (voided cases closed at their report time,
    as the map holds them) gives the engine's 结案率 over the same 近12个月 window."""
    from app.appraisal import trailing_year
    from app.appraisal.definitions import closure_arrays
    from app.district_info import district_info
    from app.feed.fixes import to_seconds

    now = datetime(2026, 11, 20, 10, 30)
    window = trailing_year(now)
    assert window.label == "2025-11-20~2026-11-19"
    cols = any_store.columns(
        "SELECT epoch_us(coalesce(closed_at, CASE WHEN status = 'voided' THEN reported_at END)) "
        "AS c, epoch_us(deadline_at) AS d FROM cases WHERE status <> 'parked'")
    sec = [np.where(np.ma.getmaskarray(a), np.nan, np.ma.filled(a, 0) / 1e6)
           for a in (np.ma.masked_invalid(np.ma.asarray(cols["c"], dtype=float)),
                     np.ma.masked_invalid(np.ma.asarray(cols["d"], dtype=float)))]
    closed, due = closure_arrays(sec[0], sec[1], to_seconds(window.start), to_seconds(window.end))
    row = compute_indicators(any_store, window, "overall", deltas=False).rows[0]
    assert (closed, due) == (row.counts["closed"], row.counts["due"]) and due > 1000
    info = district_info(any_store)["cases"]["closure"]
    assert info == {"window": window.label, "due": due, "closed": closed,
                    "rate_pct": round(100 * closed / due, 2)}


def test_grid_worker_reports(any_store):
    p = parse_period("2026-10")
    overall = compute_indicators(any_store, p, "overall", deltas=False).rows[0]
    raw = any_store.rows("SELECT count(*), count(*) FILTER (WHERE status <> 'voided') FROM cases "
                     "WHERE reporter_worker_id IS NOT NULL AND reported_at >= TIMESTAMP "
                     "'2026-10-01' AND reported_at < TIMESTAMP '2026-11-01'")[0]
    assert (overall.counts["reports"], overall.counts["valid_reports"]) == raw
    assert 0 < raw[0] < overall.counts["received"]  # not every case comes from a worker
    workers = compute_indicators(any_store, p, "worker", deltas=False)
    assert sum(r.counts["reports"] for r in workers.rows) == raw[0]


def test_readme_carries_the_one_table_of_definitions():
    from pathlib import Path

    from app.appraisal.definitions import definitions_markdown

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert definitions_markdown() in readme


def test_patrol_coverage_and_its_drill_down(any_store):
    from app.appraisal import drill_down

    nov = parse_period("2026-11")
    days = any_store.rows("SELECT worker_id, count(DISTINCT CAST(t AS DATE)) FROM gps_fixes "
                      "WHERE t >= TIMESTAMP '2026-11-01' AND t < TIMESTAMP '2026-12-01' "
                      "GROUP BY 1 ORDER BY 1 LIMIT 1")
    track_days = any_store.scalar("SELECT count(DISTINCT CAST(t AS DATE)) FROM gps_fixes WHERE "
                              "t >= TIMESTAMP '2026-11-01' AND t < TIMESTAMP '2026-12-01'")
    wid, n = days[0]
    row = compute_indicators(any_store, nov, "worker", ids=[wid], deltas=False).row(wid)
    assert row.counts["patrol_days"] == n and row.counts["track_days"] == track_days
    assert row.values["patrol_coverage"] == n / track_days
    dd = drill_down(any_store, nov, "worker", wid, "patrol_coverage")
    assert len(dd.rows) == n and len(dd.denominator_rows) == track_days
    # October has no recorded tracks: no denominator, no figure (not 0 %)
    oct_row = compute_indicators(any_store, parse_period("2026-10"), "worker", ids=[wid]).row(wid)
    assert oct_row.values["patrol_coverage"] is None
