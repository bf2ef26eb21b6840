"""今日步行: a worker's walked distance is what a person can walk (at most 5 km/h on
patrol), on the demo's stored day and on the live feed; GPS jitter and jumps add nothing."""

from __future__ import annotations

from datetime import datetime, time

import numpy as np
import pytest

from app.feed import PatrolSimulator, RoadLoops, to_seconds
from app.feed import simulator as simmod
from app.feed.simulator import load_roster
from app.feed.worker_record import JITTER_M, walk, worker_record
from tests.conftest import TEST_NOW

WALK_MPS = 5.0 / 3.6  # 5 km/h


def test_no_walker_is_faster_than_5_km_h(store, district_map):
    loops = RoadLoops.from_grids(district_map.levels[4].geoms)
    sim = PatrolSimulator(loops, load_roster(store, district_map.levels[4].ids), 0.0, seed=1)
    assert sim.speed.max() <= WALK_MPS
    assert max(simmod.SPEED.values()) * 1.1 <= WALK_MPS


def test_the_stored_day_is_walkable(store, district_map):
    """Every worker's record of the demo day: distance within 5 km/h × time on patrol."""
    day = to_seconds(datetime.combine(TEST_NOW.date(), time(0)))
    now = to_seconds(TEST_NOW)
    ids = [r[0] for r in store.rows("SELECT DISTINCT worker_id FROM gps_fixes ORDER BY 1")]
    assert len(ids) > 100
    speeds = []
    for wid in ids:
        rec = worker_record(store, district_map.frame, wid, day, now)
        assert rec.patrol_s > 0
        assert rec.distance_m <= WALK_MPS * rec.patrol_s, (wid, rec.distance_m, rec.patrol_s)
        speeds.append(rec.distance_m / rec.patrol_s)
    # they do walk: a patrol covers a few km an hour, stops included
    assert 0.5 < np.median(speeds) < 1.2


def test_the_live_feed_is_walkable(store, district_map):
    """Two hours of the live feed (a fix every 10 s, stops, GPS noise)."""
    loops = RoadLoops.from_grids(district_map.levels[4].geoms)
    roster = load_roster(store, district_map.levels[4].ids)
    t0 = to_seconds(datetime(2026, 11, 20, 9, 0))
    sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=5)
    b = sim.run_until(t0 + 2 * 3600)
    workers = np.unique(b.worker)
    assert len(workers) > 50
    for w in workers.tolist():
        mine = b.worker == w
        order = np.argsort(b.t[mine], kind="stable")
        t, x, y = b.t[mine][order], b.x[mine][order], b.y[mine][order]
        got = walk(t, x, y)
        assert got.distance_m <= WALK_MPS * got.patrol_s, (w, got)


def test_standing_still_adds_nothing():
    rng = np.random.default_rng(3)
    t = np.arange(0, 3600, 10.0)  # an hour at a door, fixes scattered by a few metres
    x, y = rng.normal(0, 2.0, len(t)), rng.normal(0, 2.0, len(t))
    naive = np.hypot(np.diff(x), np.diff(y)).sum()  # every scatter summed: over a kilometre
    got = walk(t, x, y)
    assert naive > 1000 and got.distance_m < 5 * JITTER_M
    assert got.patrol_s == pytest.approx(3590)


def test_a_gps_jump_is_not_walked():
    t = np.arange(0, 600, 10.0)
    x = t * 1.2  # 1.2 m/s along a road: 708 m
    x_jump = x.copy()
    x_jump[30] += 400  # one fix 400 m off, then back
    assert walk(t, x, np.zeros(len(t))).distance_m == pytest.approx(708, abs=1)
    assert walk(t, x_jump, np.zeros(len(t))).distance_m == pytest.approx(708 - 24, abs=25)


def test_breaks_are_not_walked_and_the_stretch_starts_after_the_last():
    t = np.array([0.0, 60.0, 120.0, 3000.0, 3060.0])
    x = np.array([0.0, 30.0, 60.0, 500.0, 540.0])
    got = walk(t, x, np.zeros(5))
    assert (got.distance_m, got.since, got.patrol_s) == (100.0, 3000.0, 180.0)
