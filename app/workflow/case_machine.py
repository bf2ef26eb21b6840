"""The case closed loop (事件闭环, GB/T 30428) as an explicit state machine.

Main line: 受理 accepted → 立案 registered → 派遣 dispatched → 处置 handled →
反馈 fed_back → 核查 verified → 结案 closed → 评价 evaluated.

Exceptional paths, each needing an approver and a reason (审批):
回退 return (dispatched → returned, re-dispatched later), 作废 void
(accepted/registered → voided), 延期 extend (dispatched → extended, extra working
hours granted, clock paused), 缓办 defer (dispatched → deferred, clock paused),
挂账 park (dispatched/deferred → parked).  恢复 resume ends a pause.  A failed
verification is 返工 rework (fed_back → dispatched, a new deadline).

The machine is pure: :func:`apply` takes a :class:`CaseState` and returns the
next one, or raises :class:`IllegalTransition` with the reason.  Time comes in
as an argument (the injected clock).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.worktime import DEFAULT_CALENDAR, WorkCalendar

#: status codes in loop order, then the exceptional ones
MAIN_LINE = ("accepted", "registered", "dispatched", "handled", "fed_back", "verified",
             "closed", "evaluated")
EXCEPTIONAL = ("returned", "voided", "extended", "deferred", "parked")
STATUSES = MAIN_LINE + EXCEPTIONAL
#: the case is done with (no further step possible except evaluation of closed)
FINAL = frozenset({"evaluated", "voided", "parked"})
#: the working-time clock does not run in these
PAUSED = frozenset({"extended", "deferred"})

#: action -> (allowed from-statuses, to-status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "register": (frozenset({"accepted"}), "registered"),  # 立案
    "dispatch": (frozenset({"registered", "returned"}), "dispatched"),  # 派遣
    "handle": (frozenset({"dispatched"}), "handled"),  # 处置
    "feed_back": (frozenset({"handled"}), "fed_back"),  # 反馈
    "verify": (frozenset({"fed_back"}), "verified"),  # 核查通过
    "rework": (frozenset({"fed_back"}), "dispatched"),  # 核查不通过, 返工
    "close": (frozenset({"verified"}), "closed"),  # 结案
    "evaluate": (frozenset({"closed"}), "evaluated"),  # 综合评价
    "return": (frozenset({"dispatched"}), "returned"),  # 回退
    "void": (frozenset({"accepted", "registered"}), "voided"),  # 作废
    "extend": (frozenset({"dispatched"}), "extended"),  # 延期
    "defer": (frozenset({"dispatched"}), "deferred"),  # 缓办
    "resume": (frozenset({"extended", "deferred"}), "dispatched"),  # 恢复
    "park": (frozenset({"dispatched", "deferred"}), "parked"),  # 挂账
}
ACTIONS = tuple(TRANSITIONS)
#: 审批: these need an approver and a reason
NEEDS_APPROVAL = frozenset({"return", "void", "extend", "defer", "park"})
#: these need a reason (rework: what failed)
NEEDS_REASON = NEEDS_APPROVAL | {"rework"}

ACTION_NAMES = {
    "accept": "受理", "register": "立案", "dispatch": "派遣", "handle": "处置",
    "feed_back": "反馈", "verify": "核查", "rework": "返工", "close": "结案",
    "evaluate": "评价", "return": "回退", "void": "作废", "extend": "延期", "defer": "缓办",
    "resume": "恢复", "park": "挂账",
}
STATUS_NAMES = {
    "accepted": "已受理", "registered": "已立案", "dispatched": "已派遣", "handled": "已处置",
    "fed_back": "已反馈", "verified": "已核查", "closed": "已结案", "evaluated": "已评价",
    "returned": "已回退", "voided": "已作废", "extended": "延期中", "deferred": "缓办中",
    "parked": "已挂账",
}


class IllegalTransition(ValueError):
    """A step the loop does not allow here; the message says why."""


@dataclass(frozen=True)
class CaseState:
    """What the machine needs to know about one case."""

    status: str
    limit_hours: float  # 处置时限 from the category, working hours
    department_id: int | None = None
    deadline_at: datetime | None = None
    paused_at: datetime | None = None
    remaining_s: float | None = None  # working seconds left while paused
    rework_count: int = 0
    satisfaction: int | None = None
    last_at: datetime | None = None  # time of the last step (steps never go back in time)


@dataclass(frozen=True)
class Step:
    """One applied transition (案件流转记录)."""

    action: str
    from_status: str | None
    to_status: str
    at: datetime
    reason: str | None = None
    approver: str | None = None


def new_case(at: datetime, limit_hours: float) -> tuple[CaseState, Step]:
    """受理: a new case enters the loop."""
    if limit_hours <= 0:
        raise IllegalTransition("案件类别的处置时限必须大于零")
    return CaseState("accepted", limit_hours, last_at=at), Step("accept", None, "accepted", at)


def allowed_actions(state: CaseState) -> list[str]:
    """The actions the loop allows from ``state`` (permissions aside)."""
    return [a for a, (src, _) in TRANSITIONS.items() if state.status in src]


def apply(
    state: CaseState,
    action: str,
    at: datetime,
    *,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
    reason: str | None = None,
    approver: str | None = None,
    department_id: int | None = None,
    extra_hours: float | None = None,
    satisfaction: int | None = None,
) -> tuple[CaseState, Step]:
    """Apply ``action`` at ``at``; the next state and the step, or IllegalTransition."""
    if action not in TRANSITIONS:
        raise IllegalTransition(f"没有“{action}”这一步；可选：{'、'.join(ACTIONS)}")
    src, dst = TRANSITIONS[action]
    if state.status not in src:
        allowed = "、".join(STATUS_NAMES.get(s, s) for s in sorted(src))
        raise IllegalTransition(
            f"案件{STATUS_NAMES.get(state.status, state.status)}，不能{ACTION_NAMES[action]}"
            f"（{ACTION_NAMES[action]}只适用于{allowed}的案件）")
    if state.last_at is not None and at < state.last_at:
        raise IllegalTransition(f"{at:%Y-%m-%d %H:%M} 早于案件上一步的时间"
                                f"（{state.last_at:%Y-%m-%d %H:%M}）")
    reason = (reason or "").strip() or None
    if action in NEEDS_REASON and not reason:
        raise IllegalTransition(f"{ACTION_NAMES[action]}须填写原因")
    if action in NEEDS_APPROVAL and not (approver or "").strip():
        raise IllegalTransition(f"{ACTION_NAMES[action]}须有审批人")
    new = replace(state, status=dst, last_at=at)
    if action == "dispatch":
        dept = department_id or state.department_id
        if not dept:
            raise IllegalTransition("派遣须指定责任部门")
        new = replace(new, department_id=dept,
                      deadline_at=calendar.add_work_hours(at, state.limit_hours))
    elif action == "rework":
        new = replace(new, rework_count=state.rework_count + 1,
                      deadline_at=calendar.add_work_hours(at, state.limit_hours))
    elif action in ("extend", "defer"):
        if action == "extend" and not (extra_hours and extra_hours > 0):
            raise IllegalTransition("延期须填写延长的工作小时数")
        remaining = calendar.work_seconds_between(at, state.deadline_at) \
            if state.deadline_at else state.limit_hours * 3600.0
        remaining += (extra_hours or 0.0) * 3600.0 if action == "extend" else 0.0
        new = replace(new, paused_at=at, remaining_s=remaining, deadline_at=None)
    elif action == "resume":
        # the clock runs again with what was left (negative: already overdue)
        left = state.remaining_s or 0.0
        deadline = calendar.add_work_seconds(at, left) if left >= 0 else at
        new = replace(new, paused_at=None, remaining_s=None, deadline_at=deadline)
    elif action == "park":
        new = replace(new, paused_at=None, remaining_s=None, deadline_at=None)
    elif action == "evaluate":
        if satisfaction is None or not 1 <= satisfaction <= 5:
            raise IllegalTransition("评价须给出 1 到 5 的满意度")
        new = replace(new, satisfaction=satisfaction)
    return new, Step(action, state.status, dst, at, reason,
                     (approver or "").strip() or None)


def is_overdue(state: CaseState, now: datetime) -> bool:
    """超期: the clock runs, a deadline is set and has passed before handling."""
    return (state.status in ("dispatched",) and state.deadline_at is not None
            and now > state.deadline_at)


def overdue_work_seconds(state: CaseState, now: datetime,
                         calendar: WorkCalendar = DEFAULT_CALENDAR) -> float:
    """How late in working seconds (0 when not overdue)."""
    if not is_overdue(state, now):
        return 0.0
    return max(0.0, calendar.work_seconds_between(state.deadline_at, now))
