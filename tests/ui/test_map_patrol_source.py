"""The patrol feed as an injected source: the window takes its feed from outside, live
time follows the window's clock, and one writer stores the fixes every few seconds -
a failed write is retried and shown, never dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from app.clock import LiveClock
from app.feed import FixBatch, to_seconds
from app.feed.fixes import Subscribers
from ui.plugin_api import PanelRegistry


class _Wall(LiveClock):
    """A wall clock the test moves."""

    def __init__(self, at: datetime) -> None:
        super().__init__()
        self.at = at

    def now(self) -> datetime:
        return self.at


class _Phones:
    """A feed that delivers what the test hands it (a live intake's shape)."""

    def __init__(self) -> None:
        self._subs = Subscribers()
        self.advanced: list[float] = []
        self.waiting: list[FixBatch] = []

    def subscribe(self, callback):
        return self._subs.subscribe(callback)

    def advance(self, t: float) -> None:
        self.advanced.append(t)
        waiting, self.waiting = self.waiting, []
        for batch in waiting:
            self._subs.publish(batch)


def _fixes(workers, t) -> FixBatch:
    n = len(workers)
    return FixBatch(np.asarray(workers, np.int32), np.full(n, float(t)), np.arange(n) * 10.0,
                    np.zeros(n), np.zeros(n, np.float32))


@pytest.fixture
def writable(small_db_copy):
    from app.store import open_store

    db = open_store(small_db_copy)
    yield db
    db.close()


def _window(qtbot, store, district_map, **kwargs):
    from ui.main_window import MainWindow

    window = MainWindow(store, registry=PanelRegistry(), district_map=district_map,
                        persist=False, **kwargs)
    qtbot.addWidget(window)
    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    c.write_timer.stop()
    return window


def test_an_injected_feed_drives_the_layer_on_the_window_clock(themed_app, qtbot, store,
                                                                district_map):
    start = datetime(2026, 11, 20, 10, 30)
    clock, phones = _Wall(start), _Phones()
    window = _window(qtbot, store, district_map, feed=phones, clock=clock)
    c = window.patrol_controller
    assert c.source is phones and c.now == to_seconds(start)
    clock.at = start + timedelta(minutes=2)  # two minutes of wall time, one feed step
    phones.waiting.append(_fixes([0, 1], to_seconds(clock.at) - 5))
    c.step(0.25)
    assert phones.advanced == [to_seconds(clock.at)]  # the clock's time, not 0.25 s on
    assert window.patrol.now == to_seconds(clock.at)
    view = window.canvas.view("patrol")
    view.refresh()
    shown = dict(zip(view.snapshot.worker.tolist(), view.snapshot.x.tolist(), strict=True))
    assert shown[0] == 0.0 and shown[1] == 10.0  # the phones' fixes are on the map
    c.step(0.25)  # the clock stood still: so does the feed
    assert phones.advanced[-1] == to_seconds(clock.at)


def test_a_feed_factory_gets_the_roster(themed_app, qtbot, store, district_map):
    got = []

    def factory(roster, loops, t0):
        got.append((len(roster), len(loops), t0))
        return _Phones()

    window = _window(qtbot, store, district_map, feed=factory)
    assert got == [(len(window.patrol.roster), len(window.patrol.loops),
                    window.patrol_controller.now)]


def test_fixes_are_stored_and_a_failed_write_is_retried_and_shown(themed_app, qtbot, writable,
                                                                   district_map):
    from app.store import StoreWriteError

    phones = _Phones()
    window = _window(qtbot, writable, district_map, feed=phones)
    c = window.patrol_controller
    writer = c.writer
    assert writer is not None and c.write_timer.interval() <= 5000
    before = writable.scalar("SELECT count(*) FROM gps_fixes")
    changes = []
    writable.changes.subscribe(changes.extend)
    real_insert, refusals = writer._store.bulk_insert, [2]

    def full_disk(table, columns):
        if refusals[0]:
            refusals[0] -= 1
            raise StoreWriteError("cannot write copy.duckdb: the disk is full")
        return real_insert(table, columns)

    writer._store.bulk_insert = full_disk
    statuses = []
    c.fixStatus.connect(statuses.append)
    phones.waiting.append(_fixes([0, 1, 2], c.now + 1))
    c.step(1.0)
    for expected in ("轨迹写入失败，3 条待重试", "轨迹写入失败，5 条待重试", ""):
        c.post_write()  # what the 5 s timer does
        qtbot.waitUntil(lambda: not c._writes.busy(), timeout=10_000)
        if expected == "轨迹写入失败，3 条待重试":
            assert statuses == [expected]
            assert window.map_status.currentMessage() == expected  # shown to the operator
            phones.waiting.append(_fixes([3, 4], c.now + 2))
            c.step(1.0)
    assert statuses == ["轨迹写入失败，3 条待重试", "轨迹写入失败，5 条待重试", ""]
    assert window.map_status.currentMessage() == ""
    assert writable.scalar("SELECT count(*) FROM gps_fixes") == before + 5  # nothing lost
    assert [ch.entity for ch in changes] == ["gps_fix"] and len(changes[0].ids) == 5
