"""The scoring scheme editor (考核方案) for administrators: weights, points rules,
deductions and grade bands, checked by the engine's validate_scheme before saving.

Saving always creates a new version: periods already published keep the version
they were scored with (publishing froze it), so nothing changes retroactively."""

from __future__ import annotations

import copy
import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.appraisal import INDICATORS, SchemeError, current_scheme, save_scheme, validate_scheme
from ui import theme
from ui.appraisal.scoring_dock import allowed
from ui.appraisal.vocabulary import indicator_name
from ui.docks.workflow_common import REFUSALS, acting_user
from ui.i18n import translate

RULES = (("threshold", QT_TRANSLATE_NOOP("SchemeEditor", "达标线")), ("deduction", QT_TRANSLATE_NOOP("SchemeEditor", "超线扣分")),
         ("proportional", QT_TRANSLATE_NOOP("SchemeEditor", "按比例")))
#: field paths of validate_scheme's messages, named for people
PATH_NAMES = (("objective", QT_TRANSLATE_NOOP("SchemeEditor", "客观指标")), ("area", QT_TRANSLATE_NOOP("SchemeEditor", "区域指标")),
              ("deductions", QT_TRANSLATE_NOOP("SchemeEditor", "扣分项")), ("grades", QT_TRANSLATE_NOOP("SchemeEditor", "等级")),
              ("street_appraisal", QT_TRANSLATE_NOOP("SchemeEditor", "街道评价")),
              ("street_weight", QT_TRANSLATE_NOOP("SchemeEditor", "街道评价权重")), ("version", QT_TRANSLATE_NOOP("SchemeEditor", "版本")))


def next_version(version: str) -> str:
    """'v1' -> 'v2', 'v2.3' -> 'v2.4', anything else -> version + '-2'."""
    m = re.match(r"^(.*?)(\d+)$", version)
    return f"{m.group(1)}{int(m.group(2)) + 1}" if m else f"{version}-2"


def problem_text(problem: str) -> str:
    """'objective[1].weight: …' -> '客观指标[1].weight：…' (the path keeps the row number)."""
    path, _sep, what = problem.partition(":")
    for key, name in PATH_NAMES:
        if path.startswith(key):
            return translate("SchemeEditor", "{field}{path}：{problem}").format(
                field=translate("SchemeEditor", name), path=path[len(key):], problem=what.strip())
    return problem


def _number(text: str, scale: float = 1.0):
    """A number from a cell (percent cells scaled); text that is no number stays text so that
    the validation names it."""
    try:
        return float(text.strip().rstrip("%")) / scale
    except ValueError:
        return text


