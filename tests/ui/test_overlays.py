"""Scale bar (比例尺) and north arrow (指北针) over the map: true lengths, north, out of the
way of the map's clicks, the bars around it and each other."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF

from ui.map.overlays import install_overlays
from ui.map.scale_bar import distance_text, round_length


def test_round_lengths():
    assert [round_length(m) for m in (0.7, 3, 49, 50, 51, 130, 499, 999, 1000, 4300)] == \
        [0.5, 2, 20, 50, 50, 100, 200, 500, 1000, 2000]
    assert [distance_text(m) for m in (50, 200, 1000, 2000, 500)] == \
        ["50 米", "200 米", "1 公里", "2 公里", "500 米"]


def _label_metres(text: str) -> float:
    value, unit = text.split()
    return float(value) * (1000 if unit == "公里" else 1)


@pytest.mark.parametrize("zoom", [1.0, 3.0, 0.4, 12.0])
def test_scale_bar_label_times_length_is_the_ground_distance(window, zoom):
    overlays = install_overlays(window)
    canvas = window.canvas
    canvas.zoom_by(zoom)
    bar = overlays.scale_bar
    assert bar.metres in {round_length(bar.metres)} and bar.metres > 0
    r = bar.bar_rect()
    # both ends of the bar through the canvas's own transforms (unrounded) to map metres
    to_scene = canvas.viewportTransform().inverted()[0]
    ends = [canvas.viewport().mapFrom(canvas, bar.mapTo(canvas, QPointF(x, r.center().y())))
            for x in (r.left(), r.right())]
    a, b = (canvas.viewbox.mapSceneToView(to_scene.map(p)) for p in ends)
    ground = math.hypot(b.x() - a.x(), b.y() - a.y())
    assert ground == pytest.approx(_label_metres(bar.text()), rel=0.01)


def test_overlays_let_clicks_through_to_the_map(window):
    overlays = install_overlays(window)
    canvas = window.canvas
    for w in overlays.widgets():
        centre = w.geometry().center()
        assert canvas.childAt(centre) is canvas.viewport()


def _check_layout(window, overlays) -> None:
    canvas = window.canvas
    inside = canvas.viewport().geometry()
    rects = overlays.rects()
    for r in rects:
        assert inside.contains(r), (r, inside)
    assert not rects[0].intersects(rects[1])
    # never over the bars around the map (in window coordinates)
    for bar in (window.statusBar(), window.replay_bar):
        if bar.isVisible():
            bar_rect = bar.geometry()
            for w in overlays.widgets():
                top_left = w.mapTo(window, QPoint(0, 0))
                assert not bar_rect.intersects(w.rect().translated(top_left))
    for card in (window.case_card, window.worker_card):
        if card.isVisible():
            assert not any(card.geometry().intersects(r) for r in rects)


@pytest.mark.parametrize("size,scale", [((1366, 768), 1.0), ((3840, 2160), 2.0)])
def test_overlays_inside_the_map_and_apart(make_window, themed_app, qtbot, size, scale):
    from ui.theme import apply_theme

    apply_theme(themed_app, scale)
    try:
        window = make_window(size=size)
        overlays = install_overlays(window)
        qtbot.waitUntil(lambda: window.canvas.width() > 0)
        assert overlays.scale_bar.height() == round(40 * scale)
        _check_layout(window, overlays)
        window.resize(size[0] - 200, size[1] - 100)  # follows the canvas's size
        qtbot.waitUntil(lambda: window.canvas.viewport().geometry().contains(
            overlays.scale_bar.geometry()))
        _check_layout(window, overlays)
    finally:
        apply_theme(themed_app, 1.0)


def test_big_screen_overlays_grow_below_the_strip(window, qtbot):
    overlays = install_overlays(window)
    small = overlays.scale_bar.height()
    bs = window.big_screen
    bs.enter()
    qtbot.waitUntil(lambda: bs.strip.isVisible())
    assert overlays.scale_bar.height() > small
    _check_layout(window, overlays)
    for r in overlays.rects():
        assert not r.intersects(bs.strip.geometry())
    bs.leave()
    assert overlays.scale_bar.height() == small


def test_north_arrow_points_north(window):
    from app.map.extrusion import MapStyle

    overlays = install_overlays(window)
    canvas = window.canvas
    # the district lies near the zone's central meridian: true north within half a degree
    # of grid north, which is up on an unrotated map
    angle = overlays.north_arrow.angle
    assert min(angle, 360 - angle) < 0.5
    # 2.5D leans the roofs; the map itself is not turned
    canvas.set_map_style(MapStyle(mode="2.5d", angle_deg=200.0, exaggeration=2.0))
    overlays.follow_view()
    assert overlays.north_arrow.angle == pytest.approx(angle, abs=0.01)


def test_north_arrow_follows_the_map_transform(window, monkeypatch):
    """Measured from the canvas's transform, not assumed: a map turned a quarter clockwise
    (north drawn to the right) turns the arrow with it."""
    overlays = install_overlays(window)
    canvas = window.canvas
    monkeypatch.setattr(canvas, "map_to_widget", lambda x, y: QPointF(y, x))
    overlays.follow_view()
    assert overlays.north_arrow.angle == pytest.approx(90.0, abs=0.6)
