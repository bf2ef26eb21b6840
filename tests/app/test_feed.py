"""Live patrol feed without Qt: road loops, ring buffers, simulator, coverage, storage."""

from __future__ import annotations

import tracemalloc
from datetime import datetime

import numpy as np
import pytest
import shapely

from app.feed import FixBatch, PatrolSimulator, RoadLoops, TrackBuffer, WorkerRoster, to_seconds
from app.feed import simulator as simmod
from app.feed.coverage import coverage_by_grid
from app.feed.fixes import from_seconds
from app.feed.simulator import load_roster
from app.feed.storage import FixWriter, load_history

NOW = datetime(2026, 11, 20, 10, 30)


@pytest.fixture(scope="module")
def loops(district_map):
    return RoadLoops.from_grids(district_map.levels[4].geoms)


@pytest.fixture(scope="module")
def roster(store, district_map):
    return load_roster(store, district_map.levels[4].ids)


def _batch(worker, t, x, y):
    n = len(worker)
    return FixBatch(np.asarray(worker, np.int32), np.asarray(t, float), np.asarray(x, float),
                    np.asarray(y, float), np.zeros(n, np.float32))


def test_points_lie_on_their_loop(loops):
    rng = np.random.default_rng(0)
    g = rng.integers(0, len(loops), 500)
    s = rng.uniform(-2, 3, 500) * loops.length[g]  # wraps both ways
    x, y = loops.point_at(g, s)
    d = shapely.distance(loops.rings[g], shapely.points(x, y))
    assert d.max() < 1e-6
    # the loop's length is its ring's length
    assert np.allclose(loops.length, shapely.length(loops.rings))


def test_buffer_keeps_the_newest_fixes_per_worker():
    buf = TrackBuffer(3, 4)
    for i in range(6):
        buf.push(_batch([0, 2], [i, i], [i, 10 + i], [0, 0]))
    w, t, x, _ = buf.latest()
    assert w.tolist() == [0, 2] and t.tolist() == [5, 5] and x.tolist() == [5, 15]
    tr = buf.trails(5, 3.5)  # t in (1.5, 5]: the newest four minus none (capacity 4: 2..5)
    assert tr.x.tolist() == [2, 3, 4, 5, 12, 13, 14, 15]
    assert tr.connect.tolist() == [0, 1, 1, 1, 0, 1, 1, 1]
    assert tr.age.tolist() == [3, 2, 1, 0] * 2
    tr = buf.trails(5, 1.5)
    assert tr.x.tolist() == [4, 5, 14, 15]
    assert buf.trails(5, 3.5, max_fixes=2).x.tolist() == [4, 5, 14, 15]  # newest slots only
    # several fixes of one worker in one batch keep their order
    buf.push(_batch([1, 1, 1], [7, 8, 9], [1, 2, 3], [0, 0, 0]))
    assert buf.trails(9, 10).x[buf.trails(9, 10).worker == 1].tolist() == [1, 2, 3]
    buf.clear()
    assert len(buf.trails(9, 10)) == 0


def test_simulator_hour_without_drift_or_growth(loops, roster):
    t0 = to_seconds(NOW)
    sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=3)
    buf = TrackBuffer(len(roster), 64)
    prev = {}
    tracemalloc.start()
    try:
        snapshot_at = None
        for minute in range(60):
            batch = sim.run_until(t0 + (minute + 1) * 60)
            buf.push(batch)
            if minute == 10:
                snapshot_at = tracemalloc.get_traced_memory()[0]
            # every fix from a worker on duty, at the tick times
            assert set(np.unique(batch.t)) == {t0 + (minute * 60) + 10 * k for k in range(1, 7)}
            duty = roster.on_duty(batch.t[0])
            assert set(batch.worker[batch.t == batch.t[0]].tolist()) == set(np.flatnonzero(duty))
            # walking speed: no jumps between consecutive fixes, leaving the grid included
            last = batch.t == batch.t.max()
            for w, x, y in zip(batch.worker[last].tolist(), batch.x[last], batch.y[last],
                               strict=True):
                if w in prev:
                    px, py = prev[w]
                    # one minute at <= 1.6 m/s plus stop offsets, GPS noise and the step
                    # between two neighbouring grids' loops where they are nearest
                    assert np.hypot(x - px, y - py) < 60 * 1.6 + 2 * simmod.STOP_OFFSET_M + 40
            prev = {w: (x, y) for w, x, y in zip(batch.worker[last].tolist(), batch.x[last],
                                                 batch.y[last], strict=True)}
        grown = tracemalloc.get_traced_memory()[0] - snapshot_at
    finally:
        tracemalloc.stop()
    assert sim.now == t0 + 3600.0 and sim.k == 360  # exact: no accumulated drift
    assert grown < 2_000_000  # no state grows with simulated time
    # positions stay on (or just off, at a stop) the loop being walked
    _, _, x, y = buf.latest()
    who, _, _, _ = buf.latest()
    d = shapely.distance(loops.rings[sim.loop[who]], shapely.points(x, y))
    assert np.quantile(d, 0.99) < simmod.STOP_OFFSET_M + 4 * simmod.GPS_NOISE_M


