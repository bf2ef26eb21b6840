"""Big-screen headline figures (Qt-free)."""

from __future__ import annotations

import numpy as np

from app.map.headline import headline_at
from app.map.incidents import DAY_S

NAN = np.nan


def test_headline_figures():
    t = 10 * DAY_S + 9 * 3600
    reported = np.array([t - 3600, t - 2 * DAY_S, t - 3 * DAY_S, t - 400 * DAY_S, t + 10])
    closed = np.array([NAN, t - DAY_S, NAN, t - 399 * DAY_S, NAN])
    deadline = np.array([t + 3600, t - DAY_S, t - DAY_S, t - 399 * DAY_S, t + DAY_S])
    blown = np.array([t - 5 * 3600, t - 2 * DAY_S, t + 60])
    wclosed = np.array([NAN, t - DAY_S, NAN])
    h = headline_at(t, reported, closed, deadline, blown, wclosed, on_patrol=42)
    assert h.on_patrol == 42
    assert h.cases_today == 1
    assert h.open_cases == 2 and h.overdue == 1
    # due to close within the year: case 1 (closed) and case 2 (overdue) -> 1 of 2
    assert h.closure_rate == 0.5
    assert h.whistles_in_progress == 1
