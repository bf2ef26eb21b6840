"""The map's search box (地图搜索, Ctrl+F): type a code or a name, ↓/↑ through the
hits, Enter zooms there and selects it - a grid unit through the window's selection,
a case opens its card, a worker his card, a camera, building or merchant is ringed.

The index (:mod:`app.search`) is built off the GUI thread once the window has loaded
(a cursor of its own), again when demonstration mode changes; cases registered later
are added as the district model names them.
"""

from __future__ import annotations

import logging

import numpy as np
import qtawesome as qta
import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QObject,
    QPointF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QKeySequence, QPainterPath
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from app.privacy.demo import demo_mode
from app.search import SearchHit, SearchIndex, add_cases, build_index
from app.store import StoreError
from ui import theme
from ui.background import BackgroundWork
from ui.map.layers.base import MapPathItem, cosmetic_pen

log = logging.getLogger(__name__)

#: kind -> its name in the hit list (translated where shown, context "MapSearch")
KIND_NAMES = {
    "district": QT_TRANSLATE_NOOP("MapSearch", "区"),
    "street": QT_TRANSLATE_NOOP("MapSearch", "街道"),
    "community": QT_TRANSLATE_NOOP("MapSearch", "社区"),
    "grid": QT_TRANSLATE_NOOP("MapSearch", "网格"),
    "case": QT_TRANSLATE_NOOP("MapSearch", "案件"),
    "worker": QT_TRANSLATE_NOOP("MapSearch", "人员"),
    "camera": QT_TRANSLATE_NOOP("MapSearch", "摄像头"),
    "building": QT_TRANSLATE_NOOP("MapSearch", "建筑"),
    "merchant": QT_TRANSLATE_NOOP("MapSearch", "商户"),
}
KIND_ICONS = {
    "district": "mdi6.map-outline", "street": "mdi6.map-outline",
    "community": "mdi6.home-group", "grid": "mdi6.grid", "case": "mdi6.alert-circle-outline",
    "worker": "mdi6.account", "camera": "mdi6.cctv", "building": "mdi6.office-building",
    "merchant": "mdi6.storefront-outline",
}
#: the view's width (metres) when zooming to a point of this kind
POINT_VIEW_M = {"case": 400.0, "worker": 600.0, "camera": 300.0, "building": 250.0,
                "merchant": 250.0}
#: how long a ring stays around a camera, building or merchant
RING_MS = 6000
#: typing pauses this long before the query runs (a query is a few ms; typing is faster)
QUERY_DELAY_MS = 40
GRID_KINDS = ("district", "street", "community", "grid")
_BOX_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Up,
             Qt.Key.Key_Down)


