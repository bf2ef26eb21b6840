"""The static-layer cache: off-thread renders, reuse while panning, invalidation, 2.5D LOD."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QThread

from app.map.extrusion import MapStyle
from ui.map.layers.buildings import EXTRUDE_MAX_MPP


def _settled(qtbot, canvas):
    qtbot.waitUntil(canvas.static_cache.is_current, timeout=10_000)
    return canvas.static_cache


def _pixels(image) -> np.ndarray:
    img = image.convertToFormat(image.Format.Format_ARGB32)
    return np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine() // 4, 4).copy()


def test_static_layers_render_off_the_gui_thread(window, qtbot):
    cache = window.canvas.static_cache
    threads = []
    cache.add_source(lambda: 1e9, lambda: [lambda p, r, mpp: threads.append(QThread.currentThread())])
    _settled(qtbot, window.canvas)
    assert threads and all(t is not QThread.currentThread() for t in threads)


def test_pan_shows_the_old_image_until_the_view_settles(window, qtbot):
    canvas = window.canvas
    cache = _settled(qtbot, canvas)
    old_image, old_rect, renders = cache.item.image, cache.item.image_rect, cache.render_count
    r = canvas.visible_rect()
    canvas.center_on(r.center().x() + r.width() * 0.2, r.center().y())
    # the same image is kept (drawn shifted) while the view has not settled
    assert cache.item.image is old_image and not cache.is_current()
    cache = _settled(qtbot, canvas)
    assert cache.render_count > renders and cache.item.image is not old_image
    assert cache.item.image_rect != old_rect
    new = canvas.visible_rect()
    assert abs(cache.item.image_rect.center().x() - new.center().x()) < new.width() * 1e-6


def test_zoom_rerenders_at_the_new_resolution(window, qtbot):
    canvas = window.canvas
    cache = _settled(qtbot, canvas)
    width_before = cache.item.image_rect.width()
    canvas.zoom_by(2.0)
    cache = _settled(qtbot, canvas)
    assert abs(cache.item.image_rect.width() - width_before / 2) < width_before * 0.01


def test_layer_change_invalidates_the_image(window, qtbot):
    canvas = window.canvas
    cache = _settled(qtbot, canvas)
    before = _pixels(cache.item.image)
    renders = cache.render_count
    for layer_id in ("buildings", "grids", "communities", "streets"):
        window.layers.set_visible(layer_id, False)
    cache = _settled(qtbot, canvas)
    assert cache.render_count == renders + 1  # one render for the whole batch of changes
    after = _pixels(cache.item.image)
    assert (after[..., 3] > 0).sum() < (before[..., 3] > 0).sum()
    window.layers.set_visible("buildings", True)
    cache = _settled(qtbot, canvas)
    assert (_pixels(cache.item.image)[..., 3] > 0).sum() > (after[..., 3] > 0).sum()


def test_buildings_level_of_detail(window, qtbot):
    canvas = window.canvas
    view = canvas.view("buildings")
    painter = view.static_painters()[0]
    canvas.zoom_to_extent()
    while canvas.metres_per_pixel() <= EXTRUDE_MAX_MPP:
        canvas.zoom_by(0.5)
    _settled(qtbot, canvas)
    assert view.lod(canvas.metres_per_pixel()) == "flat"
    painter.last_drawn = 0
    canvas.static_cache.invalidate()
    _settled(qtbot, canvas)
    assert painter.last_drawn == 0  # no extrusion at district scale
    while canvas.metres_per_pixel() > EXTRUDE_MAX_MPP / 2:
        canvas.zoom_by(2.0)
    _settled(qtbot, canvas)
    assert view.lod(canvas.metres_per_pixel()) == "extruded"
    assert 0 < painter.last_drawn < len(window.district_map.buildings)


def test_2d_and_25d_switch(window, qtbot):
    canvas = window.canvas
    x0, y0, x1, y1 = window.district_map.extent
    canvas.center_on((x0 + x1) / 2, (y0 + y1) / 2)
    while canvas.metres_per_pixel() > EXTRUDE_MAX_MPP / 3:
        canvas.zoom_by(2.0)
    cache = _settled(qtbot, canvas)
    extruded = _pixels(cache.item.image)
    canvas.set_map_style(MapStyle(mode="2d"))
    assert canvas.view("buildings").lod(canvas.metres_per_pixel()) == "flat"
    cache = _settled(qtbot, canvas)
    flat = _pixels(cache.item.image)
    # walls and roofs cover more ground than the bare footprints
    assert (extruded[..., 3] == 255).sum() > (flat[..., 3] == 255).sum()
    canvas.set_map_style(MapStyle(mode="2.5d", angle_deg=200.0, exaggeration=2.0))
    cache = _settled(qtbot, canvas)
    assert not np.array_equal(_pixels(cache.item.image), extruded)


def test_panned_image_lands_where_the_map_moved(window, qtbot):
    canvas = window.canvas
    for layer_id in ("cases", "patrol", "labels"):
        window.layers.set_visible(layer_id, False)
    _settled(qtbot, canvas)
    a = _pixels(canvas.grab().toImage())[..., :3].astype(int)
    shift_px = 100
    r = canvas.visible_rect()
    canvas.center_on(r.center().x() + shift_px * canvas.metres_per_pixel(), r.center().y())
    assert not canvas.static_cache.is_current()  # still the old image, moved
    b = _pixels(canvas.grab().toImage())[..., :3].astype(int)
    w = min(a.shape[1], b.shape[1])
    same = np.abs(b[:, : w - shift_px - 2] - a[:, shift_px: w - 2]).max(axis=2) < 8
    assert same.mean() > 0.97


def test_boundaries_draw_in_chunks_and_skip_those_out_of_view(window, qtbot):
    """One path of every grid outline held the GIL for >100 ms in the render worker."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from ui.map.paths import chunked_paths

    grids = window.district_map.levels[4]
    chunks = chunked_paths(grids.vertices, chunk=5)
    assert len(chunks) == -(-len(grids) // 5)
    assert sum(p.elementCount() for _, p in chunks) == len(grids.vertices)
    for (x0, _y0, _x1, y1), path in chunks:
        r = path.controlPointRect()
        assert abs(r.left() - x0) < 1e-6 and abs(r.bottom() - y1) < 1e-6

    class Counting:
        def __init__(self, painter):
            self.p, self.paths = painter, 0

        def drawPath(self, path):
            self.paths += 1
            self.p.drawPath(path)

        def __getattr__(self, name):
            return getattr(self.p, name)

    paint = window.canvas.view("grids").static_painters()[-1]
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        everything, corner = Counting(painter), Counting(painter)
        x0, y0, x1, y1 = window.district_map.extent
        paint(everything, QRectF(x0, y0, x1 - x0, y1 - y0), 1.0)
        paint(corner, QRectF(x0 - 10, y0 - 10, 1.0, 1.0), 1.0)
    finally:
        painter.end()
    n_chunks = len(window.canvas.view("grids")._chunks)
    assert everything.paths == n_chunks and corner.paths == 0


def test_overdue_rings_wait_while_the_static_image_renders(window, qtbot, monkeypatch):
    view = window.canvas.view("cases")
    assert view.overdue_count() > 0
    cache = window.canvas.static_cache
    monkeypatch.setattr(cache, "rendering", lambda: True)
    before = view.overdue.opacity()
    view.blink()
    assert view.overdue.opacity() == before
    monkeypatch.setattr(cache, "rendering", lambda: False)
    # once nothing renders (the trail image re-renders every patrol tick: wait for a gap)
    qtbot.waitUntil(lambda: _pulsed(view, before), timeout=10_000)


def test_overdue_rings_wait_while_the_patrol_trails_render(window, qtbot, monkeypatch):
    """The trail image renders in its worker every tick; a 4K pulse repaint then would
    fight it for the GIL (the Jinhua idle-window stalls)."""
    view = window.canvas.view("cases")
    assert view.overdue_count() > 0
    trails = window.canvas.view("patrol").trail_cache
    qtbot.waitUntil(window.canvas.settled, timeout=10_000)
    monkeypatch.setattr(trails, "rendering", lambda: True)
    before = view.overdue.opacity()
    view.blink()
    assert window.canvas.images_rendering() and view.overdue.opacity() == before
    monkeypatch.setattr(trails, "rendering", lambda: False)
    qtbot.waitUntil(lambda: _pulsed(view, before), timeout=10_000)


def _pulsed(view, before: float) -> bool:
    """One pulse of the overdue rings moved their opacity off ``before`` (a pulse that
    had to wait, because an image was rendering at that moment, moved nothing)."""
    view.blink()
    return view.overdue.opacity() != before


def test_labels_are_drawn_between_paints_not_in_them(window, qtbot, monkeypatch):
    import ui.map.layers.labels as labels

    view = window.canvas.view("labels")
    item = view.item
    qtbot.waitUntil(view.complete, timeout=10_000)
    made = []
    real = item._sprite
    monkeypatch.setattr(item, "_sprite", lambda i, dpr: made.append(i) or real(i, dpr))
    monkeypatch.setattr(labels, "SPRITE_BUDGET_S", 0.0)  # one sprite per idle step
    item._sprites.clear()
    window.canvas.viewport().repaint()
    assert made == [] and not view.complete()  # the paint drew none itself
    qtbot.waitUntil(view.complete, timeout=10_000)
    assert len(made) == len(item.current_layout()[0]) > 1
