"""下考上 department scores, area scores, red/black lists and trends.

Department score = ``street_weight`` × street appraisal + (1 − ``street_weight``) ×
objective score (see :mod:`app.appraisal.scheme` for the points rules).  A department
with neither a case nor a whistle in the period has no objective figure and is not
ranked for that period.

Street appraisal (街道评价, 0-100) = ``survey_weight`` × the mean of the streets'
survey scores of the department for the period + ``whistle_rating_weight`` × the
mean rating (1-5, × 20) streets gave its whistle work in the period; either alone
when only one exists; None when neither (the score is then the objective score).
A published period returns its frozen figures.
"""

from __future__ import annotations

from app.appraisal.frozen import frozen_scores
from app.appraisal.indicators import compute_indicators
from app.appraisal.model import AreaScore, DepartmentScore, TrendPoint
from app.appraisal.periods import Period
from app.appraisal.scheme import Scheme, current_scheme

AREA_LEVELS = ("street", "community", "grid")
#: indicator values an area score carries along (for boards and reports)
AREA_KEYS = ("received", "due", "closed", "close_rate", "on_time_close_rate",
             "satisfaction_rate", "report_in_rate")
DEPT_KEYS = ("due", "closed", "close_rate", "on_time_close_rate", "on_time_handle_rate",
             "rework_rate", "report_in_rate", "satisfaction_rate", "w_received",
             "w_supervised", "w_second", "whistle_rating")


def _objective(items, values: dict) -> tuple[float | None, dict[str, float]]:
    pts, weights = {}, 0.0
    for it in items:
        v = values.get(it.indicator)
        if v is None:
            continue
        pts[it.indicator] = round(it.rule.points(it.weight, v), 4)
        weights += it.weight
    if not weights:
        return None, pts
    return sum(pts.values()) / weights * 100.0, pts


def _rank(items: list, key) -> None:
    items.sort(key=lambda s: (-key(s), s.code))
    for n, s in enumerate(items, 1):
        s.rank = n


def _dept_raw(store, period: Period, scheme: Scheme) -> list[DepartmentScore]:
    from app.appraisal.surveys import survey_means

    table = compute_indicators(store, period, "department", deltas=False)
    surveys = survey_means(store, period)
    # 下考上 appraises the district's departments and utilities, not the district leaders
    appraised = {int(i) for (i,) in store.rows(
        "SELECT id FROM departments WHERE kind IN ('bureau', 'utility')")}
    out = []
    for row in table.rows:
        if row.subject_id not in appraised:
            continue
        v = row.values
        objective, pts = _objective(scheme.objective, v)
        deduct = 0.0
        for d in scheme.deductions:
            n = v.get(d.indicator) or 0
            if n:
                pts[f"-{d.indicator}"] = -round(min(d.max, n * d.points_each), 4)
                deduct += min(d.max, n * d.points_each)
        if objective is not None:
            objective = max(0.0, objective - deduct)
        survey = surveys.get(row.subject_id)
        rating = v.get("whistle_rating")
        rating = None if rating is None else rating * 20.0
        if survey is not None and rating is not None:
            street = scheme.survey_weight * survey + scheme.rating_weight * rating
        else:
            street = survey if survey is not None else rating
        if objective is None:
            continue  # no case and no whistle in the period: not ranked (不参与当期排名)
        if street is None:
            score = objective
        else:
            score = scheme.street_weight * street + (1 - scheme.street_weight) * objective
        g = scheme.grade(score)
        out.append(DepartmentScore(
            department_id=row.subject_id, code=row.code, name=row.name,
            street_appraisal=None if street is None else round(street, 2),
            objective=round(objective, 2),
            score=round(score, 2), rank=0, previous_score=None, delta=None,
            grade=g.code, grade_label=g.label_zh, grade_colour=g.colour, breakdown=pts,
            published=False, values={k: v.get(k) for k in DEPT_KEYS}, deductions=round(deduct, 4)))
    _rank(out, lambda s: s.score)
    return out


def department_scores(store, period: Period, scheme: Scheme | None = None, *,
                      previous: bool = True) -> list[DepartmentScore]:
    """The department league table for ``period``, best first (frozen if published)."""
    frozen = frozen_scores(store, period, "department")
    if frozen is not None:
        return frozen
    scheme = scheme or current_scheme(store)
    scores = _dept_raw(store, period, scheme)
    if previous:
        before = {s.department_id: s.score
                  for s in department_scores(store, period.previous(), scheme, previous=False)}
        for s in scores:
            s.previous_score = before.get(s.department_id)
            s.delta = None if s.previous_score is None else round(s.score - s.previous_score, 2)
    return scores


def area_scores(store, period: Period, level: str, scheme: Scheme | None = None, *,
                previous: bool = True) -> list[AreaScore]:
    """Streets, communities or grids ranked by the scheme's ``area`` rules (frozen if
    published); areas without any figure in the period are left out."""
    if level not in AREA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(AREA_LEVELS)}, not {level!r}")
    frozen = frozen_scores(store, period, level)
    if frozen is not None:
        return frozen
    scheme = scheme or current_scheme(store)
    table = compute_indicators(store, period, level, deltas=False)
    out = []
    for row in table.rows:
        score, pts = _objective(scheme.area, row.values)
        if score is None:
            continue
        g = scheme.grade(score)
        out.append(AreaScore(row.subject_id, row.code, row.name, level, round(score, 2), 0, None,
                             None, g.code, g.label_zh, g.colour,
                             {k: row.values.get(k) for k in AREA_KEYS if k in row.values}, pts))
    _rank(out, lambda s: s.score)
    if previous:
        before = {s.id: s.score
                  for s in area_scores(store, period.previous(), level, scheme, previous=False)}
        for s in out:
            s.previous_score = before.get(s.id)
            s.delta = None if s.previous_score is None else round(s.score - s.previous_score, 2)
    return out


def red_black_list(scores: list, n: int = 5) -> tuple[list, list]:
    """(红榜: the best ``n``, best first; 黑榜: the worst ``n``, worst first) — never
    the same subject on both when there are fewer than 2n."""
    ranked = sorted(scores, key=lambda s: s.rank)
    k_red = min(n, (len(ranked) + 1) // 2)
    k_black = min(n, len(ranked) // 2)
    return ranked[:k_red], ranked[::-1][:k_black]


def score_trend(store, department_ids, periods: list[Period],
                scheme: Scheme | None = None) -> dict[int, list[TrendPoint]]:
    """Score and closure rate of each department in each period (missing: None)."""
    scheme = scheme or current_scheme(store)
    ids = [int(i) for i in department_ids]
    out: dict[int, list[TrendPoint]] = {i: [] for i in ids}
    for p in periods:
        by_id = {s.department_id: s for s in department_scores(store, p, scheme, previous=False)}
        for i in ids:
            s = by_id.get(i)
            out[i].append(TrendPoint(p.label, None if s is None else s.score,
                                     None if s is None else s.values.get("close_rate")))
    return out
