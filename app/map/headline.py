"""The big-screen headline figures (大屏指标) at one moment, Qt-free.

在岗巡查 workers with a fresh fix, 今日案件 cases reported since midnight, 未结案
cases open, 超期 of which past their deadline, 结案率（近12个月） closure rate over the
365 complete days before the moment shown — the appraisal definition (结案数 ÷ 应结案数,
app.appraisal.definitions.closure_arrays, the same window as ``info``), 吹哨进行中
whistles blown and not closed (:func:`live_headline`: the store as it stands now).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.appraisal.definitions import closure_arrays
from app.map.incidents import DAY_S


@dataclass(frozen=True)
class Headline:
    on_patrol: int
    cases_today: int
    open_cases: int
    overdue: int
    closure_rate: float  # 0…1
    whistles_in_progress: int


def headline_at(t: float, reported_s: np.ndarray, closed_s: np.ndarray, deadline_s: np.ndarray,
                whistle_blown_s: np.ndarray, whistle_closed_s: np.ndarray,
                on_patrol: int) -> Headline:
    """The figures at feed time ``t`` from case and whistle times (NaN = not yet)."""
    reported = reported_s <= t
    closed = reported & (closed_s <= t)
    still_open = reported & ~closed
    overdue = still_open & (deadline_s < t)
    midnight = np.floor(t / DAY_S) * DAY_S
    # 近12个月: the 365 complete days before today (app.appraisal.periods.trailing_year)
    n_closed, n_due = closure_arrays(closed_s, deadline_s, midnight - 365 * DAY_S, midnight)
    rate = n_closed / n_due if n_due else 1.0
    whistles = (whistle_blown_s <= t) & ~(whistle_closed_s <= t)
    return Headline(
        on_patrol=int(on_patrol), cases_today=int((reported & (reported_s >= midnight)).sum()),
        open_cases=int(still_open.sum()), overdue=int(overdue.sum()), closure_rate=rate,
        whistles_in_progress=int(whistles.sum()))


def live_headline(t: float, reported_s: np.ndarray, is_open: np.ndarray, closed_s: np.ndarray,
                  deadline_s: np.ndarray, whistle_closed_s: np.ndarray,
                  on_patrol: int) -> Headline:
    """The figures of the store's present state at clock time ``t``: open cases and
    whistles in progress as they stand (a case reported or a whistle blown a moment after
    the clock was read counts, and still counts after a restart), 今日 and 超期 by ``t``."""
    midnight = np.floor(t / DAY_S) * DAY_S
    n_closed, n_due = closure_arrays(closed_s, deadline_s, midnight - 365 * DAY_S, midnight)
    return Headline(
        on_patrol=int(on_patrol),
        cases_today=int((reported_s >= midnight).sum()),
        open_cases=int(is_open.sum()), overdue=int((is_open & (deadline_s < t)).sum()),
        closure_rate=n_closed / n_due if n_due else 1.0,
        whistles_in_progress=int(np.isnan(whistle_closed_s).sum()))
