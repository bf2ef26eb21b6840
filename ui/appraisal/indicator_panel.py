"""The indicators of one subject in one period (指标明细): value, counts behind it,
环比 and 同比; double-click an indicator for the records behind it (drill_down)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.appraisal import INDICATORS, compute_indicators, drill_down, format_rate
from ui import theme
from ui.appraisal.drill_down import DrillDownDialog
from ui.appraisal.figures import DOWN_COLOUR, STEADY_COLOUR, UP_COLOUR
from ui.appraisal.jobs import channel_name, dim, first_line, jobs_for
from ui.appraisal.vocabulary import indicator_formula, indicator_name
from ui.docks.workflow_common import REFUSALS, item, record_table
from ui.i18n import translate

log = logging.getLogger(__name__)

HINT = QT_TRANSLATE_NOOP("IndicatorPanel", "单击左侧排名中的一行，查看其指标；双击指标查看对应案件")
COLUMNS = [QT_TRANSLATE_NOOP("IndicatorPanel", "指标"), QT_TRANSLATE_NOOP("IndicatorPanel", "数值"),
           QT_TRANSLATE_NOOP("IndicatorPanel", "分子 / 分母"),
           QT_TRANSLATE_NOOP("IndicatorPanel", "环比"), QT_TRANSLATE_NOOP("IndicatorPanel", "同比")]


def value_text(code: str, value: float | None) -> str:
    ind = INDICATORS[code]
    if value is None:
        return "—"
    if ind.kind == "rate":
        return format_rate(value)
    if ind.kind == "count":
        return f"{int(round(value)):,}"
    if ind.kind == "hours":
        return translate("IndicatorPanel", "{hours} 工时").format(hours=f"{value:.1f}")
    return f"{value:.2f}"


def change_text(code: str, d: float | None) -> tuple[str, str]:
    """'▲ 1.23 个百分点' coloured by whether the move is good for this indicator."""
    ind = INDICATORS[code]
    if d is None:
        return "—", STEADY_COLOUR
    if ind.kind == "rate":
        amount, unit = d * 100.0, translate("IndicatorPanel", " 个百分点")
    elif ind.kind == "hours":
        amount, unit = d, translate("IndicatorPanel", " 工时")
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


def subject_indicators(store, period, subject: str, subject_id):
    """(period, indicator codes, the subject's IndicatorRow); worker thread."""
    table = compute_indicators(store, period, subject, ids=[subject_id])
    return period, list(table.columns), table.row(subject_id)


class IndicatorPanel(QWidget):
    """Indicator rows of the subject chosen in a league table."""

    drilled = Signal(object)  # the DrillDownDialog opened

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.title = QLabel(self.tr(HINT))
        self.title.setObjectName("Hint")
        self.title.setWordWrap(True)
        self.table = record_table([self.tr(c) for c in COLUMNS], stretch=0)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_drill_down(r))
        self.status = QLabel()  # '计算中…' or the one-line reason it failed
        self.status.setWordWrap(True)
        self.status.hide()
        self.jobs = jobs_for(store)
        self._channel = channel_name("indicators")
        self._drill_channel = channel_name("drill")
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
        v.addWidget(self.status)

    def show_subject(self, period, subject: str, subject_id, name: str) -> None:
        """Compute the subject's indicators on the appraisal worker; the table shows
        them when they arrive (the last subject's rows stay, dimmed, meanwhile)."""
        self.period, self.subject, self.subject_id, self.subject_name = (
            period, subject, subject_id, name)
        self.row = None  # no drill-down into the rows of the subject shown before
        self.jobs.cancel(self._drill_channel)
        self._set_title(self.tr("{name} · {period} 指标明细").format(name=name, period=period.label))
        self._status(self.tr("计算中…"))
        dim(self.table, True)
        self.jobs.submit(self._channel,
                         lambda cur: subject_indicators(cur, period, subject, subject_id),
                         self._fill,
                         lambda exc: self._failed(
                             self.tr("无法计算 {name} 的指标").format(name=name), exc),
                         owner=self)

    def busy(self) -> bool:
        return self.jobs.busy(self._channel) or self.jobs.busy(self._drill_channel)

    def _set_title(self, text: str) -> None:
        self.title.setText(text)
        if self.title.objectName() != "UnitChain":
            self.title.setObjectName("UnitChain")
            self.title.style().polish(self.title)

    def _status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {theme.ALERT if error else theme.ACCENT};"
                                  + ("" if error else " font-weight: bold;"))
        self.status.setVisible(bool(text))

    def _failed(self, what: str, exc: Exception) -> None:
        if not isinstance(exc, REFUSALS):
            log.error("%s", what, exc_info=exc)
        dim(self.table, False)
        self._status(self.tr("{what}：{reason}").format(what=what, reason=first_line(exc)),
                     error=True)

    def _fill(self, result) -> None:
        period, self.codes, self.row = result
        self._set_title(self.tr("{name} · {period} 指标明细（双击指标查看案件）").format(
            name=self.subject_name, period=period.label))
        self._status("")
        dim(self.table, False)
        t = self.table
        t.setRowCount(len(self.codes))
        for r, code in enumerate(self.codes):
            ind = INDICATORS[code]
            name_item = item(indicator_name(code), data=code)
            name_item.setToolTip(indicator_formula(code))
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
        self.jobs.cancel(self._channel)
        self.jobs.cancel(self._drill_channel)
        self.table.setRowCount(0)
        self.row = None
        self.subject_id = None
        self.title.setText(self.tr(HINT))
        self.title.setObjectName("Hint")
        self.title.style().polish(self.title)
        dim(self.table, False)
        self._status("")

    def numerator(self, code: str) -> int | None:
        """The exact count behind ``code``'s numerator for the shown subject."""
        if self.row is None:
            return None
        return self.row.counts.get(INDICATORS[code].numerator)

    def open_drill_down(self, row: int, *, show: bool = True) -> bool:
        """Fetch the records behind indicator ``row`` on the worker; ``drilled(dialog)``
        when the list is ready.  False when there is nothing to drill into."""
        if self.row is None or not 0 <= row < len(self.codes):
            return False
        code = self.codes[row]
        period, subject, subject_id = self.period, self.subject, self.subject_id
        self._status(self.tr("正在查询 {name} 的案件…").format(name=indicator_name(code)))
        self.jobs.submit(self._drill_channel,
                         lambda cur: drill_down(cur, period, subject, subject_id, code),
                         lambda drill: self._drilled(drill, period, show),
                         lambda exc: self._failed(self.tr("无法列出案件"), exc), owner=self)
        return True

    def _drilled(self, drill, period, show: bool) -> None:
        self._status("")
        self.dialog = DrillDownDialog(drill, subject_name=self.subject_name,
                                      period_label=period.label, parent=self)
        self.drilled.emit(self.dialog)
        if show:
            self.dialog.show()
