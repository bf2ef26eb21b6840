"""The whistle (街道吹哨、部门报到) as an explicit state machine.

哨源形成 source → 街道吹哨 blow → 部门报到 report in → 处置/结果反馈 feed back →
街道核查 verify → 评价 rate (1–5, 下考上).  Each named department moves on its own:

    blown → reported → fed_back → verified → rated
                ↑__________|  (verification failed: 返工, back to reported)

Overdue report-in or finish puts the whistle on the supervision office's list
(督办, once); the street may blow a second whistle (二次哨, once, only from a
first whistle still open) which adds the district leaders (区领导); the
supervision office may flag accountability (问责, once, only when supervised).
The whole whistle is closed when every department is rated.

Pure functions over frozen dataclasses; the time is an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from app.domain.worktime import DEFAULT_CALENDAR, WorkCalendar

DEPT_STATES = ("blown", "reported", "fed_back", "verified", "rated")
#: whistle status, derived from its departments (see :func:`whistle_status`)
WHISTLE_STATUSES = ("blown", "reported", "handling", "fed_back", "verified", "closed")
STATUS_NAMES = {"blown": "已吹哨", "reported": "报到中", "handling": "处置中",
                "fed_back": "已反馈", "verified": "已核查", "closed": "已办结"}
ACTION_NAMES = {"blow": "吹哨", "report_in": "报到", "feed_back": "反馈", "verify": "核查",
                "reject": "核查不通过", "rate": "评价", "supervise": "督办",
                "second": "二次哨", "accountability": "问责", "close": "办结"}
#: a department's part of a whistle, as the user reads it
DEPT_STATE_NAMES = {"blown": "尚未报到", "reported": "已报到、尚未反馈", "fed_back": "已反馈、待核查",
                    "verified": "已核查、待评价", "rated": "已评价"}
#: what a step needs of the department's part
DEPT_NEEDS = {"blown": "尚未报到", "reported": "已报到", "fed_back": "已反馈", "verified": "已核查"}


class IllegalWhistleStep(ValueError):
    """A whistle step that is not allowed here; the message says why."""


@dataclass(frozen=True)
class DeptTask:
    """One department's part of a whistle (部门报到)."""

    department_id: int
    state: str = "blown"
    reported_at: datetime | None = None
    reported_by: str | None = None
    fed_back_at: datetime | None = None
    verified_at: datetime | None = None
    rating: int | None = None


@dataclass(frozen=True)
class Whistle:
    """A whistle and its departments."""

    street_id: int
    blown_at: datetime
    report_deadline: datetime
    finish_deadline: datetime
    tasks: tuple[DeptTask, ...]
    round: int = 1
    supervised: bool = False
    accountability: bool = False
    seconded: bool = False  # a second whistle has been blown from this one
    closed_at: datetime | None = None
    last_at: datetime | None = None
    #: the stored row's version (app/workflow/whistles.py checks it on every write)
    version: int = field(default=0, compare=False)
    extra: dict = field(default_factory=dict, compare=False)

    def task(self, department_id: int) -> DeptTask:
        for t in self.tasks:
            if t.department_id == department_id:
                return t
        raise IllegalWhistleStep("该部门不在这次吹哨召集的部门之中")


def blow(street_id: int, department_ids: list[int], at: datetime, report_hours: float,
         finish_hours: float, *, calendar: WorkCalendar = DEFAULT_CALENDAR,
         round_: int = 1) -> Whistle:
    """街道吹哨: a whistle calling ``department_ids`` with working-hour limits."""
    depts = list(dict.fromkeys(department_ids))
    if not depts:
        raise IllegalWhistleStep("吹哨至少要召集一个部门")
    if not 0 < report_hours <= finish_hours:
        raise IllegalWhistleStep("报到时限必须大于零，且不能晚于办结时限")
    return Whistle(street_id, at, calendar.add_work_hours(at, report_hours),
                   calendar.add_work_hours(at, finish_hours),
                   tuple(DeptTask(d) for d in depts), round=round_, last_at=at)


def whistle_status(w: Whistle) -> str:
    states = [DEPT_STATES.index(t.state) for t in w.tasks]
    lo, hi = min(states), max(states)
    if lo == 4:
        return "closed"
    if lo == 3:
        return "verified"
    if lo == 2:
        return "fed_back"
    if lo == 1:
        return "handling"
    return "reported" if hi >= 1 else "blown"


def _check_time(w: Whistle, at: datetime) -> None:
    if w.last_at is not None and at < w.last_at:
        raise IllegalWhistleStep(f"{at:%Y-%m-%d %H:%M} 早于哨令上一步的时间"
                                 f"（{w.last_at:%Y-%m-%d %H:%M}）")


def _open(w: Whistle, what: str) -> None:
    if w.closed_at is not None:
        raise IllegalWhistleStep(f"哨令已办结，不能再{ACTION_NAMES.get(what, what)}")


