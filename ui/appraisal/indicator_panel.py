"""The indicators of one subject in one period (指标明细): value, counts behind it,
环比 and 同比; double-click an indicator for the records behind it (drill_down)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.appraisal import INDICATORS, compute_indicators, drill_down, format_rate
from ui.appraisal.drill_down import DrillDownDialog
from ui.appraisal.figures import DOWN_COLOUR, STEADY_COLOUR, UP_COLOUR
from ui.docks.workflow_common import item, record_table

COLUMNS = ["指标", "数值", "分子 / 分母", "环比", "同比"]


def value_text(code: str, value: float | None) -> str:
    ind = INDICATORS[code]
    if value is None:
        return "—"
    if ind.kind == "rate":
        return format_rate(value)
    if ind.kind == "count":
        return f"{int(round(value)):,}"
    if ind.kind == "hours":
        return f"{value:.1f} 工时"
    return f"{value:.2f}"


def change_text(code: str, d: float | None) -> tuple[str, str]:
    """'▲ 1.23 个百分点' coloured by whether the move is good for this indicator."""
    ind = INDICATORS[code]
    if d is None:
        return "—", STEADY_COLOUR
    if ind.kind == "rate":
        amount, unit = d * 100.0, " 个百分点"
    elif ind.kind == "hours":
        amount, unit = d, " 工时"
    else:
        amount, unit = d, ""
    shown = f"{abs(amount):,.0f}" if ind.kind == "count" else f"{abs(amount):.2f}"
    if shown.strip("0.,") == "":
        return f"— 0{unit}", STEADY_COLOUR
    arrow = f"{'▲' if amount > 0 else '▼'} {shown}{unit}"
    if ind.kind == "count" and ind.higher_is_better:
        return arrow, STEADY_COLOUR  # more or fewer cases is neither good nor bad in itself
    good = (amount > 0) == ind.higher_is_better
    return arrow, UP_COLOUR if good else DOWN_COLOUR


def counts_text(code: str, counts: dict[str, int]) -> str:
    ind = INDICATORS[code]
    num = counts.get(ind.numerator)
    if ind.denominator is None:
        return "" if ind.kind == "count" else f"{num}"
    den = counts.get(ind.denominator)
    n = "—" if num is None else (f"{num:,.1f}" if isinstance(num, float) else f"{num:,}")
    return f"{n} / {'—' if den is None else f'{den:,}'}"


class IndicatorPanel(QWidget):
    """Indicator rows of the subject chosen in a league table."""

    drilled = Signal(object)  # the DrillDownDialog opened

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.title = QLabel("单击左侧排名中的一行，查看其指标；双击指标查看对应案件")
        self.title.setObjectName("Hint")
        self.title.setWordWrap(True)
        self.table = record_table(COLUMNS, stretch=0)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_drill_down(r))
        self.period = None
        self.subject = None
        self.subject_id = None
        self.subject_name = ""
        self.row = None
        self.codes: list[str] = []
        self.dialog: DrillDownDialog | None = None
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.title)
        v.addWidget(self.table, 1)

    def show_subject(self, period, subject: str, subject_id, name: str) -> None:
        table = compute_indicators(self._store, period, subject, ids=[subject_id])
        self.period, self.subject, self.subject_id, self.subject_name = (
            period, subject, subject_id, name)
        self.row = table.row(subject_id)
        self.codes = list(table.columns)
        self.title.setText(f"{name} · {period.label} 指标明细（双击指标查看案件）")
        self.title.setObjectName("UnitChain")
        self.title.style().polish(self.title)
        t = self.table
        t.setRowCount(len(self.codes))
        for r, code in enumerate(self.codes):
            ind = INDICATORS[code]
            name_item = item(ind.name_zh, data=code)
            name_item.setToolTip(ind.formula_zh)
            t.setItem(r, 0, name_item)
            value = item(value_text(code, self.row.values.get(code)), accent=ind.kind == "rate")
            t.setItem(r, 1, value)
            t.setItem(r, 2, item(counts_text(code, self.row.counts)))
            for c, deltas in ((3, self.row.mom), (4, self.row.yoy)):
                text, colour = change_text(code, deltas.get(code))
                cell = item(text)
                cell.setForeground(QColor(colour))
                t.setItem(r, c, cell)
            for c in range(1, 5):
                t.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter)

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.row = None

    def numerator(self, code: str) -> int | None:
        """The exact count behind ``code``'s numerator for the shown subject."""
        if self.row is None:
            return None
        return self.row.counts.get(INDICATORS[code].numerator)

    def open_drill_down(self, row: int, *, show: bool = True) -> DrillDownDialog | None:
        if self.row is None or not 0 <= row < len(self.codes):
            return None
        code = self.codes[row]
        drill = drill_down(self._store, self.period, self.subject, self.subject_id, code)
        self.dialog = DrillDownDialog(drill, subject_name=self.subject_name,
                                      period_label=self.period.label, parent=self)
        self.drilled.emit(self.dialog)
        if show:
            self.dialog.show()
        return self.dialog
