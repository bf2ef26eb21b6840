"""The records behind a figure (指标下钻): the cases or whistles counted in an
indicator's numerator and in its denominator, each in its own tab.

A table model rather than one item per cell: a district-wide count can be tens of
thousands of rows."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.appraisal import INDICATORS
from ui.appraisal.vocabulary import indicator_formula, indicator_name, measure_name, term
from ui.i18n import translate
from ui.texts import CASE_STATUS_NAMES, domain_text, text_for


class RowsModel(QAbstractTableModel):
    """Read-only rows (tuples) under the engine's (Chinese) headers, shown translated."""

    def __init__(self, headers: list[str], rows: list[tuple], parent=None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows = rows
        # codes shown in Chinese: case status (案件状态); whistle supervision as 是/否
        self._status = headers.index("状态") if "状态" in headers else -1  # i18n: no (a key)
        self._flag = headers.index("督办") if "督办" in headers else -1  # i18n: no (a key)
        self._category = headers.index("类别") if "类别" in headers else -1  # i18n: no (a key)

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 (Qt API)
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if index.column() == self._status and isinstance(value, str):
            return domain_text(text_for(CASE_STATUS_NAMES, value))
        if index.column() == self._category and isinstance(value, str):
            return domain_text(value)
        if index.column() == self._flag and isinstance(value, bool):
            return translate("DrillDown", "是") if value else translate("DrillDown", "否")
        if value == "全区":  # i18n: no (the engine's one literal cell)
            return term(value)
        return cell_text(value)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return term(self.headers[section]) if section < len(self.headers) else None
        return str(section + 1)


def cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def rows_view(headers: list[str], rows: list[tuple]) -> QTableView:
    view = QTableView()
    view.setModel(RowsModel(headers, rows, view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    # fit the columns to the first rows only: measuring every row of a large list is slow
    for c in range(len(headers)):
        view.resizeColumnToContents(c)
    return view


def _count(shown: int, drill, total_field: str) -> str:
    """'835 条', or '共 182,334 条（显示前 20,000 条）' when the engine capped the list."""
    total = getattr(drill, total_field, 0) or shown
    if total <= shown:
        return translate("DrillDown", "{n} 条").format(n=f"{total:,}")
    return translate("DrillDown", "共 {total} 条（显示前 {shown} 条）").format(
        total=f"{total:,}", shown=f"{shown:,}")


class DrillDownDialog(QDialog):
    """Numerator and denominator records of one figure of one subject in one period."""

    def __init__(self, drill, *, subject_name: str, period_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ind = INDICATORS.get(drill.indicator)
        name = indicator_name(drill.indicator)
        self.setWindowTitle(self.tr("指标下钻 · {name}").format(name=name))
        self.drill = drill
        head = QLabel(f"{subject_name} · {period_label} · {name}")
        head.setObjectName("UnitTitle")
        formula = QLabel(indicator_formula(drill.indicator))
        formula.setObjectName("Hint")
        formula.setWordWrap(True)
        self.tabs = QTabWidget()
        num = measure_name(ind.numerator) if ind else self.tr("分子")
        self.numerator_view = rows_view(drill.columns, drill.rows)
        self.tabs.addTab(self.numerator_view, self.tr("{measure}（分子）{count}").format(
            measure=num, count=_count(len(drill.rows), drill, "numerator_total")))
        self.denominator_view = None
        if ind is not None and ind.denominator:
            den = measure_name(ind.denominator)
            self.denominator_view = rows_view(drill.columns, drill.denominator_rows)
            self.tabs.addTab(self.denominator_view, self.tr("{measure}（分母）{count}").format(
                measure=den,
                count=_count(len(drill.denominator_rows), drill, "denominator_total")))
        v = QVBoxLayout(self)
        v.addWidget(head)
        v.addWidget(formula)
        v.addWidget(self.tabs, 1)
        # a fixed minimum: one that follows the layout makes Qt re-propagate size hints
        self.setMinimumSize(720, 420)
        self.resize(1100, 640)

    def numerator_count(self) -> int:
        return self.numerator_view.model().rowCount()

    def denominator_count(self) -> int:
        return self.denominator_view.model().rowCount() if self.denominator_view else 0