def test_some_workers_leave_their_grid_and_come_back(loops, roster, monkeypatch):
    monkeypatch.setattr(simmod, "LEAVE_PER_HOUR", 3.0)
    t0 = to_seconds(NOW)
    sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=4)
    away = 0
    for k in range(1, 31):
        sim.run_until(t0 + k * 60)
        away = max(away, int(np.sum(sim.loop != roster.grid)))
    assert away > 0
    monkeypatch.setattr(simmod, "LEAVE_PER_HOUR", 0.0)
    batch = sim.run_until(t0 + 3 * 3600)  # excursions last 10-30 min, then they walk home
    assert np.sum(sim.loop != roster.grid) == 0
    assert len(batch.report_worker) > 0  # stops raise reports


def test_workers_cover_different_shares_of_their_grid(loops, roster):
    t0 = to_seconds(NOW)
    sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=6)
    batch = sim.run_until(t0 + 4 * 3600)
    cov = coverage_by_grid(loops, roster.grid[batch.worker], batch.x, batch.y)
    patrolled = np.unique(roster.grid[roster.on_duty(t0 + 3600)])
    assert cov[patrolled].max() > 0.95 and cov[patrolled].min() < 0.8


def test_coverage_counts_walked_road_length(loops):
    g = np.array([0, 1])
    full_s = np.linspace(0, loops.length[0], 400)
    half_s = np.linspace(0, loops.length[1] / 2, 200)
    x0, y0 = loops.point_at(np.zeros(400, int), full_s)
    x1, y1 = loops.point_at(np.ones(200, int), half_s)
    far_x, far_y = loops.centroid[2] + 10_000
    cov = coverage_by_grid(loops, np.r_[np.zeros(400, int), np.ones(200, int), [2]],
                           np.r_[x0, x1, [far_x]], np.r_[y0, y1, [far_y]])
    assert cov[g[0]] > 0.97
    assert 0.4 < cov[g[1]] < 0.6
    assert cov[2] == 0 and cov[3:].sum() == 0


def test_coverage_joins_sparse_fixes_along_the_road(loops):
    # one walker, a fix every 40 m (farther apart than a bin), once round loop 0 and on
    s = np.arange(0, loops.length[0] + 80, 40.0)
    x, y = loops.point_at(np.zeros(len(s), int), s)  # (wraps past the loop's start)
    g = np.zeros(len(s), int)
    sparse = coverage_by_grid(loops, g, x, y)[0]
    joined = coverage_by_grid(loops, g, x, y, worker=np.zeros(len(s), int),
                              t=np.arange(len(s)) * 30.0)[0]
    assert sparse < 0.8 and joined > 0.97
    # fixes too far apart in time are not joined
    apart = coverage_by_grid(loops, g, x, y, worker=np.zeros(len(s), int),
                             t=np.arange(len(s)) * 600.0)[0]
    assert apart == sparse


def test_fixes_written_in_batches_and_read_back(small_db_copy, district_map, loops):
    from app.store import open_store

    store = open_store(small_db_copy)
    try:
        roster = load_roster(store, district_map.levels[4].ids)
        t0 = to_seconds(datetime(2026, 11, 21, 9, 0))
        sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=5)
        clock = _FakeTimer()
        writer = FixWriter(store.cursor(), district_map.frame, roster.ids, timer=clock)
        sim.subscribe(writer.add)
        changes = []
        store.changes.subscribe(changes.extend)
        for k in range(1, 11):
            sim.advance(t0 + 60 * k)
            clock.t += 1.0
            if writer.due():  # at most FLUSH_INTERVAL_S (5 s) apart
                assert writer.flush().ok
        assert len(changes) == 2 and writer.pending == 0  # after 5 s and after 10 s
        assert writer.flush().ok and len(changes) == 2  # nothing left: no empty write
        n = store.scalar("SELECT count(*) FROM gps_fixes WHERE t >= ?", [from_seconds(t0)])
        assert n == writer.written > 0
        assert {c.entity for c in changes} == {"gps_fix"}
        assert set(changes[-1].ids) <= set(roster.ids.tolist())
        hist = load_history(store, district_map.frame, roster.ids, t0, t0 + 601)
        assert len(hist) == n and np.all(np.diff(hist.t) >= 0)
        # the last tick's positions come back to the centimetre
        last = hist.batch(t0 + 599, t0 + 600)
        buf = TrackBuffer(len(roster), 8)
        buf.push(last)
        w, _, x, y = buf.latest()
        sx, sy = loops.point_at(sim.loop[w], sim.s[w])
        assert np.hypot(x - sx, y - sy).max() < 60  # noise + stop offset, same place
    finally:
        store.close()


