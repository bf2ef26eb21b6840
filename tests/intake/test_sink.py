"""Filters and durable writes of the intake: flags instead of drops, the idempotent key
(device, fix time) on both backends, the 待绑定 queue and binding, reports as cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import FixedClock
from app.intake.devices import bind, list_devices, register, token_matches
from app.intake.filters import Latest, Limits, check_batch
from app.intake.messages import DEVICE_DATUM, Fix, Photo, Report
from app.intake.sink import Sink
from app.store import open_store
from tests.conftest import TEST_NOW

JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64


def fix(dev="owntracks:a/p", s=0.0, lon=117.16, lat=39.17, **kw) -> Fix:
    return Fix(dev, TEST_NOW + timedelta(seconds=s), lon, lat, **kw)


# -- filters --------------------------------------------------------------------------------
def test_each_filter_flags_its_fix():
    latest = {"owntracks:a/p": Latest(TEST_NOW - timedelta(seconds=10), 117.16, 39.17)}
    fixes = [fix(s=0), fix(s=1, valid=False), fix(s=2, lon=0.0, lat=0.0),
             fix(s=600), fix(s=-8 * 86400), fix(s=3, accuracy=500.0),
             fix(s=4, lon=117.20)]  # 3.4 km in 4 s
    flags = check_batch(fixes, latest, TEST_NOW, Limits())
    assert flags == [None, "invalid", "zero", "future", "outdated", "accuracy", "speed"]
    # only the trusted fix moved the latest position
    assert latest["owntracks:a/p"].t == TEST_NOW


def test_late_fix_and_offline_batch():
    latest = {"d": Latest(TEST_NOW, 117.16, 39.17)}
    # a late fix (before the latest) is trusted where it belongs and leaves the latest alone
    assert check_batch([fix("d", s=-60, lon=117.1601)], latest, TEST_NOW) == [None]
    assert latest["d"].t == TEST_NOW
    # an offline queue, sent newest first: judged in time order, each against the one before
    queue = [fix("e", s=-s, lon=117.16 + s * 1e-5) for s in (0, 30, 60, 90)]
    jump = fix("e", s=-45, lon=118.0)
    assert check_batch([*queue, jump], {}, TEST_NOW) == [None] * 4 + ["speed"]


# -- the store ------------------------------------------------------------------------------
@pytest.fixture
def worker(small_db_copy):
    with open_store(small_db_copy) as s:
        code, lon, lat, wid = s.rows(
            "SELECT w.code, g.label_lon, g.label_lat, w.id FROM workers w "
            "JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id LIMIT 1")[0]
    return code, lon, lat, wid


def _sink(store) -> Sink:
    return Sink(store, FixedClock(TEST_NOW))


def _count(store, sql, params=()):
    return int(store.scalar(sql, params))


def test_unknown_device_waits_then_binding_brings_its_track(small_db_copy, worker):
    code, lon, lat, wid = worker
    with open_store(small_db_copy) as store:
        before = _count(store, "SELECT count(*) FROM gps_fixes WHERE worker_id = ?", [wid])
        sink = _sink(store)
        done = sink.write([fix("osmand:77", s=-i * 10, lon=lon, lat=lat) for i in range(5)])
        assert (done.fixes, done.unbound, done.workers) == (5, 5, ())
        assert [d.key for d in list_devices(store, unbound_only=True)] == ["osmand:77"]
        assert _count(store, "SELECT count(*) FROM gps_fixes WHERE worker_id = ?", [wid]) == before
        dev = bind(store, "osmand:77", code, TEST_NOW)
        assert dev.worker_id == wid and dev.worker_code == code
        assert _count(store, "SELECT count(*) FROM gps_fixes WHERE worker_id = ?",
                      [wid]) == before + 5
        sink.forget_devices()
        done = sink.write([fix("osmand:77", s=5, lon=lon, lat=lat)])
        assert done.workers == (wid,) and done.unbound == 0
        assert not list_devices(store, unbound_only=True)


def test_redelivery_stores_nothing_twice(small_db_copy, worker):
    code, lon, lat, wid = worker
    with open_store(small_db_copy) as store:
        register(store, "owntracks:w1/phone", TEST_NOW)
        bind(store, "owntracks:w1/phone", code, TEST_NOW)
        batch = [fix("owntracks:w1/phone", s=-i, lon=lon, lat=lat) for i in range(10)]
        track = "SELECT count(*) FROM gps_fixes WHERE worker_id = ?"
        before = _count(store, track, [wid])
        first = _sink(store).write(batch)
        again = _sink(store).write(batch + batch[:3])  # a fresh sink: nothing cached
        assert (first.fixes, first.duplicates) == (10, 0)
        assert (again.fixes, again.duplicates) == (0, 13)
        assert _count(store, "SELECT count(*) FROM device_fixes") == 10
        assert _count(store, track, [wid]) == before + 10


def test_flagged_fixes_are_stored_with_their_reason(small_db_copy, worker):
    code, lon, lat, wid = worker
    with open_store(small_db_copy) as store:
        register(store, "gpslogger:g1", TEST_NOW)
        bind(store, "gpslogger:g1", code, TEST_NOW)
        sink = _sink(store)
        sink.write([fix("gpslogger:g1", s=-20, lon=lon, lat=lat)])
        done = sink.write([fix("gpslogger:g1", s=-10, lon=lon + 0.1, lat=lat),
                           fix("gpslogger:g1", s=900, lon=lon, lat=lat),
                           fix("gpslogger:g1", s=-5, lon=lon, lat=lat, accuracy=20.0)])
        assert done.flagged == {"speed": 1, "future": 1}
        flags = [r[0] for r in store.rows(
            "SELECT flag FROM gps_fixes WHERE worker_id = ? AND flag IS NOT NULL AND t > ?",
            [wid, TEST_NOW - timedelta(seconds=30)])]
        assert sorted(flags) == ["future", "speed"]
        # a new sink reads the latest trusted position back from the store
        fresh = _sink(store)
        assert fresh.write([fix("gpslogger:g1", s=1, lon=lon + 0.1, lat=lat)]).flagged \
            == {"speed": 1}


def test_gcj02_device_is_stored_in_cgcs2000(small_db_copy):
    with open_store(small_db_copy) as store:
        register(store, "osmand:gcj", TEST_NOW, crs="gcj02")
        sink = _sink(store)
        # not read yet: the device's datum is looked up with its batch, not per message
        assert sink.crs_of("osmand:gcj") == DEVICE_DATUM
        sink.write([Fix("osmand:gcj", TEST_NOW, 121.531541859215, 31.17530398364597,
                        crs=sink.crs_of("osmand:gcj"))])
        assert sink.crs_of("osmand:gcj") == "gcj02"  # known from now on
        sink.write([Fix("osmand:gcj", TEST_NOW + timedelta(seconds=5), 121.531541859215,
                        31.17530398364597, crs=sink.crs_of("osmand:gcj"))])
        for lon, lat in store.rows("SELECT lon, lat FROM device_fixes"):
            assert (lon, lat) == (pytest.approx(121.5272106, abs=1e-7),
                                  pytest.approx(31.1774276, abs=1e-7))


def test_tokens(small_db_copy):
    with open_store(small_db_copy) as store:
        _, token = register(store, "osmand:t1", TEST_NOW)
        stored = store.scalar("SELECT token_hash FROM devices WHERE key = 'osmand:t1'")
        assert token not in stored and token_matches(token, stored)
        assert not token_matches(token + "x", stored) and not token_matches(token, None)


def test_field_report_becomes_a_patrol_case_once(small_db_copy, worker):
    code, lon, lat, wid = worker
    with open_store(small_db_copy) as store:
        register(store, "owntracks:w2/phone", TEST_NOW)
        bind(store, "owntracks:w2/phone", code, TEST_NOW)
        rep = Report("owntracks:w2/phone", TEST_NOW - timedelta(minutes=2), lon, lat, "0101",
                     "井盖缺失", "patrol", "owntracks:w2/phone#r1",  # i18n: no
                     photos=(Photo("image/jpeg", JPEG),))
        first = _sink(store).write([], [rep])
        again = _sink(store).write([], [rep])
        assert first.cases == again.cases and len(first.cases) == 1
        cid = first.cases[0]
        src, status, reporter, at = store.rows(
            "SELECT source, status, reporter_worker_id, reported_at FROM cases WHERE id = ?",
            [cid])[0]
        assert (src, status, reporter, at) == ("patrol", "accepted", wid, rep.t)
        assert store.rows("SELECT content_type, data FROM case_photos WHERE case_id = ?",
                          [cid]) == [("image/jpeg", JPEG)]
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'case.accept' "
                            "AND entity_id = (SELECT code FROM cases WHERE id = ?)", [cid]) == 1
        # outside the district: a reason, no case
        far = Report("owntracks:w2/phone", TEST_NOW, 100.0, 30.0, "0101", "x", "patrol", "r2")
        done = _sink(store).write([], [far])
        assert done.cases == () and done.refusals[0].reason == "outside_district"


def test_redelivery_on_postgres(pg_small_url):
    """The same key and statement on the server: a batch written twice is stored once."""
    with open_store(pg_small_url) as store:
        code = store.scalar("SELECT code FROM workers ORDER BY id LIMIT 1")
        register(store, "owntracks:pg/phone", TEST_NOW)
        bind(store, "owntracks:pg/phone", code, TEST_NOW)
        batch = [fix("owntracks:pg/phone", s=-i, lon=117.16 + i * 1e-5) for i in range(20)]
        sink = _sink(store)
        assert sink.write(batch).fixes == 20
        assert _sink(store).write(batch).duplicates == 20
        assert _count(store, "SELECT count(*) FROM device_fixes") == 20
        assert _count(store, "SELECT count(*) FROM change_log WHERE entity = 'gps_fix'") >= 1


def test_a_version_5_file_migrates(tmp_path):
    """A district file from before the intake gets its tables when opened."""
    from app.store.duckdb_store import DuckDBStore
    from app.store.schema import MIGRATIONS, latest_version

    path = tmp_path / "v5.duckdb"
    DuckDBStore.open(path, create=True,
                     migrations={v: MIGRATIONS[v] for v in range(1, 6)}).close()
    with open_store(path) as store:
        assert store.schema_version() == latest_version() >= 6
        assert _count(store, "SELECT count(*) FROM devices") == 0
        assert _count(store, "SELECT count(*) FROM device_fixes") == 0


def test_a_seat_hears_the_intake_on_postgres(pg_small_url):
    """The headless intake and a seat are two stores on one server: the seat's change
    listener publishes the intake's gps_fix change, naming the worker."""
    import threading

    from app.store.pg_changes import start_listener

    with open_store(pg_small_url) as seat, open_store(pg_small_url) as intake_store:
        wid, code = seat.rows("SELECT id, code FROM workers ORDER BY id LIMIT 1")[0]
        register(intake_store, "osmand:seat", TEST_NOW)
        bind(intake_store, "osmand:seat", code, TEST_NOW)
        heard, got = threading.Event(), []

        def follow(changes):
            got.extend(c for c in changes if c.entity == "gps_fix" and c.action == "gps_fix.store")
            if got:
                heard.set()

        seat.changes.subscribe(follow)
        listener = start_listener(seat)
        try:
            _sink(intake_store).write([fix("osmand:seat", s=-5)])
            assert heard.wait(60)
            assert got[0].ids == (wid,) and got[0].actor == "intake"
        finally:
            listener.close()


def test_device_health(small_db_copy, worker):
    from app.intake.health import device_health

    code, lon, lat, wid = worker
    with open_store(small_db_copy) as store:
        register(store, "osmand:h1", TEST_NOW)
        bind(store, "osmand:h1", code, TEST_NOW)
        sink = _sink(store)
        sink.write([fix("osmand:h1", s=-30, lon=lon, lat=lat, battery=81.0, accuracy=6.0),
                    fix("osmand:h1", s=-20, lon=lon, lat=lat, battery=80.0, accuracy=500.0),
                    fix("osmand:h1", s=-10, lon=lon + 1, lat=lat, battery=79.0),
                    fix("gpslogger:new", s=-5, lon=lon, lat=lat)])
        first, second = device_health(store)
        assert (first.key, first.worker_code, first.fixes) == ("gpslogger:new", None, 1)
        assert second.worker_code == code and second.fixes == 3
        assert second.battery == 79.0 and second.last_fix == TEST_NOW - timedelta(seconds=10)
        assert second.flagged == {"accuracy": 1, "speed": 1}
        assert second.silent_s(TEST_NOW) == 10.0
