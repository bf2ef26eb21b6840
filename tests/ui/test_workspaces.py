"""Workspaces remember their own layouts, fall back to their default when a saved one
does not hold, reset on 恢复默认布局; the 面板 menu reaches every panel."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QKeySequence

from ui.layout_check import docked_in_view, layout_problems
from ui.settings import window_settings
from ui.workspaces import WORKSPACES


def _settle(qtbot, window) -> None:
    qtbot.wait(1)
    window.layout().activate()


def test_each_workspace_remembers_its_own_layout_and_resets(make_window, qtbot):
    window = make_window()
    ws = window.workspaces
    assert ws.current == "duty" and window.workspace_switcher.actions["duty"].isChecked()
    window.docks["identify"].close()
    window.workspace_switcher.actions["dispatch"].trigger()
    assert ws.current == "dispatch" and window.workspace_switcher.actions["dispatch"].isChecked()
    _settle(qtbot, window)
    assert docked_in_view(window, window.docks["cases"])
    assert docked_in_view(window, window.docks["whistles"])
    window.workspace_switcher.actions["duty"].trigger()
    _settle(qtbot, window)
    assert ws.current == "duty"
    assert window.docks["identify"].isHidden()  # as the operator left the duty layout
    assert window.docks["cases"].isHidden()
    window.panels_menu.reset_action.trigger()
    _settle(qtbot, window)
    assert not window.docks["identify"].isHidden()  # the duty default again
    assert docked_in_view(window, window.docks["whistles"])
    assert layout_problems(window) == []


def test_a_corrupt_saved_workspace_gives_way_to_its_default(make_window, qtbot):
    window = make_window()
    window.workspaces.switch("dispatch")
    window.workspaces.switch("duty")
    s = window_settings()
    s.setValue(f"{window.workspaces._key('dispatch')}/state", QByteArray(b"\x00garbage"))
    s.sync()
    window.workspaces.switch("dispatch")
    _settle(qtbot, window)
    assert docked_in_view(window, window.docks["cases"])
    assert layout_problems(window) == []


def test_a_saved_layout_that_squeezes_the_map_is_discarded(make_window, qtbot):
    first = make_window()
    first.resizeDocks([first.docks["whistles"]], [1250], Qt.Orientation.Horizontal)
    _settle(qtbot, first)
    assert layout_problems(first)  # the map keeps too little
    first.close()

    second = make_window()
    assert second.restored
    qtbot.waitUntil(lambda: not second.workspaces._check_pending)
    _settle(qtbot, second)
    assert layout_problems(second) == []
    assert docked_in_view(second, second.docks["whistles"])


def test_a_layout_of_another_state_version_is_not_restored(make_window):
    first = make_window()
    s = window_settings()
    first.close()
    s.setValue("window/state", first.saveState(99))
    s.sync()
    second = make_window(show=False)
    assert not second.restored
    assert not second.docks["whistles"].isHidden()  # the duty default


def test_the_panels_menu_reaches_every_panel_import_and_reset(make_window, qtbot):
    window = make_window()
    menu = window.panels_menu
    texts = [a.text() for a in menu.actions()]
    for dock in window.docks.values():
        assert dock.windowTitle() in texts
    assert window.import_action in menu.actions() and menu.reset_action in menu.actions()
    assert [window.workspace_switcher.actions[k].shortcut() for k in WORKSPACES] == [
        QKeySequence(f"Ctrl+{i}") for i in range(1, 5)]
    # a panel opened from the menu joins its group in front and closes from it again
    act = menu.panel_actions["supervision"]
    act.trigger()
    _settle(qtbot, window)
    assert docked_in_view(window, window.docks["supervision"])
    act.trigger()
    assert window.docks["supervision"].isHidden()


def test_the_video_workspace_shows_the_wall_above_the_camera_list(make_window, qtbot):
    window = make_window()
    window.workspaces.switch("dispatch")  # from another layout: nothing of it stays
    window.workspaces.switch("video")
    _settle(qtbot, window)
    wall, cameras = window.docks["video_wall"], window.docks["cameras"]
    assert docked_in_view(window, wall) and docked_in_view(window, cameras)
    assert wall.geometry().bottom() < cameras.geometry().top()
    assert window.tabifiedDockWidgets(cameras) == []
