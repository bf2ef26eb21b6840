"""The case panel (案件办理) for operators: the queue by status, filters (street, category,
department, overdue) and only the loop steps the signed-in role may take.

The list is read on a worker (own cursor) and read again when the district model
reports a changed case that is in it or matches its filters."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth.permissions import decide
from app.clock import store_clock
from app.privacy.masking import mask_text
from app.store import DistrictRepository
from app.workflow import case_machine as cm
from app.workflow import cases
from app.workflow.places import department_names
from ui.background import BackgroundWork
from ui.docks.workflow_common import (
    Prompter,
    acting_user,
    attempt,
    countdown_text,
    item,
    record_table,
    user_banner,
    viewing_user,
    with_version,
    work_hours_left,
)
from ui.texts import CASE_SOURCE_NAMES, domain_text

#: step buttons per row under the case's details
ACTIONS_PER_ROW = 3


class CasePanel(QWidget):
    changed = Signal(int)  # a case moved on (its id)
    whistleRequested = Signal(int)  # a street head raises a whistle from this case
    #: "附近摄像头" for the selected case: lon, lat, label (the video wall plugin listens)
    nearbyCamerasRequested = Signal(float, float, str)
    #: set by the plugin that listens to nearbyCamerasRequested (no wall, no button)
    offers_cameras = False

    def __init__(self, store: DistrictRepository, clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None, *, list_in_background: bool = False,
                 model=None) -> None:
        super().__init__(parent)
        clock = clock or store_clock(store).now
        self._store = store
        self.model = model
        self.record = None  # the selected case as the user saw it (its version)
        self.last_fill_s = 0.0  # GUI seconds of the last list filled (the bench)
        self._row_texts: list[tuple] = []  # what each row shows
        self.row_ids: list[int] = []
        self.work = BackgroundWork(self)
        self._generation = 0  # bumped by every refresh: a late worker list is dropped
        self._clock = clock
        self._names = department_names(store)
        self.prompt = Prompter(self)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        for s in cm.STATUSES:
            self.status.addItem(domain_text(cm.STATUS_NAMES[s]), s)
        self.street = QComboBox()
        self.street.addItem(self.tr("全部街道"), None)
        for sid, name in store.rows("SELECT id, name FROM grid_units WHERE level = 2 ORDER BY code"):
            self.street.addItem(name, int(sid))
        self.category = QLineEdit()
        self.category.setPlaceholderText(self.tr("类别代码 如 01"))
        self.department = QComboBox()
        self.department.addItem(self.tr("全部部门"), None)
        for did, name in sorted(self._names.items()):
            self.department.addItem(name, did)
        self.overdue = QCheckBox(self.tr("仅超期"))
        for w in (self.status, self.street, self.department):
            w.currentIndexChanged.connect(lambda _i: self._reread())
        self.category.editingFinished.connect(lambda: self._reread())
        self.overdue.toggled.connect(lambda _on: self._reread())
        filters = QGridLayout()
        filters.addWidget(self.status, 0, 0)
        filters.addWidget(self.street, 0, 1)
        filters.addWidget(self.department, 1, 0)
        filters.addWidget(self.category, 1, 1)
        filters.addWidget(self.overdue, 2, 0)
        self.table = record_table([self.tr("案件编号"), self.tr("类别"), self.tr("状态"),
                                   self.tr("处置时限")], stretch=1)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        # the case's steps, three a row: a row of them all would widen the dock past
        # its place (its title bar then drawn over the buttons)
        self.actions_row = QGridLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        v = QVBoxLayout(self)
        v.addWidget(user_banner())
        v.addLayout(filters)
        v.addWidget(self.table, 1)
        v.addWidget(self.detail)
        v.addLayout(self.actions_row)
        v.addWidget(self.message)
        if model is not None:
            model.caseFacts.connect(self._cases_changed)
        #: how the list is read again (a filter changed): on the worker as the window's dock
        self._reread = self._list_in_background if list_in_background else self.refresh
        if list_in_background:
            # the window's first turn stays short: the case query runs on a worker thread
            # with its own cursor and the table fills when it arrives ("loaded" then)
            self.setProperty("loaded", False)
            self.detail.setText(self.tr("加载中…"))
            self._list_in_background()
        else:
            self.refresh()

    def _query(self, store: DistrictRepository, user, now: datetime) -> list[dict]:
        return cases.list_cases(
            store, user, status=self.status.currentData(),
            street_id=self.street.currentData(), category=self.category.text().strip() or None,
            department_id=self.department.currentData(),
            overdue_at=now if self.overdue.isChecked() else None, limit=300)

    def _list_in_background(self) -> None:
        self._generation += 1
        generation, now, user = self._generation, self._clock(), viewing_user()
        filters = {"status": self.status.currentData(), "street_id": self.street.currentData(),
                   "category": self.category.text().strip() or None,
                   "department_id": self.department.currentData(),
                   "overdue_at": now if self.overdue.isChecked() else None}
        cursor_of = self._store.cursor

        def work():  # worker thread: a cursor of its own, no widget touched
            cursor = cursor_of()
            try:
                return cases.list_cases(cursor, user, limit=300, **filters)
            finally:
                cursor.close()

        self.work.run(work, lambda rows: self._arrived(generation, rows, now),
                      lambda exc: self._arrived(generation, exc, now), channel="list")

    def _arrived(self, generation: int, rows, now: datetime) -> None:
        if generation != self._generation:
            return  # the operator refreshed meanwhile; that list is the newer one
        if isinstance(rows, Exception):
            self.message.setText(self.tr("案件列表读取失败：{reason}").format(reason=rows))
            rows = []
        self._fill(rows, now)
        self.setProperty("loaded", True)

    def _cases_changed(self, facts) -> None:
        """Changed cases (the district model's facts): read the list again if one is in
        it or now matches its filters."""
        shown = set(self.row_ids)
        if any(f.id in shown or self._matches(f) for f in facts):
            self._list_in_background()

    def _matches(self, f) -> bool:
        category = self.category.text().strip()
        return ((self.status.currentData() in (None, f.status))
                and self.street.currentData() in (None, f.street_id)
                and self.department.currentData() in (None, f.department_id)
                and (not category or f.category_code.startswith(category))
                and (not self.overdue.isChecked() or f.status == "dispatched"))

    def refresh(self) -> None:
        self._generation += 1
        now = self._clock()
        self._fill(self._query(self._store, viewing_user(), now), now)
        self.setProperty("loaded", True)

    def _fill(self, rows: list[dict], now: datetime) -> None:
        """Show ``rows``; a row that reads as before keeps its items (after one case
        changed, one row is rewritten, not the list)."""
        t0 = time.perf_counter()
        selected = self.selected_id()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        self.row_ids = [r["id"] for r in rows]
        shown = self._row_texts
        self._row_texts = []
        for i, r in enumerate(rows):
            counting = r["status"] == "dispatched" and r["deadline_at"] is not None
            late = counting and now > r["deadline_at"]
            texts = (r["id"], late, r["code"], f"{r['category']} · {r['street']}",
                     domain_text(cm.STATUS_NAMES.get(r["status"], r["status"])),
                     countdown_text(work_hours_left(now, r["deadline_at"])) if counting
                     else "—")
            self._row_texts.append(texts)
            if i < len(shown) and shown[i] == texts:
                continue
            self.table.setItem(i, 0, item(texts[2], data=r["id"], alert=late))
            for c in (1, 2, 3):
                self.table.setItem(i, c, item(texts[c + 2], alert=late))
            self.table.item(i, 1).setToolTip(texts[3])  # (elided first in a narrow dock)
        self.table.clearSelection()
        if selected in self.row_ids:
            self.table.selectRow(self.row_ids.index(selected))
        self.table.blockSignals(False)
        if self.selected_id() != selected or self._changed_selected(rows, selected):
            self._update_actions()
        self.last_fill_s = time.perf_counter() - t0

    def _changed_selected(self, rows: list[dict], selected: int | None) -> bool:
        """The selected case's row is new or changed (its actions must be read again)."""
        if selected is None:
            return True  # (nothing to read: the hint is shown)
        if self.record is None or self.record.id != selected:
            return True
        row = next((r for r in rows if r["id"] == selected), None)
        return row is None or row["status"] != self.record.state.status or \
            row["deadline_at"] != self.record.state.deadline_at

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def select_case(self, case_id: int) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == case_id:
                self.table.selectRow(r)
                return

    def _update_actions(self) -> None:
        for b in self.action_buttons.values():
            self.actions_row.removeWidget(b)
            b.deleteLater()
        self.action_buttons = {}
        cid = self.selected_id()
        if cid is None:
            self.detail.setText(self.tr("选择一件案件查看并办理"))
            return
        rec = self.record = cases.load_case(self._store, cid)
        dept = self._names.get(rec.state.department_id, self.tr("未派遣"))
        self.detail.setText(f"{rec.code} · {domain_text(cm.STATUS_NAMES[rec.state.status])} · {dept}\n{mask_text(rec.description)}")
        if self.offers_cameras:
            b = QPushButton(self.tr("附近摄像头"))
            b.clicked.connect(lambda _=False, c=cid: self.request_nearby_cameras(c))
            self._add_action("cameras", b)
        user = acting_user()
        if user is None or self._store.read_only:
            return
        for action in cases.visible_actions(self._store, user, rec):
            b = QPushButton(domain_text(cm.ACTION_NAMES[action]))
            b.clicked.connect(lambda _=False, a=action, c=cid: self.run(c, a))
            self._add_action(action, b)
        if decide(user.role, user.scope, "whistle.blow", cases.case_target(self._store, rec)):
            b = QPushButton(self.tr("吹哨"))
            b.clicked.connect(lambda _=False, c=cid: self.whistleRequested.emit(c))
            self._add_action("whistle", b)

    def _add_action(self, key: str, button: QPushButton) -> None:
        n = len(self.action_buttons)
        self.actions_row.addWidget(button, n // ACTIONS_PER_ROW, n % ACTIONS_PER_ROW)
        self.action_buttons[key] = button

    def offer_cameras(self) -> None:
        """Show "附近摄像头" (called by the plugin listening to nearbyCamerasRequested)."""
        self.offers_cameras = True
        self._update_actions()

    def request_nearby_cameras(self, case_id: int) -> None:
        rows = self._store.rows("SELECT lon, lat, code FROM cases WHERE id = ?", [case_id])
        if rows:
            lon, lat, code = rows[0]
            self.nearbyCamerasRequested.emit(float(lon), float(lat),
                                             self.tr("案件 {code}").format(code=code))

    def run(self, case_id: int, action: str) -> None:
        user = acting_user()
        if user is None:
            return
        kwargs: dict = {}
        if action in cm.NEEDS_REASON:
            reason = self.prompt.text(domain_text(cm.ACTION_NAMES[action]), self.tr("原因："))
            if reason is None:
                return
            kwargs["reason"] = reason
        if action in cm.NEEDS_APPROVAL:
            approver = self.prompt.text(self.tr("审批"), self.tr("审批人账号（留空：本人审批）："))
            if approver is None:
                return
            kwargs["approver"] = approver or None
            if approver and approver != user.username:
                password = self.prompt.text(
                    self.tr("审批"), self.tr("审批人 {account} 的密码：").format(account=approver),
                    secret=True)
                if password is None:
                    return
                kwargs["approver_password"] = password
        if action == "extend":
            hours = self.prompt.number(self.tr("延期"), self.tr("延长工作小时："), 8, 1, 400)
            if hours is None:
                return
            kwargs["extra_hours"] = float(hours)
        if action == "evaluate":
            score = self.prompt.number(self.tr("评价"), self.tr("满意度（1-5）："), 5, 1, 5)
            if score is None:
                return
            kwargs["satisfaction"] = score
        if self.record is not None and self.record.id == case_id:
            kwargs.update(with_version(cases.advance, self.record))
        done = attempt(self, self.message, lambda: cases.advance(
            self._store, user, case_id, action, at=self._clock(), **kwargs),
            reload=self._update_actions)
        if done is not None:
            self.changed.emit(case_id)
            if self.model is None:  # on its own: nobody follows the change for it
                self.refresh()
                self.select_case(case_id)


class NewCaseDialog(QDialog):
    """登记案件 at a place picked on the map (受理): category, source and description; the
    grid is the place's.  ``case_id`` is the new case's once :meth:`submit` succeeded."""

    def __init__(self, store: DistrictRepository, grid_id: int, lon: float, lat: float,
                 place: str, clock: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("在此登记案件"))
        self._store, self._clock = store, clock
        self.place = (grid_id, lon, lat)
        self.case_id: int | None = None
        self.category = QComboBox()
        for code, class_name, name in store.rows(
                "SELECT code, class_name, name FROM categories ORDER BY code"):
            self.category.addItem(self.tr("{kind} · {name}（{code}）").format(
                kind=domain_text(class_name), name=domain_text(name), code=code), code)
        self.source = QComboBox()
        for code in CASE_SOURCE_NAMES:
            self.source.addItem(CASE_SOURCE_NAMES[code], code)
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("问题描述：如 人行道井盖缺失"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        self.where = QLabel(place)
        self.where.setWordWrap(True)
        form.addRow(self.tr("地点"), self.where)
        form.addRow(self.tr("类别"), self.category)
        form.addRow(self.tr("来源"), self.source)
        form.addRow(self.tr("描述"), self.description)
        form.addRow(self.message)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("受理"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def submit(self) -> int | None:
        """Accept the case as the signed-in user; its id, or None (the reason shown)."""
        user = acting_user()
        if user is None:
            self.message.setText(self.tr("请先登录"))
            return None
        gid, lon, lat = self.place
        rec = attempt(self, self.message, lambda: cases.new_case(
            self._store, user, category_code=self.category.currentData(),
            source=self.source.currentData(), description=self.description.text(),
            grid_id=gid, lon=lon, lat=lat, at=self._clock()))
        if rec is None:
            return None
        self.case_id = int(rec.id)
        self.accept()
        return self.case_id
