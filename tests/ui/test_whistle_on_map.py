"""Whistles picked on the map (issue 6, 附近摄像头 from a whistle): the click selects the
whistle in the whistle panel and rings it on the map; the panel's 附近摄像头 then opens
the cameras nearest to it on the wall."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.app.test_video_servers import needs_ffmpeg

pytestmark = [needs_ffmpeg, pytest.mark.qt_log_ignore(r"No RHI backend")]


@pytest.fixture
def demo_media(tmp_path_factory, monkeypatch):
    from app.video.demo_media import generate_demo_media

    folder = tmp_path_factory.mktemp("media")
    generate_demo_media(folder, count=2, seconds=2)
    monkeypatch.setenv("GRIDCC_MEDIA_DIR", str(folder))
    return folder


def _shown_whistle(window) -> tuple[int, float, float]:
    """A whistle on the map: the small district's are all long closed at its "now", so the
    layer is put at a replay moment while the middle one was in progress."""
    view = window.canvas.view("whistles")
    d = view.layer.data
    k = len(d) // 2
    view.set_time(float(d.blown_s[k] + d.closed_s[k]) / 2)
    i = int(np.flatnonzero(view.shown_mask)[0])
    assert view.shown_active() >= 1
    return int(d.ids[i]), float(d.x[i]), float(d.y[i])


def _click(window, qtbot, x: float, y: float) -> None:
    """A real left click on the canvas viewport at local map metres (x, y)."""
    with qtbot.waitSignal(window.canvas.mapClicked, timeout=2000):
        qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.canvas.map_to_widget(x, y).toPoint())


def test_whistle_at_hits_only_shown_whistles_within_the_radius(window):
    view = window.canvas.view("whistles")
    d = view.layer.data
    wid, x, y = _shown_whistle(window)
    assert view.whistle_at(x + 3.0, y - 4.0, 5.01) == wid  # 3-4-5: just inside
    assert view.whistle_at(x + 3.0, y - 4.0, 4.99) != wid
    hidden = np.flatnonzero(~view.shown_mask)
    if len(hidden):  # not yet blown or closed long ago at this moment: not pickable
        j = int(hidden[0])
        near = view.whistle_at(float(d.x[j]), float(d.y[j]), 0.5)
        assert near is None or near != int(d.ids[j])
    view.set_visible(False)
    assert view.whistle_at(x, y, 50.0) is None
    view.set_visible(True)
    # before the first whistle was blown nothing is shown and nothing is picked
    view.set_time(float(np.nanmin(d.blown_s)) - 1.0)
    assert view.whistle_at(x, y, 1e9) is None


def test_click_on_a_whistle_selects_it_and_nearby_cameras_open(make_window, qtbot,
                                                               demo_media):
    window = make_window()
    panel = window.docks["whistles"].widget()
    wall = window.docks["video_wall"].widget()
    cameras = window.docks["cameras"].widget()
    view = window.canvas.view("whistles")
    panel.open_only.setCurrentIndex(panel.open_only.findData(True))
    panel.tabs.setCurrentIndex(1)
    wid, x, y = _shown_whistle(window)
    with qtbot.waitSignal(window.whistleClicked, timeout=2000) as got:
        _click(window, qtbot, x, y)
    assert got.args == [wid]
    # the panel lists it (the filter switched if it hid it) on the list page, with its timeline
    assert panel.selected_id() == wid and panel.timeline.whistle_id == wid
    assert panel.tabs.currentIndex() == 0
    assert not window.case_card.isVisible()
    rx, ry = view.selected_point()
    assert (rx, ry) == pytest.approx((x, y))
    # 附近摄像头: the nearest cameras to the whistle's lon/lat open on the wall
    lon, lat = window.store.rows("SELECT lon, lat FROM whistles WHERE id = ?", [wid])[0]
    assert panel.nearby_button.isEnabled()
    panel.nearby_button.click()
    expected = wall.registry.nearest_lonlat(lon, lat, cameras.nearby_n.value(),
                                            float(cameras.radius.value()))
    assert expected, "the small district has cameras near its whistles"
    shown = [c for c in wall.cameras_shown() if c is not None]
    assert shown == [f.camera.code for f in expected]
    assert window.docks["video_wall"].isVisible()
    wall.open_cameras([])
    # a click far from any whistle clears the ring (the panel keeps its selection)
    x0, y0, _x1, _y1 = window.district_map.extent
    window.click_at(x0 - 5000.0, y0 - 5000.0)
    assert view.selected_point() is None and view.selected is None


def test_whistle_beats_a_case_under_the_same_click(window, qtbot):
    """A click within reach of both a whistle and a case picks the whistle."""
    wid, x, y = _shown_whistle(window)
    cases = window.canvas.view("cases")
    d = cases.layer.data
    i = int(np.flatnonzero(cases.states.shown)[0])
    cx, cy = float(d.x[i]), float(d.y[i])
    # put the whistle 2 px away from a shown case: both are within their hit radius
    mpp = window.canvas.metres_per_pixel()
    view = window.canvas.view("whistles")
    w = view.layer.data  # the session's district map: moved in a copy only
    moved = dataclasses.replace(w, x=np.where(w.ids == wid, cx + 2 * mpp, w.x),
                                y=np.where(w.ids == wid, cy, w.y))
    view.reload(moved)
    assert cases.case_at(cx, cy, 7 * mpp) is not None
    with qtbot.waitSignal(window.whistleClicked, timeout=1000) as got:
        case_id = window.click_at(cx, cy)
    assert got.args == [wid] and case_id is None
    assert not window.case_card.isVisible()
    panel = window.docks["whistles"].widget()
    assert panel.timeline.whistle_id == wid
    # the same place without the whistle opens the case
    view.select(None)
    view.set_visible(False)
    assert window.click_at(cx, cy) is not None and window.case_card.isVisible()
    view.set_visible(True)


def test_selecting_in_the_panel_rings_the_whistle_on_the_map(window):
    panel = window.docks["whistles"].widget()
    view = window.canvas.view("whistles")
    wid, x, y = _shown_whistle(window)
    panel.select_whistle(wid)
    assert view.selected == wid and view.selected_point() == pytest.approx((x, y))


def test_a_whistle_click_sets_no_blow_place_for_a_blower(small_db_copy, district_map, qtbot,
                                                         monkeypatch):
    """Signed in as a street secretary, a click on empty map starts a whistle (the blow
    page with the place); a click on a whistle stays on the list with its timeline.  A
    whistle blown in the panel is on the map at once and can be picked there."""
    from app.auth.accounts import authenticate
    from app.auth.permissions import Role
    from app.auth.session import sign_in, sign_out
    from app.demo.accounts import DEMO_PASSWORDS
    from app.store import open_store
    from ui.main_window import MainWindow

    monkeypatch.setenv("GRIDCC_NOW", "2026-11-21T09:00")  # the workflow's clock
    store = open_store(small_db_copy)
    try:
        sign_in(authenticate(store, "sec01", DEMO_PASSWORDS[Role.STREET_SECRETARY],
                             at=datetime(2026, 11, 20, 10, 30)))
        window = MainWindow(store, district_map=district_map, persist=False)
        qtbot.addWidget(window)
        window.resize(1600, 900)
        window.show()
        qtbot.waitExposed(window)
        window.canvas.zoom_to_extent()
        panel = window.docks["whistles"].widget()
        assert panel.blow_button.isEnabled()
        wid, x, y = _shown_whistle(window)
        _click(window, qtbot, x, y)
        assert panel.tabs.currentIndex() == 0 and panel.timeline.whistle_id == wid
        assert panel.place is None
        window.click_at(x, y)  # picked without a map click: the next click is not lost
        qtbot.wait(20)
        # an empty spot inside the district: the blow page with that place
        lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE level = 4 "
                              "ORDER BY code LIMIT 1")[0]
        gx, gy = (float(v) for v in district_map.frame.from_lonlat(lon, lat))
        assert window.canvas.view("whistles").whistle_at(gx, gy, 200.0) is None
        window.canvas.mapClicked.emit(gx, gy)  # the window, then the panel
        # the place is set; the tab is only marked (a map click does not take it away)
        assert panel.tabs.currentIndex() == 0 and panel.place is not None
        assert panel.tabs.tabText(1) == "吹哨 ●"
        panel.tabs.setCurrentIndex(1)
        view = window.canvas.view("whistles")
        assert view.selected is None
        # blown there (a day after the map's data): on the map as soon as the window's
        # district model has read its change, and pickable
        view.set_time(None)  # live
        panel.dept_list.item(0).setCheckState(Qt.CheckState.Checked)
        panel.title_edit.setText("闲置空地垃圾堆积整治")
        panel.confirmer = lambda _text: True
        new = panel.blow()
        assert new is not None
        qtbot.waitUntil(window.district_model.settled, timeout=10_000)  # its change read
        assert view.whistle_at(gx, gy, 1.0) == new and view.shown_active() >= 1
        # one colour key: live, the panel's markers draw it (by state), the layer not
        markers = panel.markers
        assert markers.visible and new in markers.ids and markers.item.isVisible()
        assert len(view.active.data) == 0 and view.live_elsewhere
        window.layers.set_visible("whistles", False)  # unticked: no star anywhere
        assert not markers.visible and not markers.item.isVisible()
        window.layers.set_visible("whistles", True)
        assert markers.visible
        panel.table.clearSelection()
        _click(window, qtbot, gx, gy)
        assert panel.selected_id() == new and view.selected == new
        window.close()
    finally:
        sign_out()
        store.close()
