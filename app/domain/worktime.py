"""The working-time clock (工作时间) on which case and whistle deadlines run.

Time limits (处置时限, 报到时限) count working hours only: configurable daily
hours, no weekends, no public holidays (法定节假日), but the make-up working
days (调休上班) that fall on a weekend do count.  Paused time (延期 extended,
缓办 deferred) is handled by the workflow, which keeps the remaining working
seconds while a case is paused and starts counting again on resume.

The 2026 calendar is the State Council notice (国办发明电〔2025〕7号).  The
2027 entries are provisional (built from the lunar calendar and the usual
pattern) until the 2027 notice is entered: replace ``HOLIDAYS_2027`` and
``MAKEUP_2027`` then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


def _days(first: str, last: str | None = None) -> set[date]:
    a = date.fromisoformat(first)
    b = date.fromisoformat(last) if last else a
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


#: 2026 放假 (State Council notice of 2025)
HOLIDAYS_2026: frozenset[date] = frozenset(
    _days("2026-01-01", "2026-01-03")  # 元旦
    | _days("2026-02-15", "2026-02-23")  # 春节
    | _days("2026-04-04", "2026-04-06")  # 清明节
    | _days("2026-05-01", "2026-05-05")  # 劳动节
    | _days("2026-06-19", "2026-06-21")  # 端午节
    | _days("2026-09-25", "2026-09-27")  # 中秋节
    | _days("2026-10-01", "2026-10-07")  # 国庆节
)
#: 2026 调休上班 (weekend days that are working days)
MAKEUP_2026: frozenset[date] = frozenset(
    _days("2026-01-04") | _days("2026-02-14") | _days("2026-02-28") | _days("2026-05-09")
    | _days("2026-09-20") | _days("2026-10-10")
)
#: 2027 放假, provisional (see the module docstring)
HOLIDAYS_2027: frozenset[date] = frozenset(
    _days("2027-01-01", "2027-01-03")  # 元旦
    | _days("2027-02-05", "2027-02-13")  # 春节 (正月初一 = 2月6日)
    | _days("2027-04-03", "2027-04-05")  # 清明节
    | _days("2027-05-01", "2027-05-05")  # 劳动节
    | _days("2027-06-09")  # 端午节
    | _days("2027-09-15")  # 中秋节
    | _days("2027-10-01", "2027-10-07")  # 国庆节
)
MAKEUP_2027: frozenset[date] = frozenset(
    _days("2027-02-20") | _days("2027-05-08") | _days("2027-09-26") | _days("2027-10-09")
)


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours, weekends, public holidays and make-up days (调休)."""

    start: time = time(8, 30)
    end: time = time(17, 30)
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday
    holidays: frozenset[date] = field(default=HOLIDAYS_2026 | HOLIDAYS_2027)
    makeup_days: frozenset[date] = field(default=MAKEUP_2026 | MAKEUP_2027)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"working day must start before it ends ({self.start}-{self.end})")
        both = self.holidays & self.makeup_days
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a make-up working day")

    @property
    def day_seconds(self) -> float:
        return (_secs(self.end) - _secs(self.start))

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (工作日), make-up days included."""
        if d in self.makeup_days:
            return True
        return d.weekday() not in self.weekend and d not in self.holidays

    def _worked_on(self, t: datetime) -> float:
        """Working seconds of ``t``'s own day that lie before ``t``."""
        if not self.is_workday(t.date()):
            return 0.0
        s = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
        return min(max(s - _secs(self.start), 0.0), self.day_seconds)

    def work_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working seconds from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        if b < a:
            return -self.work_seconds_between(b, a)
        if a.date() == b.date():
            return self._worked_on(b) - self._worked_on(a)
        total = (self.day_seconds if self.is_workday(a.date()) else 0.0) - self._worked_on(a)
        d = a.date() + timedelta(days=1)
        while d < b.date():
            if self.is_workday(d):
                total += self.day_seconds
            d += timedelta(days=1)
        return total + self._worked_on(b)

    def add_work_seconds(self, t: datetime, seconds: float) -> datetime:
        """The wall time ``seconds`` working seconds after ``t`` (nights, weekends and
        holidays skipped).  A limit that ends exactly at closing time ends then."""
        if seconds < 0:
            raise ValueError("a time limit cannot be negative")
        if seconds == 0:
            return t
        d = t.date()
        left = float(seconds)
        if self.is_workday(d):
            done = self._worked_on(t)
            if done + left <= self.day_seconds:
                return self._at(d, _secs(self.start) + done + left)
            left -= self.day_seconds - done
        for _ in range(3700):  # ten years of days is more than any time limit
            d += timedelta(days=1)
            if not self.is_workday(d):
                continue
            if left <= self.day_seconds:
                return self._at(d, _secs(self.start) + left)
            left -= self.day_seconds
        raise ValueError("time limit too long for the working-time calendar")

    def add_work_hours(self, t: datetime, hours: float) -> datetime:
        """The wall time ``hours`` working hours after ``t``."""
        return self.add_work_seconds(t, hours * 3600.0)

    @staticmethod
    def _at(d: date, seconds: float) -> datetime:
        return datetime.combine(d, time()) + timedelta(seconds=seconds)

    def with_holidays(self, holidays: Iterable[date], makeup: Iterable[date] = ()) -> WorkCalendar:
        """A copy with further holidays and make-up days (e.g. a newly published year)."""
        return WorkCalendar(self.start, self.end, self.weekend,
                            self.holidays | frozenset(holidays),
                            self.makeup_days | frozenset(makeup))


def _secs(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second


#: the calendar the centre runs on unless configured otherwise
DEFAULT_CALENDAR = WorkCalendar()
