"""The case card (案件卡片): what an operator sees after clicking a case on the map -
category, source, grid, department, and every step of the closed loop with its time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store import DistrictRepository
from ui import theme
from ui.texts import CASE_KIND_NAMES, CASE_STATUS_NAMES, ROLE_NAMES, text_for

SOURCE_NAMES = {"public": "群众反映", "patrol": "网格巡查", "hotline": "12345热线",
                "app": "随手拍", "instruction": "上级交办", "petition": "信访督办",
                "sensor": "物联感知"}
ACTION_NAMES = {"accept": "受理", "register": "立案", "dispatch": "派遣", "handle": "处置",
                "feed_back": "反馈", "verify": "核查", "close": "结案", "evaluate": "评价",
                "return": "回退", "void": "作废", "extend": "延期", "defer": "缓办",
                "park": "挂账", "rework": "返工"}
ACTOR_NAMES = {"department": "职能部门", "public": "群众", "operator": "指挥中心",
               **ROLE_NAMES}


def case_record(store: DistrictRepository, case_id: int) -> dict | None:
    """The case's fields and its loop steps, or None if there is no such case."""
    rows = store.rows(
        "SELECT c.code, k.name, k.class_name, k.kind, c.source, c.status, c.description, "
        "g.name, g.code, d.name, c.reported_at, c.deadline_at "
        "FROM cases c LEFT JOIN categories k ON k.code = c.category_code "
        "LEFT JOIN grid_units g ON g.id = c.grid_id "
        "LEFT JOIN departments d ON d.id = c.department_id WHERE c.id = ?", [case_id])
    if not rows:
        return None
    (code, cat, cls, kind, source, status, desc, grid, grid_code, dept, reported,
     deadline) = rows[0]
    steps = store.rows(
        "SELECT seq, action, to_status, occurred_at, actor_role, note FROM case_transitions "
        "WHERE case_id = ? ORDER BY seq", [case_id])
    return {"id": case_id, "code": code, "category": f"{cls or ''} · {cat or ''}",
            "kind": kind, "source": source, "status": status, "description": desc,
            "grid": f"{grid or ''}（{grid_code or ''}）", "department": dept or "—",
            "reported_at": reported, "deadline_at": deadline, "steps": steps}


class CaseCard(QFrame):
    """A floating card over the map; :meth:`show_case` fills and shows it."""

    def __init__(self, store: DistrictRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CaseCard")
        self._store = store
        s = theme.ui_scale()
        self.setStyleSheet(f"#CaseCard {{ background: rgba(7, 16, 31, 235); border: 1px solid "
                           f"{theme.ACCENT}; border-radius: {round(6 * s)}px; }}")
        self.title = QLabel()
        self.title.setFont(theme.ui_font(round(22 * s), True))
        self.title.setStyleSheet(f"color: {theme.ACCENT};")
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, name in [("category", "类别"), ("kind", "诉求类型"), ("source", "来源"),
                          ("status", "状态"), ("grid", "网格"), ("department", "责任部门"),
                          ("reported_at", "上报时间"), ("deadline_at", "处置时限")]:
            label = QLabel()
            label.setWordWrap(True)
            self.fields[key] = label
            self.form.addRow(name, label)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.steps = QTableWidget(0, 4)
        self.steps.setHorizontalHeaderLabels(["环节", "时间", "办理方", "说明"])
        self.steps.verticalHeader().setVisible(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.description)
        layout.addWidget(self.steps, 1)
        self.resize(round(520 * s), round(560 * s))
        self.case_id: int | None = None
        self.hide()

    def show_case(self, case_id: int) -> bool:
        rec = case_record(self._store, case_id)
        if rec is None:
            self.hide()
            return False
        self.case_id = case_id
        self.title.setText(f"案件 {rec['code']}")
        values = {
            "category": rec["category"], "kind": text_for(CASE_KIND_NAMES, rec["kind"]),
            "source": text_for(SOURCE_NAMES, rec["source"]),
            "status": text_for(CASE_STATUS_NAMES, rec["status"]), "grid": rec["grid"],
            "department": rec["department"], "reported_at": _time(rec["reported_at"]),
            "deadline_at": _time(rec["deadline_at"]),
        }
        for key, value in values.items():
            self.fields[key].setText(str(value))
        self.description.setText(rec["description"] or "")
        self.steps.setRowCount(len(rec["steps"]))
        for r, (_seq, action, to_status, at, actor, note) in enumerate(rec["steps"]):
            cells = [f"{text_for(ACTION_NAMES, action)} → {text_for(CASE_STATUS_NAMES, to_status)}",
                     _time(at), text_for(ACTOR_NAMES, actor), note or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.steps.setItem(r, c, item)
        self.steps.resizeColumnsToContents()
        self._place()
        self.show()
        self.raise_()
        return True

    def follow(self, cases_changed) -> None:
        """Show the shown case's new state whenever a change names it (``cases_changed``:
        the district model's ``casesChanged``, ids or None for every case)."""
        cases_changed.connect(self._cases_changed)

    def _cases_changed(self, ids) -> None:
        if self.isVisible() and self.case_id is not None and (ids is None or self.case_id in ids):
            self.show_case(self.case_id)

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            m = round(16 * theme.ui_scale())
            self.move(max(0, parent.width() - self.width() - m), m)

    def step_texts(self) -> list[str]:
        return [self.steps.item(r, 0).text() for r in range(self.steps.rowCount())]


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "—"
