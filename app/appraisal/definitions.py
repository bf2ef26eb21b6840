"""THE definitions of the appraisal indicators (考核指标口径), written once.

Every figure the engine computes, the README documents and the drill-down lists
comes from this table.  A *measure* is an exact count (or a sum) of records that
satisfy an SQL predicate for a period ``[{s}, {e})``; an *indicator* is a
measure itself (kind ``count``) or a ratio of two measures (kinds ``rate``,
``hours``, ``score``).  Rates are fractions computed from the exact counts;
None when the denominator is 0.

Record sets (``source``):

* ``case``    — one row per case: the facts ``f`` of :data:`CASE_FACTS` (date of each
  loop step, flags such as on time, reworked, returned), derived from ``cases`` and
  ``case_transitions``.
* ``whistle`` — one row per department summoned by a whistle
  (``whistle_departments wd`` joined to ``whistles w``).
* ``report``  — the same facts, by the grid worker who reported the case.
* ``patrol``  — days with GPS fixes (``gps_fixes``).
"""

from __future__ import annotations

from dataclasses import dataclass

SUBJECTS = ("overall", "street", "community", "grid", "department", "worker")
AREA = ("overall", "street", "community", "grid")
CASE_SUBJECTS = AREA + ("department",)


def _in(col: str) -> str:
    return f"({col} >= {{s}} AND {col} < {{e}})"


#: Per-case facts (``f``), derived once from ``cases c`` (see app/appraisal/facts.py):
#: name -> (SQL over the case, meaning).  Days are the calendar dates of the
#: timestamps; periods start and end at midnight, so "date in [start, end)" is
#: exactly "timestamp in [start, end)".
CASE_FACTS: dict[str, tuple[str, str]] = {
    "d_reported": ("CAST(c.reported_at AS DATE)", "上报日期"),
    "d_registered": ("CAST(c.registered_at AS DATE)", "立案日期"),
    "d_deadline": ("CAST(c.deadline_at AS DATE)", "处置期限日期（延期、缓办暂停期间为空）"),
    "d_closed": ("CAST(c.closed_at AS DATE)", "结案日期"),
    "d_handled": ("CAST(c.handled_at AS DATE)", "最后一次处置日期"),
    "d_dispatched": ("CAST(c.dispatched_at AS DATE)", "最后一次派遣日期"),
    "d_evaluated": ("CAST(c.evaluated_at AS DATE)", "评价日期"),
    "live": ("c.status NOT IN ('voided', 'parked')", "未作废、未挂账"),
    "valid": ("c.status <> 'voided'", "未作废（有效上报）"),
    "by_worker": ("c.reporter_worker_id IS NOT NULL", "网格员上报"),
    "closed_on_time": ("coalesce(c.closed_at <= c.deadline_at, FALSE)", "结案时间 ≤ 处置期限"),
    "handled_on_time": ("coalesce(c.handled_at <= c.deadline_at, FALSE)", "处置时间 ≤ 处置期限"),
    "reworked": ("c.rework_count > 0", "曾因核查不通过返工"),
    "returned": ("ret.case_id IS NOT NULL", "曾被回退（流转记录中有 return）"),
    "rated": ("c.satisfaction IS NOT NULL", "有满意度评价"),
    "satisfied": ("coalesce(c.satisfaction >= 4, FALSE)", "满意度 4 或 5"),
    "work_hours": ("@work_hours", "受理→结案的工作小时（工作时间日历：夜间、周末、节假日不计）"),
}

#: 应结案 (due to close): not voided or parked, and the deadline falls in the period or
#: the case was closed in it.  A paused case (延期/缓办) has no deadline while paused.
DUE = f"(f.live AND ({_in('f.d_deadline')} OR {_in('f.d_closed')}))"


