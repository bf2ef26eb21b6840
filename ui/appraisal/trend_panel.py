"""The trend dock (考核趋势): tick departments to compare their monthly scores and
closure rates over the last 12 complete months."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from app.appraisal import department_scores, latest_complete_month, score_trend
from ui.appraisal.trend_chart import Series, TrendChart
from ui.docks.workflow_common import REFUSALS

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
        self.list.itemChanged.connect(lambda _i: self._timer.start())
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(f"对比部门（{self.months[0].label} 至 {self.months[-1].label}）")
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
        v.addWidget(self.message)

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if not self.loaded:
            self.load()

    def load(self) -> None:
        """The departments of the last month, by rank; the best and the worst ticked."""
        self.loaded = True
        try:
            latest = department_scores(self._store, self.months[-1])
        except REFUSALS as exc:
            self.message.setText(f"无法计算得分：{exc}")
            return
        chosen = {s.department_id for s in latest[:DEFAULT_BEST]}
        chosen |= {s.department_id for s in latest[-DEFAULT_WORST:]} if DEFAULT_WORST else set()
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
        self.refresh()

    def chosen(self) -> list[tuple[int, str]]:
        out = []
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append((it.data(Qt.ItemDataRole.UserRole), it.data(Qt.ItemDataRole.UserRole + 1)))
        return out

    def choose(self, department_ids: list[int]) -> None:
        if not self.loaded:
            self.load()
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            it = self.list.item(i)
            on = it.data(Qt.ItemDataRole.UserRole) in department_ids
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.chosen()
        labels = [m.label for m in self.months]
        if not chosen:
            self.chart.set_series(labels, [])
            self.message.setText("勾选左侧部门以比较趋势")
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            trend = score_trend(self._store, [d for d, _n in chosen], self.months)
        except REFUSALS as exc:
            self.message.setText(f"无法计算趋势：{exc}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        series = [Series(name, [p.score for p in trend.get(did, [])],
                         [p.closure_rate for p in trend.get(did, [])]) for did, name in chosen]
        self.chart.set_series(labels, series)
        self.message.setText(f"{len(series)} 个部门 · 每月得分与结案率")
