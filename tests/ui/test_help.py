"""F1 help: opens from the window, lists the window's real shortcuts (read from its
actions), the workspaces Ctrl+1…4, the mouse, and where to find more; in English too."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from tests.ui.english import english_language  # noqa: F401
from ui.help import install_help, shortcut_rows, workspace_rows

SHOTS = os.environ.get("GRIDCC_TEST_SHOTS")


def _installed(window) -> QAction:
    """install_help once (MainWindow._install_tools may already have called it)."""
    return getattr(window, "help_action", None) or install_help(window)


def test_f1_opens_the_help(window, qtbot):
    action = _installed(window)
    assert action.shortcut() == QKeySequence(Qt.Key.Key_F1)
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_F1)
    dlg = window.help_window
    qtbot.waitUntil(dlg.isVisible)
    assert not dlg.isModal()
    text = dlg.text()
    for part in ("键盘快捷键", "工作区", "鼠标操作", "更多帮助", "F10", "F1", "Esc"):
        assert part in text, part
    if SHOTS:
        dlg.grab().save(os.path.join(SHOTS, "help.png"))
    dlg.close()


def test_the_shortcuts_are_the_windows_own(window):
    _installed(window)
    rows = dict(shortcut_rows(window))
    assert rows["F10"] == "大屏模式：全屏地图与指标"  # its tooltip, without "(F10，Esc 返回)"
    assert rows["F11"] == window.fullscreen_action.text()
    assert rows["F1"] == "快捷键、工作区与鼠标操作"
    # an action a plugin adds later shows up the next time the help opens
    extra = QAction("测试动作", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+T"))
    window.addAction(extra)
    assert dict(shortcut_rows(window))[QKeySequence("Ctrl+Alt+T").toString(
        QKeySequence.SequenceFormat.NativeText)] == "测试动作"
    # each key once
    keys = [k for k, _ in shortcut_rows(window)]
    assert len(keys) == len(set(keys))


def test_the_workspaces_ctrl_1_to_4():
    rows = workspace_rows()
    assert [k for k, _ in rows] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    assert [w.split("：")[0] for _, w in rows] == ["值班", "调度", "大屏", "视频"]


def test_the_help_in_english(english, make_window):
    window = make_window()
    from ui.help import open_help

    _installed(window)
    text = open_help(window).text()
    for part in ("Keyboard shortcuts", "Workspaces", "Mouse", "More help", "Big screen", "F10"):
        assert part in text, part
    assert "Shortcuts, workspaces and mouse actions" in text  # F1, the help itself
    # the help's own texts (the actions' names are their owners' translations)
    own = text[text.index("Mouse"):]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in own), own
    window.help_window.close()
