"""The login dialog (登录): local accounts, demo accounts offered for the demonstration,
lockout after five failed attempts (app.auth), or a read-only demonstration viewer."""

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
from app.clock import Clock, store_clock
from app.demo.accounts import demo_logins
from app.store import DistrictRepository, StoreError
from ui import theme

USER_ENV, PASSWORD_ENV = "GRIDCC_USER", "GRIDCC_PASSWORD"


class LoginDialog(QDialog):
    """Accepted with :attr:`user` set, or with ``user is None`` for the read-only viewer."""

    def __init__(self, store: DistrictRepository, clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        """``clock``: now, for the login's record (the district clock's by default)."""
        super().__init__(parent)
        self.setWindowTitle("GridCC 登录")
        self._store = store
        self._clock = clock or store_clock(store).now
        self.user: User | None = None
        self._demo = {u: p for u, p, _r in demo_logins(store)}
        title = QLabel("网格化管理指挥中心")
        title.setObjectName("UnitTitle")
        self.username = QComboBox()
        self.username.setEditable(True)
        self.username.addItem("", "")
        for u, _p, role in demo_logins(store):
            self.username.addItem(f"{u}（{role}）", u)
        self.username.currentIndexChanged.connect(self._demo_chosen)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_login)
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
        try:
            self.user = authenticate(self._store, self.username_text(), self.password.text(),
                                     at=self._clock())
        except (AuthError, StoreError) as exc:
            self.error.setText(str(exc))
            self.password.selectAll()
            return False
        self.accept()
        return True


def login(store: DistrictRepository, parent: QWidget | None = None,
          clock: Clock | None = None) -> bool:
    """Sign a user in before the main window opens; False if the dialog was closed.

    $GRIDCC_USER and $GRIDCC_PASSWORD sign in without the dialog (kiosk, scripts)."""
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