def _move(w: Whistle, dept: int, at: datetime, need: str, action: str, **changes) -> Whistle:
    _open(w, action)
    _check_time(w, at)
    t = w.task(dept)
    if t.state != need:
        raise IllegalWhistleStep(
            f"该部门{DEPT_STATE_NAMES.get(t.state, t.state)}，不能{ACTION_NAMES[action]}"
            f"（{DEPT_NEEDS.get(need, need)}的部门才能{ACTION_NAMES[action]}）")
    nt = replace(t, **changes)
    tasks = tuple(nt if x.department_id == dept else x for x in w.tasks)
    nw = replace(w, tasks=tasks, last_at=at)
    if whistle_status(nw) == "closed":
        nw = replace(nw, closed_at=at)
    return nw


def report_in(w: Whistle, dept: int, at: datetime, by: str) -> Whistle:
    """部门报到: who reported in for the department, and when."""
    if not (by or "").strip():
        raise IllegalWhistleStep("报到须填写报到人姓名")
    return _move(w, dept, at, "blown", "report_in", state="reported", reported_at=at,
                 reported_by=by.strip())


def feed_back(w: Whistle, dept: int, at: datetime) -> Whistle:
    """结果反馈: the department reports its work done."""
    return _move(w, dept, at, "reported", "feed_back", state="fed_back", fed_back_at=at)


def verify(w: Whistle, dept: int, at: datetime, passed: bool = True) -> Whistle:
    """街道核查: passed → verified; failed → back to work (返工)."""
    if passed:
        return _move(w, dept, at, "fed_back", "verify", state="verified", verified_at=at)
    return _move(w, dept, at, "fed_back", "reject", state="reported", fed_back_at=None)


def rate(w: Whistle, dept: int, at: datetime, rating: int) -> Whistle:
    """评价: the street rates the department's work 1–5 (下考上)."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise IllegalWhistleStep("评价须为 1 到 5 的整数")
    return _move(w, dept, at, "verified", "rate", state="rated", rating=rating)


@dataclass(frozen=True)
class Overdue:
    """One overdue item of a whistle (超时)."""

    department_id: int
    kind: str  # report (报到超时) or finish (办结超时)
    late_s: float  # working seconds late


def overdue_items(w: Whistle, now: datetime,
                  calendar: WorkCalendar = DEFAULT_CALENDAR) -> list[Overdue]:
    """What is late at ``now``: report-in not done (or done late) and finish not done in time."""
    out = []
    for t in w.tasks:
        reported = t.reported_at
        if (reported is None and now > w.report_deadline) or \
                (reported is not None and reported > w.report_deadline):
            end = reported or now
            out.append(Overdue(t.department_id, "report",
                               calendar.work_seconds_between(w.report_deadline, end)))
        finished = t.verified_at or t.fed_back_at
        if (finished is None and now > w.finish_deadline and t.state != "rated") or \
                (finished is not None and finished > w.finish_deadline):
            end = finished or now
            out.append(Overdue(t.department_id, "finish",
                               calendar.work_seconds_between(w.finish_deadline, end)))
    return out


def is_overdue(w: Whistle, now: datetime) -> bool:
    """Something is late and the whistle is still open."""
    return w.closed_at is None and bool(overdue_items(w, now))


def supervise(w: Whistle, at: datetime) -> Whistle:
    """督办: an overdue open whistle goes on the supervision list, exactly once."""
    _open(w, "supervise")
    if w.supervised:
        raise IllegalWhistleStep("这次吹哨已在督办之列")
    if not overdue_items(w, at):
        raise IllegalWhistleStep("这次吹哨没有超时的事项；督办只针对超时的吹哨")
    return replace(w, supervised=True, last_at=max(at, w.last_at or at))


def second_whistle(w: Whistle, at: datetime, leadership_id: int, report_hours: float,
                   finish_hours: float, *, calendar: WorkCalendar = DEFAULT_CALENDAR,
                   ) -> tuple[Whistle, Whistle]:
    """二次哨: the street blows again; the district leaders must report in too.

    Returns (the first whistle marked as seconded, the new round-2 whistle)."""
    _open(w, "second")
    _check_time(w, at)
    if w.round != 1:
        raise IllegalWhistleStep("二次哨不能再吹一次")
    if w.seconded:
        raise IllegalWhistleStep("这次吹哨已经吹过二次哨")
    depts = [t.department_id for t in w.tasks if t.department_id != leadership_id]
    new = blow(w.street_id, depts + [leadership_id], at, report_hours, finish_hours,
               calendar=calendar, round_=2)
    return replace(w, seconded=True, last_at=at), new


def flag_accountability(w: Whistle, at: datetime) -> Whistle:
    """问责: the supervision office flags a supervised whistle for discipline inspection."""
    if w.accountability:
        raise IllegalWhistleStep("这次吹哨已提请问责")
    if not w.supervised:
        raise IllegalWhistleStep("只有已督办的吹哨才能提请问责")
    return replace(w, accountability=True, last_at=max(at, w.last_at or at))
