"""Who is where from the stored fixes: the fresh share per grid and street, 离线 (silent on
duty) and 出格 (outside the own grid for longer than the limit)."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa

from app.intake.presence import on_duty, presence
from app.store import open_store
from tests.conftest import TEST_NOW


def _fixes(store, worker: int, points: list[tuple[int, float, float]], flag=None) -> None:
    store.bulk_insert("gps_fixes", {
        "worker_id": pa.array([worker] * len(points), pa.int32()),
        "t": pa.array([TEST_NOW - timedelta(seconds=s) for s, _, _ in points],
                      pa.timestamp("us")),
        "lon": [x for _, x, _ in points], "lat": [y for _, _, y in points],
        "flag": pa.array([flag] * len(points), pa.string())})


def _phone(store, worker: int) -> None:
    store.rows("INSERT INTO devices (id, key, worker_id, first_seen, bound_at) VALUES "
               "(?, ?, ?, ?, ?)", [9000 + worker, f"owntracks:w{worker}/phone", worker,
                                   TEST_NOW - timedelta(days=1), TEST_NOW - timedelta(days=1)])


def test_silent_outside_and_fresh_share(small_db_copy):
    with open_store(small_db_copy) as store:
        rows = store.rows(
            "SELECT w.id, w.grid_id, g.label_lon, g.label_lat, w.shift_start, w.shift_end "
            "FROM workers w JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id")
        duty = [r for r in rows if on_duty([r[4]], [r[5]], TEST_NOW)[0]]
        (a, ga, ax, ay, *_), (b, gb, bx, by, *_) = duty[0], duty[1]
        far = next(r for r in rows if r[1] not in (ga, gb))  # another grid's centre
        # a: nothing for 20 minutes but a flagged fix (which counts for nothing)
        store.rows("DELETE FROM gps_fixes WHERE worker_id IN (?, ?) AND t > ?",
                   [a, b, TEST_NOW - timedelta(minutes=20)])
        _fixes(store, a, [(5, ax, ay)], flag="speed")
        _phone(store, a)  # a phone that should report (c, on duty too, has none)
        c = duty[2][0]
        store.rows("DELETE FROM gps_fixes WHERE worker_id = ? AND t > ?",
                   [c, TEST_NOW - timedelta(minutes=20)])
        # b: fresh, but in another grid for the last 12 minutes
        _fixes(store, b, [(s, far[2], far[3]) for s in range(720, -1, -30)])
        p = presence(store, TEST_NOW, silent_min=15, outside_min=10)
        assert a in p.silent and b not in p.silent
        assert c not in p.silent  # silent, but with no phone bound: not 离线
        assert b in p.outside and a not in p.outside
        cov = p.coverage
        assert cov.of(gb).on_duty >= 1 and cov.of(gb).located >= 1
        assert cov.of(ga).located < cov.of(ga).on_duty  # a is on duty there, not located
        assert 0.0 <= cov.of(ga).share < 1.0
        street_on = sum(u.on_duty for u in cov.level("street").values())
        assert street_on == sum(u.on_duty for u in cov.level("grid").values()) == len(duty)
        # back in its own grid now: no longer out
        _fixes(store, b, [(1, bx, by)])
        assert b not in presence(store, TEST_NOW, outside_min=10).outside
