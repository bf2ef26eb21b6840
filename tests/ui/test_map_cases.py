"""Incident layer in the window: time window, replay moment, aggregation, blinking, case card."""

from __future__ import annotations

import numpy as np

from ui.map.layers import cases as case_layer


def _applied(qtbot, view):
    """Wait until the worker's result for the latest request is on the items."""
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)
    return view


def test_time_window_filter(window, qtbot):
    view = window.canvas.view("cases")
    counts = {}
    for key in ("today", "7d", "30d", "year"):
        window.case_window.setCurrentIndex(window.case_window.findData(key))
        assert view.window == key
        _applied(qtbot, view)
        counts[key] = view.states.n_shown
    assert counts["today"] <= counts["7d"] < counts["30d"] < counts["year"]


def test_replay_moment_moves_the_cases(window, qtbot):
    view = window.canvas.view("cases")
    c = window.patrol_controller
    c.feed_timer.stop()
    d = window.district_map.cases
    c.seek(c.day_start + 6 * 3600)
    assert view.at == c.clock.t
    _applied(qtbot, view)
    later_today = d.reported_s > view.at
    assert later_today.any() and not view.states.shown[later_today].any()
    c.seek(c.now)
    _applied(qtbot, view)
    assert view.states.shown[later_today].all()  # they appear as the day is replayed
    c.set_mode("live")
    assert view.at is None


def test_many_cases_aggregate_into_hexagons(window, monkeypatch):
    view = window.canvas.view("cases")
    monkeypatch.setattr(case_layer, "MAX_POINTS", 10)
    view.update_points()
    assert view.aggregated and view.shown_points() == 0
    assert view.hexes.isVisible() and int(view.hex_counts.sum()) == view.states.n_shown
    monkeypatch.setattr(case_layer, "MAX_POINTS", 10**9)
    monkeypatch.setattr(case_layer, "OVERVIEW_AGGREGATE", 10**9)
    view.update_points()
    assert not view.aggregated and not view.hexes.isVisible()
    assert view.shown_points() == view.states.n_shown


def test_overdue_rings_blink(window, qtbot, monkeypatch):
    view = window.canvas.view("cases")
    qtbot.waitUntil(window.canvas.settled, timeout=10_000)
    # a pulse waits while an image renders (tests/ui/test_map_render.py); the trail image
    # re-renders every patrol tick, so here no render is let in between the two pulses
    monkeypatch.setattr(window.canvas, "images_rendering", lambda: False)
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)
    first = view.overdue.opacity()
    view.blink()
    second = view.overdue.opacity()
    view.blink()
    assert first != second and view.overdue.opacity() == first


def test_click_on_a_case_opens_its_card(window, qtbot, store):
    view = window.canvas.view("cases")
    d = window.district_map.cases
    i = int(np.flatnonzero(view.states.shown)[0])
    case_id = window.click_at(float(d.x[i]), float(d.y[i]))
    assert case_id is not None
    card = window.case_card
    assert card.isVisible() and card.case_id == case_id
    code, n_steps = store.rows(
        "SELECT c.code, (SELECT count(*) FROM case_transitions t WHERE t.case_id = c.id) "
        "FROM cases c WHERE c.id = ?", [case_id])[0]
    assert code in card.title.text()
    assert card.steps.rowCount() == n_steps > 0
    assert card.step_texts()[0].startswith("受理")
    # a click far from any case closes it
    x0, y0, x1, y1 = window.district_map.extent
    window.click_at(x0 - 5000, y0 - 5000)
    assert not card.isVisible()


def test_items_follow_the_view_with_a_margin(window, qtbot):
    canvas, view = window.canvas, window.canvas.view("cases")
    d = window.district_map.cases
    x0, y0, x1, y1 = window.district_map.extent
    canvas.center_on(x0 + (x1 - x0) * 0.25, (y0 + y1) / 2)
    canvas.zoom_by(6.0)
    view.update_points()  # (zooming in within the margin keeps the items: rebuild now)
    shown_near = int((view.states.shown & view._near).sum())
    assert 0 < view.shown_points() == shown_near < view.states.n_shown
    before = view._data_rect
    r = canvas.visible_rect()
    canvas.center_on(r.center().x() + r.width() * 0.2, r.center().y())  # inside the margin
    assert view._data_rect == before
    canvas.center_on(x0 + (x1 - x0) * 0.75, (y0 + y1) / 2)  # far away: rebuilt
    assert view.pending()
    _applied(qtbot, view)
    assert view._data_rect != before
    assert view._data_rect.contains(canvas.visible_rect())
    inside = (d.x >= view._data_rect.left()) & (d.x <= view._data_rect.right())
    assert inside[view._near].all()


