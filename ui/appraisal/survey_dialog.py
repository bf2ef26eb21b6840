"""The street survey (街道评议问卷, 下考上): a street party secretary rates every
department 0–100 once per period.  The engine checks the permission, the period and
the scores; a refusal is shown in the dialog and nothing is stored."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.appraisal import (
    Period,
    is_published,
    latest_complete_month,
    record_survey,
    surveys_for,
)
from app.auth.permissions import ROLE_NAMES, Role
from app.clock import FixedClock, store_clock
from ui import theme
from ui.appraisal.jobs import channel_name, first_line, jobs_for
from ui.appraisal.period_picker import display_label
from ui.docks.workflow_common import REFUSALS, acting_user, item, record_table
from ui.texts import domain_text

UNRATED = -1


log = logging.getLogger(__name__)


def streets(store) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in store.rows(
        "SELECT id, name FROM grid_units WHERE level = 2 ORDER BY code")]


class SurveyDialog(QDialog):
    """One rating per department for ``period``; ``submitted(Survey ratings)`` once stored."""

    submitted = Signal(object)
    #: a submission ended: stored (True) or refused, with the reason shown (False)
    finished_submit = Signal(bool)

    def __init__(self, store, period=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.jobs = jobs_for(store)  # the survey is stored on the appraisal worker
        self._channel = channel_name("survey")
        self.user = acting_user()
        self.setWindowTitle(self.tr("街道评议问卷（下考上）"))
        title = QLabel(self.tr("街道评议部门（下考上）"))
        title.setObjectName("UnitTitle")
        hint = QLabel(self.tr("请为每个部门打分（0–100）。每个街道每期只能提交一次，提交后不能修改。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        self.street = QComboBox()
        for sid, name in streets(store):
            self.street.addItem(name, sid)
        if self.user is not None and self.user.role == Role.STREET_SECRETARY:
            self.street.setCurrentIndex(self.street.findData(self.user.scope.id))
            self.street.setEnabled(False)  # a secretary speaks for his own street only
        # the month in progress (filled in at its end) and the last complete month
        self.period_box = QComboBox()
        now = store_clock(store).now()
        offered = [Period.month(now.year, now.month), latest_complete_month(store, FixedClock(now))]
        if period is not None and period.label not in {p.label for p in offered}:
            offered.insert(0, period)
        for p in offered:
            self.period_box.addItem(display_label(p.label), p)
        if period is not None:
            self.period_box.setCurrentIndex([p.label for p in offered].index(period.label))
        self.period = self.period_box.currentData()
        self.departments = [(int(i), str(n)) for i, n in store.rows(
            "SELECT id, name FROM departments WHERE kind IN ('bureau', 'utility') ORDER BY code")]
        self.table: QTableWidget = record_table([self.tr("部门"), self.tr("评分")], stretch=0)
        self.table.setRowCount(len(self.departments))
        self.spins: dict[int, QSpinBox] = {}
        for r, (did, name) in enumerate(self.departments):
            self.table.setItem(r, 0, item(name, data=did))
            spin = QSpinBox()
            spin.setRange(UNRATED, 100)
            spin.setSpecialValueText(self.tr("未评"))
            spin.setValue(UNRATED)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.table.setCellWidget(r, 1, spin)
            self.spins[did] = spin
        self.fill_value = QSpinBox()
        self.fill_value.setRange(0, 100)
        self.fill_value.setValue(90)
        fill = QPushButton(self.tr("未评的全部填入"))
        fill.clicked.connect(self.fill_unrated)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(self.tr("意见建议（可不填）"))
        self.comment.setMaximumHeight(self.fontMetrics().height() * 4)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.submit_button = QPushButton(self.tr("提交问卷"))
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("评议街道"), self.street)
        form.addRow(self.tr("考核周期"), self.period_box)
        quick = QHBoxLayout()
        quick.addWidget(self.fill_value)
        quick.addWidget(fill)
        quick.addStretch(1)
        form.addRow(self.tr("快速填写"), quick)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.submit_button)
        v = QVBoxLayout(self)
        v.addWidget(title)
        v.addWidget(hint)
        v.addLayout(form)
        v.addWidget(self.table, 1)
        v.addWidget(self.comment)
        v.addLayout(buttons)
        self.street.currentIndexChanged.connect(lambda _i: self.check_state())
        self.period_box.currentIndexChanged.connect(lambda _i: self._period_chosen())
        self.setMinimumSize(560, 600)  # fixed: see DrillDownDialog
        self.resize(720, 820)
        self.check_state()

    def _period_chosen(self) -> None:
        self.period = self.period_box.currentData()
        for spin in self.spins.values():
            spin.setValue(UNRATED)
        self.check_state()

    def street_id(self) -> int:
        return int(self.street.currentData())

    def _error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ALERT}; font-weight: bold;")

    def _ok(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ACCENT_2}; font-weight: bold;")

    def check_state(self) -> bool:
        """Can this street still submit for the period?  Says why not, and shows a stored survey."""
        if self.user is None:
            self._error(self.tr("请先以街道党工委书记身份登录"))
            self.submit_button.setEnabled(False)
            return False
        if is_published(self._store, self.period):
            self._error(self.tr("{period} 考核结果已发布，不能再提交问卷").format(
                period=display_label(self.period.label)))
            self.submit_button.setEnabled(False)
            return False
        done = [s for s in surveys_for(self._store, self.period) if s.street_id == self.street_id()]
        if done:
            s = done[0]
            for did, spin in self.spins.items():
                spin.setValue(round(s.ratings.get(did, UNRATED)))
                spin.setEnabled(False)
            who = domain_text(ROLE_NAMES.get(s.submitted_by, s.submitted_by))
            self._error(self.tr("{street} {period} 问卷已由 {who} 于 {time} 提交，不能重复提交").format(
                street=s.street_name, period=display_label(self.period.label), who=who,
                time=f"{s.submitted_at:%Y-%m-%d %H:%M}"))
            self.submit_button.setEnabled(False)
            return False
        for spin in self.spins.values():
            spin.setEnabled(True)
        self.message.clear()
        self.submit_button.setEnabled(not self._store.read_only)
        return True

    def fill_unrated(self) -> None:
        for spin in self.spins.values():
            if spin.isEnabled() and spin.value() == UNRATED:
                spin.setValue(self.fill_value.value())

    def ratings(self) -> dict[int, float]:
        return {did: float(s.value()) for did, s in self.spins.items() if s.value() != UNRATED}

    def submit(self) -> bool:
        missing = [name for did, name in self.departments if self.spins[did].value() == UNRATED]
        if missing:
            shown = self.tr("、").join(missing[:5]) + (
                self.tr(" 等 {count} 个部门").format(count=len(missing)) if len(missing) > 5 else "")
            self._error(self.tr("未提交：{departments} 尚未评分").format(departments=shown))
            return False
        comment = self.comment.toPlainText().strip() or None
        user, period, street_id, ratings = self.user, self.period, self.street_id(), self.ratings()
        self._ok(self.tr("正在提交…"))
        self.submit_button.setEnabled(False)
        self.jobs.submit(self._channel,
                         lambda cur: record_survey(cur, user, period, street_id, ratings, comment),
                         lambda _survey: self._stored(period, ratings), self._refused, owner=self)
        return True

    def busy(self) -> bool:
        return self.jobs.busy(self._channel)

    def _refused(self, exc: Exception) -> None:
        if not isinstance(exc, REFUSALS):
            log.error("survey not stored", exc_info=exc)
        self._error(self.tr("未提交：{reason}").format(reason=first_line(exc)))
        self.submit_button.setEnabled(not self._store.read_only)
        self.finished_submit.emit(False)

    def _stored(self, period, ratings: dict[int, float]) -> None:
        self._ok(self.tr("已提交 {street} {period} 问卷，共 {count} 个部门").format(
            street=self.street.currentText(), period=display_label(period.label),
            count=len(self.departments)))
        for spin in self.spins.values():
            spin.setEnabled(False)
        self.submitted.emit(ratings)
        self.finished_submit.emit(True)
