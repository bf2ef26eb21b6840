"""Period picker (考核周期): month, quarter or year, newest first, ending with the last
complete month of the district's clock."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.appraisal import Period, parse_period

KINDS = (("month", "月度"), ("quarter", "季度"), ("year", "年度"))
#: how many periods of each kind the list offers
HISTORY = {"month": 24, "quarter": 8, "year": 3}


def period_labels(latest: Period, kind: str) -> list[str]:
    """Period texts of ``kind`` (for parse_period), newest first, none after ``latest``."""
    y, m = latest.start.year, latest.start.month
    n = HISTORY[kind]
    if kind == "month":
        out = []
        for _ in range(n):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        return out
    if kind == "quarter":
        q = (m - 1) // 3 + 1
        out = []
        for _ in range(n):
            out.append(f"{y:04d}Q{q}")
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        return out
    return [f"{y - i:04d}" for i in range(n)]


def display_label(text: str) -> str:
    """'2026-10' -> '2026年10月', '2026Q3' -> '2026年第3季度', '2026' -> '2026年'."""
    if "Q" in text:
        y, q = text.split("Q")
        return f"{y}年第{q}季度"
    if "-" in text and len(text) == 7:
        y, m = text.split("-")
        return f"{y}年{int(m)}月"
    if text.isdigit():
        return f"{text}年"
    return text


class PeriodPicker(QWidget):
    """Kind (月度/季度/年度) and period; ``periodChanged(Period)`` on every change."""

    periodChanged = Signal(object)

    def __init__(self, latest: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._latest = latest
        self.kind = QComboBox()
        self.kind.setObjectName("PeriodKind")
        for key, name in KINDS:
            self.kind.addItem(name, key)
        self.value = QComboBox()
        self.value.setObjectName("PeriodValue")
        self.value.setMinimumContentsLength(10)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("考核周期")
        caption.setObjectName("FieldName")
        row.addWidget(caption)
        row.addWidget(self.kind)
        row.addWidget(self.value)
        self._fill("month")
        self.kind.currentIndexChanged.connect(lambda _i: self._fill(self.kind.currentData()))
        self.value.currentIndexChanged.connect(lambda _i: self._emit())

    def _fill(self, kind: str) -> None:
        self.value.blockSignals(True)
        self.value.clear()
        for text in period_labels(self._latest, kind):
            self.value.addItem(display_label(text), text)
        self.value.setCurrentIndex(0)
        self.value.blockSignals(False)
        self._emit()

    def period(self) -> Period:
        return parse_period(self.value.currentData())

    def set_period(self, text: str) -> None:
        """Select ``text`` ('2026-10', '2026Q3', '2026'), switching the kind as needed."""
        kind = parse_period(text).kind
        self.kind.setCurrentIndex(self.kind.findData(kind))
        i = self.value.findData(text)
        if i < 0:
            raise ValueError(f"周期 {text} 不在可选范围内")
        self.value.setCurrentIndex(i)

    def _emit(self) -> None:
        if self.value.count():
            self.periodChanged.emit(self.period())
