"""Measuring on the map window: clicks add points (no grid selected), double-click and
Enter finish, Esc cancels and then leaves, a known square's area."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from ui.map.tools import install_map_tools


@pytest.fixture
def tools(window):
    return install_map_tools(window)


def _zoom(window, width_m=800.0):
    x0, y0, x1, y1 = window.district_map.extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    window.canvas.viewbox.setRange(xRange=(cx - width_m / 2, cx + width_m / 2),
                                   yRange=(cy - width_m / 2, cy + width_m / 2), padding=0)


def _click(qtbot, window, px, py, double=False):
    vp = window.canvas.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=QPoint(px, py))
    if double:  # as a real double click: click, double-click, release
        qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=QPoint(px, py))
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(px, py))


def test_a_square_by_clicks_gives_its_area(window, tools, qtbot):
    _zoom(window)
    tools.measure_actions.area.trigger()
    assert tools.measure_actions.area.isChecked() and window.canvas.tool is tools.measure
    selected = window.selection.unit_id
    c = window.canvas.viewport().rect().center()
    side = 300
    corners = [(c.x() - 150, c.y() - 150), (c.x() + 150, c.y() - 150),
               (c.x() + 150, c.y() + 150), (c.x() - 150, c.y() + 150)]
    for px, py in corners:
        _click(qtbot, window, px, py)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    m = tools.measure.measurement
    assert m.finished and len(m) == 4
    side_m = side * window.canvas.metres_per_pixel()
    assert m.area() == pytest.approx(side_m ** 2, rel=1e-3)
    assert window.selection.unit_id == selected  # measuring clicks select nothing
    assert "面积" in tools.measure.label.text() and tools.measure.label.isVisible()


def test_distance_double_click_finishes_and_esc_cancels_then_leaves(window, tools, qtbot):
    _zoom(window)
    tools.measure_actions.distance.trigger()
    c = window.canvas.viewport().rect().center()
    _click(qtbot, window, c.x() - 200, c.y())
    _click(qtbot, window, c.x(), c.y())
    _click(qtbot, window, c.x(), c.y() + 100, double=True)
    m = tools.measure.measurement
    mpp = window.canvas.metres_per_pixel()
    assert m.finished and len(m) == 3
    assert m.length() == pytest.approx(300 * mpp, rel=1e-3)
    assert "总长" in tools.measure.label.text()
    # a new click starts again; Backspace takes a point back; Esc throws it away
    _click(qtbot, window, c.x() + 50, c.y())
    _click(qtbot, window, c.x() + 100, c.y())
    qtbot.keyClick(window.canvas, Qt.Key.Key_Backspace)
    assert len(tools.measure.measurement) == 1 and not tools.measure.measurement.finished
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert len(tools.measure.measurement) == 0 and window.canvas.tool is tools.measure
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.canvas.tool is None and not tools.measure_actions.distance.isChecked()
    assert not tools.measure.label.isVisible()
    # selecting by click is back
    _click(qtbot, window, c.x(), c.y())
    assert window.selection.unit_id is not None


def test_the_actions_switch_modes_and_uncheck(window, tools):
    acts = tools.measure_actions
    acts.distance.trigger()
    acts.area.trigger()
    assert acts.area.isChecked() and not acts.distance.isChecked()
    assert tools.measure.mode == "area" and window.canvas.tool is tools.measure
    acts.area.trigger()
    assert window.canvas.tool is None and not acts.area.isChecked()
