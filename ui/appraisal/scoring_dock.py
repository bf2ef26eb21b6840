"""The scoring dock (考核评分): pick a period, see the department league table
(下考上), the streets and the communities, each ranked and graded by colour; click a
row for its indicators, double-click an indicator for the cases behind it.

From here a street secretary fills in the period's survey (街道评议), an
administrator edits the scoring scheme and publishes the period, and anyone prints
the monthly PDF report."""

from __future__ import annotations

import logging
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.appraisal import (
    area_scores,
    department_scores,
    is_published,
    latest_complete_month,
    publish_period,
)
from app.auth.permissions import decide
from ui import theme
from ui.appraisal.indicator_panel import IndicatorPanel
from ui.appraisal.league_table import LeagueTable
from ui.appraisal.period_picker import PeriodPicker, display_label
from ui.docks.workflow_common import REFUSALS, acting_user, user_banner

log = logging.getLogger(__name__)

#: (league kind, tab title, indicator subject)
TABS = (("department", "部门（下考上）", "department"), ("street", "街道", "street"),
        ("community", "社区", "community"))


def allowed(action: str) -> bool:
    """May the signed-in user do ``action`` at all (scope checked again when acting)?"""
    user = acting_user()
    if user is None:
        return False
    try:
        return bool(decide(user.role, user.scope, action))
    except KeyError:  # an action the permission matrix does not know
        return False


class ScoringDock(QWidget):
    """Period picker, league tables by subject, the chosen subject's indicators."""

    #: the scores shown changed (a new period, a survey, a published period)
    scoresChanged = Signal(object)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._cache: dict[tuple[str, str], list] = {}
        self.picker = PeriodPicker(latest_complete_month(store))
        self.published_label = QLabel()
        self.published_label.setObjectName("PublishedMarker")
        self.survey_button = self._button("街道评议", "mdi6.clipboard-edit-outline",
                                          self.open_survey)
        self.scheme_button = self._button("考核方案", "mdi6.tune-variant", self.open_scheme)
        self.publish_button = self._button("发布", "mdi6.stamper", self.publish)
        self.pdf_button = self._button("导出月报", "mdi6.file-pdf-box", self.export_pdf)
        writable = not store.read_only
        self.survey_button.setEnabled(writable and allowed("appraisal.survey"))
        self.publish_button.setEnabled(writable and allowed("appraisal.publish"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addWidget(self.published_label)
        top.addStretch(1)
        for b in (self.survey_button, self.scheme_button, self.publish_button, self.pdf_button):
            top.addWidget(b)
        self.tabs = QTabWidget()
        self.leagues: dict[str, LeagueTable] = {}
        for kind, title, _subject in TABS:
            league = LeagueTable(kind)
            league.subjectChosen.connect(
                lambda ident, name, k=kind: self.show_indicators(k, ident, name))
            self.leagues[kind] = league
            self.tabs.addTab(league, title)
        self.indicators = IndicatorPanel(store)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.indicators)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        v = QVBoxLayout(self)
        v.addWidget(user_banner())
        v.addLayout(top)
        v.addWidget(split, 1)
        v.addWidget(self.message)
        self.period = self.picker.period()
        self.loaded = False  # figures are computed when the dock is first shown
        self.picker.periodChanged.connect(self.set_period)
        self.tabs.currentChanged.connect(lambda _i: self.loaded and self.refresh())

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if not self.loaded:  # not at start-up: a hidden dock costs nothing
            self.refresh()

    def _button(self, text: str, icon: str, slot) -> QPushButton:
        b = QPushButton(qta.icon(icon, color=theme.ACCENT), text)
        side = round(20 * theme.ui_scale())  # icons grow with the type on a 4K wall
        b.setIconSize(QSize(side, side))
        b.clicked.connect(lambda _c=False: slot())
        return b

    # -- figures ------------------------------------------------------------------------
    def kind(self) -> str:
        return TABS[self.tabs.currentIndex()][0]

    def scores(self, kind: str) -> list:
        """The period's scores of ``kind`` (cached until something changes them)."""
        key = (self.period.label, kind)
        if key not in self._cache:
            if kind == "department":
                self._cache[key] = department_scores(self._store, self.period)
            else:
                self._cache[key] = area_scores(self._store, self.period, kind)
        return self._cache[key]

    def set_period(self, period) -> None:
        self.period = period
        self.indicators.clear()
        if self.loaded:
            self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def refresh(self) -> None:
        self.loaded = True
        kind = self.kind()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            scores = self.scores(kind)
            published = is_published(self._store, self.period)
        except REFUSALS as exc:
            self._say(f"无法计算 {self.period.label}：{exc}", error=True)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.leagues[kind].show_scores(scores)
        if published:
            self.published_label.setText("● 已发布 · 数据冻结")
            self.published_label.setStyleSheet(f"color: {theme.HIGHLIGHT}; font-weight: bold;")
        else:
            self.published_label.setText("○ 未发布 · 实时计算")
            self.published_label.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.publish_button.setEnabled(not published and not self._store.read_only
                                       and self.period.kind == "month"
                                       and allowed("appraisal.publish"))
        self.scoresChanged.emit(self)

    def show_indicators(self, kind: str, ident, name: str) -> None:
        subject = next(s for k, _t, s in TABS if k == kind)
        try:
            self.indicators.show_subject(self.period, subject, ident, name)
        except REFUSALS as exc:
            self._say(f"无法显示 {name} 的指标：{exc}", error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ALERT if error else theme.ACCENT};")

    # -- actions ------------------------------------------------------------------------
    def open_survey(self):
        from ui.appraisal.survey_dialog import SurveyDialog

        dialog = SurveyDialog(self._store, parent=self)
        dialog.submitted.connect(lambda _s: self.invalidate())
        dialog.show()
        return dialog

    def open_scheme(self):
        from ui.appraisal.scheme_editor import SchemeEditor

        dialog = SchemeEditor(self._store, parent=self)
        dialog.saved.connect(lambda _s: self.invalidate())
        dialog.show()
        return dialog

    def publish(self, *, confirm: bool = True) -> bool:
        user = acting_user()
        if user is None:
            self._say("请先登录", error=True)
            return False
        label = display_label(self.period.label)
        if confirm and QMessageBox.question(
                self, "发布考核结果",
                f"发布 {label} 的考核结果？发布后本期得分、排名与所用方案冻结，不能再修改。"
        ) != QMessageBox.StandardButton.Yes:
            return False
        try:
            publish_period(self._store, user, self.period)
        except REFUSALS as exc:
            self._say(f"未发布：{exc}", error=True)
            return False
        self._say(f"{label} 考核结果已发布，数据已冻结")
        self.invalidate()
        return True

    def export_pdf(self, path: str | None = None) -> Path | None:
        from ui.appraisal.report_pdf import collect, write_report

        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, "导出考核月报", f"考核月报-{self.period.label}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            out = write_report(collect(self._store, self.period, self.kind()), Path(path))
        except (*REFUSALS, OSError) as exc:
            self._say(f"未导出：{exc}", error=True)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._say(f"已导出 {out}")
        return out
