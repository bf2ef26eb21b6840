"""The login dialog with real key presses: Enter is one attempt (not two), the messages
are Chinese, a mistyped user name is not added to the account list, five failures lock."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.auth.accounts import MAX_FAILED_LOGINS, get_user
from app.auth.permissions import Role
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from tests.ui.english import english_language  # noqa: F401

AT = datetime(2026, 11, 20, 10, 30)
# the offscreen platform says so when a top-level dialog is shown (shown it must be: the
# default button only answers Enter on a visible dialog)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def db(small_db_copy):
    with open_store(small_db_copy) as s:
        yield s


def _dialog(qtbot, db):
    from ui.login_dialog import LoginDialog

    dialog = LoginDialog(db, clock=lambda: AT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _failures(db, name: str) -> int:
    return get_user(db, name).failed_logins


def test_enter_in_the_password_field_is_one_attempt(qtbot, db, themed_app, tmp_path):
    dialog = _dialog(qtbot, db)
    dialog.username.setCurrentIndex(dialog.username.findData("sec01"))
    dialog.password.setText("wrong-password")
    dialog.password.setFocus()
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=5000)
    assert _failures(db, "sec01") == 1
    assert dialog.error.text() == f"用户名或密码错误（还可再试 {MAX_FAILED_LOGINS - 1} 次）"
    dialog.grab().save(str(tmp_path / "login_wrong.png"))
    # the keypad's Enter too, once
    dialog.password.setText("wrong-again")
    QTest.keyClick(dialog.password, Qt.Key.Key_Enter)
    assert _failures(db, "sec01") == 2
    # and the right password signs in with one Enter
    dialog.password.setText(DEMO_PASSWORDS[Role.STREET_SECRETARY])
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.user.username == "sec01"
    assert _failures(db, "sec01") == 0


def test_enter_in_the_user_name_field_is_one_attempt_and_not_remembered(qtbot, db):
    dialog = _dialog(qtbot, db)
    offered = [dialog.username.itemText(i) for i in range(dialog.username.count())]
    dialog.username.setEditText("sec01")
    dialog.password.setText("wrong-password")
    dialog.username.lineEdit().setFocus()
    QTest.keyClick(dialog.username.lineEdit(), Qt.Key.Key_Return)
    assert _failures(db, "sec01") == 1
    # a mistyped (unknown) name: refused like a wrong password, and never listed
    dialog.username.setEditText("sce01")
    QTest.keyClick(dialog.username.lineEdit(), Qt.Key.Key_Return)
    assert dialog.error.text() == "用户名或密码错误"
    assert [dialog.username.itemText(i) for i in range(dialog.username.count())] == offered


def test_five_enters_lock_the_account_with_a_chinese_message(qtbot, db):
    dialog = _dialog(qtbot, db)
    dialog.username.setCurrentIndex(dialog.username.findData("dir01"))
    for i in range(MAX_FAILED_LOGINS):
        dialog.password.setText(f"wrong-{i}")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        assert _failures(db, "dir01") == i + 1
    assert get_user(db, "dir01").locked
    assert dialog.error.text() == ("密码错误，已连续 5 次；账号 dir01 已被锁定，请联系系统管理员解锁")
    dialog.password.setText(DEMO_PASSWORDS[Role.STREET_DIRECTOR])
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "账号 dir01 因连续 5 次登录失败已被锁定，请联系系统管理员解锁"
    assert dialog.isVisible()


def test_in_english_the_refusals_and_the_lockout_are_english(english, qtbot, db, tmp_path):
    """The same refusals (app.auth says them in Chinese) in the English interface."""
    from ui.login_dialog import login_message

    dialog = _dialog(qtbot, db)
    assert dialog.windowTitle() == "GridCC Sign in" and dialog.login_button.text() == "Sign in"
    dialog.username.setCurrentIndex(dialog.username.findData("dir01"))
    for i in range(MAX_FAILED_LOGINS - 1):
        dialog.password.setText(f"wrong-{i}")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "Wrong user name or password (attempts left: 1)"
    dialog.password.setText("wrong-last")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == ("Wrong password 5 times in a row; account dir01 is locked. "
                                   "Ask the system administrator to unlock it")
    dialog.grab().save(str(tmp_path / "login_en.png"))
    assert login_message("账号 a.b 因连续 5 次登录失败已被锁定，请联系系统管理员解锁") == (  # i18n: no
        "Account a.b is locked after 5 failed logins in a row. "
        "Ask the system administrator to unlock it")
    assert login_message("数据库连接失败") == "数据库连接失败"  # i18n: no (an unknown one as given)


class _Time:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def seat(qtbot, db):
    from PySide6.QtWidgets import QWidget

    from app.auth.accounts import authenticate
    from app.auth.session import sign_in, sign_out

    window = QWidget()
    window.resize(800, 600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    sign_in(authenticate(db, "operator", DEMO_PASSWORDS[Role.OPERATOR], at=AT))
    yield window
    sign_out()


def test_an_idle_seat_locks_and_only_its_users_password_opens_it(qtbot, db, seat, tmp_path,
                                                                 themed_app):
    from ui.login_dialog import IdleLock

    now = _Time()
    lock = IdleLock(seat, db, 10, lambda: AT, now=now)
    now.t += 9 * 60
    assert not lock.check()
    QTest.mouseMove(seat, seat.rect().center())  # input: the idle time starts again
    now.t += 9 * 60
    assert not lock.check()
    now.t += 60
    assert lock.check() and lock.dialog.isVisible()
    dialog = lock.dialog
    assert dialog.username_text() == "operator" and not dialog.username.isEnabled()
    assert dialog.password.text() == "" and dialog.viewer_button.isHidden()
    assert "空闲超过 10 分钟，已锁定" in dialog.error.text()
    # the window is covered: nothing behind the dialog is readable
    assert lock.cover.isVisible() and lock.cover.geometry() == seat.rect()
    dialog.grab().save(str(tmp_path / "idle_lock.png"))
    seat.grab().save(str(tmp_path / "idle_window.png"))
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not open it
    assert lock.locked and dialog.isVisible()
    dialog.password.setText("wrong-password")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert lock.locked and dialog.error.text().startswith("用户名或密码错误")
    dialog.password.setText(DEMO_PASSWORDS[Role.OPERATOR])
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not lock.locked and not dialog.isVisible() and lock.cover is None
    lock.stop()


def test_never_on_the_wall_nor_for_the_viewer(qtbot, db, seat):
    from app.auth.session import sign_out
    from ui.login_dialog import IdleLock

    now = _Time()
    wall = {"on": True}
    lock = IdleLock(seat, db, 1, lambda: AT, is_wall=lambda: wall["on"], now=now)
    now.t += 3600
    assert not lock.check()  # on the big screen all shift long
    sign_out()
    wall["on"] = False
    assert not lock.check()  # the read-only viewer has nothing to lock
    lock.stop()
    off = IdleLock(seat, db, 0, lambda: AT, now=now)  # 0 minutes: off
    now.t += 3600
    assert not off.check() and not off.timer.isActive()
    off.stop()
