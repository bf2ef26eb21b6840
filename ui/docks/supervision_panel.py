"""The supervision view (督办) of the district supervision office: open whistles with
something overdue, how late, whether already supervised, second whistles, accountability.

Computed from the district model's whistle rows (no query): again when the model reads
a changed whistle, and every minute (lateness grows with time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth.permissions import MATRIX, decide
from app.clock import store_clock
from app.store import DistrictRepository
from app.workflow import whistles
from app.workflow.places import department_names
from ui.docks.workflow_common import (
    acting_user,
    attempt,
    item,
    record_table,
    user_banner,
    viewing_user,
    with_version,
)

KIND_NAMES = {"report": QT_TRANSLATE_NOOP("SupervisionPanel", "报到超时"),
              "finish": QT_TRANSLATE_NOOP("SupervisionPanel", "办结超时")}


class SupervisionPanel(QWidget):
    changed = Signal(int)

    def __init__(self, store: DistrictRepository, clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None, *, model=None) -> None:
        super().__init__(parent)
        clock = clock or store_clock(store).now
        self._store = store
        if model is None:  # on its own (tests): a model of its own
            from app.map.layers import district_frame
            from ui.district_model import DistrictModel

            model = DistrictModel(store, district_frame(store), clock, parent=self)
        self.model = model
        self._clock = clock
        self._names = department_names(store)
        self.table = record_table([self.tr("哨令"), self.tr("超时"), self.tr("超时部门"),
                                   self.tr("督办")], stretch=2)
        self.supervise_button = QPushButton(self.tr("督办"))
        self.supervise_button.clicked.connect(lambda: self.run("supervise"))
        self.accountability_button = QPushButton(self.tr("问责"))
        self.accountability_button.clicked.connect(lambda: self.run("accountability"))
        user = acting_user()
        for b, perm in ((self.supervise_button, "whistle.supervise"),
                        (self.accountability_button, "whistle.accountability")):
            b.setEnabled(user is not None and not store.read_only
                         and bool(decide(user.role, user.scope, perm)))
        self.summary = QLabel()
        self.summary.setObjectName("Hint")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.summary.setWordWrap(True)
        row = QHBoxLayout()  # (the summary above: beside the buttons it widened the dock)
        row.addStretch(1)
        row.addWidget(self.supervise_button)
        row.addWidget(self.accountability_button)
        v = QVBoxLayout(self)
        v.addWidget(user_banner())
        v.addWidget(self.summary)
        v.addLayout(row)
        v.addWidget(self.table, 1)
        v.addWidget(self.message)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(60_000)
        model.whistlesChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_ids) -> None:
        user = viewing_user()
        rows = (self.model.state.supervision(self._clock(), user.scope)
                if user.role in MATRIX["whistle.view"] else [])
        selected = self.selected_id()
        self.table.setRowCount(len(rows))
        self.row_ids = [r["id"] for r in rows]
        for i, r in enumerate(rows):
            depts = self.tr("；").join(
                "{} {} {:.1f}h".format(self._names.get(x["department_id"], ""),
                                      self.tr(KIND_NAMES[x["kind"]]), x["late_hours"])
                for x in r["items"])
            mark = self.tr("已督办") if r["supervised"] else self.tr("待督办")
            if r["accountability"]:
                mark += self.tr(" · 问责")
            if r["round"] == 2:
                mark += self.tr(" · 二次哨")
            self.table.setItem(i, 0, item(r["code"], data=r["id"], alert=True))
            self.table.setItem(i, 1, item(self.tr("{hours} 工时").format(
                hours=f"{r['late_hours']:.1f}"), alert=True))
            self.table.setItem(i, 2, item(depts))
            self.table.setItem(i, 3, item(mark, accent=not r["supervised"]))
        n_new = sum(not r["supervised"] for r in rows)
        self.summary.setText(self.tr("超时未办结 {n} 件，其中待督办 {new} 件").format(
            n=len(rows), new=n_new))
        if selected in self.row_ids:
            self.table.selectRow(self.row_ids.index(selected))

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def run(self, what: str) -> None:
        user, wid = acting_user(), self.selected_id()
        if user is None or wid is None:
            self.message.setText(self.tr("请先选择一条超时哨令"))
            return
        fn = whistles.supervise if what == "supervise" else whistles.accountability
        seen = self.model.state.whistles.get(wid)
        kwargs = with_version(fn, seen)
        if attempt(self, self.message, lambda: fn(self._store, user, wid, at=self._clock(),
                                                    **kwargs)):
            self.changed.emit(wid)  # the list follows when the model has read the change
