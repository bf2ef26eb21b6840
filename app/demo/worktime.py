"""The working-time clock (工作时间) of case and whistle deadlines, vectorised.

Time limits count working hours only: 08:30-17:30, Monday to Friday.  Public
holidays are ignored in the demo (a rough clock is enough to place deadlines
plausibly).  Times are float seconds since ``EPOCH`` (a Monday), so that whole
arrays of timestamps can be shifted at once.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

EPOCH = np.datetime64("2000-01-03T00:00:00", "s")  # a Monday
DAY = 86_400.0
WORK_START = 8.5 * 3600.0
WORK_LEN = 9.0 * 3600.0


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
    day = np.floor(s / DAY)
    sec = s - day * DAY
    week = np.floor(day / 7)
    wd = day - week * 7
    within = np.clip(sec - WORK_START, 0.0, WORK_LEN)
    weekend = wd >= 5
    wd = np.where(weekend, 5.0, wd)
    within = np.where(weekend, 0.0, within)
    return (week * 5 + wd) * WORK_LEN + within


def wall_time(w: np.ndarray) -> np.ndarray:
    """Inverse of :func:`work_position`: the wall time of a working-seconds position."""
    w = np.asarray(w, dtype=float)
    d = np.floor(w / WORK_LEN)
    within = w - d * WORK_LEN
    week = np.floor(d / 5)
    wd = d - week * 5
    return (week * 7 + wd) * DAY + WORK_START + within


def add_work_hours(s: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Wall time ``hours`` working hours after ``s`` (nights and weekends skipped)."""
    return wall_time(work_position(s) + np.asarray(hours, dtype=float) * 3600.0)
