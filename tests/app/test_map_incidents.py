"""Incident layer logic: cases at a moment, time windows, hexagonal aggregation."""

from __future__ import annotations

import numpy as np

from app.feed import to_seconds
from app.map.incidents import DAY_S, case_states, hexbin, window_start


def test_case_states_at_a_moment():
    t = 100 * DAY_S + 10 * 3600  # 10:00 on some day
    reported = np.array([t - 3600, t - 3 * DAY_S, t - 40 * DAY_S, t + 60, t - 50 * DAY_S])
    closed = np.array([np.nan, t - DAY_S, np.nan, np.nan, t - 45 * DAY_S])
    deadline = np.array([t + 3600, t - 2 * DAY_S, t - 30 * DAY_S, t + DAY_S, np.nan])
    st = case_states(reported, closed, deadline, t, "30d")
    # 0 open and recent; 1 closed recent (dimmed); 2 old but overdue (alert); 3 not yet; 4 old
    assert st.shown.tolist() == [True, True, True, False, False]
    assert st.open.tolist() == [True, False, True, False, False]
    assert st.overdue.tolist() == [False, False, True, False, False]
    today = case_states(reported, closed, deadline, t, "today")
    assert today.shown.tolist() == [True, False, True, False, False]
    year = case_states(reported, closed, deadline, t, "year")
    assert year.shown.tolist() == [True, True, True, False, True]
    # two and a half days earlier case 1 (closed a day ago) was still open
    before = case_states(reported, closed, deadline, t - 2.5 * DAY_S, "7d")
    assert before.open[1] and before.overdue[2]
    assert window_start(t, "today") == 100 * DAY_S


def test_hexbin_counts_every_point_once():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-500, 500, 5000), rng.uniform(-500, 500, 5000)
    hx, hy, n = hexbin(x, y, 50.0)
    assert n.sum() == 5000
    # every point is nearer to its own cell centre than the hexagon's circumradius
    d = np.hypot(x[:, None] - hx[None, :], y[:, None] - hy[None, :]).min(axis=1)
    assert d.max() <= 50.0 + 1e-9
    assert len(hx) < 5000 / 5  # aggregated
    e = hexbin(np.empty(0), np.empty(0), 10.0)
    assert len(e[0]) == 0


def test_district_cases_carry_their_times(district_map):
    c = district_map.cases
    assert len(c.reported_s) == len(c)
    now = to_seconds(district_map.now)
    assert np.nanmax(c.reported_s) <= now
    st = case_states(c.reported_s, c.closed_s, c.deadline_s, now, "year")
    assert np.array_equal(st.overdue, c.overdue)  # same rule as the SQL at "now"
    assert np.array_equal(st.open, c.is_open & st.shown)


def test_hexbin_dense_and_sparse_counting_agree():
    """Dense bincount for compact point sets, sorted keys for points spread thinly over a
    huge area: the same cells and counts either way."""
    rng = np.random.default_rng(7)
    x, y = rng.normal(0, 900, 5000), rng.normal(0, 600, 5000)
    dense = hexbin(x, y, 40.0)
    sparse = hexbin(np.r_[x, 5e7], np.r_[y, -5e7], 40.0)  # a far outlier: the sparse path
    near = np.hypot(sparse[0], sparse[1]) < 1e6

    def cells(hx, hy, n):
        return sorted(zip(np.round(hx, 6).tolist(), np.round(hy, 6).tolist(), n.tolist(),
                          strict=True))

    assert cells(sparse[0][near], sparse[1][near], sparse[2][near]) == cells(*dense)
    assert sparse[2][~near].tolist() == [1]
    assert int(dense[2].sum()) == 5000
