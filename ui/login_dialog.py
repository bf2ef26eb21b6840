"""The login dialog (登录): local accounts, demo accounts offered for the demonstration,
lockout after five failed attempts (app.auth), or a read-only demonstration viewer.

On a PostgreSQL district (``server``) signing in is connecting: the user name and
password open the district as that account's login role (app/auth/server_accounts.py),
and the seat then runs on that connection, with the rights and the scope the server
gives it.  A wrong password says "用户名或密码错误" and the dialog stays open."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

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
from app.auth.session import sign_in
from app.clock import Clock, district_clock, store_clock
from app.demo.accounts import demo_logins
from app.store import DistrictRepository, StoreError
from app.store.target import DbTarget
from ui import theme

USER_ENV, PASSWORD_ENV = "GRIDCC_USER", "GRIDCC_PASSWORD"


class LoginDialog(QDialog):
    """Accepted with :attr:`user` set, or with ``user is None`` for the read-only viewer."""

    def __init__(self, store: DistrictRepository | None,
                 clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None, server: DbTarget | None = None) -> None:
        """``clock``: now, for the login's record (the district clock's by default).
        ``server``: a PostgreSQL district to connect to as the user who signs in
        (``store`` is then an already open connection, or None)."""
        super().__init__(parent)
        self.setWindowTitle("GridCC 登录")
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
        title = QLabel("网格化管理指挥中心")
        title.setObjectName("UnitTitle")
        self.username = QComboBox()
        self.username.setEditable(True)
        # a typed name is never added to the list (a mistyped one would stay offered)
        self.username.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.username.addItem("", "")
        for u, _p, role in logins:
            self.username.addItem(f"{u}（{role}）", u)
        self.username.currentIndexChanged.connect(self._demo_chosen)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # Enter signs in through the default button only: connecting returnPressed as
        # well counted one Enter as two failed attempts
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ALERT};")
        hint = QLabel("演示账户已列出，选择后自动填入密码。")
        hint.setObjectName("Hint")
        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.viewer_button = QPushButton("只读浏览")
        self.viewer_button.clicked.connect(self.accept)
        self.viewer_button.setEnabled(store is not None)  # a viewer needs a connection
        form = QFormLayout()
        form.addRow("账号", self.username)
        form.addRow("密码", self.password)
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
        return data if data and text.startswith(data) else text.split("（")[0]

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
            self.error.setText(str(exc))
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


def apply_demo_setting() -> bool:
    """Demonstration mode from the setting ``privacy/demo_mode`` (operator settings),
    unless ``run --demo-mode`` already turned it on; whether it is on."""
    from app.privacy.demo import SETTING_KEY, demo_mode, set_demo_mode
    from ui.settings import operator_settings

    if not demo_mode() and operator_settings().value(SETTING_KEY, False, type=bool):
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
