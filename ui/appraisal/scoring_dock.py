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
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
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
    AppraisalError,
    area_scores,
    department_scores,
    is_published,
    latest_complete_month,
    publish_period,
)
from app.auth.permissions import decide
from ui import theme
from ui.appraisal.indicator_panel import IndicatorPanel
from ui.appraisal.jobs import busy_label, channel_name, dim, first_line, jobs_for
from ui.appraisal.league_table import LeagueTable
from ui.appraisal.period_picker import PeriodPicker, display_label
from ui.docks.workflow_common import REFUSALS, acting_user, user_banner

log = logging.getLogger(__name__)

#: (league kind, tab title, indicator subject)
TABS = (("department", QT_TRANSLATE_NOOP("ScoringDock", "部门（下考上）"), "department"),
        ("street", QT_TRANSLATE_NOOP("ScoringDock", "街道"), "street"),
        ("community", QT_TRANSLATE_NOOP("ScoringDock", "社区"), "community"))


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
    #: the PDF report was written (its path), or could not be (None)
    reported = Signal(object)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._cache: dict[tuple[str, str], tuple[list, bool]] = {}
        self.jobs = jobs_for(store)
        self._league_channel = channel_name("league")
        self._report_channel = channel_name("report")
        self._publish_channel = channel_name("publish")
        self._waiting: tuple[str, str] | None = None  # (period, kind) being computed
        self._error_shown = False
        #: the period of the figures on screen (the picker may be ahead of it)
        self.shown_period = None
        self.picker = PeriodPicker(latest_complete_month(store))
        self.published_label = QLabel()
        self.published_label.setObjectName("PublishedMarker")
        self.busy_label = busy_label()
        self.survey_button = self._button(self.tr("街道评议"), "mdi6.clipboard-edit-outline",
                                          self.open_survey)
        self.scheme_button = self._button(self.tr("考核方案"), "mdi6.tune-variant",
                                          self.open_scheme)
        self.publish_button = self._button(self.tr("发布"), "mdi6.stamper", self.publish)
        self.pdf_button = self._button(self.tr("导出月报"), "mdi6.file-pdf-box", self.export_pdf)
        writable = not store.read_only
        self.survey_button.setEnabled(writable and allowed("appraisal.survey"))
        self.publish_button.setEnabled(writable and allowed("appraisal.publish"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addWidget(self.published_label)
        top.addWidget(self.busy_label)
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
            self.tabs.addTab(league, self.tr(title))
        self.indicators = IndicatorPanel(store)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.indicators)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([3000, 2000])  # 3:2 of whatever width the dock gets
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

    def busy(self) -> bool:
        """Are the figures asked for last still being computed?"""
        return self._waiting is not None

    def set_period(self, period) -> None:
        self.period = period
        self.indicators.clear()
        if self.loaded:
            self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def refresh(self) -> None:
        """Show the period's scores of the chosen kind: at once when computed before,
        else computed on the appraisal worker while the last figures stay, dimmed."""
        self.loaded = True
        kind, period = self.kind(), self.period
        key = (period.label, kind)
        if key in self._cache:
            self.jobs.cancel(self._league_channel)  # an older request must not land later
            self._show(kind, period, *self._cache[key])
            return

        def compute(cur):  # worker thread: its own cursor
            scores = (department_scores(cur, period) if kind == "department"
                      else area_scores(cur, period, kind))
            return scores, is_published(cur, period)

        self._waiting = key
        self._set_busy(True)
        self.jobs.submit(self._league_channel, compute,
                         lambda result: self._computed(key, kind, period, result),
                         lambda exc: self._failed(period, exc), owner=self)

    def _computed(self, key, kind: str, period, result) -> None:
        self._cache[key] = result
        self._show(kind, period, *result)

    def _failed(self, period, exc: Exception) -> None:
        self._waiting = None
        self._set_busy(False)
        if not isinstance(exc, REFUSALS):
            log.error("appraisal figures of %s failed", period.label, exc_info=exc)
        self._say(self.tr("无法计算 {period}：{reason}").format(
            period=display_label(period.label), reason=first_line(exc)), error=True)

    def _set_busy(self, on: bool) -> None:
        self.busy_label.setVisible(on)
        # the marker of the figures shown is not the new period's: the busy marker stands
        # in its place until the new figures (and their state) arrive
        self.published_label.setVisible(not on)
        dim(self.tabs, on)

    def _show(self, kind: str, period, scores: list, published: bool) -> None:
        self._waiting = None
        self._set_busy(False)
        if self._error_shown:
            self._say("")
        self.shown_period = period
        self.leagues[kind].show_scores(scores)
        if published:
            self.published_label.setText(self.tr("● 已发布 · 数据冻结"))
            self.published_label.setStyleSheet(f"color: {theme.HIGHLIGHT}; font-weight: bold;")
        else:
            self.published_label.setText(self.tr("○ 未发布 · 实时计算"))
            self.published_label.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self._enable_publish(published, period)
        self.scoresChanged.emit(self)

    def _enable_publish(self, published: bool, period=None) -> None:
        period = period or self.shown_period or self.period
        self.publish_button.setEnabled(not published and not self._store.read_only
                                       and period.kind == "month"
                                       and allowed("appraisal.publish"))

    def show_indicators(self, kind: str, ident, name: str) -> None:
        subject = next(s for k, _t, s in TABS if k == kind)
        self.indicators.show_subject(self.period, subject, ident, name)

    def _say(self, text: str, *, error: bool = False) -> None:
        self._error_shown = error and bool(text)
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
        """Publish the period on the appraisal worker (freezing takes seconds on a large
        district); True when the publication was started."""
        user = acting_user()
        if user is None:
            self._say(self.tr("请先登录"), error=True)
            return False
        period = self.period
        label = display_label(period.label)
        if confirm and QMessageBox.question(
                self, self.tr("发布考核结果"),
                self.tr("发布 {period} 的考核结果？发布后本期得分、排名与所用方案冻结，不能再修改。"
                        ).format(period=label)
        ) != QMessageBox.StandardButton.Yes:
            return False
        try:
            if is_published(self._store, period):  # one quick query; the engine checks again
                raise AppraisalError(self.tr("{period} 已发布，发布后的数据不再变动").format(
                    period=label))
        except REFUSALS as exc:
            self._say(self.tr("未发布：{reason}").format(reason=first_line(exc)), error=True)
            return False
        self.publish_button.setEnabled(False)
        self._say(self.tr("正在发布 {period}，冻结得分与指标…").format(period=label))
        self.jobs.submit(self._publish_channel, lambda cur: publish_period(cur, user, period),
                         lambda _none: self._published(label),
                         self._publish_failed, owner=self)
        return True

    def publishing(self) -> bool:
        return self.jobs.busy(self._publish_channel)

    def _published(self, label: str) -> None:
        self._say(self.tr("{period} 考核结果已发布，数据已冻结").format(period=label))
        self.invalidate()

    def _publish_failed(self, exc: Exception) -> None:
        if not isinstance(exc, REFUSALS):
            log.error("publishing failed", exc_info=exc)
        self._say(self.tr("未发布：{reason}").format(reason=first_line(exc)), error=True)
        self._enable_publish(False)

    def export_pdf(self, path: str | None = None) -> None:
        """Figures collected on the worker, the PDF written here; ``reported(path)`` when
        written (``None`` when it could not be)."""
        from ui.appraisal.report_pdf import collect

        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("导出考核月报"),
                self.tr("考核月报-{period}.pdf").format(period=self.period.label),
                self.tr("PDF 文件 (*.pdf)"))
            if not path:
                return
        period, kind, out = self.period, self.kind(), Path(path)
        self._say(self.tr("正在生成 {period} 月报…").format(period=display_label(period.label)))
        self.pdf_button.setEnabled(False)
        self.jobs.submit(self._report_channel, lambda cur: collect(cur, period, kind),
                         lambda data: self._write_report(data, out),
                         self._report_failed, owner=self)

    def _write_report(self, data, out: Path) -> None:
        from ui.appraisal.report_pdf import write_report

        self.pdf_button.setEnabled(True)
        try:
            written = write_report(data, out)
        except (*REFUSALS, OSError) as exc:
            self._report_failed(exc)
            return
        self._say(self.tr("已导出 {path}").format(path=written))
        self.reported.emit(written)

    def _report_failed(self, exc: Exception) -> None:
        self.pdf_button.setEnabled(True)
        if not isinstance(exc, (*REFUSALS, OSError)):
            log.error("appraisal report failed", exc_info=exc)
        self._say(self.tr("未导出：{reason}").format(reason=first_line(exc)), error=True)
        self.reported.emit(None)
