"""The working-time clock (工作时间) of demo deadlines, vectorised.

The same calendar as the workflow (:data:`app.domain.worktime.DEFAULT_CALENDAR`:
working hours, weekends, public holidays and make-up days), applied to whole
arrays at once through a table of working days, so that 180,000 generated
deadlines agree with what the case machine would compute.  Times are float
seconds since ``EPOCH`` (a Monday); NaN means "never".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np

from app.domain.worktime import DEFAULT_CALENDAR

EPOCH = np.datetime64("2000-01-03T00:00:00", "s")  # a Monday
_EPOCH_DATE = date(2000, 1, 3)
_TABLE_DAYS = 366 * 45  # up to 2045
DAY = 86_400.0
_START = DEFAULT_CALENDAR.start
WORK_START = _START.hour * 3600.0 + _START.minute * 60.0 + _START.second
WORK_LEN = DEFAULT_CALENDAR.day_seconds


@lru_cache(maxsize=1)
def _workdays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is a working day, working days before each day, day index of the k-th working day)."""
    work = np.array([DEFAULT_CALENDAR.is_workday(_EPOCH_DATE + timedelta(days=i))
                     for i in range(_TABLE_DAYS)], dtype=bool)
    before = np.concatenate([[0], np.cumsum(work)])
    return work, before, np.flatnonzero(work)


def seconds(t: datetime | np.ndarray) -> np.ndarray | float:
    """Datetime(s) -> float seconds since EPOCH."""
    if isinstance(t, datetime):
        return float((np.datetime64(t, "s") - EPOCH).astype(np.int64))
    return (np.asarray(t, dtype="datetime64[s]") - EPOCH).astype(np.int64).astype(float)


def to_datetime64(s: np.ndarray) -> np.ndarray:
    """Float seconds since EPOCH (NaN = missing) -> datetime64[s] (NaT = missing)."""
    s = np.asarray(s, dtype=float)
    out = np.full(s.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = ~np.isnan(s)
    out[ok] = EPOCH + np.round(s[ok]).astype(np.int64).astype("timedelta64[s]")
    return out


def work_position(s: np.ndarray) -> np.ndarray:
    """Working seconds elapsed since EPOCH at wall time ``s``."""
    s = np.asarray(s, dtype=float)
    work, before, _ = _workdays()
    ok = ~np.isnan(s)
    day = np.zeros(s.shape, dtype=np.int64)
    day[ok] = np.floor(s[ok] / DAY).astype(np.int64)
    within = np.where(work[day], np.clip(s - day * DAY - WORK_START, 0.0, WORK_LEN), 0.0)
    return np.where(ok, before[day] * WORK_LEN + within, np.nan)


def wall_time(w: np.ndarray) -> np.ndarray:
    """Inverse of :func:`work_position`: the wall time of a working-seconds position."""
    w = np.asarray(w, dtype=float)
    _, _, index = _workdays()
    ok = ~np.isnan(w)
    k = np.zeros(w.shape, dtype=np.int64)
    k[ok] = np.floor(w[ok] / WORK_LEN).astype(np.int64)
    return np.where(ok, index[k] * DAY + WORK_START + (w - k * WORK_LEN), np.nan)


def add_work_hours(s: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Wall time ``hours`` working hours after ``s`` (nights and weekends skipped)."""
    return wall_time(work_position(s) + np.asarray(hours, dtype=float) * 3600.0)
