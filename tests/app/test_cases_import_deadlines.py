"""Default deadlines computed in arrays agree with the working-time calendar itself
(nights, weekends, holidays, make-up days, limits ending at closing time)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np

from app.appraisal.import_deadlines import add_work_hours
from app.domain.worktime import DEFAULT_CALENDAR

EPOCH = datetime(1970, 1, 1)
US = timedelta(microseconds=1)


def test_the_same_deadlines_as_the_calendar():
    rng = random.Random(13)
    times, hours = [], []
    for i in range(5000):  # two years around the 2026/2027 holidays, any time of day
        t = datetime(2025, 12, 1) + timedelta(seconds=rng.randrange(86400 * 730))
        if i % 5 == 0:
            t = t.replace(hour=rng.choice([8, 17]), minute=30, second=0)  # at opening/closing
        if i % 7 == 0:
            t = t.replace(microsecond=rng.randrange(10**6))
        times.append(t)
        hours.append(rng.choice([0, 0.5, 2, 4, 8, 9, 16, 18, 24, 48, 72, 120, 240]))
    got = add_work_hours(DEFAULT_CALENDAR, np.array([(t - EPOCH) // US for t in times]),
                         np.array(hours))
    want = [(DEFAULT_CALENDAR.add_work_hours(t, h) - EPOCH) // US for t, h in zip(times, hours,
                                                                                   strict=True)]
    assert got.tolist() == want