class ItemsTable(QWidget):
    """Weighted indicators with their points rules (objective or area part)."""

    changed = Signal()
    HEADERS = [QT_TRANSLATE_NOOP("ItemsTable", "指标"), QT_TRANSLATE_NOOP("ItemsTable", "权重（分）"),
               QT_TRANSLATE_NOOP("ItemsTable", "规则"),
               QT_TRANSLATE_NOOP("ItemsTable", "满分线 / 免扣线（%）"),
               QT_TRANSLATE_NOOP("ItemsTable", "每个百分点扣分")]

    def __init__(self, items: list[dict], subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = [c for c, i in INDICATORS.items() if i.kind == "rate" and subject in i.subjects]
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.total = QLabel()
        for it in items:
            self.add_row(it)
        add = QPushButton(self.tr("添加指标"))
        add.clicked.connect(lambda: self.add_row({"indicator": self.codes[0], "weight": 0,
                                                  "rule": {"type": "proportional"}}))
        remove = QPushButton(self.tr("删除所选"))
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.total, 1)
        row.addWidget(add)
        row.addWidget(remove)
        v = QVBoxLayout(self)
        v.addWidget(self.table, 1)
        v.addLayout(row)
        self.table.itemChanged.connect(lambda _i: self.update_total())
        self.update_total()

    def add_row(self, it: dict) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        combo = QComboBox()
        for code in self.codes:
            combo.addItem(indicator_name(code), code)
        combo.setCurrentIndex(max(0, combo.findData(it.get("indicator"))))
        self.table.setCellWidget(r, 0, combo)
        self.table.setItem(r, 1, QTableWidgetItem(f"{it.get('weight', 0):g}"))
        rule = it.get("rule") or {}
        kind = QComboBox()
        for code, name in RULES:
            kind.addItem(translate("SchemeEditor", name), code)
        kind.setCurrentIndex(max(0, kind.findData(rule.get("type"))))
        self.table.setCellWidget(r, 2, kind)
        line = rule.get("full_at", rule.get("free_up_to"))
        self.table.setItem(r, 3, QTableWidgetItem("" if line is None else f"{line * 100:g}"))
        minus = rule.get("minus_per_point")
        self.table.setItem(r, 4, QTableWidgetItem("" if minus is None else f"{minus:g}"))
        self.update_total()

    def remove_selected(self) -> None:
        for idx in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(idx)
        self.update_total()

    def set_weight(self, row: int, weight) -> None:
        self.table.item(row, 1).setText(str(weight))

    def items(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            rule_type = self.table.cellWidget(r, 2).currentData()
            rule: dict = {"type": rule_type}
            if rule_type != "proportional":
                key = "full_at" if rule_type == "threshold" else "free_up_to"
                rule[key] = _number(self.table.item(r, 3).text(), 100.0)
                rule["minus_per_point"] = _number(self.table.item(r, 4).text())
            out.append({"indicator": self.table.cellWidget(r, 0).currentData(),
                        "weight": _number(self.table.item(r, 1).text()), "rule": rule})
        return out

    def update_total(self) -> None:
        weights = [w for w in (it["weight"] for it in self.items()) if isinstance(w, float)]
        total = sum(weights)
        ok = abs(total - 100.0) < 1e-6
        self.total.setText(self.tr("权重合计 {total} 分").format(total=f"{total:g}")
                           + ("" if ok else self.tr("（须为 100）")))
        self.total.setStyleSheet(f"color: {theme.ACCENT_2 if ok else theme.ALERT};")
        self.changed.emit()


class SchemeEditor(QDialog):
    """Edit the scheme in force and save it as a new version (administrators)."""

    saved = Signal(object)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.base = current_scheme(store)
        data = copy.deepcopy(self.base.data)
        self.setWindowTitle(self.tr("考核方案 · 当前版本 {version}").format(version=self.base.version))
        self.version = QLineEdit(next_version(self.base.version))
        self.name = QLineEdit(str(data.get("name", "")))
        self.street_weight = _percent(data.get("street_weight", 0.5))
        sa = data.get("street_appraisal", {})
        self.survey_weight = _percent(sa.get("survey_weight", 0.6))
        self.rating_weight = _percent(sa.get("whistle_rating_weight", 0.4))
        self.objective = ItemsTable(data.get("objective", []), "department")
        self.area = ItemsTable(data.get("area", []), "street")
        self.deductions = _grid([self.tr("指标"), self.tr("每次扣分"), self.tr("上限")], [
            [d.get("indicator", ""), f"{d.get('points_each', 0):g}", f"{d.get('max', 0):g}"]
            for d in data.get("deductions", [])])
        self.grades = _grid([self.tr("下限（分）"), self.tr("代码"), self.tr("名称"), self.tr("颜色")], [
            [f"{g.get('min', 0):g}", g.get("code", ""), g.get("label", ""), g.get("colour", "")]
            for g in data.get("grades", [])])
        self.grades.itemChanged.connect(self._paint_grades)
        self._paint_grades()
        form = QFormLayout()
        form.addRow(self.tr("新版本号"), self.version)
        form.addRow(self.tr("方案名称"), self.name)
        form.addRow(self.tr("街道评价占部门得分（%）"), self.street_weight)
        form.addRow(self.tr("其中：街道问卷（%）"), self.survey_weight)
        form.addRow(self.tr("其中：哨令评分（%）"), self.rating_weight)
        tabs = QTabWidget()
        tabs.addTab(self.objective, self.tr("部门客观指标"))
        tabs.addTab(self.area, self.tr("街道/社区指标"))
        tabs.addTab(self.deductions, self.tr("扣分项（督办、二次哨）"))
        tabs.addTab(self.grades, self.tr("等级与颜色"))
        note = QLabel(self.tr("保存总是生成新版本，只用于尚未发布的周期；"
                              "已发布周期的得分与方案已冻结，不会追溯改变。"))
        note.setObjectName("Hint")
        note.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(self.fontMetrics().height() * 7)
        self.message = QLabel()
        self.message.setWordWrap(True)
        check = QPushButton(self.tr("校验"))
        check.clicked.connect(self.check)
        self.save_button = QPushButton(self.tr("保存为新版本"))
        self.save_button.clicked.connect(self.save)
        user = acting_user()
        self.save_button.setEnabled(user is not None and not store.read_only
                                    and allowed("appraisal.scheme"))
        if not self.save_button.isEnabled():
            self.save_button.setToolTip(self.tr("只有系统管理员可以保存考核方案"))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(check)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(tabs, 1)
        v.addWidget(note)
        v.addWidget(self.problems)
        v.addLayout(buttons)
        self.setMinimumSize(760, 640)  # fixed: see DrillDownDialog
        self.resize(980, 820)

    def _paint_grades(self, *_a) -> None:
        t = self.grades
        t.blockSignals(True)
        for r in range(t.rowCount()):
            cell = t.item(r, 3)
            c = QColor(cell.text().strip())
            if c.isValid():
                cell.setBackground(c)
                cell.setForeground(QColor("#04101f"))
        t.blockSignals(False)

    def data(self) -> dict:
        """The scheme document as edited (not yet validated)."""
        doc = copy.deepcopy(self.base.data)
        doc["version"] = self.version.text().strip()
        doc["name"] = self.name.text().strip()
        doc["street_weight"] = self.street_weight.value() / 100.0
        doc["street_appraisal"] = {"survey_weight": self.survey_weight.value() / 100.0,
                                   "whistle_rating_weight": self.rating_weight.value() / 100.0}
        doc["objective"] = self.objective.items()
        doc["area"] = self.area.items()
        doc["deductions"] = [{"indicator": r[0], "points_each": _number(r[1]), "max": _number(r[2])}
                             for r in _cells(self.deductions)]
        doc["grades"] = [{"min": _number(r[0]), "code": r[1], "label": r[2], "colour": r[3]}
                         for r in _cells(self.grades)]
        return doc

    def check(self):
        """validate_scheme on the edited document: the Scheme, or None with every problem listed."""
        self.problems.clear()
        try:
            scheme = validate_scheme(self.data())
        except SchemeError as exc:
            for p in exc.problems:
                self.problems.addItem(problem_text(p))
                self.problems.item(self.problems.count() - 1).setForeground(QColor(theme.ALERT))
            self._say(self.tr("方案有 {count} 处问题，未保存").format(count=len(exc.problems)),
                      error=True)
            return None
        self._say(self.tr("校验通过"))
        return scheme

    def save(self):
        scheme = self.check()
        if scheme is None:
            return None
        try:
            saved = save_scheme(self._store, scheme, acting_user())
        except REFUSALS as exc:
            self._say(self.tr("未保存：{reason}").format(reason=exc), error=True)
            return None
        self._say(self.tr("已保存方案 {version}，用于尚未发布的周期").format(version=saved.version))
        self.save_button.setEnabled(False)
        self.saved.emit(saved)
        return saved

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ALERT if error else theme.ACCENT_2}; "
                                   "font-weight: bold;")


def _percent(fraction) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 100.0)
    spin.setDecimals(1)
    spin.setSuffix(" %")
    spin.setValue(float(fraction) * 100.0)
    return spin


def _grid(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.setItem(r, c, QTableWidgetItem(str(text)))
    return t


def _cells(t: QTableWidget) -> list[list[str]]:
    return [[(t.item(r, c).text().strip() if t.item(r, c) else "") for c in range(t.columnCount())]
            for r in range(t.rowCount())]