@dataclass(frozen=True)
class Measure:
    """An exact count (``sum_of`` None) or sum of ``sum_of`` over matching records."""

    code: str
    name_zh: str
    source: str  # case | whistle | report | patrol
    predicate: str  # SQL over the source's record set, {s}/{e} = period bounds
    formula_zh: str  # what is counted, in words
    sum_of: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A figure shown to people: a count, or ``numerator ÷ denominator``."""

    code: str
    name_zh: str
    kind: str  # count | rate | hours | score
    formula_zh: str
    subjects: tuple[str, ...]
    numerator: str  # measure code
    denominator: str | None = None  # measure code (None for counts)
    higher_is_better: bool = True


MEASURES: dict[str, Measure] = {m.code: m for m in (
    Measure("received", "受理数", "case", _in("f.d_reported"),
            "上报时间在周期内的案件"),
    Measure("registered", "立案数", "case", _in("f.d_registered"),
            "立案时间在周期内的案件"),
    Measure("due", "应结案数", "case", DUE,
            "未作废、未挂账，且处置期限在周期内或在周期内结案的案件（延期、缓办暂停期间无期限）"),
    Measure("closed", "结案数", "case", _in("f.d_closed"),
            "结案时间在周期内的案件"),
    Measure("closed_on_time", "按期结案数", "case",
            f"{_in('f.d_closed')} AND f.closed_on_time",
            "在周期内结案且结案时间不晚于处置期限的案件"),
    Measure("handled_on_time", "按期处置数", "case",
            f"{DUE} AND f.handled_on_time",
            "应结案中处置（最后一次）时间不晚于处置期限的案件"),
    Measure("handled", "处置数", "case", _in("f.d_handled"),
            "最后一次处置时间在周期内的案件"),
    Measure("reworked", "返工数", "case", f"{_in('f.d_handled')} AND f.reworked",
            "处置数中曾因核查不通过而返工的案件"),
    Measure("dispatched", "派遣数", "case", _in("f.d_dispatched"),
            "（最后一次）派遣时间在周期内的案件"),
    Measure("returned", "回退数", "case", f"{_in('f.d_dispatched')} AND f.returned",
            "派遣数中曾被回退（退回重派）的案件"),
    Measure("dispatched_right", "准确派遣数", "case",
            f"{_in('f.d_dispatched')} AND NOT f.returned",
            "派遣数中从未被回退的案件"),
    Measure("evaluated", "评价数", "case",
            f"{_in('f.d_evaluated')} AND f.rated",
            "评价时间在周期内且有满意度的案件"),
    Measure("satisfied", "满意数", "case",
            f"{_in('f.d_evaluated')} AND f.satisfied",
            "评价数中满意度为 4 或 5（满意、非常满意）的案件"),
    Measure("close_hours", "结案用时合计", "case", _in("f.d_closed"),
            "周期内结案案件从受理到结案的工作小时之和", sum_of="f.work_hours"),
    Measure("w_received", "接哨数", "whistle", _in("w.blown_at"),
            "吹哨时间在周期内、点名该部门的哨令（一哨多部门按部门计）"),
    Measure("w_reported_on_time", "按时报到数", "whistle",
            f"{_in('w.blown_at')} AND wd.reported_at <= w.report_deadline",
            "接哨数中报到时间不晚于报到时限的"),
    Measure("w_finished_on_time", "按时办结数", "whistle",
            f"{_in('w.blown_at')} AND wd.fed_back_at <= w.finish_deadline",
            "接哨数中反馈办结时间不晚于办结时限的"),
    Measure("w_supervised", "督办数", "whistle", f"{_in('w.blown_at')} AND w.supervised",
            "接哨数中被区委督查室督办的"),
    Measure("w_second", "二次哨数", "whistle", f"{_in('w.blown_at')} AND w.round = 2",
            "接哨数中属二次吹哨的"),
    Measure("w_rated", "哨令评价数", "whistle",
            f"{_in('wd.rated_at')} AND wd.rating IS NOT NULL",
            "评价时间在周期内、街道已评分的部门报到"),
    Measure("w_rating_sum", "哨令评分合计", "whistle",
            f"{_in('wd.rated_at')} AND wd.rating IS NOT NULL",
            "街道对部门报到处置的评分（1-5）之和", sum_of="wd.rating"),
    Measure("reports", "上报数", "report", f"{_in('f.d_reported')} AND f.by_worker",
            "网格员上报、上报时间在周期内的案件"),
    Measure("valid_reports", "有效上报数", "report",
            f"{_in('f.d_reported')} AND f.by_worker AND f.valid",
            "上报数中未被作废的"),
    Measure("patrol_days", "巡查天数", "patrol", _in("f.t"),
            "周期内该网格员有 GPS 轨迹的天数"),
    Measure("track_days", "有轨迹天数", "patrol", _in("f.t"),
            "周期内全区有 GPS 轨迹记录的天数"),
)}

_C = CASE_SUBJECTS
INDICATORS: dict[str, Indicator] = {i.code: i for i in (
    Indicator("received", "受理数", "count", "上报时间在周期内的案件数", _C, "received"),
    Indicator("registered", "立案数", "count", "立案时间在周期内的案件数", _C, "registered"),
    Indicator("due", "应结案数", "count", MEASURES["due"].formula_zh, _C, "due"),
    Indicator("closed", "结案数", "count", "结案时间在周期内的案件数", _C, "closed"),
    Indicator("closed_on_time", "按期结案数", "count", MEASURES["closed_on_time"].formula_zh,
              _C, "closed_on_time"),
    Indicator("close_rate", "结案率", "rate", "结案率 = 结案数 ÷ 应结案数", _C, "closed", "due"),
    Indicator("on_time_close_rate", "按期结案率", "rate", "按期结案率 = 按期结案数 ÷ 应结案数",
              _C, "closed_on_time", "due"),
    Indicator("on_time_handle_rate", "按期处置率", "rate", "按期处置率 = 按期处置数 ÷ 应结案数",
              _C, "handled_on_time", "due"),
    Indicator("rework_rate", "返工率", "rate", "返工率 = 返工数 ÷ 处置数", _C, "reworked",
              "handled", higher_is_better=False),
    Indicator("return_rate", "回退率", "rate", "回退率 = 回退数 ÷ 派遣数", _C, "returned",
              "dispatched", higher_is_better=False),
    Indicator("accurate_dispatch_rate", "准确派遣率", "rate", "准确派遣率 = 准确派遣数 ÷ 派遣数",
              _C, "dispatched_right", "dispatched"),
    Indicator("avg_close_hours", "平均结案用时", "hours",
              "平均结案用时 = 结案用时合计（受理→结案，工作小时）÷ 结案数", _C, "close_hours",
              "closed", higher_is_better=False),
    Indicator("satisfaction_rate", "满意率", "rate", "满意率 = 满意数 ÷ 评价数", _C, "satisfied",
              "evaluated"),
    Indicator("w_received", "接哨数", "count", MEASURES["w_received"].formula_zh, _C,
              "w_received"),
    Indicator("report_in_rate", "报到及时率", "rate", "报到及时率 = 按时报到数 ÷ 接哨数", _C,
              "w_reported_on_time", "w_received"),
    Indicator("finish_on_time_rate", "按时办结率", "rate", "按时办结率 = 按时办结数 ÷ 接哨数", _C,
              "w_finished_on_time", "w_received"),
    Indicator("w_supervised", "督办数", "count", MEASURES["w_supervised"].formula_zh, _C,
              "w_supervised", higher_is_better=False),
    Indicator("w_second", "二次哨数", "count", MEASURES["w_second"].formula_zh, _C, "w_second",
              higher_is_better=False),
    Indicator("whistle_rating", "哨令评分", "score", "哨令评分 = 哨令评分合计 ÷ 哨令评价数（1-5 分）",
              _C, "w_rating_sum", "w_rated"),
    Indicator("reports", "上报数", "count", MEASURES["reports"].formula_zh,
              ("overall", "worker"), "reports"),
    Indicator("valid_report_rate", "有效上报率", "rate", "有效上报率 = 有效上报数 ÷ 上报数",
              ("overall", "worker"), "valid_reports", "reports"),
    Indicator("patrol_coverage", "巡查覆盖率", "rate", "巡查覆盖率 = 巡查天数 ÷ 有轨迹天数",
              ("worker",), "patrol_days", "track_days"),
)}


def closure_arrays(closed_s, deadline_s, start_s: float, end_s: float) -> tuple[int, int]:
    """(结案数, 应结案数) of :data:`DUE` for arrays of times (float seconds, NaN = never),
    for code that holds cases as arrays (the big screen).  Same predicates as the SQL:
    closed in ``[start_s, end_s)``, or a deadline in it and not voided.  A voided case
    never had a deadline (it is voided before dispatch), so "closed" without a deadline
    marks it; parked cases (挂账) cannot be told apart in such arrays and count as open."""
    import numpy as np

    closed_s = np.asarray(closed_s, dtype=float)
    deadline_s = np.asarray(deadline_s, dtype=float)
    voided = np.isnan(deadline_s) & ~np.isnan(closed_s)
    closed = ~voided & (closed_s >= start_s) & (closed_s < end_s)
    due = closed | (~voided & (deadline_s >= start_s) & (deadline_s < end_s))
    return int(closed.sum()), int(due.sum())


def indicators_for(subject: str) -> list[str]:
    """Indicator codes that apply to ``subject``, in table order."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {', '.join(SUBJECTS)}, not {subject!r}")
    return [c for c, i in INDICATORS.items() if subject in i.subjects]


def measures_for(subject: str) -> list[str]:
    """Measure codes needed for ``subject``'s indicators."""
    out: list[str] = []
    for code in indicators_for(subject):
        ind = INDICATORS[code]
        for m in (ind.numerator, ind.denominator):
            if m and m not in out:
                out.append(m)
    return out


def definitions_markdown() -> str:
    """The definitions as a Markdown table (the README's section is this text)."""
    lines = ["| 指标 | code | 口径 / formula | applies to |", "|---|---|---|---|"]
    for i in INDICATORS.values():
        lines.append(f"| {i.name_zh} | `{i.code}` | {i.formula_zh} | {', '.join(i.subjects)} |")
    lines += ["", "| 计数 measure | code | 统计口径 |", "|---|---|---|"]
    for m in MEASURES.values():
        lines.append(f"| {m.name_zh} | `{m.code}` | {m.formula_zh} |")
    return "\n".join(lines)
