"""The cards over the map (地图卡片): :class:`MapCard`, a card in the map's top-right
corner with a close button that Esc also closes, kept inside the map whatever its size;
and the case card (案件卡片) built on it - what an operator sees after clicking a case:
category, source, grid, department, and every step of the closed loop with its time."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.store import DistrictRepository
from ui import theme
from ui.i18n import translate
from ui.texts import (
    ACTOR_NAMES,
    CASE_ACTION_NAMES,
    CASE_KIND_NAMES,
    CASE_SOURCE_NAMES,
    CASE_STATUS_NAMES,
    domain_text,
    text_for,
)

#: margin between a card and the map's edges (px at scale 1)
CARD_MARGIN_PX = 16


class MapCard(QFrame):
    """A floating card over the map (its parent): a title, a close button, the body in
    :attr:`body`.  Esc closes it while the map or the card has the keyboard; it sits in
    the map's top-right corner (below the big screen's headline strip when that shows)
    and shrinks to fit inside the map, so it never reaches the status bar."""

    #: the operator closed it (close button or Esc)
    dismissed = Signal()

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        s = theme.ui_scale()
        self.setStyleSheet(f"#{object_name} {{ background: rgba(7, 16, 31, 235); border: 1px "
                           f"solid {theme.ACCENT}; border-radius: {round(6 * s)}px; }}")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setFont(theme.ui_font(round(22 * s), True))
        self.title.setStyleSheet(f"color: {theme.ACCENT};")
        self.close_button = QToolButton()
        self.close_button.setObjectName("CardClose")
        self.close_button.setIcon(qta.icon("mdi6.close", color=theme.TEXT))
        self.close_button.setIconSize(QSize(round(22 * s), round(22 * s)))
        # never squeezed below its icon (a card shrunk to nothing while the map changes
        # size painted its icon into an empty pixmap)
        self.close_button.setFixedSize(QSize(round(30 * s), round(30 * s)))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(translate("MapCard", "关闭 (Esc)"))
        self.close_button.setAccessibleName(translate("MapCard", "关闭"))
        self.close_button.clicked.connect(self.dismiss)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QVBoxLayout(self)
        self.body.addLayout(header)
        self._watched: list[QObject] = []
        if parent is not None:
            self._watched = [parent]
            if isinstance(parent, QAbstractScrollArea):  # keys may reach its viewport
                self._watched.append(parent.viewport())
            for w in self._watched:
                w.installEventFilter(self)
        self.hide()

    def preferred_width(self) -> int:
        """The width the card would like; :meth:`place` keeps it inside the map."""
        return self.sizeHint().width()

    def preferred_height(self, width: int) -> int:
        """The height it would like at ``width`` (as tall as its lines)."""
        h = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        return h if h > 0 else self.sizeHint().height()

    def place(self) -> None:
        """Top-right corner of the map, at most as large as the map leaves room for."""
        parent = self.parentWidget()
        if parent is None:
            return
        m = round(CARD_MARGIN_PX * theme.ui_scale())
        top = m
        strip = parent.findChild(QWidget, "HeadlineStrip")
        if strip is not None and strip.isVisible():
            top = strip.geometry().bottom() + 1 + m
        w = max(1, min(self.preferred_width(), parent.width() - 2 * m))
        h = max(1, min(self.preferred_height(w), parent.height() - top - m))
        self.setGeometry(max(0, parent.width() - w - m), top, w, h)

    def pop_up(self) -> None:
        self.place()
        self.show()
        self.raise_()

    def dismiss(self) -> None:
        """Close the card (the close button, Esc)."""
        if self.isVisible():
            self.hide()
            self.dismissed.emit()

    def _escape(self, ev: QEvent) -> bool:
        return (ev.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
                and ev.key() == Qt.Key.Key_Escape and ev.modifiers() == Qt.KeyboardModifier.NoModifier
                and self.isVisible()
                and getattr(self.parentWidget(), "tool", None) is None)  # a map tool's own Esc

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj in self._watched:
            if ev.type() == QEvent.Type.Resize and self.isVisible():
                self.place()
            elif self._escape(ev):
                return self._take_escape(ev)
        return super().eventFilter(obj, ev)

    def event(self, ev: QEvent) -> bool:
        if self._escape(ev):
            return self._take_escape(ev)
        return super().event(ev)

    def _take_escape(self, ev: QEvent) -> bool:
        # accepting the override keeps the window's Esc shortcut (leave the big screen)
        # from taking it: the first Esc closes the card, the next one does the rest
        ev.accept()
        if ev.type() == QEvent.Type.KeyPress:
            self.dismiss()
        return True


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
    return {"id": case_id, "code": code, "category": cat, "class_name": cls,
            "kind": kind, "source": source, "status": status, "description": desc,
            "grid": grid, "grid_code": grid_code, "department": dept,
            "reported_at": reported, "deadline_at": deadline, "steps": steps}


class CaseCard(MapCard):
    """The case card; :meth:`show_case` fills and shows it."""

    def __init__(self, store: DistrictRepository, parent: QWidget | None = None) -> None:
        super().__init__("CaseCard", parent)
        self._store = store
        s = theme.ui_scale()
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, name in [("category", self.tr("类别")), ("kind", self.tr("诉求类型")),
                          ("source", self.tr("来源")), ("status", self.tr("状态")),
                          ("grid", self.tr("网格")), ("department", self.tr("责任部门")),
                          ("reported_at", self.tr("上报时间")),
                          ("deadline_at", self.tr("处置时限"))]:
            label = QLabel()
            label.setWordWrap(True)
            self.fields[key] = label
            self.form.addRow(name, label)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.steps = QTableWidget(0, 4)
        self.steps.setHorizontalHeaderLabels([self.tr("环节"), self.tr("时间"), self.tr("办理方"),
                                              self.tr("说明")])
        self.steps.verticalHeader().setVisible(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.horizontalHeader().setStretchLastSection(True)
        self.body.addLayout(self.form)
        self.body.addWidget(self.description)
        self.body.addWidget(self.steps, 1)
        self._size = QSize(round(520 * s), round(560 * s))
        self.case_id: int | None = None

    def preferred_width(self) -> int:
        return self._size.width()

    def preferred_height(self, width: int) -> int:
        return self._size.height()

    def show_case(self, case_id: int) -> bool:
        rec = case_record(self._store, case_id)
        if rec is None:
            self.hide()
            return False
        self.case_id = case_id
        self.title.setText(self.tr("案件 {code}").format(code=rec["code"]))
        category = " · ".join(domain_text(x) for x in (rec["class_name"], rec["category"]) if x)
        grid = (self.tr("{name}（{code}）").format(name=rec["grid"] or "", code=rec["grid_code"])
                if rec["grid_code"] else rec["grid"] or "—")
        values = {
            "category": category or "—", "kind": text_for(CASE_KIND_NAMES, rec["kind"]),
            "source": text_for(CASE_SOURCE_NAMES, rec["source"]),
            "status": text_for(CASE_STATUS_NAMES, rec["status"]), "grid": grid,
            "department": rec["department"] or "—", "reported_at": _time(rec["reported_at"]),
            "deadline_at": _time(rec["deadline_at"]),
        }
        for key, value in values.items():
            self.fields[key].setText(str(value))
        self.description.setText(rec["description"] or "")
        self.steps.setRowCount(len(rec["steps"]))
        for r, (_seq, action, to_status, at, actor, note) in enumerate(rec["steps"]):
            step = self.tr("{action} → {status}").format(
                action=text_for(CASE_ACTION_NAMES, action),
                status=text_for(CASE_STATUS_NAMES, to_status))
            cells = [step, _time(at), text_for(ACTOR_NAMES, actor), note or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.steps.setItem(r, c, item)
        self.steps.resizeColumnsToContents()
        self.pop_up()
        return True

    def follow(self, cases_changed) -> None:
        """Show the shown case's new state whenever a change names it (``cases_changed``:
        the district model's ``casesChanged``, ids or None for every case)."""
        cases_changed.connect(self._cases_changed)

    def _cases_changed(self, ids) -> None:
        if self.isVisible() and self.case_id is not None and (ids is None or self.case_id in ids):
            self.show_case(self.case_id)

    def step_texts(self) -> list[str]:
        return [self.steps.item(r, 0).text() for r in range(self.steps.rowCount())]


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "—"
