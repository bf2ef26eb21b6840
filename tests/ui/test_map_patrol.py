"""Workers layer: feed -> ring buffer -> layer, live and replay, and the replay bar."""

from __future__ import annotations

import numpy as np

from app.feed import FixBatch
from ui.map.layers.patrol import ROLE_STYLE
from ui.map.replay_bar import SLIDER_STEPS


def test_feed_batches_reach_the_layer(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    view = window.canvas.view("patrol")
    n_items = len(view.items)
    state = window.patrol
    # one hand-made batch: two workers at known places, now
    t = state.now + 5
    batch = FixBatch(np.array([0, 1], np.int32), np.array([t, t]), np.array([10.0, 20.0]),
                     np.array([30.0, 40.0]), np.zeros(2, np.float32))
    state.reset(t)
    state.push(batch)
    assert view.refresh()
    assert view.shown_workers() == 2
    xs = sorted(x for item in view.markers.values() for x in item.data["x"].tolist())
    assert xs == [10.0, 20.0]
    assert not view.refresh()  # nothing changed: no redraw
    # the live simulator: a minute of fixes for everyone on duty, still the same items
    c.step(60.0)
    assert view.refresh()
    on_duty = int(state.roster.on_duty(state.now).sum())
    assert view.shown_workers() == on_duty > 0
    assert len(view.items) == n_items
    assert view.trail_vertices > 0 and len(view.trail_bands) == 3
    # the trails are drawn off the GUI thread into the layer's own image
    qtbot.waitUntil(view.trail_cache.is_current, timeout=10_000)
    img = view.trail_cache.item.image.convertToFormat(view.trail_cache.item.image.Format.Format_ARGB32)
    alpha = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())[3::4]
    assert (alpha > 0).sum() > 100
    roles = {r for r, item in view.markers.items() if len(item.data)}
    assert roles <= set(ROLE_STYLE)


def test_replay_seek_shows_the_stored_positions(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    bar = window.replay_bar
    hist = c.history()
    t = c.day_start + 9.5 * 3600
    c.seek(t)
    assert c.mode == "replay" and bar.replay_action.isChecked()
    assert window.patrol.now == t
    view = window.canvas.view("patrol")
    view.refresh()
    # each shown worker sits at its last stored fix at or before t
    s = hist.between(t - 300, t)
    last = {}
    for w, x in zip(hist.worker[s].tolist(), hist.x[s].tolist(), strict=True):
        last[w] = x
    shown = sorted(x for item in view.markers.values() for x in item.data["x"].tolist())
    assert len(shown) == len(last) > 0
    assert np.allclose(shown, sorted(last.values()), atol=1e-2)
    assert abs(bar.slider.value() - round(c.clock.fraction() * SLIDER_STEPS)) <= 1
    # play: the clock moves at the chosen speed
    bar.speed.setCurrentIndex(bar.speed.findData(600))
    bar.play_action.setChecked(True)
    c.step(2.0)
    assert window.patrol.now == t + 1200
    # the slider seeks
    bar.slider.setValue(0)
    assert c.clock.t == c.clock.start
    bar.replay_action.setChecked(False)
    assert c.mode == "live" and not c.clock.playing


def test_coverage_colours_the_grids(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    grids = window.canvas.view("grids")
    n_plain = len(grids.static_painters())
    with qtbot.waitSignal(c.coverageReady, timeout=20_000) as blocker:
        window.replay_bar.coverage_action.setChecked(True)
    values = blocker.args[0]
    assert len(values) == len(window.district_map.levels[4])
    assert 0 <= values.min() and values.max() <= 1 and values.max() > 0
    assert len(grids.static_painters()) > n_plain  # the coverage fills
    qtbot.waitUntil(window.canvas.static_cache.is_current)
    window.replay_bar.coverage_action.setChecked(False)
    assert len(grids.static_painters()) == n_plain


def test_workers_shrink_to_dots_in_the_overview(window):
    from ui.map.layers.patrol import OVERVIEW_MPP, OVERVIEW_SYMBOL_PX, SYMBOL_PX

    canvas, view = window.canvas, window.canvas.view("patrol")
    canvas.zoom_to_extent()
    while canvas.metres_per_pixel() <= OVERVIEW_MPP:
        canvas.zoom_by(0.5)
    assert view.overview
    assert all(item.opts["size"] == OVERVIEW_SYMBOL_PX for item in view.markers.values())
    # only the newest band of trail in the overview, and the workers as dots in its image
    assert len(view.trail_bands) == 1 and view.trail_bands[0][0] == 0
    assert all(len(item.data) == 0 for item in view.markers.values())
    assert view.shown_dots == view.shown_workers() > 0
    while canvas.metres_per_pixel() > OVERVIEW_MPP / 2:
        canvas.zoom_by(2.0)
    assert not view.overview
    assert all(item.opts["size"] == SYMBOL_PX for item in view.markers.values())
    assert view.shown_dots == 0 and view.shown_workers() > 0


def test_zoom_to_extent_keeps_room_for_an_overlay(window):
    canvas = window.canvas
    canvas.zoom_to_extent()
    x0, y0, x1, y1 = window.district_map.extent
    top = canvas.map_to_widget(x0, y1).y()
    canvas.zoom_to_extent(top_px=200)
    assert canvas.map_to_widget(x0, y1).y() >= 200 > top
