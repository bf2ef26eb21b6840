"""What keeps the idle 4K window under the 50 ms rule: a patrol tick repaints the map once,
after its trail image arrived (not once for the markers while the trails still render in
the worker, competing for the GIL, and again for the image), and a map repaint does not
repaint the main window behind it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject

from app.feed import FixBatch


def _moved_snapshot(window):
    state = window.patrol
    t = state.now + 30
    batch = FixBatch(np.array([0, 1, 2], np.int32), np.full(3, t), np.array([1.0, 2.0, 3.0]),
                     np.array([4.0, 5.0, 6.0]), np.zeros(3, np.float32))
    with state.lock:
        state.reset(t)
        state.push(batch)
        return state.snapshot(None), state.version


def _marker_xs(view) -> list[float]:
    return sorted(x for item in view.markers.values() for x in item.data["x"].tolist())


def test_tick_markers_wait_for_their_trail_image(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    # a snapshot the feed worker was asked for before the timers stopped must not land
    # in the middle (on a loaded machine it came late and moved the markers): this test
    # hands the view its snapshot itself
    c.feed.snapshotReady.disconnect()
    view = window.canvas.view("patrol")
    qtbot.waitUntil(window.canvas.settled, timeout=20_000)
    view._pending_timer.setInterval(60_000)  # (see below: the render, not the fallback)
    before = _marker_xs(view)
    snap, version = _moved_snapshot(window)
    assert before != [1.0, 2.0, 3.0]
    seen_at_render = []
    view.trail_cache.rendered.connect(lambda _s: seen_at_render.append(_marker_xs(view)))
    view.show_with_trails(snap, version)
    # the trails render in the worker: the markers stay where they were meanwhile
    assert view.awaiting_trails() and view.needs_redraw()
    assert _marker_xs(view) == before
    # the redraw timer asks for no further snapshot while this one waits
    asked = []
    c.feed.request_snapshot = lambda *a: asked.append(a)
    c._redraw_if_needed()
    assert asked == []
    qtbot.waitUntil(lambda: not view.awaiting_trails(), timeout=10_000)
    # the markers moved as the trail image arrived (same event-loop turn: one repaint)
    assert seen_at_render and _marker_xs(view) == [1.0, 2.0, 3.0]
    assert not view.needs_redraw()


def test_the_controller_draws_feed_snapshots_with_their_trails(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    view = window.canvas.view("patrol")
    # a snapshot asked for before the timers stopped lands first, with its trails (on a
    # loaded machine it came after the one below and moved the markers back)
    c.feed.wait()
    qtbot.waitUntil(lambda: not c.feed.busy() and not view.awaiting_trails(), timeout=20_000)
    # the markers' fallback (no image within PENDING_MAX_MS) must not beat a slow render on
    # a busy machine: this test is about the render
    view._pending_timer.setInterval(60_000)
    got = []
    view.trail_cache.rendered.connect(lambda _s: got.append(view.awaiting_trails()))
    snap, version = _moved_snapshot(window)
    c.feed.snapshotReady.emit(snap, version)
    assert view.awaiting_trails()
    qtbot.waitUntil(lambda: not view.awaiting_trails(), timeout=10_000)
    assert got and _marker_xs(view) == [1.0, 2.0, 3.0]


def test_live_redraws_follow_the_steps(window, qtbot):
    """Live, a step's end asks for the redraw of what it brought at once (not up to a
    redraw interval later), and the redraws stay one per REDRAW_MS."""
    from ui.map import patrol_controller as pc

    c = window.patrol_controller
    c.feed_timer.stop()
    c.feed.wait()
    qtbot.waitUntil(lambda: not c.feed.busy(), timeout=20_000)
    view = window.canvas.view("patrol")
    qtbot.waitUntil(lambda: not view.awaiting_trails(), timeout=20_000)
    asked = []
    c.feed.request_snapshot = lambda *a: asked.append(a) or True
    _moved_snapshot(window)  # the state moved on: the view needs a redraw
    assert c.mode == "live" and c.redraw_timer.isActive() and view.needs_redraw()
    c._asked_at = float("-inf")
    c._step_done(None)
    assert len(asked) == 1
    c._step_done(None)  # the next step, a feed interval later: not yet
    c._on_redraw_timer()  # nor the timer: the steps keep the redraws going
    assert len(asked) == 1
    c._asked_at -= pc.STEP_REDRAW_S  # the step after
    c._step_done(None)
    assert len(asked) == 2
    c._asked_at -= pc.REDRAW_MS / 1000  # the steps stalled: the timer draws
    c._on_redraw_timer()
    assert len(asked) == 3


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_map_repaint_does_not_repaint_the_window_behind_it(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    qtbot.waitUntil(window.canvas.settled, timeout=20_000)
    qtbot.wait(50)
    behind, map_paints = _Paints(), _Paints()
    window.installEventFilter(behind)
    viewport = window.canvas.viewport()
    viewport.installEventFilter(map_paints)
    try:
        viewport.update()
        qtbot.waitUntil(lambda: map_paints.count > 0, timeout=5_000)
        qtbot.wait(20)
    finally:
        window.removeEventFilter(behind)
        viewport.removeEventFilter(map_paints)
    assert behind.count == 0  # the opaque map paints every pixel itself