class MapSearch(QFrame):
    """The search box over the map's top-left corner, with its hit list."""

    #: a hit was chosen (after the map zoomed there)
    chosen = Signal(object)

    def __init__(self, window, parent=None) -> None:
        super().__init__(parent or window.canvas)
        self._window = window
        self.setObjectName("MapSearch")
        s = theme.ui_scale()
        self.setStyleSheet(
            f"QFrame#MapSearch {{ background: rgba(11, 23, 41, 235); border: 1px solid "
            f"{theme.ACCENT}; border-radius: 4px; }}")
        self.edit = QLineEdit(self)
        self.edit.setObjectName("MapSearchEdit")
        self.edit.setPlaceholderText(self.tr("搜索网格、社区、街道、案件编号、人员、摄像头、建筑、商户"))
        self.edit.setClearButtonEnabled(True)
        self.edit.addAction(qta.icon("mdi6.magnify", color=theme.ACCENT),
                            QLineEdit.ActionPosition.LeadingPosition)
        self.list = QListWidget(self)
        self.list.setObjectName("MapSearchHits")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the box
        self.list.setIconSize(QSize(round(18 * s), round(18 * s)))  # legible on a 4K wall
        self.list.itemActivated.connect(self._item_chosen)
        self.list.itemClicked.connect(self._item_chosen)
        self.status = QLabel(self)
        self.status.setObjectName("MapSearchStatus")
        self.status.setStyleSheet(f"color: {theme.TEXT_DIM};")
        layout = QVBoxLayout(self)
        m = round(6 * s)
        layout.setContentsMargins(m, m, m, m)
        layout.setSpacing(m)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        layout.addWidget(self.list)
        self.setFixedWidth(round(600 * s))
        self.list.hide()
        self.status.hide()
        self.index: SearchIndex | None = None
        self.hits: list[SearchHit] = []
        self._building = False
        self._work = BackgroundWork(self)
        self._timer = QTimer(self, singleShot=True, interval=QUERY_DELAY_MS,
                             timeout=self.run_query)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.installEventFilter(self)
        self._ring: MapPathItem | None = None
        self._ring_timer = QTimer(self, singleShot=True, interval=RING_MS,
                                  timeout=self.clear_ring)
        self.action = QAction(qta.icon("mdi6.magnify", color=theme.ACCENT,
                                       color_active="#ffffff"), self.tr("搜索"), window)
        self.action.setToolTip(self.tr("搜索网格、案件、人员、摄像头… (Ctrl+F)"))
        self.action.setShortcut(QKeySequence.StandardKey.Find)
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(self.open)
        window.addAction(self.action)  # Ctrl+F wherever the focus is in the window
        self.move(round(12 * s), round(12 * s))
        self.hide()
        model = getattr(window, "district_model", None)
        if model is not None:
            model.casesChanged.connect(self._cases_changed)

    # -- the index ---------------------------------------------------------------------------
    def build(self) -> None:
        """Build the index in the background (again if demonstration mode changed)."""
        if self._building:
            return
        self._building = True
        self._show_status(self.tr("正在建立搜索索引…"))
        try:
            cursor = self._window.store.cursor()  # made here, used and closed by the worker
        except StoreError as exc:  # the server gone: said, and tried again once it is back
            self._failed(exc)
            return
        frame = self._window.district_map.frame

        def job():
            try:
                return build_index(cursor, frame)
            finally:
                cursor.close()

        self._work.run(job, self._built, self._failed, channel="index")

    def _built(self, index: SearchIndex) -> None:
        self._building = False
        self.index = index
        log.info("search index: %s", index.counts())
        self._show_status("")
        if self.edit.text().strip():
            self.run_query()

    def _failed(self, exc: Exception) -> None:
        self._building = False
        log.warning("search index failed: %s", exc)
        self._show_status(self.tr("搜索索引未能建立：{reason}").format(reason=str(exc).splitlines()[0]
                                                                   if str(exc) else type(exc).__name__))

    def ready(self) -> bool:
        return self.index is not None and not self._building

    def _cases_changed(self, ids) -> None:
        if self.index is None or self._building:
            return
        if ids is None:
            self.build()
            return
        try:
            add_cases(self.index, self._window.store, ids)
        except Exception as exc:  # the store may be gone for a moment (a server)
            log.warning("new cases not added to the search: %s", exc)

    # -- the box -----------------------------------------------------------------------------
    def open(self) -> None:
        """Show the box with the focus in it (Ctrl+F)."""
        if self.index is None or self.index.demo != demo_mode():
            self.build()
        self.show()
        self.raise_()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_box(self) -> None:
        self.hide()
        self._window.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def run_query(self) -> list[SearchHit]:
        text = self.edit.text()
        self.list.clear()
        self.hits = []
        if not text.strip():
            self.list.hide()
            self._show_status("" if self.index is not None else self.status.text())
            self._fit()
            return []
        if self.index is None:
            self.build()
            return []
        if self.index.demo != demo_mode():  # names indexed for the other mode: not shown
            self.build()
            return []
        self.hits = self.index.search(text)
        for hit in self.hits:
            self.list.addItem(self._item(hit))
        if self.hits:
            self.list.setCurrentRow(0)
            self._show_status("")
        else:
            self._show_status(self.tr("没有找到“{text}”").format(text=text.strip()))
        self.list.setVisible(bool(self.hits))
        self._fit()
        return self.hits

    def _item(self, hit: SearchHit) -> QListWidgetItem:
        kind = translate_kind(hit.kind)
        title = " ".join(p for p in (hit.code, hit.name) if p)
        where = hit.place
        if hit.kind == "worker" and hit.detail:
            from ui.texts import ROLE_NAMES, domain_text

            where = " · ".join(p for p in (domain_text(ROLE_NAMES.get(hit.detail, hit.detail)),
                                           where) if p)
        elif hit.kind == "merchant" and hit.detail:
            where = " · ".join(p for p in (hit.detail, where) if p)
        text = f"[{kind}] {title}" + (f"  —  {where}" if where else "")
        item = QListWidgetItem(qta.icon(KIND_ICONS.get(hit.kind, "mdi6.map-marker"),
                                        color=theme.ACCENT), text)
        return item

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self._fit()

    def _fit(self) -> None:
        s = theme.ui_scale()
        rows = min(self.list.count(), 12)
        if rows:
            row_h = max(self.list.sizeHintForRow(0), 1)
            self.list.setFixedHeight(row_h * rows + 2 * self.list.frameWidth() + 2)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            self.setMaximumHeight(max(round(120 * s), parent.height() - round(24 * s)))

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if (obj is self.edit and ev.type() == QEvent.Type.ShortcutOverride
                and ev.key() in _BOX_KEYS):
            ev.accept()  # the box's keys, not a window shortcut's (Esc leaves the big screen)
            return True
        if obj is self.edit and ev.type() == QEvent.Type.KeyPress:
            key = ev.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                if not self.list.isVisible():  # folded after a choice: open it again
                    self.list.show()
                    self._fit()
                    return True
                step = 1 if key == Qt.Key.Key_Down else -1
                row = (self.list.currentRow() + step) % self.list.count()
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():  # Enter right after typing: the query first
                    self._timer.stop()
                    self.run_query()
                self.choose(max(self.list.currentRow(), 0))
                return True
            if key == Qt.Key.Key_Escape:
                self.close_box()
                return True
        return super().eventFilter(obj, ev)

    def _item_chosen(self, item: QListWidgetItem) -> None:
        self.choose(self.list.row(item))

    # -- going there -------------------------------------------------------------------------
    def choose(self, row: int) -> SearchHit | None:
        """Zoom to hit ``row`` and select it (see the module doc)."""
        if not 0 <= row < len(self.hits):
            return None
        hit = self.hits[row]
        self.list.setCurrentRow(row)
        self.list.hide()  # the map is what the operator looks at now (↓ opens it again)
        self._fit()
        show_hit(self._window, hit, self)
        self.chosen.emit(hit)
        return hit

    def ring(self, x: float, y: float, radius_px: float = 22.0) -> None:
        """A ring around local (x, y) for a few seconds."""
        self.clear_ring()
        canvas = self._window.canvas
        r = radius_px * theme.ui_scale() * canvas.metres_per_pixel()
        path = QPainterPath()
        path.addEllipse(QPointF(x, y), r, r)
        self._ring = MapPathItem(path, cosmetic_pen(theme.qcolor(theme.HIGHLIGHT),
                                                    max(3, round(4 * theme.ui_scale()))),
                                 QBrush(theme.qcolor(theme.HIGHLIGHT, 50)))
        canvas.add_item(self._ring, z=1_000_005.0)
        self._ring_timer.start()

    def clear_ring(self) -> None:
        if self._ring is not None and shiboken6.isValid(self._window.canvas):
            self._window.canvas.remove_item(self._ring)
        self._ring = None


