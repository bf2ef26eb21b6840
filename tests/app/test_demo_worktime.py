"""The demo's vectorised clock gives the same deadlines as the workflow's calendar."""

from datetime import datetime, timedelta

import numpy as np

from app.demo.worktime import add_work_hours, seconds, to_datetime64
from app.domain.worktime import DEFAULT_CALENDAR


def test_vectorised_deadlines_match_the_workflow_calendar():
    rng = np.random.default_rng(3)
    starts = [datetime(2025, 12, 1) + timedelta(minutes=int(m))
              for m in rng.integers(0, 60 * 24 * 400, 2000)]
    hours = rng.uniform(0.5, 120.0, len(starts))
    got = to_datetime64(add_work_hours(np.array([seconds(t) for t in starts]), hours))
    for t, h, g in zip(starts, hours, got, strict=True):
        want = DEFAULT_CALENDAR.add_work_hours(t, float(h))
        assert abs((g.astype(datetime) - want).total_seconds()) <= 1, (t, h)


def test_national_day_is_skipped_and_missing_stays_missing():
    # 2 working hours from 16:00 on 30 September 2026: the holiday runs 1-7 October,
    # 10 October (Saturday) is a make-up working day
    out = add_work_hours(np.array([np.nan, seconds(datetime(2026, 9, 30, 16, 0))]),
                         np.array([2.0, 2.0]))
    assert np.isnan(out[0])
    assert to_datetime64(out[1:])[0].astype(datetime) == datetime(2026, 10, 8, 9, 0)