class _FakeTimer:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class _FailingWrites:
    """A real store whose next ``failures`` bulk inserts fail like a full disk."""

    def __init__(self, store, failures: int) -> None:
        self.store, self.failures, self.attempts = store, failures, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def bulk_insert(self, table, columns):
        from app.store import StoreWriteError

        self.attempts += 1
        if self.failures > 0:
            self.failures -= 1
            raise StoreWriteError("cannot write copy.duckdb: the disk is full")
        return self.store.bulk_insert(table, columns)


def test_a_failed_fix_write_is_retried_and_nothing_is_lost(small_db_copy, district_map):
    from app.clock import FixedClock
    from app.store import open_store

    store = open_store(small_db_copy)
    try:
        ids = np.asarray(store.columns("SELECT id FROM workers ORDER BY id LIMIT 3")["id"])
        failing = _FailingWrites(store.cursor(), failures=3)
        writer = FixWriter(failing, district_map.frame, ids, clock=FixedClock(NOW))
        changes = []
        store.changes.subscribe(changes.extend)
        before = store.scalar("SELECT count(*) FROM gps_fixes")
        now = to_seconds(NOW)
        for k in range(4):
            writer.add(_batch([0, 1, 2], [now - 40 + 10 * k] * 3, [k, k, k], [0, 0, 0]))
            status = writer.flush()
            if k < 3:  # refused: kept for the next try, said so, nothing published
                assert not status.ok and status.pending == 3 * (k + 1) and status.lost == 0
                assert "disk is full" in status.error and changes == []
        assert status.ok and status.pending == 0 and failing.attempts == 4
        assert store.scalar("SELECT count(*) FROM gps_fixes") == before + 12
        assert writer.written == 12 and len(changes) == 1 and changes[0].action == "gps_fix.store"
        assert sorted(changes[0].ids) == sorted(ids.tolist()) and changes[0].at == NOW
    finally:
        store.close()


def test_a_fix_backlog_over_its_limit_gives_up_the_oldest_and_says_so(small_db_copy,
                                                                     district_map):
    from app.store import open_store

    store = open_store(small_db_copy)
    try:
        failing = _FailingWrites(store.cursor(), failures=10)
        writer = FixWriter(failing, district_map.frame, np.array([1, 2]), max_backlog=5)
        for k in range(4):
            writer.add(_batch([0, 1], [100.0 + k] * 2, [0, 0], [0, 0]))
            status = writer.flush()
        assert not status.ok and status.pending == 4 and status.lost == 4
    finally:
        store.close()


def test_fixes_from_the_future_are_stored_flagged(small_db_copy, district_map):
    from app.clock import FixedClock
    from app.feed.fixes import FUTURE_TOLERANCE_S
    from app.store import open_store

    later = datetime(2026, 11, 21, 9, 0)  # after the demo's stored day

    store = open_store(small_db_copy)
    try:
        ids = np.asarray(store.columns("SELECT id FROM workers ORDER BY id LIMIT 2")["id"])
        writer = FixWriter(store.cursor(), district_map.frame, ids, clock=FixedClock(later))
        now = to_seconds(later)
        writer.add(_batch([0, 1, 0], [now, now + FUTURE_TOLERANCE_S + 3600, now + 10],
                          [0, 0, 0], [0, 0, 0]))
        assert writer.flush().ok
        rows = store.rows("SELECT worker_id, flag FROM gps_fixes WHERE t >= ? ORDER BY t",
                          [later])
        a, b = int(ids[0]), int(ids[1])
        assert rows == [(a, None), (a, None), (b, "future")]
        # kept, but never replayed at the wrong time
        hist = load_history(store, district_map.frame, ids, now, now + 7200)
        assert hist.worker.tolist() == [0, 0]
    finally:
        store.close()


