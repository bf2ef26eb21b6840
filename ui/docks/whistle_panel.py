"""The whistle panel (哨令): blow a whistle from a map click in at most five interactions
and a confirmation, the live list with countdowns (overdue red, second whistles marked)
and one whistle's timeline with the steps the signed-in role may take.

The form is checked before anything is sent (:func:`form_problems`: a real title of at
least four characters, a description that says something, at least one department,
limits within the policy's presets); a place outside the street's area is refused
when picked, by name ("只能为本街道（丁字沽街道）吹哨，该处属于…"); the confirmation names
the departments summoned and the limits.  A map click fills the form's place but never
takes the tab away from what the user is looking at (the 吹哨 tab is marked instead).

The list follows the window's district model (its whistle rows carry their departments'
tasks: no query per row); the timer only moves the countdowns on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.auth.permissions import MATRIX, Target, decide
from app.clock import store_clock
from app.domain.worktime import DEFAULT_CALENDAR
from app.store import DistrictRepository
from app.workflow import whistle_machine as wm
from app.workflow import whistles
from app.workflow.places import PlaceNames, grid_at, grid_place
from ui.docks.whistle_rules import form_problems, hours_text
from ui.docks.whistle_timeline import WhistleTimeline
from ui.docks.workflow_common import (
    acting_user,
    attempt,
    countdown_text,
    item,
    record_table,
    user_banner,
    viewing_user,
    work_hours_left,
)
from ui.texts import domain_text

PRESET_NAMES = {"urgent": QT_TRANSLATE_NOOP("WhistlePanel", "紧急：2小时报到，3个工作日办结"),
                "normal": QT_TRANSLATE_NOOP("WhistlePanel", "一般：8小时报到，5个工作日办结"),
                "complex": QT_TRANSLATE_NOOP("WhistlePanel", "复杂：16小时报到，10个工作日办结")}
#: the countdowns move on (nothing is read: the rows are the model's)
COUNTDOWN_MS = 30_000
BLOW_TAB = QT_TRANSLATE_NOOP("WhistlePanel", "吹哨")
MARKED_BLOW_TAB = QT_TRANSLATE_NOOP("WhistlePanel", "吹哨 ●")
def _scrolled(page: QWidget) -> QScrollArea:
    """The form scrolls in a low dock rather than pushing the dock past its place."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class WhistlePanel(QWidget):
    """哨令 dock.  ``to_lonlat(x, y)`` turns map metres into lon/lat."""

    changed = Signal(int)  # a whistle was blown or moved on (its id)
    #: "附近摄像头" for the selected whistle: lon, lat, label (the video wall plugin listens)
    nearbyCamerasRequested = Signal(float, float, str)
    #: the whistle shown in the timeline changed (its id; the plugin rings it on the map)
    whistleSelected = Signal(int)

    def __init__(self, store: DistrictRepository, to_lonlat: Callable[[float, float], tuple],
                 clock: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None, *, list_later: bool = False,
                 model=None) -> None:
        super().__init__(parent)
        clock = clock or store_clock(store).now
        self._store = store
        if model is None:  # on its own (tests, a plugin without a window): a model of its own
            from app.map.layers import district_frame
            from ui.district_model import DistrictModel

            model = DistrictModel(store, district_frame(store), clock,
                                  load_whistles="later" if list_later else "now", parent=self)
        self.model = model
        self.row_ids: list[int] = []
        self._row_texts: list[tuple] = []  # what each row of the list shows
        self._to_lonlat = to_lonlat
        self._clock = clock
        self.clock = clock
        self.place: tuple[int, float, float] | None = None  # grid, lon, lat
        self.place_path = ""  # 街道 › 社区 › 网格 of the place
        self._place_refusal = ""  # why the place picked last may not be used
        self._names = PlaceNames(store)
        #: asks the user to confirm the whistle (the text names departments and limits);
        #: tests replace it
        self.confirmer: Callable[[str], bool] = self._ask
        self._map_pick = False  # the map click being handled picked a whistle
        self.from_case: int | None = None  # the case the whistle is raised from
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list(), self.tr("哨令"))
        self.tabs.addTab(_scrolled(self._build_blow_form()), self.tr(BLOW_TAB))
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(user_banner())
        layout.addWidget(self.tabs, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(COUNTDOWN_MS)
        model.whistlesChanged.connect(self._whistles_changed)
        if not model.whistles_loaded:
            self.setProperty("loaded", False)  # filled when the model has read them
        elif list_later:
            # as the window's dock: the list fills on the event loop's next turn, so that
            # building the dock stays a short turn of its own
            self.setProperty("loaded", False)
            QTimer.singleShot(0, self, self.refresh)
        else:
            self.refresh()

    # -- building ------------------------------------------------------------------
    def _build_blow_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.place_label = QLabel(self.tr("① 在地图上点击问题地点"))
        self.place_label.setWordWrap(True)
        self.dept_list = QListWidget()
        self.dept_list.setObjectName("DeptList")
        for did, code, name in self._store.rows(
                "SELECT id, code, short_name FROM departments WHERE kind IN ('bureau', 'utility') "
                "ORDER BY id"):
            it = QListWidgetItem(self.tr("{name}（{code}）").format(name=name, code=code))
            it.setData(Qt.ItemDataRole.UserRole, int(did))
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.dept_list.addItem(it)
        self.preset = QComboBox()
        # as narrow as the dock needs (the popup still shows each preset whole)
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset.setMinimumContentsLength(10)
        for key, name in PRESET_NAMES.items():
            self.preset.addItem(self.tr(name), key)
        self.preset.setCurrentIndex(1)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("问题：如 闲置空地垃圾堆积整治"))
        self.description_edit = QLineEdit()
        self.description_edit.setPlaceholderText(self.tr("可留空：将用事项和地点"))
        self.blow_button = QPushButton(self.tr("吹哨"))
        self.blow_button.setObjectName("BlowButton")
        self.blow_button.clicked.connect(self.blow)
        self.blow_message = QLabel()
        self.blow_message.setWordWrap(True)
        form.addRow(self.tr("地点"), self.place_label)
        form.addRow(self.tr("报到部门"), self.dept_list)
        form.addRow(self.tr("时限"), self.preset)
        form.addRow(self.tr("事项"), self.title_edit)
        form.addRow(self.tr("情况说明"), self.description_edit)
        self.attachments: list[str] = []
        self.attach_button = QPushButton(self.tr("添加照片/附件…"))
        self.attach_button.clicked.connect(self._pick_attachments)
        form.addRow(self.tr("附件"), self.attach_button)
        form.addRow(self.blow_button)
        form.addRow(self.blow_message)
        user = acting_user()
        if user is None or user.role not in MATRIX["whistle.blow"]:
            self.blow_button.setEnabled(False)
            self.blow_message.setText(self.tr("仅街道党工委书记、办事处主任可以吹哨"))
        elif self._store.read_only:
            self.blow_button.setEnabled(False)
            self.blow_message.setText(self.tr("数据库以只读方式打开，不能吹哨"))
        return page

    def _build_list(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        row = QHBoxLayout()
        self.open_only = QComboBox()
        self.open_only.addItem(self.tr("全部哨令"), False)
        self.open_only.addItem(self.tr("未办结"), True)
        self.open_only.currentIndexChanged.connect(lambda _i: self.refresh())
        row.addWidget(self.open_only)
        row.addStretch(1)
        self.nearby_button = QPushButton(self.tr("附近摄像头"))
        self.nearby_button.setToolTip(self.tr("在视频墙打开选中哨令地点周边的摄像头"))
        self.nearby_button.setEnabled(False)
        self.nearby_button.setVisible(False)  # until a video wall listens (offer_cameras)
        self.nearby_button.clicked.connect(self.request_nearby_cameras)
        row.addWidget(self.nearby_button)
        v.addLayout(row)
        self.table = record_table([self.tr("哨令"), self.tr("状态"), self.tr("倒计时"),
                                   self.tr("标记")], stretch=0)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.setMinimumHeight(round(self.fontMetrics().height() * 2.1 * 2))
        # the flags column as wide as one flag (more are elided, all in the tooltip): a
        # column fitted to "二次哨 督办 问责" left the titles four characters
        fm = self.table.fontMetrics()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(3, max(fm.horizontalAdvance(t) for t in (
            self.tr("标记"), self.tr("二次哨"), self.tr("督办"), self.tr("问责"))) + fm.height())
        self.timeline = WhistleTimeline(self._store, self._clock)
        self.timeline.row_of = lambda wid: self.model.state.whistles.get(wid)
        self.timeline.changed.connect(self._after_step)
        # the list and the timeline share the height; the user drags the border
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        v.addWidget(split, 1)
        return page

    # -- the five interactions: click, departments, preset, title, blow ----------------
    def on_map_click(self, x: float, y: float) -> None:
        picked, self._map_pick = self._map_pick, False
        if picked:  # the click selected a whistle on the map: stay on its timeline
            return
        # the form's place is set, but the tab stays where the user is: marked only
        if (self._place_at(x, y) and self.tabs.currentIndex() != 1
                and self.blow_button.isEnabled()):
            self.tabs.setTabText(1, self.tr(MARKED_BLOW_TAB))

    def blow_here(self, x: float, y: float) -> None:
        """在此吹哨 (the map's right-click menu): the form, with this place, in front."""
        self._place_at(x, y)
        self.tabs.setCurrentIndex(1)

    def _place_at(self, x: float, y: float) -> bool:
        """The form's place from map metres; False (said in the form) outside every grid."""
        lon, lat = self._to_lonlat(x, y)
        try:
            gid = grid_at(self._store, float(lon), float(lat))
        except ValueError:
            self.place = None
            self.place_label.setText(self.tr("该点不在任何网格内，请重新点击"))
            return False
        self.from_case = None
        self._set_place(gid, float(lon), float(lat))
        return True

    def _tab_shown(self, index: int) -> None:
        if index == 1:
            self.tabs.setTabText(1, self.tr(BLOW_TAB))

    def _set_place(self, gid: int, lon: float, lat: float) -> None:
        """The place of the whistle: refused at once (with the street's name) when it lies
        outside the user's area."""
        community, street = grid_place(self._store, gid)
        names = dict(self._store.rows(
            "SELECT id, name FROM grid_units WHERE id IN (?, ?, ?)", [gid, community, street]))
        self.place_path = f"{names[street]} › {names[community]} › {names[gid]}"
        text = self.tr("{place}（{lon}, {lat}）").format(place=self.place_path, lon=f"{lon:.5f}",
                                                        lat=f"{lat:.5f}")
        user = acting_user()
        self._place_refusal = ""
        if user is not None and user.role in MATRIX["whistle.blow"]:
            d = decide(user.role, user.scope, "whistle.blow", Target(street), self._names)
            self._place_refusal = "" if d else d.reason
        if self._place_refusal:
            self.place = None
            self.place_label.setText(f"{text}\n{self._place_refusal}")
            self.place_label.setObjectName("Alert")
            self.blow_message.setText(self._place_refusal)
        else:
            self.place = (gid, lon, lat)
            self.place_label.setText(text)
            self.place_label.setObjectName("")
            if self.blow_button.isEnabled():
                self.blow_message.setText("")
        self.place_label.style().unpolish(self.place_label)
        self.place_label.style().polish(self.place_label)

    def use_case(self, case_id: int) -> None:
        """吹哨 from a case (哨源: 案件): its place, its problem and its department."""
        rows = self._store.rows("SELECT grid_id, lon, lat, description, department_id FROM cases "
                                "WHERE id = ?", [case_id])
        if not rows:
            return
        gid, lon, lat, text, dept = rows[0]
        self._set_place(int(gid), float(lon), float(lat))
        self.title_edit.setText(text[:40])
        self.from_case = case_id
        for i in range(self.dept_list.count()):
            it = self.dept_list.item(i)
            if it.data(Qt.ItemDataRole.UserRole) == dept:
                it.setCheckState(Qt.CheckState.Checked)
                self.dept_list.scrollToItem(it)
        self.tabs.setCurrentIndex(1)

    def _pick_attachments(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("选择照片或附件"), "", self.tr("照片 (*.jpg *.jpeg *.png);;所有文件 (*)"))
        self.set_attachments(paths)

    def set_attachments(self, paths: list[str]) -> None:
        self.attachments = list(paths)
        self.attach_button.setText(self.tr("已选 {n} 个附件").format(n=len(paths)) if paths
                                   else self.tr("添加照片/附件…"))

    def checked_departments(self) -> list[int]:
        return [self.dept_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.dept_list.count())
                if self.dept_list.item(i).checkState() == Qt.CheckState.Checked]

    def _department_names(self) -> list[str]:
        return [self.dept_list.item(i).text() for i in range(self.dept_list.count())
                if self.dept_list.item(i).checkState() == Qt.CheckState.Checked]

    def confirmation_text(self) -> str:
        """What the confirmation says: the departments summoned, the limits, the place."""
        rep, fin = whistles.PRESETS[self.preset.currentData()]
        now = self._clock()
        report_by = DEFAULT_CALENDAR.add_work_hours(now, rep)
        finish_by = DEFAULT_CALENDAR.add_work_hours(now, fin)
        depts = self._department_names()
        return self.tr("向以下 {n} 个部门吹哨，要求报到并办结：\n{departments}\n\n"
                       "报到：{report_hours}内，{report_by} 前\n"
                       "办结：{finish_hours}内，{finish_by} 前\n"
                       "地点：{place}\n事项：{title}").format(
            n=len(depts), departments=self.tr("、").join(depts),
            report_hours=hours_text(rep), report_by=f"{report_by:%m-%d %H:%M}",
            finish_hours=hours_text(fin), finish_by=f"{finish_by:%m-%d %H:%M}",
            place=self.place_path, title=self.title_edit.text().strip())

    def _ask(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("确认吹哨"), text,
                          QMessageBox.StandardButton.NoButton, self)
        send = box.addButton(self.tr("确认吹哨"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is send

    def blow(self) -> int | None:
        """Check the form, ask for confirmation, then blow; the new whistle's id or None
        (the reason shown; nothing typed is lost)."""
        user = acting_user()
        if user is None:
            return None
        if self.place is None:
            self.blow_message.setText(self._place_refusal or self.tr("请先在地图上点击问题地点"))
            return None
        rep, fin = whistles.PRESETS[self.preset.currentData()]
        title, typed = self.title_edit.text().strip(), self.description_edit.text().strip()
        problems = form_problems(title, typed, self.checked_departments(), rep, fin)
        if problems:
            self.blow_message.setText(self.tr("；").join(problems))
            return None
        if not self.confirmer(self.confirmation_text()):
            self.blow_message.setText(self.tr("已取消，未吹哨"))
            return None
        gid, lon, lat = self.place
        # (the record's text, not the interface's)
        description = typed or f"{title}。地点：{self.place_path}（{lon:.5f}, {lat:.5f}）"  # i18n: no
        wid = attempt(self, self.blow_message, lambda: whistles.blow(
            self._store, user, grid_id=gid, department_ids=self.checked_departments(),
            title=title, description=description, lon=lon, lat=lat,
            at=self._clock(), report_hours=rep, finish_hours=fin, case_id=self.from_case,
            attachments=self.attachments or None))
        if wid is not None:
            self.title_edit.clear()
            self.description_edit.clear()
            self.from_case = None
            self.set_attachments([])
            for i in range(self.dept_list.count()):
                self.dept_list.item(i).setCheckState(Qt.CheckState.Unchecked)
            self.tabs.setCurrentIndex(0)
            self._after_step(int(wid))
            self.select_whistle(int(wid))
        return wid

    # -- the live list -----------------------------------------------------------------
    def _whistles_changed(self, ids) -> None:
        """The model read changed whistles: the list, and the timeline if it shows one."""
        self.refresh()
        shown = self.timeline.whistle_id
        if shown is None or (ids is not None and shown not in ids):
            return
        row, state = self.model.state.whistles.get(shown), self.timeline.state
        if row is None or state is None or row.version != state.version:
            self.timeline.show_whistle(shown)  # (a step taken here: already shown as it is)

    def refresh(self) -> None:
        """Fill the list from the model's rows with countdowns at the clock's time (a row
        that reads as before keeps its items)."""
        if not self.model.whistles_loaded:
            return
        now = self._clock()
        selected = self.selected_id()
        if selected is None and self.timeline.whistle_id is not None:
            selected = self.timeline.whistle_id
        user = viewing_user()
        rows = (self.model.state.whistle_list(user.scope,
                                              open_only=bool(self.open_only.currentData()))
                if user.role in MATRIX["whistle.view"] else [])
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        self.row_ids = []
        shown, row_texts = self._row_texts, []
        for r, w in enumerate(rows):
            state = w.state
            if not w.is_open:
                late, status, count = False, "closed", self.tr("已办结")
            else:
                late = wm.is_overdue(state, now)
                status = wm.whistle_status(state)
                unreported = any(t.state == "blown" for t in state.tasks)
                deadline = state.report_deadline if unreported else state.finish_deadline
                count = (self.tr("报到{countdown}") if unreported
                         else self.tr("办结{countdown}")).format(
                    countdown=countdown_text(work_hours_left(now, deadline)))
            marks = " ".join(m for m, on in (
                (self.tr("二次哨"), w.round == 2), (self.tr("督办"), w.supervised),
                (self.tr("问责"), w.accountability)) if on)
            texts = (w.id, late, w.title, status, count, marks, w.round)
            self.row_ids.append(w.id)
            row_texts.append(texts)
            if r < len(shown) and shown[r] == texts:
                continue  # the row reads as before: its items stay
            first = item(w.title, data=w.id, alert=late, accent=w.round == 2 and not late)
            first.setToolTip(f"{w.code} {w.title}")
            self.table.setItem(r, 0, first)
            self.table.setItem(r, 1, item(domain_text(wm.STATUS_NAMES[status]), alert=late))
            self.table.setItem(r, 2, item(count, alert=late))
            flags = item(marks, alert=late, accent=bool(marks) and not late)
            flags.setToolTip(marks)
            self.table.setItem(r, 3, flags)
        self._row_texts = row_texts
        self.table.clearSelection()
        if selected in self.row_ids:
            row = self.row_ids.index(selected)
            self.table.selectRow(row)
        self.table.blockSignals(False)
        self.nearby_button.setEnabled(selected is not None)
        self.setProperty("loaded", True)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        it = self.table.item(rows[0].row(), 0)
        return it.data(Qt.ItemDataRole.UserRole) if it else None

    def select_whistle(self, wid: int) -> None:
        if wid in getattr(self, "row_ids", []):
            row = self.row_ids.index(wid)
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
        else:  # not in the list (beyond its length): the timeline alone shows it
            self.table.clearSelection()
            self.nearby_button.setEnabled(True)
        if self.timeline.whistle_id != wid:
            self.whistleSelected.emit(int(wid))
        self.timeline.show_whistle(wid)

    def show_from_map(self, wid: int) -> None:
        """A whistle picked on the map: select it in the list (showing all whistles if the
        open-only filter hides it) with its timeline; the map click sets no blow place."""
        self._map_pick = True  # for on_map_click of the same click; gone after it
        QTimer.singleShot(0, self, self._forget_map_pick)
        if wid not in getattr(self, "row_ids", []) and self.open_only.currentData():
            self.open_only.setCurrentIndex(self.open_only.findData(False))
        self.tabs.setCurrentIndex(0)
        self.select_whistle(wid)

    def _forget_map_pick(self) -> None:
        self._map_pick = False

    def _selected(self) -> None:
        wid = self.selected_id()
        self.nearby_button.setEnabled(wid is not None)
        if wid is not None:
            if self.timeline.whistle_id != wid:
                self.whistleSelected.emit(int(wid))
            self.timeline.show_whistle(wid)

    def offer_cameras(self) -> None:
        """Show "附近摄像头" (called by the plugin listening to nearbyCamerasRequested)."""
        self.nearby_button.setVisible(True)

    def request_nearby_cameras(self) -> None:
        """Ask for the cameras around the selected whistle's place."""
        wid = self.selected_id()
        if wid is None:  # picked on the map but not in the list: the timeline's whistle
            wid = self.timeline.whistle_id
        rows = self._store.rows("SELECT lon, lat, code FROM whistles WHERE id = ?",
                                [wid]) if wid is not None else []
        if rows:
            lon, lat, code = rows[0]
            self.nearbyCamerasRequested.emit(float(lon), float(lat),
                                             self.tr("哨令 {code}").format(code=code))

    def _after_step(self, wid: int) -> None:
        """A step taken here: the list follows when the model has read the change."""
        self.changed.emit(wid)
