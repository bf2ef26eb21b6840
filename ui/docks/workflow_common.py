"""Shared pieces of the workflow panels: the signed-in user, countdown texts, table
items, and the one place where a refused action becomes a message (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.auth.accounts import AuthError, User
from app.auth.permissions import ROLE_NAMES, PermissionDenied
from app.auth.session import VIEWER, current_user
from app.domain.worktime import DEFAULT_CALENDAR
from app.store import StoreError
from app.store.errors import StoreConflict
from app.workflow.case_machine import IllegalTransition
from app.workflow.places import WorkflowError
from app.workflow.whistle_machine import IllegalWhistleStep
from ui import theme
from ui.i18n import translate
from ui.texts import domain_text

REFUSALS = (PermissionDenied, IllegalTransition, IllegalWhistleStep, WorkflowError, AuthError,
            StoreError, ValueError)


def acting_user() -> User | None:
    return current_user()


def viewing_user() -> User:
    return current_user() or VIEWER


def user_banner() -> QLabel:
    """'当前用户: 芥园街道党工委书记 (sec01)' or the read-only notice."""
    user = current_user()
    text = (translate("Workflow", "当前用户：{name}（{account} · {role}）").format(
                name=user.display_name, account=user.username,
                role=domain_text(ROLE_NAMES[user.role]))
            if user else translate("Workflow", "只读演示：未登录，仅可查看"))
    label = QLabel(text)
    label.setObjectName("Hint")
    label.setWordWrap(True)
    return label


def work_hours_left(now: datetime, deadline: datetime) -> float:
    """Working hours from now to the deadline (negative: overdue)."""
    return DEFAULT_CALENDAR.work_seconds_between(now, deadline) / 3600.0


def countdown_text(hours: float) -> str:
    """'剩 3小时20分' / '超时 1小时05分' in working time."""
    minutes = round(abs(hours) * 60)
    h, m = divmod(minutes, 60)
    span = (translate("Workflow", "{h}小时{m}分").format(h=h, m=f"{m:02d}") if h
            else translate("Workflow", "{m}分钟").format(m=m))
    return (translate("Workflow", "剩 {span}") if hours >= 0
            else translate("Workflow", "超时 {span}")).format(span=span)


def record_table(headers: list[str], stretch: int) -> QTableWidget:
    """A read-only list of records, one selectable row each; column ``stretch`` takes the
    spare width, the others fit their contents."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    # the stretched column may shrink to a character and an ellipsis before the others
    # (fitted to their contents) are pushed out of sight
    header.setMinimumSectionSize(round(table.fontMetrics().height() * 1.5))
    for c in range(len(headers)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return table


def item(text: str, *, data=None, alert: bool = False, accent: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if data is not None:
        it.setData(Qt.ItemDataRole.UserRole, data)
    if alert:
        it.setForeground(theme.qcolor(theme.ALERT))
    elif accent:
        it.setForeground(theme.qcolor(theme.HIGHLIGHT))
    return it


def with_version(fn: Callable, record) -> dict:
    """``{"expected_version": v}`` when ``fn`` takes one and ``record`` (what the user
    saw: a CaseRecord, a whistle's state or row) carries its row ``version``: the store
    then refuses the step with a StoreConflict if someone changed the record meanwhile."""
    import inspect

    version = getattr(record, "version", None)
    if version is None:
        return {}
    try:
        takes = "expected_version" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        takes = False
    return {"expected_version": int(version)} if takes else {}


def attempt(owner: QWidget, message: QLabel, fn: Callable[[], object],
            reload: Callable[[], None] | None = None) -> object | None:
    """Run a workflow step; a refusal is shown in ``message`` in red, nothing is lost.
    A conflict (someone else changed the record first) names who and when, and
    ``reload`` shows the record as it now stands."""
    try:
        result = fn()
    except StoreConflict as exc:
        message.setText(str(exc))
        message.setStyleSheet(f"color: {theme.ALERT};")
        if reload is not None:
            reload()
        return None
    except REFUSALS as exc:
        message.setText(translate("Workflow", "未执行：{reason}").format(reason=exc))
        message.setStyleSheet(f"color: {theme.ALERT};")
        return None
    message.setText(translate("Workflow", "已完成"))
    message.setStyleSheet(f"color: {theme.ACCENT};")
    return result


class Prompter:
    """Asks the user for a line of text or a number; tests replace ``answers``."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.answers: list | None = None  # set by tests: consumed in order

    def text(self, title: str, label: str, default: str = "", *,
             secret: bool = False) -> str | None:
        if self.answers is not None:
            return self.answers.pop(0)
        echo = QLineEdit.EchoMode.Password if secret else QLineEdit.EchoMode.Normal
        value, ok = QInputDialog.getText(self.parent, title, label, echo, default)
        return value if ok else None

    def number(self, title: str, label: str, value: int, lo: int, hi: int) -> int | None:
        if self.answers is not None:
            return self.answers.pop(0)
        got, ok = QInputDialog.getInt(self.parent, title, label, value, lo, hi)
        return got if ok else None
