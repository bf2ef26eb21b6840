"""The login dialog (登录): local accounts, demo accounts offered for the demonstration,
lockout after five failed attempts (app.auth), or a read-only demonstration viewer.

On a PostgreSQL district (``server``) signing in is connecting: the user name and
password open the district as that account's login role (app/auth/server_accounts.py),
and the seat then runs on that connection, with the rights and the scope the server
gives it.  A wrong password says "用户名或密码错误" and the dialog stays open."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth.accounts import AuthError, User, authenticate
from app.auth.session import current_user, sign_in
from app.clock import Clock, district_clock, store_clock
from app.demo.accounts import demo_logins
from app.privacy.demo import person_name
from app.store import DistrictRepository, StoreError
from app.store.target import DbTarget
from ui import theme
from ui.i18n import translate
from ui.texts import domain_text

USER_ENV, PASSWORD_ENV = "GRIDCC_USER", "GRIDCC_PASSWORD"

#: the refusals of app.auth (one Chinese line each) in the interface language: the
#: pattern of app's text and the template it becomes; anything else is shown as given
_REFUSALS = (
    (r"用户名或密码错误", QT_TRANSLATE_NOOP("Login", "用户名或密码错误")),  # i18n: no
    (r"用户名或密码错误（还可再试 (?P<left>\d+) 次）",  # i18n: no
     QT_TRANSLATE_NOOP("Login", "用户名或密码错误（还可再试 {left} 次）")),
    (r"密码错误，已连续 (?P<count>\d+) 次；账号 (?P<user>\S+) 已被锁定，请联系系统管理员解锁",  # i18n: no
     QT_TRANSLATE_NOOP("Login", "密码错误，已连续 {count} 次；账号 {user} 已被锁定，请联系系统管理员解锁")),
    (r"账号 (?P<user>\S+) 因连续 (?P<count>\d+) 次登录失败已被锁定，请联系系统管理员解锁",  # i18n: no
     QT_TRANSLATE_NOOP("Login", "账号 {user} 因连续 {count} 次登录失败已被锁定，请联系系统管理员解锁")),
    (r"账号 (?P<user>\S+) 不是这个区库的账号（没有连接权限）",  # i18n: no
     QT_TRANSLATE_NOOP("Login", "账号 {user} 不是这个区库的账号（没有连接权限）")),
    (r"账号 (?P<user>\S+) 不是这个区库的账号",  # i18n: no
     QT_TRANSLATE_NOOP("Login", "账号 {user} 不是这个区库的账号")),
)


def login_message(text: str) -> str:
    """A refusal of app.auth in the interface language (unknown ones as they are)."""
    for pattern, template in _REFUSALS:
        m = re.fullmatch(pattern, text)
        if m:
            return translate("Login", template).format(**m.groupdict())
    return text


class LoginDialog(QDialog):
    """Accepted with :attr:`user` set, or with ``user is None`` for the read-only viewer."""

    def __init__(self, store: DistrictRepository | None,
                 clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None, server: DbTarget | None = None) -> None:
        """``clock``: now, for the login's record (the district clock's by default).
        ``server``: a PostgreSQL district to connect to as the user who signs in
        (``store`` is then an already open connection, or None)."""
        super().__init__(parent)
        self.setWindowTitle(translate("Login", "GridCC 登录"))
        self._store = store
        self._server = server
        self._clock = clock or (store_clock(store) if store is not None
                                else district_clock()).now
        self.user: User | None = None
        self._trying = False
        #: on a server: the district opened as the signed-in user (the caller's to close)
        self.session_store: DistrictRepository | None = None
        logins = demo_logins(store) if store is not None else []
        self._demo = {u: p for u, p, _r in logins}
        title = QLabel(translate("Login", "网格化管理指挥中心"))
        title.setObjectName("UnitTitle")
        self.username = QComboBox()
        self.username.setEditable(True)
        # a typed name is never added to the list (a mistyped one would stay offered)
        self.username.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.username.addItem("", "")
        for u, _p, role in logins:
            self.username.addItem(translate("Login", "{user}（{role}）").format(
                user=u, role=domain_text(role)), u)
        self.username.currentIndexChanged.connect(self._demo_chosen)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # Enter signs in through the default button only: connecting returnPressed as
        # well counted one Enter as two failed attempts
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ALERT};")
        self.hint = hint = QLabel(translate("Login", "演示账户已列出，选择后自动填入密码。"))
        hint.setObjectName("Hint")
        self.login_button = QPushButton(translate("Login", "登录"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.viewer_button = QPushButton(translate("Login", "只读浏览"))
        self.viewer_button.clicked.connect(self.accept)
        self.viewer_button.setEnabled(store is not None)  # a viewer needs a connection
        form = QFormLayout()
        form.addRow(translate("Login", "账号"), self.username)
        form.addRow(translate("Login", "密码"), self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.viewer_button)
        buttons.addWidget(self.login_button)
        v = QVBoxLayout(self)
        v.addWidget(title)
        v.addWidget(hint)
        v.addLayout(form)
        v.addWidget(self.error)
        v.addLayout(buttons)

    def username_text(self) -> str:
        data = self.username.currentData()
        text = self.username.currentText().strip()
        return data if data and text.startswith(data) else re.split(r"[（(\s]", text)[0]  # i18n: no

    def _demo_chosen(self, _index: int) -> None:
        name = self.username.currentData()
        if name in self._demo:
            self.password.setText(self._demo[name])

    def try_login(self) -> bool:
        """One attempt; False (and the reason shown) if refused.  Re-entry while an
        attempt runs (a second Enter during the slow password check) is ignored."""
        if self._trying:
            return False
        self._trying = True
        try:
            return self._attempt()
        finally:
            self._trying = False

    def _attempt(self) -> bool:
        try:
            if self._server is not None:
                self._server_login()
            else:
                self.user = authenticate(self._store, self.username_text(),
                                         self.password.text(), at=self._clock())
        except (AuthError, StoreError) as exc:
            self.error.setText(login_message(str(exc)))
            self.password.selectAll()
            return False
        self.accept()
        return True

    def _server_login(self) -> None:
        from app.auth.server_accounts import server_login

        store, self.user = server_login(self._server, self.username_text(),
                                        self.password.text(), at=self._clock(),
                                        record_failure_on=self._store)
        if self.session_store is not None:
            self.session_store.close()
        self.session_store = store


class UnlockDialog(LoginDialog):
    """The lock screen's dialog: only the signed-in user's password opens it again; Esc
    and the close button do not."""

    def __init__(self, store: DistrictRepository, user: User,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(store, clock=clock, parent=parent)
        self._demo = {}  # never a password filled in on a lock screen
        self.setWindowTitle(translate("Login", "GridCC 已锁定"))
        self.username.blockSignals(True)
        self.username.clear()
        self.username.addItem(translate("Login", "{user}（{name}）").format(
            user=user.username, name=person_name(user.display_name)), user.username)
        self.username.blockSignals(False)
        self.username.setEnabled(False)
        self.password.clear()
        self.viewer_button.hide()
        self.hint.setText(translate("Login", "本席位因空闲已锁定，输入当前账号的密码继续值班。"))
        self.login_button.setText(translate("Login", "解锁"))

    def reject(self) -> None:  # Esc, the window's close button: stays locked
        return


class IdleLock(QObject):
    """Locks a workstation seat after ``minutes`` without keyboard or mouse input (空闲锁屏):
    a modal dialog over the window asks the signed-in user's password again (failures
    count towards the lockout as at login).  Never on the wall: ``is_wall()`` (the
    window in big-screen mode) keeps it open; nor for the read-only viewer, who has
    nothing to lock.  ``now``: a monotonic clock in seconds (tests pass their own)."""

    INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin)

    def __init__(self, window: QWidget, store: DistrictRepository | None, minutes: float,
                 clock: Callable[[], datetime], *, is_wall: Callable[[], bool] = lambda: False,
                 now: Callable[[], float] = time.monotonic, check_ms: int = 10_000) -> None:
        super().__init__(window)
        self._window, self._store, self._clock = window, store, clock
        self.minutes, self._is_wall, self._now = float(minutes), is_wall, now
        self._last = now()
        self.dialog: UnlockDialog | None = None
        #: what covers the window while locked (no case, person or track readable)
        self.cover: QLabel | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self._check_ms = check_ms
        self._watching = False  # the application's input is watched (only while on)
        self.set_minutes(minutes)
        window.destroyed.connect(self.stop)

    def set_minutes(self, minutes: float) -> None:
        """A new idle time (the settings dialog); 0 switches the lock off."""
        self.minutes = float(minutes)
        on = self.minutes > 0
        if on and not self.timer.isActive():
            self._last = self._now()
            self.timer.start(self._check_ms)
        elif not on:
            self.timer.stop()
        self._watch(on)

    def _watch(self, on: bool) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = on

    def stop(self) -> None:
        self.timer.stop()
        self._watch(False)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in self.INPUT:
            self._last = self._now()
        elif (event.type() == QEvent.Type.Resize and obj is self._window
              and self.cover is not None):
            self.cover.setGeometry(self._window.rect())
        return False

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def check(self) -> bool:
        """Lock now if the seat has been idle long enough; whether it is locked."""
        if (self.locked or self.minutes <= 0 or self._is_wall() or current_user() is None
                or self._store is None):
            return self.locked
        if self._now() - self._last >= self.minutes * 60:
            self.lock()
        return self.locked

    def lock(self) -> None:
        self.cover = QLabel(translate("Login", "已锁定"), self._window)
        self.cover.setObjectName("IdleCover")
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover.setStyleSheet(f"#IdleCover {{ background: {theme.WINDOW}; "
                                 f"color: {theme.ACCENT}; font-size: 32px; }}")
        self.cover.setGeometry(self._window.rect())
        self.cover.show()
        self.cover.raise_()
        dialog = UnlockDialog(self._store, current_user(), self._clock, parent=self._window)
        dialog.error.setText(translate("Login", "空闲超过 {minutes} 分钟，已锁定；请输入密码解锁")
                             .format(minutes=f"{self.minutes:g}"))
        dialog.accepted.connect(self._unlocked)
        self.dialog = dialog
        dialog.open()  # window-modal, the event loop goes on (the map stays live behind)

    def _unlocked(self) -> None:
        self.dialog = None
        if self.cover is not None:
            self.cover.deleteLater()
            self.cover = None
        self._last = self._now()


def on_the_wall(window) -> bool:
    """Whether ``window`` is the wall now: in big-screen mode (大屏), in the wall
    workspace, or signed in as a wall account (大屏只读账号)."""
    if getattr(getattr(window, "big_screen", None), "active", False):
        return True
    user = current_user()
    if user is not None and getattr(user.role, "value", user.role) == "wall":
        return True
    workspaces = getattr(window, "workspaces", None)
    return getattr(workspaces, "current", None) == "wall"


def install_idle_lock(window, store: DistrictRepository | None,
                      clock: Callable[[], datetime]) -> IdleLock:
    """The idle lock of a workstation seat from the preference ``idle_lock_minutes``
    (15 by default, 0: off), following the settings dialog; it stays open while the
    window is on the wall."""
    from ui.lifetime import connect_while
    from ui.settings import hub, preferences

    lock = IdleLock(window, store, preferences().idle_lock_minutes, clock,
                    is_wall=lambda: on_the_wall(window))
    connect_while(lock, hub().changed, lambda prefs: lock.set_minutes(prefs.idle_lock_minutes))
    return lock


def apply_demo_setting() -> bool:
    """Demonstration mode from the preference ``demo_mode``, unless ``run --demo-mode``
    already turned it on; whether it is on."""
    from app.privacy.demo import demo_mode, set_demo_mode
    from ui.settings import preferences

    if not demo_mode() and preferences().demo_mode:
        set_demo_mode(True)
    return demo_mode()


def login_to_server(server: DbTarget, store: DistrictRepository | None = None,
                    parent: QWidget | None = None
                    ) -> tuple[bool, DistrictRepository | None]:
    """Sign a user in on a PostgreSQL district: (signed in or viewer chosen, the district
    opened as that user or None for the viewer).  ``store``: a connection the ``--db``
    URL already gave (the viewer's, and where failed logins are counted), or None.

    $GRIDCC_USER and $GRIDCC_PASSWORD sign in without the dialog."""
    from app.auth.server_accounts import server_login

    apply_demo_setting()
    clock = store_clock(store) if store is not None else district_clock()
    name, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if name and password is not None:
        try:
            seat, user = server_login(server, name, password, at=clock.now(),
                                      record_failure_on=store)
            sign_in(user)
            return True, seat
        except AuthError:
            pass  # fall back to the dialog, which shows why
    dialog = LoginDialog(store, clock=clock.now, parent=parent, server=server)
    if not dialog.exec():
        if dialog.session_store is not None:
            dialog.session_store.close()
        return False, None
    sign_in(dialog.user)
    return True, dialog.session_store


def login(store: DistrictRepository, parent: QWidget | None = None,
          clock: Clock | None = None) -> bool:
    """Sign a user in before the main window opens; False if the dialog was closed.

    $GRIDCC_USER and $GRIDCC_PASSWORD sign in without the dialog (kiosk, scripts)."""
    apply_demo_setting()
    clock = clock or store_clock(store)
    name, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if name and password is not None:
        try:
            sign_in(authenticate(store, name, password, at=clock.now()))
            return True
        except AuthError:
            pass  # fall back to the dialog, which shows why
    dialog = LoginDialog(store, clock=clock.now, parent=parent)
    if not dialog.exec():
        return False
    sign_in(dialog.user)
    return True
