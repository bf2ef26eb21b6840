"""The map's right-click menu: its entries, 复制坐标 on the clipboard, 附近摄像头, a
panel's own entry, and a right click that neither pans nor selects."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from ui.map.context_menu import NEARBY_RADIUS_M, menu_texts
from ui.map.tools import install_map_tools


@pytest.fixture
def menu(window):
    return install_map_tools(window).menu


def _centre(window):
    x0, y0, x1, y1 = window.district_map.extent
    return (x0 + x1) / 2, (y0 + y1) / 2


def test_the_entries_and_a_panels_own(window, menu):
    calls = []
    x, y = _centre(window)
    menu.add_action("在此吹哨", "mdi6.whistle", lambda x, y: calls.append((x, y)),
                    enabled=lambda ex, ey: (ex, ey) == (x, y))
    built = menu.build(x, y)
    texts = menu_texts(built)
    assert texts[0].startswith("复制坐标 ") and texts[1] == "查询此处"
    assert texts[2] == "附近摄像头" and texts[-1] == "在此吹哨"
    own = built.actions()[-1]
    assert own.isEnabled()
    own.trigger()
    assert calls == [(x, y)]
    assert not menu.build(x + 5, y).actions()[-1].isEnabled()  # not there


def test_copy_coordinates_as_the_status_bar_shows_them(window, menu):
    x, y = _centre(window)
    lon, lat = window.district_map.frame.to_lonlat(x, y)
    built = menu.build(x, y)
    next(a for a in built.actions() if a.objectName() == "copy_coordinates").trigger()
    text = QGuiApplication.clipboard().text()
    assert text == f"{float(lon):.6f}, {float(lat):.6f}"
    window.map_status.show_position(x, y)  # the status bar's reading of the same place
    shown = window.map_status.position_label.text()
    assert f"{float(lon):.6f}" in shown and f"{float(lat):.6f}" in shown


def test_identify_here_selects_the_grid(window, menu):
    x, y = _centre(window)
    window.selection.select(None)
    built = menu.build(x, y)
    next(a for a in built.actions() if a.objectName() == "identify_here").trigger()
    assert window.selection.unit_id is not None


def test_nearby_cameras_nearest_first_and_one_opens(window, menu, qtbot, monkeypatch):
    wall = window.docks["video_wall"].widget()
    qtbot.waitUntil(lambda: wall.camera_load.done, timeout=20_000)
    cam = wall.registry.cameras[0]
    frame = window.district_map.frame
    x, y = cam.x - frame.origin_x + 20.0, cam.y - frame.origin_y
    found = menu.nearby_cameras(x, y)
    d = [f.distance_m for f in found]
    assert found and d == sorted(d) and d[-1] <= NEARBY_RADIUS_M
    sub = next(a for a in menu.build(x, y).actions()
               if a.objectName() == "nearby_cameras").menu()
    assert [a.data() for a in sub.actions()] == [f.camera.code for f in found]
    opened = []
    monkeypatch.setattr(wall, "open_camera", opened.append)
    sub.actions()[0].trigger()
    assert opened == [found[0].camera.code]
    ring = window.map_search._ring  # ringed on the map too
    assert ring is not None and ring.path().boundingRect().contains(
        found[0].camera.x - frame.origin_x, found[0].camera.y - frame.origin_y)
    far = menu.build(x + 1e6, y)
    sub = next(a for a in far.actions() if a.objectName() == "nearby_cameras").menu()
    assert [a.isEnabled() for a in sub.actions()] == [False]


def test_right_click_asks_for_the_menu_and_never_pans(window, menu, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(menu, "popup", lambda x, y, pos: shown.append((x, y)))
    window.canvas.contextRequested.disconnect()
    window.canvas.contextRequested.connect(menu.popup)
    vp = window.canvas.viewport()
    before = window.canvas.visible_rect()
    selected = window.selection.unit_id
    c = vp.rect().center()
    qtbot.mouseClick(vp, Qt.MouseButton.RightButton, pos=c)
    assert len(shown) == 1
    p = window.canvas.widget_to_map(c)
    assert np.allclose(shown[0], (p.x(), p.y()), atol=window.canvas.metres_per_pixel() * 2)
    # a right drag: no pan, no zoom
    qtbot.mousePress(vp, Qt.MouseButton.RightButton, pos=c)
    for dx in (10, 40, 80):
        qtbot.mouseMove(vp, c + QPoint(dx, dx))
    qtbot.mouseRelease(vp, Qt.MouseButton.RightButton, pos=c + QPoint(80, 80))
    assert window.canvas.visible_rect() == before
    assert window.selection.unit_id == selected
