"""Every time the window shows reads its one clock: the status bar ticks with it, the
replay bar shows 实时 or the replay position, video captions and the PDF's 生成于 line
are the clock's (never the machine's UTC); the launch path brings a week-old demo to a
live today."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

from app.clock import FixedClock
from app.store import open_store
from tests.conftest import TEST_NOW
from tests.ui.late_callbacks import LateCallbackGuard


class HandClock:
    """A clock a test sets by hand (thread-safe)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self.at

    def set(self, at: datetime) -> None:
        with self._lock:
            self.at = at


def test_status_bar_shows_the_window_clock_and_follows_it(make_window, qtbot):
    clock = HandClock(TEST_NOW)
    window = make_window(clock=clock)
    assert window.clock is clock
    label = window.map_status.clock_label
    assert label.text() == "2026-11-20 10:30:00 北京时间"
    clock.set(TEST_NOW + timedelta(minutes=10, seconds=1))
    qtbot.waitUntil(lambda: label.text() == "2026-11-20 10:40:01 北京时间", timeout=2000)


def test_status_bar_on_the_live_clock_ticks_in_beijing_time(make_window, qtbot):
    from zoneinfo import ZoneInfo

    from app.clock import LiveClock

    window = make_window(clock=LiveClock())
    label = window.map_status.clock_label
    first = label.text()
    beijing = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    shown = datetime.strptime(first.removesuffix(" 北京时间"), "%Y-%m-%d %H:%M:%S")
    assert abs(shown - beijing) < timedelta(seconds=3)
    qtbot.waitUntil(lambda: label.text() != first, timeout=3000)  # the next second


def test_replay_bar_says_live_or_shows_the_replay_position(make_window, qtbot):
    window = make_window()
    bar, controller = window.replay_bar, window.patrol_controller
    assert bar.time_label.text() == "实时"
    controller.set_mode("replay")
    qtbot.waitUntil(lambda: controller.mode == "replay")
    controller.seek(controller.clock.start + 3600)
    qtbot.waitUntil(lambda: bar.time_label.text().startswith("回放 "))
    assert bar.time_label.text() == "回放 11-20 01:00:00"
    controller.set_mode("live")
    qtbot.waitUntil(lambda: bar.time_label.text() == "实时")


def test_video_captions_and_snapshots_read_the_wall_clock(qtbot, monkeypatch, tmp_path):
    from app.video.registry import CameraRegistry
    from ui.video.tile import VideoTile
    from ui.video.wall import VideoWall

    clock = FixedClock(datetime(2026, 11, 20, 21, 40, 7))
    wall = VideoWall(CameraRegistry([]), district_time=clock)
    qtbot.addWidget(wall)
    assert all(t.clock is clock for t in wall.tiles) and wall.district_time is clock
    named = []
    monkeypatch.setattr("ui.video.wall.snapshot_path",
                        lambda code, when: named.append(when) or tmp_path / f"{code}.png")
    wall.tiles[0].camera = SimpleNamespace(code="C0001")
    wall.snapshot(wall.tiles[0])  # no picture yet: nothing saved, but named by the clock
    assert named == [clock.now()]
    wall.tiles[0].camera = None
    tile = VideoTile()
    qtbot.addWidget(tile)
    tile.clock = clock
    shown = []
    real = tile.caption_time
    tile.caption_time = lambda: shown.append(real()) or shown[-1]
    tile.resize(480, 270)
    tile.grab()  # paints the caption bars
    assert shown and set(shown) == {"21:40:07"}


def test_report_is_stamped_with_the_clock(store):
    from app.appraisal import latest_complete_month
    from ui.appraisal.report_pdf import collect

    at = datetime(2026, 11, 20, 21, 45)
    data = collect(store, latest_complete_month(store), "department", clock=FixedClock(at))
    assert data.generated_at == at


def test_launch_path_brings_a_week_old_demo_to_a_live_today(small_db_copy, themed_app, qtbot,
                                                          monkeypatch):
    from app.feed import to_seconds
    from ui.app import on_duty_clock
    from ui.main_window import MainWindow

    later = TEST_NOW + timedelta(days=7, hours=3)
    monkeypatch.setenv("GRIDCC_NOW", later.isoformat())
    store = open_store(small_db_copy)
    try:
        clock = on_duty_clock(store)
        assert clock.now() == later
        window = MainWindow(store, clock=clock, persist=False, deferred=False)
        qtbot.addWidget(window)
        cases = window.district_map.cases
        assert window.district_map.now == later
        assert cases.is_open.sum() > 0 and cases.overdue.sum() > 0
        today = to_seconds(datetime.combine(later.date(), datetime.min.time()))
        assert (cases.reported_s >= today).sum() > 0  # cases reported today
        assert window.map_status.clock_label.text().startswith(f"{later:%Y-%m-%d %H:%M}")
        # the panels fill from workers with cursors of this store: let them finish first
        qtbot.waitUntil(lambda: window.panels_filled(), timeout=15_000)
        window.close()
        LateCallbackGuard().drain()
    finally:
        store.close()


def test_the_video_wall_dock_tells_the_window_time(make_window):
    from ui.video.wall import VideoWall

    window = make_window(clock=FixedClock(datetime(2026, 11, 20, 21, 40, 7)))
    wall = window.findChild(VideoWall)
    assert wall is not None and wall.district_time is window.clock
    assert wall.tiles[0].caption_time() == "21:40:07"
