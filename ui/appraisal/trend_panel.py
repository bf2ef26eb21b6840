"""The trend dock (考核趋势): tick departments to compare their monthly scores and
closure rates over the last 12 complete months."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.appraisal import department_scores, latest_complete_month, score_trend
from ui import theme
from ui.appraisal.jobs import busy_label, channel_name, dim, first_line, jobs_for
from ui.appraisal.trend_chart import Series, TrendChart
from ui.docks.workflow_common import REFUSALS

log = logging.getLogger(__name__)

MONTHS = 12
#: departments ticked when the dock opens (the best ones and the worst one)
DEFAULT_BEST, DEFAULT_WORST = 3, 1


def last_months(latest, n: int = MONTHS) -> list:
    months = [latest]
    while len(months) < n:
        months.insert(0, months[0].previous())
    return months


class TrendPanel(QWidget):
    """Department check list beside the two trend plots."""

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.months = last_months(latest_complete_month(store))
        self.chart = TrendChart()
        self.list = QListWidget()
        self.list.setObjectName("TrendDepartments")
        self.loaded = False  # departments and trends load when the dock is first shown
        self.message = QLabel()
        self.message.setObjectName("Hint")
        self.message.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)  # ticking several boxes in a row redraws once
        self._timer.timeout.connect(self.refresh)
        self.jobs = jobs_for(store)
        self._channel = channel_name("trend")
        self._pending_choice: list[int] | None = None
        self.busy_label = busy_label()
        self.list.itemChanged.connect(lambda _i: self._timer.start())
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("对比部门（{first} 至 {last}）").format(
            first=self.months[0].label, last=self.months[-1].label))
        caption.setObjectName("Hint")
        caption.setWordWrap(True)
        lv.addWidget(caption)
        lv.addWidget(self.list, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.chart)
        split.setStretchFactor(1, 3)
        v = QVBoxLayout(self)
        v.addWidget(split, 1)
        bottom = QHBoxLayout()  # the marker beside the status line: nothing moves
        bottom.addWidget(self.busy_label)
        bottom.addWidget(self.message, 1)
        v.addLayout(bottom)

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if not self.loaded:
            self.load()

    def busy(self) -> bool:
        return self.jobs.busy(self._channel)

    def load(self) -> None:
        """The departments of the last month, by rank, the best and the worst ticked,
        and their trends: computed on the appraisal worker."""
        self.loaded = True
        months = self.months

        def compute(cur):  # worker thread
            latest = department_scores(cur, months[-1])
            chosen = default_choice(latest)
            return latest, chosen, score_trend(cur, chosen, months) if chosen else {}

        self._set_busy(True)
        self.jobs.submit(self._channel, compute, self._loaded,
                         lambda exc: self._failed(self.tr("无法计算得分"), exc), owner=self)

    def _loaded(self, result) -> None:
        latest, chosen, trend = result
        if self._pending_choice is not None:
            chosen, self._pending_choice = self._pending_choice, None
            trend = None  # another choice came while loading: compute that one
        self.list.blockSignals(True)
        self.list.clear()
        for s in latest:
            it = QListWidgetItem(f"{s.rank}. {s.name}")
            it.setData(Qt.ItemDataRole.UserRole, s.department_id)
            it.setData(Qt.ItemDataRole.UserRole + 1, s.name)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if s.department_id in chosen
                             else Qt.CheckState.Unchecked)
            self.list.addItem(it)
        self.list.blockSignals(False)
        if trend is None:
            self.refresh()
        else:
            self._draw(self.chosen(), trend)

    def chosen(self) -> list[tuple[int, str]]:
        out = []
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append((it.data(Qt.ItemDataRole.UserRole), it.data(Qt.ItemDataRole.UserRole + 1)))
        return out

    def choose(self, department_ids: list[int]) -> None:
        """Tick exactly ``department_ids`` and compare them (after the list has loaded)."""
        if not self.loaded or self.list.count() == 0:
            self._pending_choice = list(department_ids)
            if not self.loaded:
                self.load()
            return
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            it = self.list.item(i)
            on = it.data(Qt.ItemDataRole.UserRole) in department_ids
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.jobs.cancel(self._channel)
            self._set_busy(False)
            self.chart.set_series([m.label for m in self.months], [])
            self.message.setText(self.tr("勾选左侧部门以比较趋势"))
            return
        months = self.months
        ids = [d for d, _n in chosen]
        self._set_busy(True)
        self.jobs.submit(self._channel, lambda cur: score_trend(cur, ids, months),
                         lambda trend: self._draw(chosen, trend),
                         lambda exc: self._failed(self.tr("无法计算趋势"), exc), owner=self)

    def _draw(self, chosen: list[tuple[int, str]], trend: dict) -> None:
        self._set_busy(False)
        labels = [m.label for m in self.months]
        series = [Series(name, [p.score for p in trend.get(did, [])],
                         [p.closure_rate for p in trend.get(did, [])]) for did, name in chosen]
        self.chart.set_series(labels, series)
        self._say(self.tr("{count} 个部门 · 每月得分与结案率").format(count=len(series)) if series
                  else self.tr("勾选左侧部门以比较趋势"))

    def _failed(self, what: str, exc: Exception) -> None:
        self._set_busy(False)
        if not isinstance(exc, REFUSALS):
            log.error("%s", what, exc_info=exc)
        self._say(self.tr("{what}：{reason}").format(what=what, reason=first_line(exc)), error=True)

    def _set_busy(self, on: bool) -> None:
        self.busy_label.setVisible(on)
        if on:
            self._say("")  # the line described the chart now fading
        dim(self.chart, on)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ALERT};" if error else "")


def default_choice(latest: list) -> list[int]:
    """The departments ticked when the dock opens: the best ones and the worst one."""
    chosen = [s.department_id for s in latest[:DEFAULT_BEST]]
    for s in latest[-DEFAULT_WORST:] if DEFAULT_WORST else []:
        if s.department_id not in chosen:
            chosen.append(s.department_id)
    return chosen
