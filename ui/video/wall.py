"""The video wall (视频墙): tiles in a layout, drag-and-drop, full-size tile, tour, presets."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.clock import Clock, district_clock
from app.video.layouts import LAYOUTS, LayoutBook, LayoutError, NamedLayout, layout
from app.video.registry import Camera, CameraRegistry
from app.video.streams import snapshot_path
from app.video.tour import TourScheduler
from ui.video.tile import VideoTile

MAX_TILES = 16
#: the preferences (app.preferences) this wall follows and remembers
PREF_TAKEOVER, PREF_TILE = "wall_takeover", "wall_takeover_tile"


def _save_pref(key: str, value) -> None:
    """Remember ``key`` in the operator's preferences (ui.settings.remember)."""
    from ui.settings import remember

    remember(**{key: value})


def _follow_preferences(wall: VideoWall, prefs) -> None:
    """The settings dialog saved: the take-over as it says (values already so are left
    alone, which ends the save they would echo)."""
    if prefs.wall_takeover != wall.auto_takeover:
        wall.set_auto_takeover(prefs.wall_takeover)
    if prefs.wall_takeover_tile != wall.takeover_tile:
        wall.set_takeover_tile(prefs.wall_takeover_tile)


def display_rate(tile_count: int) -> float:
    """Pictures per second each tile shows: full rate for a few big tiles, less for many
    small ones (measured on a 2-core machine: 720p25 tiles stutter beyond about 6 at
    full rate; see ui/video/measure.py)."""
    return 25.0 if tile_count <= 4 else 15.0 if tile_count <= 9 else 10.0


def is_small(lay, index: int) -> bool:
    """A tile covering less than a quarter of the wall (every tile of 9 and 16, the small
    ones of 1+5 and 1+7) plays the sub-stream."""
    r = lay.tiles[index]
    return r.row_span * r.col_span * 4 < lay.size * lay.size


