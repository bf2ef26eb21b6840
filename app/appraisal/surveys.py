"""The streets' periodic survey of the departments (街道评议, 下考上).

One survey per street per period: the street's secretary scores each department
0-100 (an optional comment).  The scores go to ``appraisal_ratings`` (the table the
demo's monthly appraisal fills too), the survey itself to ``appraisal_surveys``;
permission-checked (``appraisal.survey``) and audited in one transaction.
"""

from __future__ import annotations

import math
from datetime import datetime

from app.appraisal.errors import AppraisalError
from app.appraisal.frozen import is_published
from app.appraisal.model import Survey
from app.appraisal.periods import Period, parse_period
from app.auth.permissions import Target, require
from app.clock import store_clock


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(str(period))


def _user(session):
    if session is None:
        from app.auth.session import current_user

        session = current_user()
    if session is None:
        raise AppraisalError("填报街道评议需要街道党工委书记登录")
    return session


def record_survey(store, session, period: Period | str, street_id: int,
                  ratings: dict[int, float], comment: str | None = None, *,
                  at: datetime | None = None) -> Survey:
    """Record street ``street_id``'s survey for ``period``: {department id: score 0-100}.

    Refused with a clear message (nothing written): not the street's secretary, an
    unknown street or department, a score outside 0-100, no scores, a second survey
    for the same street and period, or a period already published."""
    user = _user(session)
    p = _period(period)
    street = store.rows("SELECT id, name FROM grid_units WHERE id = ? AND level = 2",
                        [int(street_id)])
    if not street:
        raise AppraisalError("本区没有这个街道")
    from app.workflow.places import PlaceNames

    require(user.role, user.scope, "appraisal.survey", Target(street_id=int(street_id)),
            PlaceNames(store))
    if not ratings:
        raise AppraisalError("评议至少要给一个部门打分")
    depts = dict(store.rows("SELECT id, short_name FROM departments "
                            "WHERE kind IN ('bureau', 'utility')"))
    problems = []
    clean: dict[int, float] = {}
    for dept, score in ratings.items():
        try:
            d = int(dept)
        except (TypeError, ValueError):
            problems.append(f"“{dept}”不是部门")
            continue
        if d not in depts:
            problems.append(f"没有编号为 {d} 的被评议部门（街道只评议区职能部门和公用事业单位）")
            continue
        if isinstance(score, bool) or not isinstance(score, int | float) or math.isnan(score) \
                or not 0 <= score <= 100:
            problems.append(f"{depts[d]}的得分“{score}”须为 0 到 100 之间的数")
            continue
        clean[d] = float(score)
    if problems:
        raise AppraisalError(f"{street[0][1]}的评议未录入：" + "；".join(problems))
    if is_published(store, p):
        raise AppraisalError(f"统计期 {p.label} 的考核结果已发布，数据不能再改")
    done = store.scalar("SELECT count(*) FROM appraisal_surveys WHERE period = ? AND street_id = ?",
                        [p.label, int(street_id)]) or store.scalar(
        "SELECT count(*) FROM appraisal_ratings WHERE period = ? AND street_id = ?",
        [p.label, int(street_id)])
    if done:
        raise AppraisalError(f"{street[0][1]}已填报 {p.label} 的评议；每个街道每期只评议一次")
    at = at or store_clock(store).now()
    text = (comment or "").strip() or None
    with store.transaction():
        store.rows("INSERT INTO appraisal_surveys (period, street_id, submitted_by, submitted_at, "
                   "comment) VALUES (?, ?, ?, ?, ?)",
                   [p.label, int(street_id), user.username, at, text])
        store.bulk_insert("appraisal_ratings", {
            "period": [p.label] * len(clean), "street_id": [int(street_id)] * len(clean),
            "department_id": list(clean), "score": list(clean.values()),
            "comment": [text] * len(clean), "rated_by_role": [user.role.value] * len(clean),
            "rated_at": [at] * len(clean)})
        from app.audit import append as audit

        audit(store, at=at, username=user.username, role=user.role.value,
              action="appraisal.survey", entity="appraisal_survey",
              entity_id=f"{p.label}/{street_id}",
              after={"ratings": {str(k): v for k, v in clean.items()}, "comment": text})
    return Survey(p.label, int(street_id), street[0][1], user.username, at, text, clean)


def surveys_for(store, period: Period | str) -> list[Survey]:
    """The streets' surveys (scores in appraisal_ratings) for exactly this period label."""
    p = _period(period)
    rows = store.rows(
        "SELECT r.street_id, s.name, r.department_id, CAST(r.score AS DOUBLE PRECISION), "
        "sv.submitted_by, "
        "coalesce(sv.submitted_at, r.rated_at), coalesce(sv.comment, NULL), r.rated_by_role "
        "FROM appraisal_ratings r JOIN grid_units s ON s.id = r.street_id "
        "LEFT JOIN appraisal_surveys sv ON sv.period = r.period AND sv.street_id = r.street_id "
        "WHERE r.period = ? ORDER BY s.code, r.department_id", [p.label])
    out: dict[int, Survey] = {}
    for sid, name, dept, score, by, at, comment, role in rows:
        sv = out.get(sid)
        if sv is None:
            sv = out[sid] = Survey(p.label, int(sid), name, by or role, at, comment, {})
        sv.ratings[int(dept)] = float(score)
    return list(out.values())


def survey_means(store, period: Period) -> dict[int, float]:
    """Mean survey score of each department over the period (its months' surveys and
    a survey for the period itself), 0-100."""
    labels = sorted({m.label for m in period.months()} | {period.label})
    rows = store.rows(f"SELECT department_id, avg(score) FROM appraisal_ratings "
                      f"WHERE period IN ({', '.join('?' * len(labels))}) GROUP BY 1", labels)
    return {int(d): float(v) for d, v in rows}