def translate_kind(kind: str) -> str:
    from ui.i18n import translate

    return translate("MapSearch", KIND_NAMES.get(kind, kind))


def show_hit(window, hit: SearchHit, search: MapSearch | None = None) -> None:
    """Zoom the map to ``hit`` and select it."""
    canvas = window.canvas
    if hit.kind in GRID_KINDS:
        bounds = unit_bounds(window.district_map, hit.id)
        if hit.kind == "district":
            canvas.zoom_to_extent()
        elif bounds is not None:
            x0, y0, x1, y1 = bounds
            canvas.viewbox.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.15)
        window.selection.select(hit.id)
        return
    x, y = hit.x, hit.y
    if hit.kind == "worker":
        x, y = worker_position(window, hit.id) or (x, y)
    half = POINT_VIEW_M.get(hit.kind, 400.0) / 2
    if np.isfinite(x) and np.isfinite(y):
        canvas.viewbox.setRange(xRange=(x - half, x + half), yRange=(y - half, y + half),
                                padding=0.0)
    if hit.kind == "case":
        window.case_card.show_case(hit.id)
    elif hit.kind == "worker":
        show_worker(window, hit.id)
    elif search is not None:
        search.ring(x, y)


def unit_bounds(dmap, unit_id: int) -> tuple[float, float, float, float] | None:
    """The bounds of grid unit ``unit_id`` in local metres."""
    for level in dmap.levels.values():
        where = np.flatnonzero(level.ids == unit_id)
        if len(where):
            return tuple(float(v) for v in level.geoms[where[0]].bounds)
    return None


def worker_position(window, worker_id: int) -> tuple[float, float] | None:
    """Where the live feed last put ``worker_id`` (local metres), if on patrol now."""
    try:
        view = window.canvas.view("patrol")
        ids = window.patrol.roster.ids
        where = np.flatnonzero(ids == worker_id)
        if not len(where):
            return None
        t, xs, ys = view.fixes_of(int(where[0]))
        if len(xs):
            last = int(np.argmax(t))
            return float(xs[last]), float(ys[last])
    except (KeyError, AttributeError, TypeError, ValueError):
        return None
    return None


def show_worker(window, worker_id: int) -> bool:
    """The worker's card (as a click on him on the map shows it)."""
    from app.feed.worker_record import worker_record

    c = window.patrol_controller
    live = None
    try:
        ids = window.patrol.roster.ids
        where = np.flatnonzero(ids == worker_id)
        if len(where):
            live = window.canvas.view("patrol").fixes_of(int(where[0]))
    except (KeyError, AttributeError):
        live = None
    rec = worker_record(window.store, window.district_map.frame, worker_id, c.day_start,
                        c.shown_time(), live=live)
    if rec is None:
        return False
    window.case_card.hide()
    window.worker_card.show_record(rec)
    return True
