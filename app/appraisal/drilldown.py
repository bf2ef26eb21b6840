"""Drill-down (穿透): the records behind a figure — its numerator and its denominator,
selected with the very predicates of :mod:`app.appraisal.definitions`."""

from __future__ import annotations

from app.appraisal.definitions import INDICATORS, MEASURES
from app.appraisal.model import DrillDown
from app.appraisal.periods import Period
from app.appraisal.sql import bounds, case_from, patrol_from, shared_patrol, whistle_from

CASE_COLUMNS = ["案件编号", "类别", "状态", "责任部门", "上报时间", "派遣时间", "处置期限", "处置时间",
                "结案时间", "返工次数", "满意度"]
WHISTLE_COLUMNS = ["哨令编号", "标题", "轮次", "部门", "吹哨时间", "报到时限", "报到时间", "办结时限",
                   "反馈时间", "评分", "督办"]
PATROL_COLUMNS = ["网格员编号", "网格员", "日期"]


def _records(store, measure: str, period: Period, subject: str, subject_id, limit: int | None):
    m = MEASURES[measure]
    lim = f" LIMIT {int(limit)}" if limit else ""
    if m.source in ("case", "report"):
        frm, key, _ = case_from(store, subject)
        pred = bounds(m.predicate, period.start, period.end, days=True)
        where = pred if subject_id is None else f"{pred} AND {key} = {int(subject_id)}"
        sql = (f"SELECT c.code, k.name, c.status, d.short_name, c.reported_at, c.dispatched_at, "
               f"c.deadline_at, c.handled_at, c.closed_at, c.rework_count, c.satisfaction "
               f"FROM {frm} JOIN cases c ON c.id = f.id "
               f"LEFT JOIN categories k ON k.code = c.category_code "
               f"LEFT JOIN departments d ON d.id = c.department_id WHERE {where}")
        order = " ORDER BY c.reported_at, c.code"
        cols = CASE_COLUMNS
    elif m.source == "whistle":
        frm, key, _ = whistle_from(subject)
        pred = bounds(m.predicate, period.start, period.end)
        where = pred if subject_id is None else f"{pred} AND {key} = {int(subject_id)}"
        sql = (f"SELECT w.code, w.title, w.round, d.short_name, w.blown_at, w.report_deadline, "
               f"wd.reported_at, w.finish_deadline, wd.fed_back_at, wd.rating, w.supervised "
               f"FROM {frm} LEFT JOIN departments d ON d.id = wd.department_id WHERE {where}")
        order = " ORDER BY w.blown_at, w.code, d.short_name"
        cols = WHISTLE_COLUMNS
    else:
        frm, key, _ = patrol_from(period.start, period.end, shared=shared_patrol(store))
        pred = bounds(m.predicate, period.start, period.end)
        if measure == "track_days":
            sql = f"SELECT DISTINCT NULL, '全区', CAST(f.t AS DATE) FROM {frm} WHERE {pred}"
        else:
            where = pred if subject_id is None else f"{pred} AND {key} = {int(subject_id)}"
            sql = (f"SELECT wk.code, wk.name, CAST(f.t AS DATE) FROM {frm} "
                   f"JOIN workers wk ON wk.id = f.worker_id WHERE {where}")
        order = " ORDER BY 3, 1"
        cols = PATROL_COLUMNS
    total = int(store.scalar(f"SELECT count(*) FROM ({sql}) r"))
    return cols, store.rows(sql + order + lim), total


def drill_down(store, period: Period, subject: str, subject_id: int | None,
               indicator_code: str, *, limit: int | None = 20000) -> DrillDown:
    """The records counted in ``indicator_code``'s numerator and denominator for one
    subject (``subject_id`` None: the whole district); at most ``limit`` rows each
    (``numerator_total``/``denominator_total`` give the full counts)."""
    ind = INDICATORS.get(indicator_code)
    if ind is None:
        raise ValueError(f"unknown indicator {indicator_code!r}")
    if subject not in ind.subjects:
        raise ValueError(f"{ind.name_zh} ({indicator_code}) does not apply to a {subject}")
    cols, rows, n_total = _records(store, ind.numerator, period, subject, subject_id, limit)
    den_rows, d_total = [], 0
    if ind.denominator:
        _, den_rows, d_total = _records(store, ind.denominator, period, subject, subject_id, limit)
    return DrillDown(indicator_code, cols, rows, den_rows, n_total, d_total)
