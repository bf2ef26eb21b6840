"""The wall's located share (在岗定位率, app/intake/coverage.py) on a real store of each
backend: workers on duty or not, with fixes at known ages, flagged, from the future, with
and without a device; counted per grid, community and street in one pass."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa

from app.intake.coverage import FRESH_S, UnitCoverage, fix_coverage, on_duty
from app.intake.presence import presence
from app.store import open_store
from tests.conftest import TEST_NOW

ON = ((TEST_NOW - timedelta(hours=1)).time(), (TEST_NOW + timedelta(hours=1)).time())
OFF = ((TEST_NOW + timedelta(hours=2)).time(), (TEST_NOW + timedelta(hours=3)).time())


def _fix(store, worker: int, age_s: float, flag: str | None = None) -> None:
    store.bulk_insert("gps_fixes", {
        "worker_id": pa.array([worker], pa.int32()),
        "t": pa.array([TEST_NOW - timedelta(seconds=age_s)], pa.timestamp("us")),
        "lon": [117.2], "lat": [39.1], "flag": pa.array([flag], pa.string())})


def _phone(store, worker: int) -> None:
    store.rows("INSERT INTO devices (id, key, worker_id, first_seen, bound_at) VALUES "
               "(?, ?, ?, ?, ?)", [9000 + worker, f"owntracks:w{worker}/phone", worker,
                                   TEST_NOW - timedelta(days=1), TEST_NOW - timedelta(days=1)])


def test_located_share_per_grid_community_and_street(district_db):
    with open_store(district_db) as store:
        grid, community, street = store.rows(
            "SELECT g.id, c.id, c.parent_id FROM grid_units g JOIN grid_units c "
            "ON c.id = g.parent_id WHERE g.level = 4 ORDER BY g.code LIMIT 1")[0]
        ids = [r[0] for r in store.rows("SELECT id FROM workers ORDER BY id LIMIT 6")]
        a, b, c, d, e, f = ids
        # nobody else has a fix in the last day: every located worker is one of ours
        store.rows("DELETE FROM gps_fixes WHERE t > ?", [TEST_NOW - timedelta(days=2)])
        store.rows("UPDATE workers SET shift_start = ?, shift_end = ? WHERE grid_id = ?",
                   [*OFF, grid])  # the grid's own staff off duty: ours are its only ones
        for w in ids:
            start, end = OFF if w == e else ON
            store.rows("UPDATE workers SET grid_id = ?, shift_start = ?, shift_end = ? "
                       "WHERE id = ?", [grid, start, end, w])
        _fix(store, a, 10)  # no device (the demo's simulated workers): located
        _phone(store, b)  # a phone whose last trusted fix is 61 s old; the 5 s one flagged
        _fix(store, b, 61)
        _fix(store, b, 5, flag="speed")
        # c: on duty, no device, no fix - counted on duty, not located
        _phone(store, d)
        _fix(store, d, FRESH_S)  # exactly 60 s: still located
        _fix(store, e, 1)  # off duty: not counted at all
        _fix(store, f, -30)  # only a fix from the future: not located
        cov = fix_coverage(store, TEST_NOW)
        g = cov.of(grid)
        assert (g.on_duty, g.located) == (5, 2) and g.share == 0.4
        # the community and street: every on-duty worker of theirs, the same two located
        shifts = store.rows(
            "SELECT c.id, c.parent_id, w.shift_start, w.shift_end FROM workers w "
            "JOIN grid_units g ON g.id = w.grid_id JOIN grid_units c ON c.id = g.parent_id")
        duty = on_duty([r[2] for r in shifts], [r[3] for r in shifts], TEST_NOW)
        in_street = sum(bool(x) for r, x in zip(shifts, duty, strict=True) if r[1] == street)
        in_community = sum(bool(x) for r, x in zip(shifts, duty, strict=True)
                           if r[0] == community)
        assert cov.of(street).on_duty == in_street and cov.of(street).located == 2
        assert cov.of(community).on_duty == in_community and cov.of(community).located == 2
        total = cov.total()
        assert total.on_duty == int(duty.sum()) and total.located == 2
        assert sum(u.on_duty for u in cov.level("grid").values()) == total.on_duty
        # a unit nobody is on duty in: 0/0, no share
        assert cov.of(-1).share is None
        # 离线 reads the same roster: b's phone is silent only after the limit
        p = presence(store, TEST_NOW, silent_min=1)
        assert b in p.silent and c not in p.silent and d not in p.silent
        assert p.coverage.of(grid) == cov.of(grid) == UnitCoverage(5, 2)
