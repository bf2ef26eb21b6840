"""Period picker (考核周期): month, quarter or year, newest first, ending with the last
complete month of the district's clock."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.appraisal import Period, parse_period
from ui.i18n import translate

KINDS = (("month", QT_TRANSLATE_NOOP("PeriodPicker", "月度")),
         ("quarter", QT_TRANSLATE_NOOP("PeriodPicker", "季度")),
         ("year", QT_TRANSLATE_NOOP("PeriodPicker", "年度")))
#: month names (1月 … 12月; "Jan" … in English)
MONTH_NAMES = (
    QT_TRANSLATE_NOOP("PeriodPicker", "1月"), QT_TRANSLATE_NOOP("PeriodPicker", "2月"),
    QT_TRANSLATE_NOOP("PeriodPicker", "3月"), QT_TRANSLATE_NOOP("PeriodPicker", "4月"),
    QT_TRANSLATE_NOOP("PeriodPicker", "5月"), QT_TRANSLATE_NOOP("PeriodPicker", "6月"),
    QT_TRANSLATE_NOOP("PeriodPicker", "7月"), QT_TRANSLATE_NOOP("PeriodPicker", "8月"),
    QT_TRANSLATE_NOOP("PeriodPicker", "9月"), QT_TRANSLATE_NOOP("PeriodPicker", "10月"),
    QT_TRANSLATE_NOOP("PeriodPicker", "11月"), QT_TRANSLATE_NOOP("PeriodPicker", "12月"))
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


def month_name(month: int) -> str:
    """'10月' (in English 'Oct')."""
    return translate("PeriodPicker", MONTH_NAMES[month - 1])


def month_of_year(year, month: int) -> str:
    """'2026年10月' (in English 'Oct 2026')."""
    return translate("PeriodPicker", "{year}年{month}").format(year=year, month=month_name(month))


def display_label(text: str) -> str:
    """'2026-10' -> '2026年10月', '2026Q3' -> '2026年第3季度', '2026' -> '2026年'."""
    if "Q" in text:
        y, q = text.split("Q")
        return translate("PeriodPicker", "{year}年第{quarter}季度").format(year=y, quarter=q)
    if "-" in text and len(text) == 7:
        y, m = text.split("-")
        return month_of_year(y, int(m))
    if text.isdigit():
        return translate("PeriodPicker", "{year}年").format(year=text)
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
            self.kind.addItem(self.tr(name), key)
        self.value = QComboBox()
        self.value.setObjectName("PeriodValue")
        self.value.setMinimumContentsLength(10)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("考核周期"))
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
            raise ValueError(self.tr("周期 {period} 不在可选范围内").format(period=text))
        self.value.setCurrentIndex(i)

    def _emit(self) -> None:
        if self.value.count():
            self.periodChanged.emit(self.period())