def test_whistles_appear_as_they_did_in_the_replay(window):
    view = window.canvas.view("whistles")
    d = window.district_map.whistles
    c = window.patrol_controller
    c.feed_timer.stop()
    i = int(np.nanargmax(d.closed_s - d.blown_s))  # the longest-running whistle
    during = float(d.blown_s[i] + 60)
    c.set_mode("replay")
    c.clock.start = min(c.clock.start, float(d.blown_s[i]) - 3600)  # reach back to it
    c.seek(during)
    assert view.at == during
    assert view.active_mask[i] and view.shown_active() >= 1
    c.seek(float(d.blown_s[i] - 60))
    assert not view.active_mask[i]  # not blown yet
    c.set_mode("live")
    assert view.at is None


def test_window_switch_is_computed_off_the_gui_thread(window, qtbot, monkeypatch):
    from PySide6.QtCore import QThread

    view = window.canvas.view("cases")
    threads = []
    real = case_layer.compute_frame

    def spy(*args, **kwargs):
        threads.append(QThread.currentThread())
        return real(*args, **kwargs)

    monkeypatch.setattr(case_layer, "compute_frame", spy)
    before = view.states
    view.set_window("year")
    assert view.states is before  # nothing changed on the GUI thread yet
    _applied(qtbot, view)
    assert threads and all(t is not QThread.currentThread() for t in threads)
    assert view.states is not before and view.window == "year"


def test_a_stale_result_never_replaces_a_newer_one(window, qtbot, monkeypatch):
    """The operator clicks through the windows faster than the worker computes."""
    import threading

    view = window.canvas.view("cases")
    d = window.district_map.cases
    gate = threading.Event()
    real = case_layer.compute_frame
    computed = []

    def slow(generation, data, codes, kinds, window_key, *rest):
        if window_key == "year":
            gate.wait(10)  # the "year" result comes back last
        computed.append(window_key)
        return real(generation, data, codes, kinds, window_key, *rest)

    monkeypatch.setattr(case_layer, "compute_frame", slow)
    view.set_window("year")
    qtbot.wait(20)  # the worker is inside the "year" computation
    view.set_window("7d")
    view.set_window("today")  # overtakes "7d" before it starts: skipped
    gate.set()
    _applied(qtbot, view)
    qtbot.wait(50)
    assert view.window == "today"
    assert computed == ["year", "today"]
    expected = case_layer.case_states(d.reported_s, d.closed_s, d.deadline_s, view.moment(),
                                      "today")
    assert view.states.n_shown == expected.n_shown
    assert not view.pending()


def test_reloaded_cases_replace_a_result_computed_for_the_old_ones(window, qtbot):
    from dataclasses import replace

    view = window.canvas.view("cases")
    d = window.district_map.cases
    view.set_window("year")
    fewer = replace(d, ids=d.ids[:10], x=d.x[:10], y=d.y[:10], kind=d.kind[:10],
                    is_open=d.is_open[:10], overdue=d.overdue[:10],
                    reported_s=d.reported_s[:10], closed_s=d.closed_s[:10],
                    deadline_s=d.deadline_s[:10])
    view.reload(fewer)
    _applied(qtbot, view)
    assert len(view.states.shown) == 10 and view.layer.data is fewer


def test_overdue_rings_are_stamped_into_their_own_image(window, qtbot):
    """Thousands of alert rings as items cost every 4K frame tens of ms: they are drawn
    into a cached image in a worker, and follow the data."""
    view = window.canvas.view("cases")
    qtbot.waitUntil(window.canvas.settled, timeout=10_000)
    n = view.overdue_count()
    assert n > 0
    image = view.ring_cache.item.image
    img = image.convertToFormat(image.Format.Format_ARGB32)
    px = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine() // 4, 4)
    red = (px[..., 2] > 150) & (px[..., 1] < 120) & (px[..., 3] > 100)  # BGRA: alert red
    assert red.sum() > 20 * min(n, 50)
    # cases without deadlines: no alert, the image is empty again
    from dataclasses import replace

    d = view.layer.data
    view.reload(replace(d, deadline_s=np.full(len(d), np.nan)))
    _applied(qtbot, view)
    qtbot.waitUntil(window.canvas.settled, timeout=10_000)
    assert view.overdue_count() == 0
    img = view.ring_cache.item.image.convertToFormat(image.Format.Format_ARGB32)
    alpha = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())[3::4]
    assert not alpha.any()
    view.set_visible(False)
    assert not view.overdue.isVisible()