class VideoWall(QWidget):
    """Tiles arranged by a :class:`~app.video.layouts.WallLayout`, with a small control bar."""

    layoutChanged = Signal(str)
    tourChanged = Signal(bool)

    def __init__(self, registry: CameraRegistry, *, book: LayoutBook | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 district_time: Clock | None = None,
                 parent: QWidget | None = None) -> None:
        """``clock``: monotonic seconds for the tour; ``district_time``: the time of day
        the tiles show and snapshots are named by (the district clock by default)."""
        super().__init__(parent)
        self.registry = registry
        self._book = book
        self._clock = clock
        self.district_time = district_time or district_clock()
        self.layout_key = "4"
        self.maximized: VideoTile | None = None
        self.tour: TourScheduler | None = None
        self._placed = False
        self.tiles = [VideoTile(i, self) for i in range(MAX_TILES)]
        for t in self.tiles:
            t.clock = self.district_time
        #: when each tile was last touched by the operator or taken by an alarm (clock s)
        self._touched_at = [float("-inf")] * MAX_TILES
        # an urgent case may take over a tile: on/off and which tile (0: the least
        # recently used one, k: tile k) are the operator's settings at this workstation
        from ui.lifetime import connect_while
        from ui.settings import hub, preferences

        prefs = preferences()
        self.auto_takeover, self.takeover_tile = prefs.wall_takeover, prefs.wall_takeover_tile
        connect_while(self, hub().changed, lambda p: _follow_preferences(self, p))
        for t in self.tiles:
            t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            t.customContextMenuRequested.connect(lambda pos, t=t: self._tile_menu(t, pos))
            t.cameraDropped.connect(lambda code, t=t: self._drop(t, code))
            t.doubleClicked.connect(lambda t=t: self.toggle_maximized(t))
            t.interacted.connect(lambda t=t: self._touched(t))
            t.hide()
        self.current = self.tiles[0]

        self.layout_box = QComboBox(self)
        for key in LAYOUTS:
            self.layout_box.addItem(self.tr("{layout} 画面").format(layout=key), key)
        self.layout_box.currentIndexChanged.connect(
            lambda _i: self.set_layout(self.layout_box.currentData()))
        self.tour_button = QPushButton(self.tr("轮巡"), self, checkable=True)
        self.tour_button.setToolTip(self.tr("按间隔轮流显示当前摄像头列表 (操作时暂停)"))
        self.tour_button.toggled.connect(self._tour_toggled)
        self.interval = QSpinBox(self, minimum=5, maximum=600, value=15, suffix=self.tr(" 秒"))
        self.presets = QComboBox(self)
        self.presets.setPlaceholderText(self.tr("预案"))
        self.presets.activated.connect(lambda _i: self.recall(self.presets.currentText()))
        save = QPushButton(self.tr("保存预案"), self, clicked=self._ask_save)
        self.alarm_button = self._build_alarm_menu()
        self.status = QLabel("", self)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (self.layout_box, self.tour_button, self.interval, self.presets, save,
                  self.alarm_button):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        self.grid = QGridLayout()
        self.grid.setSpacing(2)
        self.grid.setContentsMargins(0, 0, 0, 0)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(bar)
        box.addLayout(self.grid, 1)
        # a fixed minimum: one that follows the layout changes with every split, and
        # platforms without propagateSizeHints() (offscreen, floating docks) warn each time
        self.setMinimumSize(320, 200)
        self._tour_timer = QTimer(self, interval=250, timeout=self._tour_tick)
        self._refresh_presets()
        self.set_layout("4")
        # the tile clocks tick even when the picture is frozen (a stalled stream)
        self._clock_timer = QTimer(self, interval=1000, timeout=self._repaint_clocks)
        self._clock_timer.start()
        #: the cameras are read off the GUI thread (see plugins.video_wall); until then the
        #: registry is empty and the status says so
        self.setProperty("camerasLoaded", False)
        self.status.setText(self.tr("加载中…"))

    def set_registry(self, registry: CameraRegistry | None, *, error: str | None = None) -> None:
        """The district's cameras have arrived (None: they could not be read, ``error``
        says why); tiles already showing a camera keep it."""
        self.registry = registry if registry is not None else CameraRegistry([])
        self.status.setText(error or "")
        self.setProperty("camerasLoaded", True)

    # -- alarm take-over settings -----------------------------------------------------------
    def _build_alarm_menu(self) -> QToolButton:
        button = QToolButton(self)
        button.setText(self._takeover_text())
        button.setToolTip(self.tr("新的紧急案件自动占用一个画面显示最近的摄像头 (红框标出，轮巡暂停)"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        self.takeover_action = QAction(self.tr("紧急案件自动接管画面"), menu, checkable=True,
                                       checked=self.auto_takeover)
        self.takeover_action.toggled.connect(self.set_auto_takeover)
        menu.addAction(self.takeover_action)
        menu.addSeparator()
        self.tile_actions = QActionGroup(menu)
        for k in range(MAX_TILES + 1):
            a = QAction(self.tr("最久未操作的画面") if k == 0 else self.tr("画面 {n}").format(n=k),
                        menu, checkable=True,
                        checked=k == self.takeover_tile)
            a.setData(k)
            self.tile_actions.addAction(a)
            menu.addAction(a)
        self.tile_actions.triggered.connect(lambda a: self.set_takeover_tile(a.data()))
        button.setMenu(menu)
        return button

    def _takeover_text(self) -> str:
        return self.tr("告警接管") if self.auto_takeover else self.tr("告警接管 (关)")

    def set_auto_takeover(self, on: bool) -> None:
        """Switch the automatic take-over on or off (remembered at this workstation)."""
        self.auto_takeover = bool(on)
        if self.takeover_action.isChecked() != self.auto_takeover:
            self.takeover_action.setChecked(self.auto_takeover)
        self.alarm_button.setText(self._takeover_text())
        _save_pref(PREF_TAKEOVER, self.auto_takeover)

    def set_takeover_tile(self, k: int) -> None:
        """0: the least recently used tile takes an alarm; k: always tile k (remembered)."""
        self.takeover_tile = max(0, min(MAX_TILES, int(k)))
        for a in self.tile_actions.actions():
            if a.data() == self.takeover_tile and not a.isChecked():
                a.setChecked(True)
        _save_pref(PREF_TILE, self.takeover_tile)

    def takeover_target(self) -> VideoTile:
        """The tile an alarm takes: the configured one (if the layout has it), else the
        one the operator left alone longest (ties: the first, i.e. the big tile)."""
        tiles = self.active_tiles()
        if 0 < self.takeover_tile <= len(tiles):
            return tiles[self.takeover_tile - 1]
        return min(tiles, key=lambda t: (self._touched_at[t.index], t.index))

    def alarm_tiles(self) -> list[VideoTile]:
        return [t for t in self.active_tiles() if t.alarm]

    # -- placement -----------------------------------------------------------------------
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._placed:
            self._placed = True
            self._place_beside_map()

    def _place_beside_map(self) -> None:
        """First time shown from its default place (the top strip, where 16:9 tiles come
        out as thin slivers): move beside the map, half the window wide. A place the
        operator chose later is kept by the window's saved state."""
        from PySide6.QtWidgets import QDockWidget, QMainWindow

        dock = self.parentWidget()
        main = dock.parentWidget() if dock is not None else None
        if not isinstance(dock, QDockWidget) or not isinstance(main, QMainWindow):
            return
        if dock.isFloating() or main.dockWidgetArea(dock) != Qt.DockWidgetArea.TopDockWidgetArea:
            return
        if getattr(main, "restored", False):
            return  # the docks are where the operator left them last time
        # a column of its own at the right edge, the other right-hand panels keep theirs
        main.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock,
                           Qt.Orientation.Horizontal)
        main.resizeDocks([dock], [int(main.width() * 0.42)], Qt.Orientation.Horizontal)

    # -- layout --------------------------------------------------------------------------
    def active_tiles(self) -> list[VideoTile]:
        return self.tiles[:layout(self.layout_key).count]

    def set_layout(self, key: str) -> None:
        lay = layout(key)
        self.layout_key = key
        self.maximized = None
        for t in self.tiles:
            self.grid.removeWidget(t)
        for i, t in enumerate(self.tiles):
            if i < lay.count:
                r = lay.tiles[i]
                self.grid.addWidget(t, r.row, r.col, r.row_span, r.col_span)
        for i in range(4):
            self.grid.setRowStretch(i, 1 if i < lay.size else 0)
            self.grid.setColumnStretch(i, 1 if i < lay.size else 0)
        for i, t in enumerate(self.tiles):
            t.setVisible(i < lay.count)  # hidden tiles stop decoding
            t.set_display_rate(display_rate(lay.count))
            # small tiles play the cameras' sub-streams, big ones the main stream
            t.set_substream(i < lay.count and is_small(lay, i))
        self.grid.activate()
        idx = self.layout_box.findData(key)
        if idx != self.layout_box.currentIndex():
            self.layout_box.blockSignals(True)
            self.layout_box.setCurrentIndex(idx)
            self.layout_box.blockSignals(False)
        if self.tour is not None:
            self.tour.page_size = lay.count
        self.layoutChanged.emit(key)

    def toggle_maximized(self, tile: VideoTile) -> None:
        """Double-click: the tile fills the wall; again (or Esc) returns to the layout."""
        if self.maximized is not None:
            self.set_layout(self.layout_key)
            return
        self.maximized = tile
        for t in self.tiles:
            if t is not tile:
                t.hide()
        lay = layout(self.layout_key)
        self.grid.removeWidget(tile)
        self.grid.addWidget(tile, 0, 0, lay.size, lay.size)
        tile.set_display_rate(display_rate(1))
        tile.set_substream(False)  # full size: the main stream
        self.grid.activate()
        tile.setFocus()

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Escape and self.maximized is not None:
            self.set_layout(self.layout_key)
            return
        super().keyPressEvent(ev)

    # -- cameras -------------------------------------------------------------------------
    def show_camera(self, index: int, camera: Camera | str | None) -> None:
        cam = self.registry.get(camera) if isinstance(camera, str) else camera
        self.tiles[index].set_camera(cam)

    def open_cameras(self, cameras: Sequence[Camera | str | None], *,
                     reason: str | None = None) -> None:
        """Put cameras on the wall from the first tile on (a bigger layout if needed)."""
        n = len(cameras)
        if n > layout(self.layout_key).count:
            fit = min((k for k, lay in LAYOUTS.items() if lay.count >= n and "+" not in k),
                      key=lambda k: LAYOUTS[k].count, default="16")
            self.set_layout(fit)
        if reason and self.tour is not None:
            self.tour.pause(reason)
        for i, t in enumerate(self.active_tiles()):
            t.set_alarm(None)
            t.set_camera(None)
            if i < n:
                self.show_camera(i, cameras[i])

    def open_camera(self, camera: Camera | str) -> None:
        """Show one camera in the selected tile, then move the selection on."""
        tiles = self.active_tiles()
        tile = self.current if self.current in tiles else tiles[0]
        tile.set_alarm(None)
        self._touched_at[tile.index] = self._clock()
        self.show_camera(tile.index, camera)
        self._select(tiles[(tiles.index(tile) + 1) % len(tiles)])

    def alarm(self, camera: Camera | str, reason: str | None = None) -> VideoTile | None:
        """An alarm or urgent case takes a tile (see :meth:`takeover_target`), framed in
        red with ``reason`` until the operator acknowledges it by touching the tile; the
        tour pauses and leaves that tile alone.  None when take-over is switched off or
        the camera is unknown."""
        cam = self.registry.get(camera) if isinstance(camera, str) else camera
        if not self.auto_takeover or cam is None:
            return None
        reason = reason or self.tr("告警")
        if self.maximized is not None:
            self.set_layout(self.layout_key)  # an alarm must not hide behind a full-size tile
        tile = self.takeover_target()
        tile.set_camera(cam)
        tile.set_alarm(reason)
        self._touched_at[tile.index] = self._clock()
        if self.tour is not None:
            self.tour.pause(reason)
            self._show_tour_status()
        self.status.setText(f"{reason}: {cam.name}")
        return tile

    def snapshot(self, tile: VideoTile) -> Path | None:
        """Save the tile's picture as evidence; the path, or None without a picture."""
        if tile.camera is None:
            return None
        path = snapshot_path(tile.camera.code, self.district_time.now())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status.setText(self.tr("无法保存截图: {reason}").format(reason=exc.strerror))
            return None
        if not tile.snapshot(path):
            self.status.setText(self.tr("没有可保存的画面"))
            return None
        self.status.setText(self.tr("截图已保存 {path}").format(path=path))
        return path

    def _tile_menu(self, tile: VideoTile, pos) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("截图取证"), lambda: self.snapshot(tile)).setEnabled(
            tile.image is not None)
        menu.addAction(self.tr("还原") if self.maximized is tile else self.tr("全屏"),
                       lambda: self.toggle_maximized(tile))
        menu.addAction(self.tr("关闭画面"), lambda: tile.set_camera(None)).setEnabled(
            tile.camera is not None)
        self._touched(tile)
        menu.popup(tile.mapToGlobal(pos))

    def cameras_shown(self) -> list[str | None]:
        return [t.camera.code if t.camera else None for t in self.active_tiles()]

    def _drop(self, tile: VideoTile, code: str) -> None:
        cam = self.registry.get(code)
        if cam is None:
            self.status.setText(self.tr("未知摄像头 {code}").format(code=code))
            return
        tile.set_alarm(None)
        tile.set_camera(cam)
        self._select(tile)

    def _touched(self, tile: VideoTile) -> None:
        self._touched_at[tile.index] = self._clock()
        if tile.alarm:  # the operator has seen it: acknowledged
            self.status.setText(self.tr("已确认 {alarm}").format(alarm=tile.alarm))
            tile.set_alarm(None)
        self._select(tile)
        if self.tour is not None and not self.tour.paused:
            self.tour.pause("interaction")
            self._show_tour_status()

    def _select(self, tile: VideoTile) -> None:
        self.current.selected = False
        self.current.update()
        self.current = tile
        tile.selected = True
        tile.update()

    def _repaint_clocks(self) -> None:
        for t in self.active_tiles():
            if t.isVisible():
                t.update()

    # -- tour ----------------------------------------------------------------------------
    def start_tour(self, cameras: Sequence[str], interval_s: float | None = None) -> None:
        """Cycle ``cameras`` through the current layout every ``interval_s`` seconds."""
        interval = float(interval_s if interval_s is not None else self.interval.value())
        self.tour = TourScheduler(cameras, layout(self.layout_key).count, interval,
                                  clock=self._clock)
        self._apply_page(self.tour.cameras_on_page())
        self._tour_timer.start()
        self.tour_button.blockSignals(True)
        self.tour_button.setChecked(True)
        self.tour_button.blockSignals(False)
        self._show_tour_status()
        self.tourChanged.emit(True)

    def stop_tour(self) -> None:
        self.tour = None
        self._tour_timer.stop()
        self.tour_button.blockSignals(True)
        self.tour_button.setChecked(False)
        self.tour_button.blockSignals(False)
        self.status.setText("")
        self.tourChanged.emit(False)

    #: set by the camera list: which cameras the tour button tours
    tour_source: Callable[[], list[str]] | None = None

    def _tour_toggled(self, on: bool) -> None:
        if not on:
            self.stop_tour()
            return
        codes = self.tour_source() if self.tour_source else [c.code for c in
                                                                self.registry.cameras]
        if not codes:
            self.stop_tour()
            return
        self.start_tour(codes)

    def _tour_tick(self) -> None:
        if self.tour is None:
            return
        self._hold_for_alarms()
        page = self.tour.tick()
        if page is not None:
            self._apply_page(page)
        self._hold_for_alarms()  # a quiet time that ran out does not end an alarm
        self._show_tour_status()

    def _hold_for_alarms(self) -> None:
        """The tour stays paused while a tile shows an unacknowledged alarm."""
        alarms = self.alarm_tiles()
        if alarms and self.tour is not None and not self.tour.paused:
            self.tour.pause(alarms[0].alarm or self.tr("告警"))

    def _apply_page(self, page: list[str | None]) -> None:
        for t, code in zip(self.active_tiles(), page, strict=False):
            if t.alarm:
                continue  # an alarm's camera stays until the operator has seen it
            if (t.camera.code if t.camera else None) != code:
                t.set_camera(self.registry.get(code) if code else None)

    def _show_tour_status(self) -> None:
        t = self.tour
        if t is None:
            return
        if t.paused:
            why = self.tr("操作中") if t.paused_reason == "interaction" else t.paused_reason
            self.status.setText(self.tr("轮巡暂停 ({reason})").format(reason=why))
        else:
            self.status.setText(self.tr("轮巡 {page}/{pages} · {seconds} 秒后切换").format(
                page=t.page + 1, pages=t.page_count, seconds=f"{t.due_in():.0f}"))

    # -- named layouts -------------------------------------------------------------------
    def save_preset(self, name: str) -> None:
        if self._book is None:
            raise LayoutError("no settings file for wall layouts")
        self._book.save(NamedLayout(name, self.layout_key, self.cameras_shown()))
        self._refresh_presets()

    def recall(self, name: str) -> None:
        if self._book is None or not name:
            return
        try:
            named = self._book.get(name)
        except LayoutError as exc:
            self.status.setText(str(exc))
            return
        self.set_layout(named.layout)
        for i, t in enumerate(self.active_tiles()):
            t.set_alarm(None)
            code = named.cameras[i] if i < len(named.cameras) else None
            t.set_camera(self.registry.get(code) if code else None)

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("保存预案"), self.tr("预案名称:"))
        if ok and name.strip():
            try:
                self.save_preset(name.strip())
            except LayoutError as exc:
                self.status.setText(str(exc))

    def _refresh_presets(self) -> None:
        self.presets.clear()
        if self._book is not None:
            self.presets.addItems(self._book.names())
