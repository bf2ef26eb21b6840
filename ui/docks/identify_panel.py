"""The identify panel (网格查询): the clicked grid's code, hierarchy, staff, how many of
those on duty the wall sees live (在岗定位), people and cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.intake.coverage import FRESH_S, UnitCoverage, fix_coverage
from app.map.identify import UnitDetail, unit_detail
from app.privacy.demo import person_name
from app.store import DistrictRepository
from ui import theme
from ui.docks.legend import kind_icon
from ui.i18n import translate
from ui.map.selection import MapSelection
from ui.texts import (
    CASE_KIND_NAMES,
    CASE_STATUS_NAMES,
    LEVEL_NAMES,
    ROLE_NAMES,
    domain_text,
    text_for,
)

CHAIN_SEPARATOR = " › "
_CASE_COLUMNS = [QT_TRANSLATE_NOOP("IdentifyPanel", "案件编号"),
                 QT_TRANSLATE_NOOP("IdentifyPanel", "类别"),
                 QT_TRANSLATE_NOOP("IdentifyPanel", "状态"),
                 QT_TRANSLATE_NOOP("IdentifyPanel", "处置时限")]
_FIELDS = [("leader", QT_TRANSLATE_NOOP("IdentifyPanel", "网格长")),
           ("workers", QT_TRANSLATE_NOOP("IdentifyPanel", "网格员")),
           ("others", QT_TRANSLATE_NOOP("IdentifyPanel", "网格力量")),
           ("located", QT_TRANSLATE_NOOP("IdentifyPanel", "在岗定位")),
           ("households", QT_TRANSLATE_NOOP("IdentifyPanel", "户数")),
           ("residents", QT_TRANSLATE_NOOP("IdentifyPanel", "常住人口")),
           ("area", QT_TRANSLATE_NOOP("IdentifyPanel", "面积")),
           ("cases", QT_TRANSLATE_NOOP("IdentifyPanel", "未结案件"))]
# how often the located line is read again while a unit is shown (fixes age by the
# second; the rest of the panel follows the selection)
LOCATED_REFRESH_MS = 15_000


class IdentifyPanel(QWidget):
    """Fills itself from :func:`app.map.identify.unit_detail` when the selection changes."""

    def __init__(self, store: DistrictRepository, clock: Callable[[], datetime],
                 selection: MapSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock  # overdue marks at the time the unit is shown, not the start
        self.detail: UnitDetail | None = None

        self.hint = QLabel(self.tr("点击地图上的网格，查看网格编码、所属街道社区、网格力量和未结案件。"))
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        self.title_label = QLabel()
        self.title_label.setObjectName("UnitTitle")
        self.code_label = QLabel()
        self.code_label.setObjectName("UnitCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_label = QLabel()
        self.chain_label.setObjectName("UnitChain")
        self.chain_label.setWordWrap(True)

        self._fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, name in _FIELDS:
            value = QLabel("—")
            value.setObjectName("FieldValue")
            value.setWordWrap(True)
            label = QLabel(self.tr(name))
            label.setObjectName("FieldName")
            form.addRow(label, value)
            self._fields[key] = value

        self.cases_table = QTableWidget(0, len(_CASE_COLUMNS))
        self.cases_table.setHorizontalHeaderLabels([self.tr(c) for c in _CASE_COLUMNS])
        self.cases_table.verticalHeader().setVisible(False)
        self.cases_table.setAlternatingRowColors(True)
        self.cases_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.cases_table.horizontalHeader().setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        for w in (self.hint, self.title_label, self.code_label, self.chain_label):
            layout.addWidget(w)
        self._form = QWidget()
        self._form.setLayout(form)
        layout.addWidget(self._form)
        layout.addWidget(self.cases_table, 1)
        self._spacer = QWidget()  # keeps the hint at the top while nothing is selected
        layout.addWidget(self._spacer, 1)
        self._details_widgets = [self.title_label, self.code_label, self.chain_label,
                                 self._form, self.cases_table]
        self._located_timer = QTimer(self)
        self._located_timer.setInterval(LOCATED_REFRESH_MS)
        self._located_timer.timeout.connect(self._tick)
        selection.changed.connect(self.show_unit)
        self.show_unit(selection.unit_id)

    def show_unit(self, unit_id: int | None) -> None:
        self.detail = None if unit_id is None else unit_detail(self._store, unit_id, self._clock())
        d = self.detail
        self.hint.setVisible(d is None)
        self._spacer.setVisible(d is None)
        for w in self._details_widgets:
            w.setVisible(d is not None)
        if d is None:
            self._located_timer.stop()
            for value in self._fields.values():
                value.setText("—")
            self.cases_table.setRowCount(0)
            return
        level = domain_text(text_for(LEVEL_NAMES, d.unit.level))
        self.title_label.setText(self.tr("{name}（{level}）").format(name=d.unit.name, level=level))
        self.code_label.setText(self.tr("编码 {code}").format(code=d.unit.code))
        self.chain_label.setText(CHAIN_SEPARATOR.join(u.name for u in d.chain))
        # people by name, or by pseudonym in demonstration mode (app.privacy.demo)
        comma = self.tr("、")
        self._fields["leader"].setText(comma.join(person_name(w.name) for w in d.leaders) or "—")
        self._fields["workers"].setText(
            comma.join(person_name(w.name) for w in d.workers if w.role == "grid_worker") or "—")
        others = [self.tr("{role} {name}").format(role=domain_text(text_for(ROLE_NAMES, w.role)),
                                                  name=person_name(w.name))
                  for w in d.workers if w.role not in ("grid_leader", "grid_worker")]
        self._fields["others"].setText(self.tr("；").join(others) or "—")
        self._show_located()
        self._located_timer.start()
        self._fields["households"].setText(self.tr("{n} 户").format(n=f"{d.households:,}"))
        self._fields["residents"].setText(self.tr("{n} 人").format(n=f"{d.residents:,}"))
        self._fields["area"].setText(_area_text(d.area_m2))
        cases = self._fields["cases"]
        text = self.tr("{n} 件").format(n=d.open_case_count)
        if d.overdue_case_count:
            text += self.tr("（超期 {n} 件）").format(n=d.overdue_case_count)
        cases.setText(text)
        cases.setObjectName("Alert" if d.overdue_case_count else "FieldValue")
        cases.style().unpolish(cases)
        cases.style().polish(cases)
        self._fill_cases(d)

    def _tick(self) -> None:
        if self.detail is not None and self.isVisible():  # (hidden: read on the next tick)
            self._show_located()

    def _show_located(self) -> None:
        """The unit's on-duty workers and those with a fix under a minute old, and its
        street's when the unit lies in one (app/intake/coverage.py)."""
        d = self.detail
        cov = fix_coverage(self._store, self._clock())
        units = [d.unit, *(u for u in d.chain[:-1] if u.level == 2)]
        lines = [self._located_text(cov.total() if u.level == 1 else cov.of(u.id))
                 for u in units]
        if len(lines) > 1:  # this grid (named in the title) and its street by name
            this = domain_text(text_for(LEVEL_NAMES, d.unit.level))
            lines = [self.tr("本{level}：{figures}").format(level=this, figures=lines[0]),
                     self.tr("{unit}：{figures}").format(unit=units[1].name, figures=lines[1])]
        self._fields["located"].setText("\n".join(lines))

    def _located_text(self, c: UnitCoverage) -> str:
        if not c.on_duty:
            return self.tr("此时无人在岗")
        return self.tr("在岗 {on} 人，{s} 秒内有定位 {located} 人（{share}）").format(
            on=c.on_duty, s=f"{FRESH_S:.0f}", located=c.located, share=f"{c.share:.0%}")

    def _fill_cases(self, d: UnitDetail) -> None:
        t = self.cases_table
        t.setRowCount(len(d.open_cases))
        alert = theme.qcolor(theme.ALERT)
        for row, c in enumerate(d.open_cases):
            kind = domain_text(text_for(CASE_KIND_NAMES, c.kind))
            category = domain_text(c.category)
            deadline = c.deadline_at.strftime("%m-%d %H:%M") if c.deadline_at else "—"
            if c.overdue:
                deadline = self.tr("超期 {deadline}").format(deadline=deadline)
            values = [c.code, category, domain_text(text_for(CASE_STATUS_NAMES, c.status)),
                      deadline]
            tip = self.tr("{kind} · {category}\n上报 {reported}").format(
                kind=kind, category=category, reported=f"{c.reported_at:%Y-%m-%d %H:%M}")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if col == 1:
                    item.setIcon(kind_icon(c.kind))
                if c.overdue and col == 3:
                    item.setForeground(alert)
                t.setItem(row, col, item)

    def sizeHint(self) -> QSize:
        s = theme.ui_scale()
        return QSize(round(440 * s), round(600 * s))


def _area_text(m2: float) -> str:
    if m2 >= 1e6:
        return translate("IdentifyPanel", "{n} 平方公里").format(n=f"{m2 / 1e6:.2f}")
    return translate("IdentifyPanel", "{n} 平方米").format(n=f"{m2:,.0f}")
