"""The working-time clock across weekends, public holidays and make-up days (调休)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.worktime import DEFAULT_CALENDAR as CAL
from app.domain.worktime import WorkCalendar


def brute_add_minutes(cal: WorkCalendar, t: datetime, minutes: int) -> datetime:
    """Walk minute by minute: the reference the fast clock must agree with."""
    if minutes == 0:
        return t
    cur = t.replace(second=0, microsecond=0)
    left = minutes
    while True:
        if cal.is_workday(cur.date()) and cal.start <= cur.time() < cal.end:
            left -= 1
            if left == 0:
                return cur + timedelta(minutes=1)
        cur += timedelta(minutes=1)


def test_weekend_is_skipped():
    # Friday 16:30 + 2 h -> Monday 09:30
    assert CAL.add_work_hours(datetime(2026, 11, 20, 16, 30), 2) == datetime(2026, 11, 23, 9, 30)


def test_spring_festival_2026_and_its_makeup_saturdays():
    assert not CAL.is_workday(date(2026, 2, 16))  # 除夕 week
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday, 调休上班
    assert CAL.is_workday(date(2026, 2, 28))
    # Friday 13th 17:00 + 1 h: half an hour on Friday, the rest on make-up Saturday the 14th
    assert CAL.add_work_hours(datetime(2026, 2, 13, 17, 0), 1) == datetime(2026, 2, 14, 9, 0)
    # Saturday 14th 17:00 + 1 h: the holiday runs to the 23rd (Monday) -> Tuesday the 24th
    assert CAL.add_work_hours(datetime(2026, 2, 14, 17, 0), 1) == datetime(2026, 2, 24, 9, 0)


def test_national_day_2026():
    assert all(not CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))
    # 30 Sep 17:00 + 1 h -> 8 Oct 09:00 (half hour on the 30th, half on the 8th)
    assert CAL.add_work_hours(datetime(2026, 9, 30, 17, 0), 1) == datetime(2026, 10, 8, 9, 0)


def test_2027_holidays_are_entered():
    assert not CAL.is_workday(date(2027, 1, 1))
    assert not CAL.is_workday(date(2027, 2, 8))  # 春节 week
    assert not CAL.is_workday(date(2027, 10, 4))


def test_configurable_hours_and_weekend():
    cal = WorkCalendar(start=time(9, 0), end=time(12, 0), weekend=frozenset({6}))
    # Saturday is a working day in this calendar; 3 h a day
    assert cal.add_work_hours(datetime(2026, 11, 21, 11, 0), 2) == datetime(2026, 11, 23, 10, 0)
    assert cal.work_seconds_between(datetime(2026, 11, 21, 8, 0),
                                    datetime(2026, 11, 23, 12, 0)) == 6 * 3600


def test_bad_calendars_and_limits_are_refused():
    with pytest.raises(ValueError, match="start before"):
        WorkCalendar(start=time(18, 0), end=time(9, 0))
    with pytest.raises(ValueError, match="both a holiday"):
        WorkCalendar(holidays=frozenset({date(2026, 1, 4)}))
    with pytest.raises(ValueError, match="negative"):
        CAL.add_work_hours(datetime(2026, 1, 5, 9, 0), -1)


_times = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1)).map(
    lambda t: t.replace(second=0, microsecond=0))


@settings(max_examples=60, deadline=None)
@given(t=_times, minutes=st.integers(0, 3 * 540))
def test_fast_clock_agrees_with_minute_walk(t, minutes):
    assert CAL.add_work_seconds(t, minutes * 60) == brute_add_minutes(CAL, t, minutes)


@settings(max_examples=200, deadline=None)
@given(t=_times, minutes=st.integers(1, 30 * 540))
def test_between_inverts_add(t, minutes):
    end = CAL.add_work_seconds(t, minutes * 60)
    assert CAL.work_seconds_between(t, end) == minutes * 60
    assert CAL.work_seconds_between(end, t) == -minutes * 60
