"""Incident layer in the window: time window, replay moment, aggregation, blinking, case card."""

from __future__ import annotations

import numpy as np

from ui.map.layers import cases as case_layer


def test_time_window_filter(window):
    view = window.canvas.view("cases")
    counts = {}
    for key in ("today", "7d", "30d", "year"):
        window.case_window.setCurrentIndex(window.case_window.findData(key))
        assert view.window == key
        counts[key] = view.states.n_shown
    assert counts["today"] <= counts["7d"] < counts["30d"] < counts["year"]


def test_replay_moment_moves_the_cases(window):
    view = window.canvas.view("cases")
    c = window.patrol_controller
    c.feed_timer.stop()
    d = window.district_map.cases
    c.seek(c.day_start + 6 * 3600)
    assert view.at == c.clock.t
    later_today = d.reported_s > view.at
    assert later_today.any() and not view.states.shown[later_today].any()
    c.seek(c.now)
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


def test_overdue_rings_blink(window):
    view = window.canvas.view("cases")
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


def test_items_follow_the_view_with_a_margin(window):
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
