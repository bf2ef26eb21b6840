"""The map's right-click menu (地图右键菜单): 复制坐标, 查询此处, 附近摄像头, and the
entries other panels add (在此吹哨, 在此登记案件) through :meth:`MapContextMenu.add_action`.

Callbacks take the place clicked in the map's local metres (as ``canvas.mapClicked``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import qtawesome as qta
from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QWidget

from ui import theme

if TYPE_CHECKING:
    from app.video.registry import NearbyCamera

log = logging.getLogger(__name__)

#: cameras this close (metres) are offered under 附近摄像头
NEARBY_RADIUS_M = 300.0
#: at most this many of them, nearest first
NEARBY_MAX = 10


def coordinate_text(lon: float, lat: float) -> str:
    """CGCS2000 longitude, latitude as the status bar shows them (6 decimals, lon first),
    plain enough to paste into another GIS."""
    return f"{lon:.6f}, {lat:.6f}"


@dataclass
class MapMenuEntry:
    """An entry added by a panel: its text, icon, what it does at (x, y), and whether it
    may be chosen there (None: always)."""

    text: str
    icon_name: str | None
    callback: Callable[[float, float], None]
    enabled: Callable[[float, float], bool] | None = None


class MapContextMenu(QObject):
    """Built anew for each right click (the entries depend on the place)."""

    def __init__(self, window, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self.entries: list[MapMenuEntry] = []
        #: the menu shown last (tests read its actions)
        self.menu: QMenu | None = None
        window.canvas.contextRequested.connect(self.popup)

    def add_action(self, text: str, icon_name: str | None,
                   callback: Callable[[float, float], None],
                   enabled: Callable[[float, float], bool] | None = None) -> MapMenuEntry:
        """Add an entry below the built-in ones (``text`` already translated)."""
        entry = MapMenuEntry(text, icon_name, callback, enabled)
        self.entries.append(entry)
        return entry

    def remove_action(self, entry: MapMenuEntry) -> None:
        if entry in self.entries:
            self.entries.remove(entry)

    # -- the menu --------------------------------------------------------------------------
    def build(self, x: float, y: float) -> QMenu:
        """The menu for local (x, y)."""
        w = self._window
        lon, lat = (float(v) for v in w.district_map.frame.to_lonlat(x, y))
        menu = QMenu(w)
        menu.setObjectName("MapContextMenu")
        coords = coordinate_text(lon, lat)
        copy = menu.addAction(_icon("mdi6.content-copy"),
                              self.tr("复制坐标 {coords}").format(coords=coords))
        copy.setObjectName("copy_coordinates")
        copy.triggered.connect(lambda: self.copy_coordinates(x, y))
        here = menu.addAction(_icon("mdi6.information-outline"), self.tr("查询此处"))
        here.setObjectName("identify_here")
        here.triggered.connect(lambda: w.click_at(x, y))
        self._add_cameras(menu, x, y)
        if self.entries:
            menu.addSeparator()
        for entry in self.entries:
            action = menu.addAction(_icon(entry.icon_name), entry.text)
            if entry.enabled is not None:
                try:
                    action.setEnabled(bool(entry.enabled(x, y)))
                except Exception:  # a panel's check must not cost the menu
                    log.exception("map menu entry %r: enabled() failed", entry.text)
                    action.setEnabled(False)
            action.triggered.connect(lambda _c=False, e=entry: e.callback(x, y))
        self.menu = menu
        return menu

    def popup(self, x: float, y: float, global_pos: QPoint) -> None:
        menu = self.build(x, y)
        menu.popup(global_pos)

    def copy_coordinates(self, x: float, y: float) -> str:
        """Put the place's CGCS2000 lon/lat on the clipboard; the text put there."""
        lon, lat = (float(v) for v in self._window.district_map.frame.to_lonlat(x, y))
        text = coordinate_text(lon, lat)
        QGuiApplication.clipboard().setText(text)
        status = getattr(self._window, "map_status", None)
        if status is not None:
            status.showMessage(self.tr("已复制坐标 {coords}（CGCS2000）").format(coords=text), 4000)
        return text

    # -- cameras nearby --------------------------------------------------------------------
    def _wall(self):
        dock = getattr(self._window, "docks", {}).get("video_wall")
        wall = dock.widget() if dock is not None else None
        return wall if wall is not None and hasattr(wall, "open_camera") else None

    def nearby_cameras(self, x: float, y: float) -> list[NearbyCamera]:
        """The cameras within :data:`NEARBY_RADIUS_M` of local (x, y), nearest first."""
        wall = self._wall()
        registry = getattr(wall, "registry", None) if wall is not None else None
        if registry is None or not len(registry):
            return []
        frame = self._window.district_map.frame
        return registry.nearest(x + frame.origin_x, y + frame.origin_y, NEARBY_MAX,
                                NEARBY_RADIUS_M)

    def _add_cameras(self, menu: QMenu, x: float, y: float) -> None:
        sub = menu.addMenu(_icon("mdi6.cctv"), self.tr("附近摄像头"))
        sub.menuAction().setObjectName("nearby_cameras")
        if self._wall() is None:
            sub.menuAction().setEnabled(False)
            sub.menuAction().setToolTip(self.tr("视频墙不可用"))
            return
        found = self.nearby_cameras(x, y)
        if not found:
            none = sub.addAction(self.tr("{radius} 米内没有摄像头").format(
                radius=round(NEARBY_RADIUS_M)))
            none.setEnabled(False)
            return
        for near in found:
            cam = near.camera
            text = self.tr("{code} {name} · {distance} 米").format(
                code=cam.code, name=cam.name, distance=round(near.distance_m))
            if not cam.online:
                text += self.tr("（离线）")
            action = sub.addAction(text)
            action.setData(cam.code)
            action.triggered.connect(lambda _c=False, code=cam.code: self.show_camera(code))

    def show_camera(self, code: str) -> bool:
        """Open camera ``code`` on the video wall, which is shown and raised."""
        wall = self._wall()
        if wall is None:
            return False
        dock = self._window.docks.get("video_wall")
        dock.show()
        dock.raise_()
        wall.open_camera(code)
        cam = wall.registry.get(code)
        search = getattr(self._window, "map_search", None)
        if cam is not None and search is not None:  # and where it is on the map
            frame = self._window.district_map.frame
            search.ring(cam.x - frame.origin_x, cam.y - frame.origin_y)
        return True


def _icon(name: str | None) -> QIcon:
    if not name:
        return QIcon()
    try:
        return qta.icon(name, color=theme.ACCENT, color_active="#ffffff")
    except Exception:  # an unknown icon name must not cost the entry
        log.warning("map menu: unknown icon %r", name)
        return QIcon()


def menu_texts(menu: QWidget) -> list[str]:
    """The texts of a menu's actions (tests)."""
    return [a.text() for a in menu.actions() if not a.isSeparator()]
