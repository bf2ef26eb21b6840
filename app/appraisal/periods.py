"""Appraisal periods (考核周期): month, quarter, year or a custom range of days.

A period is a half-open interval of naive district-local time ``[start, end)``:
a case closed at 2026-10-31 23:59 belongs to October, one closed at 2026-11-01
00:00 to November.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.clock import Clock, store_clock

KINDS = ("month", "quarter", "year", "range")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|to)\s*(\d{4}-\d{2}-\d{2})$")


def _month_start(y: int, m: int) -> datetime:
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return datetime(y, m, 1)


@dataclass(frozen=True)
class Period:
    """``kind`` ('month'|'quarter'|'year'|'range'), ``[start, end)`` and its label."""

    kind: str
    start: datetime
    end: datetime
    label: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"period kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.start < self.end:
            raise ValueError(f"period {self.label}: start {self.start} is not before end {self.end}")

    # -- constructors -----------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        s = _month_start(year, month)
        return cls("month", s, _month_start(s.year, s.month + 1), f"{s:%Y-%m}")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        s = _month_start(year, 3 * (q - 1) + 1)
        return cls("quarter", s, _month_start(s.year, s.month + 3), f"{s.year}Q{q}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", datetime(year, 1, 1), datetime(year + 1, 1, 1), f"{year}")

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """The days ``first`` to ``last`` inclusive."""
        s = datetime.combine(first, datetime.min.time())
        e = datetime.combine(last, datetime.min.time()) + timedelta(days=1)
        return cls("range", s, e, f"{first:%Y-%m-%d}~{last:%Y-%m-%d}")

    # -- related periods -----------------------------------------------------------------
    def previous(self) -> Period:
        """环比 base: the period just before, same kind and length."""
        if self.kind == "month":
            return Period.month(self.start.year, self.start.month - 1)
        if self.kind == "quarter":
            s = _month_start(self.start.year, self.start.month - 3)
            return Period.quarter(s.year, (s.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        n = (self.end - self.start).days
        first = self.start.date() - timedelta(days=n)
        return Period.days(first, self.start.date() - timedelta(days=1))

    def year_before(self) -> Period:
        """同比 base: the same period one year earlier."""
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        if self.kind == "quarter":
            return Period.quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period.days(_minus_year(self.start.date()),
                           _minus_year((self.end - timedelta(days=1)).date()))

    def months(self) -> list[Period]:
        """The calendar months overlapping the period (for trends)."""
        out = []
        s = _month_start(self.start.year, self.start.month)
        while s < self.end:
            out.append(Period.month(s.year, s.month))
            s = _month_start(s.year, s.month + 1)
        return out

    def contains(self, t: datetime) -> bool:
        return self.start <= t < self.end

    def __str__(self) -> str:
        return self.label


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def parse_period(text: str) -> Period:
    """'2026-10', '2026Q3', '2026' or '2026-10-01..2026-10-15' (also '~')."""
    t = (text or "").strip()
    if m := _MONTH.match(t):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"period {text!r}: month must be 01-12")
        return Period.month(y, mo)
    if m := _QUARTER.match(t):
        return Period.quarter(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.match(t):
        return Period.year(int(m.group(1)))
    if m := _RANGE.match(t):
        try:
            a, b = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise ValueError(f"period {text!r}: {exc}") from None
        if b < a:
            raise ValueError(f"period {text!r}: the range ends before it starts")
        return Period.days(a, b)
    raise ValueError(f"period {text!r} not understood; use 2026-10 (month), 2026Q3 (quarter), "
                     f"2026 (year) or 2026-10-01..2026-10-15 (days, inclusive)")


def trailing_year(now: datetime) -> Period:
    """近12个月: the 365 complete days before ``now``'s day (today excluded, so the
    figure only changes at midnight).  The window of the big screen's and ``info``'s
    closure rate (结案率)."""
    today = now.date()
    return Period.days(today - timedelta(days=365), today - timedelta(days=1))


def latest_complete_month(store, clock: Clock | None = None) -> Period:
    """The last full calendar month before ``clock``'s now (the district's clock by
    default)."""
    now = (clock or store_clock(store)).now()
    return Period.month(now.year, now.month - 1)
