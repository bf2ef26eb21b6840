"""The settings dialog (ui.settings_dialog) over the operator's preferences: it shows
them, edits and saves them, cancels, restores the defaults, says when the file was
unreadable or cannot be written; what is live follows at once."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QWidget

from app import preferences as model
from app.preferences import DEFAULTS, Preferences
from tests.ui.english import english_language  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def host(qtbot, themed_app):
    w = QWidget()
    w.resize(1200, 800)
    qtbot.addWidget(w)
    w.show()
    return w


def assert_nothing_clipped(dialog):
    """Every visible label gets the width (one line) or height (wrapped) it asks for,
    every check box and button the width of its text."""
    for button in dialog.findChildren(QAbstractButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), button.text()
    for label in dialog.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        else:
            assert label.width() >= label.sizeHint().width(), label.text()


def _button(dialog, which):
    return dialog.buttons.button(which)


def test_edits_are_saved_on_ok(host, config_dir, qtbot):
    from ui.settings import hub, preferences
    from ui.settings_dialog import open_settings

    heard = []
    hub().changed.connect(heard.append)
    dialog = open_settings(host)
    assert dialog.isVisible() and dialog.preferences() == DEFAULTS == preferences()
    assert dialog.time_zone.currentText() == "区县时间（Asia/Shanghai）"  # i18n: no
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.language_note.isVisibleTo(dialog)  # 重启后生效
    dialog.time_zone.setCurrentIndex(dialog.time_zone.findData("UTC"))
    dialog.volume.setValue(35)
    assert dialog.volume_label.text() == "35 %"
    dialog.wall_takeover.setChecked(False)
    assert not dialog.takeover_tile.isEnabled()
    dialog.idle_lock.setValue(0)
    assert dialog.idle_lock.text() == "关闭"
    qtbot.mouseClick(_button(dialog, QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    want = Preferences(language="en", time_zone="UTC", alarm_volume=35, wall_takeover=False,
                       idle_lock_minutes=0)
    assert not dialog.isVisible() and dialog.saved == want
    assert preferences() == want and heard == [want]
    on_disk = json.loads((config_dir / model.FILE_NAME).read_text(encoding="utf-8"))
    assert on_disk["version"] == model.VERSION and on_disk["time_zone"] == "UTC"
    again = open_settings(host)
    assert again.preferences() == want
    again.reject()


def test_cancel_changes_nothing_and_defaults_are_restored_on_ok(host, config_dir, qtbot):
    from ui.settings import preferences, save_preferences
    from ui.settings_dialog import open_settings

    mine = Preferences(alarm_sound=False, alarm_volume=20, idle_lock_minutes=5)
    save_preferences(mine)
    dialog = open_settings(host)
    assert not dialog.volume.isEnabled() and not dialog.try_button.isEnabled()
    dialog.idle_lock.setValue(60)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and preferences() == mine
    dialog = open_settings(host)
    assert dialog.preferences() == mine
    qtbot.mouseClick(_button(dialog, QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.preferences() == DEFAULTS
    assert preferences() == mine  # only on 确定
    dialog.accept()
    assert preferences() == DEFAULTS


def test_an_unreadable_file_is_said_in_the_dialog(host, config_dir):
    from ui.settings_dialog import open_settings

    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / model.FILE_NAME).write_text('{"alarm_volume": "loud", "language": 3}',
                                              encoding="utf-8")
    dialog = open_settings(host)
    assert dialog.warning.isVisibleTo(dialog)
    assert "有 2 项无法读取" in dialog.warning.text()
    assert dialog.preferences() == DEFAULTS
    dialog.reject()


def test_a_failed_save_keeps_the_dialog_open(host, config_dir, monkeypatch):
    from ui.settings import preferences
    from ui.settings_dialog import open_settings

    def full(src, dst):
        raise OSError(28, "No space left on device")

    dialog = open_settings(host)
    dialog.volume.setValue(10)
    monkeypatch.setattr(model.os, "replace", full)
    dialog.accept()
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.warning.text().startswith("设置未保存：")
    assert "No space left on device" in dialog.warning.text()
    assert preferences() == DEFAULTS
    monkeypatch.undo()
    dialog.accept()
    assert not dialog.isVisible() and preferences().alarm_volume == 10


def test_demo_mode_and_idle_lock_follow_at_once(host, config_dir, qtbot):
    from app.auth.session import sign_out
    from app.privacy import demo
    from ui.login_dialog import install_idle_lock
    from ui.settings_dialog import open_settings

    sign_out()
    lock = install_idle_lock(host, None, lambda: None)
    try:
        assert lock.minutes == 15 and lock.timer.isActive()
        dialog = open_settings(host)
        dialog.idle_lock.setValue(0)
        dialog.demo_mode.setChecked(True)
        dialog.accept()
        assert lock.minutes == 0 and not lock.timer.isActive() and not lock._watching
        assert demo.demo_mode()
        dialog = open_settings(host)
        dialog.idle_lock.setValue(3)
        dialog.demo_mode.setChecked(False)
        dialog.accept()
        assert lock.minutes == 3 and lock.timer.isActive() and lock._watching
        assert not demo.demo_mode()
    finally:
        lock.stop()
        demo.set_demo_mode(None)


def test_idle_lock_is_off_in_the_wall_workspace_and_big_screen():
    from types import SimpleNamespace

    from ui.login_dialog import on_the_wall

    assert not on_the_wall(SimpleNamespace())
    assert on_the_wall(SimpleNamespace(big_screen=SimpleNamespace(active=True)))
    assert not on_the_wall(SimpleNamespace(big_screen=SimpleNamespace(active=False),
                                           workspaces=SimpleNamespace(current="duty")))
    assert on_the_wall(SimpleNamespace(big_screen=SimpleNamespace(active=False),
                                       workspaces=SimpleNamespace(current="wall")))
    from app.auth.session import sign_in, sign_out

    sign_in(SimpleNamespace(role=SimpleNamespace(value="wall")))  # the wall's own account
    try:
        assert on_the_wall(SimpleNamespace())
    finally:
        sign_out()


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_readable_at_1080p_and_on_a_4k_wall(qtbot, themed_app, config_dir, tmp_path, scale):
    """Nothing clipped: every label gets the width its text asks for (1080p and 4K)."""
    from ui.settings_dialog import SettingsDialog
    from ui.theme import apply_theme

    apply_theme(themed_app, scale)
    try:
        dialog = SettingsDialog(DEFAULTS, warnings=("x",))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.width() <= 1920 * scale and dialog.height() <= 1080 * scale
        assert_nothing_clipped(dialog)
        dialog.grab().save(str(tmp_path / f"settings_{scale:g}x.png"))
    finally:
        apply_theme(themed_app, 1.0)


def test_in_english(english, qtbot, config_dir, tmp_path):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(DEFAULTS, district_zone="Asia/Shanghai")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Settings"
    assert dialog.time_zone.currentText() == "District time (Asia/Shanghai)"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).text() \
        == "Restore defaults"
    assert dialog.idle_lock.text() == "15 min"
    assert_nothing_clipped(dialog)
    dialog.grab().save(str(tmp_path / "settings_en.png"))


def test_the_language_comes_from_the_preferences_without_lang(qapp, config_dir, monkeypatch):
    from ui import i18n
    from ui.settings import update_preferences

    monkeypatch.delenv(i18n.ENV_LANG, raising=False)
    update_preferences(language="en")
    try:
        assert i18n.install(qapp, None) == "en"
        monkeypatch.setenv(i18n.ENV_LANG, "zh_CN")  # --lang / $GRIDCC_LANG win
        assert i18n.install(qapp, None) == "zh_CN"
        assert i18n.install(qapp, "en") == "en"
    finally:
        i18n.install(qapp, i18n.SOURCE_LANGUAGE)


def test_an_open_video_wall_follows_the_take_over_setting(host, config_dir, qtbot, tmp_path,
                                                           store):
    from app.video.layouts import LayoutBook
    from app.video.registry import CameraRegistry
    from ui.settings import preferences
    from ui.settings_dialog import open_settings
    from ui.video.wall import VideoWall

    wall = VideoWall(CameraRegistry.load(store), book=LayoutBook(tmp_path / "wall.json"))
    qtbot.addWidget(wall)
    assert wall.auto_takeover and wall.takeover_tile == 0
    dialog = open_settings(host)
    dialog.wall_takeover.setChecked(False)
    dialog.takeover_tile.setValue(3)
    dialog.accept()
    assert not wall.auto_takeover and wall.takeover_tile == 3
    assert not wall.takeover_action.isChecked() and wall.tile_actions.checkedAction().data() == 3
    wall.set_auto_takeover(True)  # the wall's own switch is remembered the same way
    again = open_settings(host)
    assert preferences().wall_takeover and again.wall_takeover.isChecked()
    again.reject()


def test_demonstration_mode_from_the_preferences_at_login(config_dir):
    from app.privacy import demo
    from ui.login_dialog import apply_demo_setting
    from ui.settings import update_preferences

    demo.set_demo_mode(None)
    try:
        assert not apply_demo_setting()
        update_preferences(demo_mode=True)
        assert apply_demo_setting() and demo.person_name("王小明") != "王小明"  # i18n: no
    finally:
        demo.set_demo_mode(None)