def test_demo_district_ships_a_day_of_patrol(store):
    first, last, n, workers = store.rows(
        "SELECT min(t), max(t), count(*), count(DISTINCT worker_id) FROM gps_fixes")[0]
    assert n > 1000 and workers > 10
    assert first.date() == last.date() == NOW.date() and last <= NOW
    # nobody patrols off shift: a day worker (08:30-17:30) has no fixes at 03:00
    off = store.scalar(
        "SELECT count(*) FROM gps_fixes f JOIN workers w ON w.id = f.worker_id "
        "WHERE w.shift_start = TIME '08:30' AND w.shift_end = TIME '17:30' "
        "AND f.t < TIMESTAMP '2026-11-20 08:30'")
    assert off == 0


def test_roster_on_duty_wraps_midnight():
    r = WorkerRoster(np.array([1, 2]), np.array(["police", "police"], object), np.array([0, 0]),
                     np.array([8 * 3600.0, 20 * 3600.0]), np.array([20 * 3600.0, 8 * 3600.0]))
    day = to_seconds(datetime(2026, 11, 20, 0, 0))
    assert r.on_duty(day + 3 * 3600).tolist() == [False, True]
    assert r.on_duty(day + 12 * 3600).tolist() == [True, False]


def test_late_fixes_land_in_their_place_in_the_trail():
    buf = TrackBuffer(2, 5)
    buf.push(_batch([0, 0, 1], [10, 30, 10], [1, 3, 7], [0, 0, 0]))
    buf.push(_batch([0], [20], [2], [0]))  # late: between the two it follows
    buf.push(_batch([0, 0], [50, 40], [5, 4], [0, 0]))  # newer, out of order in the batch
    tr = buf.trails(50, 100)
    assert tr.x[tr.worker == 0].tolist() == [1, 2, 3, 4, 5]  # in time order, not arrival
    assert tr.age[tr.worker == 0].tolist() == [40, 30, 20, 10, 0]
    w, t, x, _ = buf.latest()
    assert w.tolist() == [0, 1] and t.tolist() == [50, 10] and x.tolist() == [5, 7]
    # a late fix older than everything kept in a full ring is the one that goes
    buf.push(_batch([0], [5], [0.5], [0]))
    assert buf.trails(50, 100).x[:5].tolist() == [1, 2, 3, 4, 5]
    # and a late fix into a full ring pushes the oldest out; the newest stays newest
    buf.push(_batch([0], [45], [4.5], [0]))
    tr = buf.trails(50, 100)
    assert tr.x[tr.worker == 0].tolist() == [2, 3, 4, 4.5, 5]
    assert buf.latest()[1].tolist() == [50, 10]
    # appending after a merge goes on in order
    buf.push(_batch([0], [60], [6], [0]))
    assert buf.trails(60, 100).x[:5].tolist() == [3, 4, 4.5, 5, 6]


def test_late_fixes_match_a_buffer_filled_in_time_order():
    rng = np.random.default_rng(3)
    n = 600
    w = rng.integers(0, 7, n)
    t = rng.permutation(n).astype(float)
    x = t * 2
    shuffled, ordered = TrackBuffer(7, 16), TrackBuffer(7, 16)
    for a in range(0, n, 37):  # batches in arrival (random) order
        s = slice(a, a + 37)
        shuffled.push(_batch(w[s], t[s], x[s], np.zeros(len(w[s]))))
    o = np.argsort(t)
    ordered.push(_batch(w[o], t[o], x[o], np.zeros(n)))
    a, b = shuffled.trails(n, n), ordered.trails(n, n)
    assert a.x.tolist() == b.x.tolist() and a.worker.tolist() == b.worker.tolist()
    assert [v.tolist() for v in shuffled.latest()] == [v.tolist() for v in ordered.latest()]


def test_a_fix_from_the_future_moves_neither_its_worker_nor_the_clock(roster, loops):
    from app.feed.fixes import FUTURE_TOLERANCE_S
    from app.feed.live import PatrolState

    now = to_seconds(NOW)
    state = PatrolState(roster, loops, now)
    state.push(_batch([0, 1], [now, now], [1, 2], [0, 0]))
    ahead = now + FUTURE_TOLERANCE_S + 3600  # a phone whose clock is an hour fast
    state.push(_batch([0, 1], [ahead, now + 10], [99, 3], [0, 0]))
    assert state.now == now + 10 and state.future_fixes == 1
    w, t, x, _ = state.buffer.latest()
    assert dict(zip(w.tolist(), x.tolist(), strict=True)) == {0: 1, 1: 3}
    # within the tolerance a fix counts (clocks differ by a few seconds)
    state.push(_batch([0], [now + 10 + FUTURE_TOLERANCE_S], [4], [0]))
    assert state.now == now + 10 + FUTURE_TOLERANCE_S and state.future_fixes == 1
