"""The main window on the small district: layers, panels, identify, status bar, zoom."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt

from app.map.district_layers import DEFAULT_ORDER
from app.map.labels import rects_overlap
from ui.map.layers.base import StaticLayerView
from ui.map.layers.labels import MAX_MPP


def _widget_point(window, x: float, y: float) -> QPoint:
    """Local map metres -> a pixel of the canvas viewport."""
    return window.canvas.map_to_widget(x, y).toPoint()


def test_window_shows_every_layer(window):
    # plugins may add layers of their own (the video wall's cameras, 视频点位)
    assert [i for i in window.layers.ids() if i != "cameras"] == list(DEFAULT_ORDER)
    for layer_id in DEFAULT_ORDER:
        view = window.canvas.view(layer_id)
        assert view.is_visible(), layer_id
        if isinstance(view, StaticLayerView):  # drawn into the cached static image
            assert view.static_painters() and not view.items, layer_id
            continue
        assert view.items, layer_id
        shown = [item for item in view.items if item.isVisible()]
        # cases hide their recently closed points in the overview; the rest shows all
        assert shown == view.items or (layer_id == "cases" and shown), layer_id
        assert all(item.scene() is window.canvas.scene() for item in view.items)
    panel = window.docks["layers"].widget()
    titles = [panel.list.item(r).text() for r in range(panel.list.count())]
    assert titles[0] == "注记" and titles[-1] == "建筑物"
    assert len([t for t in titles if t != "视频点位"]) == len(DEFAULT_ORDER)
    assert window.map_status.district_label.text() == window.district_map.district_name
    assert window.docks["layers"].isVisible() and window.docks["identify"].isVisible()


def test_no_empty_docks(window):
    from PySide6.QtWidgets import QDockWidget

    docks = window.findChildren(QDockWidget)
    names = {d.objectName() for d in docks}
    assert {"dock_layers", "dock_identify", "dock_video_wall", "dock_cameras", "dock_whistles",
            "dock_cases", "dock_supervision"} <= names
    assert names == {f"dock_{spec.id}" for spec in window.registry.panels()}
    assert all(d.widget() is not None for d in docks)
    assert not any(d.widget().objectName() == "DockLoading" for d in docks)


def test_toggling_a_layer_hides_its_items(window, qtbot):
    panel = window.docks["layers"].widget()
    item = panel.item_for("buildings")
    item.setCheckState(Qt.CheckState.Unchecked)
    assert window.layers["buildings"].visible is False
    assert window.canvas.view("buildings").static_painters() == []
    assert window.canvas.view("cases").is_visible()
    assert window.canvas.view("grids").static_painters()
    panel.item_for("buildings").setCheckState(Qt.CheckState.Checked)
    assert window.canvas.view("buildings").static_painters()


def test_up_down_buttons_change_z_order(window, qtbot):
    canvas = window.canvas
    panel = window.docks["layers"].widget()
    assert canvas.view("labels").z() > canvas.view("patrol").z() > canvas.view("cases").z()
    panel.select_layer("patrol")
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)
    assert window.layers.ids()[-1] == "patrol"
    assert canvas.view("patrol").z() > canvas.view("labels").z()
    assert min(i.zValue() for i in canvas.view("patrol").items) > max(
        i.zValue() for i in canvas.view("labels").items)
    assert panel.current_layer_id() == "patrol"  # the selection follows the layer
    qtbot.mouseClick(panel.down_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.down_button, Qt.MouseButton.LeftButton)
    assert window.layers.ids()[-3:] == ["patrol", "whistles", "labels"]
    assert canvas.view("whistles").z() > canvas.view("patrol").z() > canvas.view("cases").z()


def test_drag_reorder_in_list_reorders_stack(window):
    panel = window.docks["layers"].widget()
    model = panel.list.model()
    # what a drag does: move the bottom row (buildings) to the top of the list
    assert model.moveRow(model.index(0, 0).parent(), panel.list.count() - 1,
                         model.index(0, 0).parent(), 0)
    assert window.layers.ids()[-1] == "buildings"
    assert window.canvas.view("buildings").z() == max(
        window.canvas.view(i).z() for i in window.layers.ids())


def test_click_on_grid_fills_identify_panel(window, qtbot, store):
    grids = window.district_map.levels[4]
    i = len(grids) // 2
    p = shapely.point_on_surface(grids.geoms[i])
    window.canvas.center_on(p.x, p.y)
    window.canvas.zoom_by(2)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=_widget_point(window, p.x, p.y))
    panel = window.docks["identify"].widget()
    code = str(grids.codes[i])
    assert code in panel.code_label.text()
    chain = store.rows(
        "WITH RECURSIVE up(id, parent_id, level, name) AS ("
        " SELECT id, parent_id, level, name FROM grid_units WHERE code = ?"
        " UNION ALL SELECT g.id, g.parent_id, g.level, g.name FROM grid_units g"
        " JOIN up ON g.id = up.parent_id) SELECT name FROM up ORDER BY level", [code])
    assert panel.chain_label.text() == " › ".join(r[0] for r in chain)
    assert len(chain) == 4
    assert window.selection.unit_id == grids.ids[i]
    assert panel.detail.households > 0
    assert panel.cases_table.rowCount() == len(panel.detail.open_cases)
    # the clicked grid is highlighted on top of everything
    hl = window.highlight.item
    assert hl is not None and hl.isVisible()
    assert hl.zValue() > max(i.zValue() for v in window.layers.ids()
                             for i in window.canvas.view(v).items)
    assert hl.path().boundingRect().contains(p.x, p.y)


def test_click_outside_district_clears_selection(window, qtbot):
    grids = window.district_map.levels[4]
    window.selection.select(int(grids.ids[0]))
    x0, y0, x1, y1 = window.district_map.extent
    window.canvas.zoom_by(0.5)  # zoom out so that there is space around the district
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=_widget_point(window, x0 - (x1 - x0) * 0.3, (y0 + y1) / 2))
    assert window.selection.unit_id is None
    assert window.highlight.item is None
    assert window.docks["identify"].widget().hint.isVisible()


def test_status_bar_shows_cgcs2000_position(window, qtbot):
    x0, y0, x1, y1 = window.district_map.extent
    x, y = x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.6
    pos = _widget_point(window, x, y)
    qtbot.mouseMove(window.canvas.viewport(), pos)
    qtbot.waitUntil(lambda: "°" in window.map_status.position_label.text())
    text = window.map_status.position_label.text()
    here = window.canvas.widget_to_map(pos)
    lon, lat = window.district_map.frame.to_lonlat(here.x(), here.y())
    assert f"{float(lon):.6f}" in text and f"{float(lat):.6f}" in text
    assert "CGCS2000" in text


def test_scale_follows_zoom(window):
    status = window.map_status
    before = status.scale_denominator()
    expected = window.canvas.metres_per_pixel() * window.canvas.logicalDpiX() / 0.0254
    assert before == pytest.approx(expected)
    window.canvas.zoom_by(4)
    assert status.scale_denominator() == pytest.approx(before / 4, rel=0.02)
    assert status.scale_label.text().startswith("比例尺 1:")
    n = int(status.scale_label.text().split(":")[1].replace(",", ""))
    assert n == pytest.approx(before / 4, rel=0.06)


def test_home_key_zooms_to_extent(window, qtbot):
    canvas = window.canvas
    x0, y0, x1, y1 = window.district_map.extent
    canvas.center_on(x0, y0)
    canvas.zoom_by(8)
    assert not canvas.visible_rect().contains(canvas.extent())
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    r = canvas.visible_rect()
    assert r.contains(canvas.extent())
    assert r.width() < (x1 - x0) * 1.6 or r.height() < (y1 - y0) * 1.6  # fits, not far out
    canvas.zoom_by(3)
    window.zoom_extent_action.trigger()
    assert canvas.visible_rect().contains(canvas.extent())


@pytest.mark.parametrize("zoom", [1, 2.5, 6, 15])
def test_labels_never_overlap(window, zoom):
    canvas = window.canvas
    grids = window.district_map.levels[4]
    p = shapely.point_on_surface(grids.geoms[len(grids) // 3])
    canvas.center_on(p.x, p.y)
    canvas.zoom_by(zoom)
    view = canvas.view("labels")
    rects = view.visible_rects()
    assert len(rects) > 0
    assert not rects_overlap(rects)
    # the rectangles are on screen
    vp = canvas.viewport()
    cx, cy = (rects[:, 0] + rects[:, 2]) / 2, (rects[:, 1] + rects[:, 3]) / 2
    assert ((cx >= 0) & (cx <= vp.width()) & (cy >= 0) & (cy <= vp.height())).all()


def test_labels_level_of_detail(window):
    canvas = window.canvas
    view = canvas.view("labels")
    level_of = dict(zip(view.layer.data.text.tolist(), view.layer.data.level.tolist(),
                        strict=False))
    far = view.visible_labels()
    street_names = set(window.district_map.levels[2].names.tolist())
    assert street_names <= set(far)  # the whole district shows every street
    grids = window.district_map.levels[4]
    p = shapely.point_on_surface(grids.geoms[0])
    canvas.center_on(p.x, p.y)
    canvas.zoom_by(12)
    near = view.visible_labels()
    assert any(level_of[t] == 4 for t in near)  # close up: grid names appear
    canvas.zoom_to_extent()
    if canvas.metres_per_pixel() > MAX_MPP[4]:
        assert not any(level_of[t] == 4 for t in view.visible_labels())


def test_first_paint_happens(window):
    assert window.canvas.first_paint_seconds is not None
    assert window.canvas.first_paint_seconds < 10


def test_cases_are_coloured_by_kind(window):
    view = window.canvas.view("cases")
    data = window.district_map.cases
    brushes = {kind: item.opts["brush"].color().name()
               for (kind, is_open), item in view.scatters.items() if is_open}
    assert len(set(brushes.values())) == len(brushes) > 1
    total = sum(len(item.data) for item in view.scatters.values())
    assert total == view.states.n_shown > 0 and not view.aggregated
    # at "now" the overdue rings are exactly the cases overdue now
    assert view.overdue_count() == int(np.sum(data.overdue))


def test_outlines_drawn_far_from_the_origin(window, qtbot):
    """The static image must land where it belongs, far from (0, 0) too."""
    canvas = window.canvas
    for layer_id in window.layers.ids():
        window.layers.set_visible(layer_id, layer_id == "district")
    x0, y0, x1, y1 = window.district_map.extent
    canvas.center_on(x0, (y0 + y1) / 2)  # the district's west edge, far from the origin
    canvas.zoom_by(3)
    qtbot.waitUntil(canvas.static_cache.is_current)
    img = canvas.grab().toImage()
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine() // 4, 4)[:, : img.width(), :3]
    bright = arr.max(axis=2) > 150
    assert bright.sum() > img.height() // 2  # a vertical bright line down the view


def test_cases_level_of_detail(window, qtbot):
    from ui.map.layers.cases import OVERVIEW_MPP

    canvas, view = window.canvas, window.canvas.view("cases")
    closed = [item for (_k, is_open), item in view.scatters.items() if not is_open]
    opened = [item for (_k, is_open), item in view.scatters.items() if is_open]
    canvas.zoom_by(canvas.metres_per_pixel() / (OVERVIEW_MPP * 2))  # out to the overview
    assert canvas.metres_per_pixel() > OVERVIEW_MPP
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)  # computed in a worker
    assert all(i.isVisible() for i in opened) and not any(i.isVisible() for i in closed)
    canvas.zoom_by(canvas.metres_per_pixel() / OVERVIEW_MPP * 2)
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)
    assert all(i.isVisible() for i in opened + closed)
    window.layers.set_visible("cases", False)
    assert not any(i.isVisible() for i in view.items)


def _wheel(widget, pos: QPoint, steps: int) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    p = QPointF(pos)
    ev = QWheelEvent(p, QPointF(widget.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_wheel_zooms_about_the_cursor(window):
    canvas = window.canvas
    vp = canvas.viewport()
    pos = QPoint(vp.width() // 4, vp.height() // 3)  # well away from the centre
    before = canvas.widget_to_map(pos)
    mpp = canvas.metres_per_pixel()
    _wheel(vp, pos, 3)
    assert canvas.metres_per_pixel() < mpp * 0.8  # zoomed in
    after = canvas.widget_to_map(pos)
    # the map point under the cursor stays under the cursor (to within a few pixels)
    assert abs(after.x() - before.x()) < 3 * mpp and abs(after.y() - before.y()) < 3 * mpp


def test_drag_pans_the_map(window, qtbot):
    canvas = window.canvas
    vp = canvas.viewport()
    start = QPoint(vp.width() // 2, vp.height() // 2)
    end = start + QPoint(200, 0)
    before = canvas.visible_rect()
    mpp = canvas.metres_per_pixel()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 11):
        qtbot.mouseMove(vp, start + QPoint(20 * i, 0))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    after = canvas.visible_rect()
    # dragging right moves the view west by ~200 px worth of metres
    assert after.center().x() == pytest.approx(before.center().x() - 200 * mpp, rel=0.1)
    assert after.width() == pytest.approx(before.width())


def test_dock_title_bar_and_toolbar_toggle(window, qtbot):
    from PySide6.QtWidgets import QToolButton

    dock = window.docks["identify"]
    bar = dock.titleBarWidget()
    assert bar.title_label.text() == "网格查询"
    assert not bar.icon_label.pixmap().isNull()
    close = [b for b in bar.findChildren(QToolButton) if b.toolTip() == "关闭面板"][0]
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dock.isVisible()
    dock.toggleViewAction().trigger()  # the toolbar button
    assert dock.isVisible()
    assert dock.toggleViewAction() in window.toolbar.actions()


def test_layer_panel_follows_changes_made_elsewhere(window):
    panel = window.docks["layers"].widget()
    window.layers.set_visible("cases", False)
    assert panel.item_for("cases").checkState() == Qt.CheckState.Unchecked
    window.layers.move("labels", 0)
    assert panel.list.item(panel.list.count() - 1).text() == "注记"  # bottom of the list
