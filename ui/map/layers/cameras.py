"""Cameras on the map (视频点位): a symbol per owner department and the view direction.

A layer of the map's stack (id ``cameras``, added by the video wall plugin, so the
layer panel shows, hides and reorders it like the others) and filtered by owner
department from the camera list: one scatter item per owner department,
shape and colour both differing, offline cameras hollow; the two edges of each
field of view as one path, shown only when zoomed in close enough to read them.
Clicking near a camera picks it (the wall opens it); dragging a camera symbol
carries its code (``drag_mime``) onto a wall tile, while a drag beside the
symbols still pans the map.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QDrag

from app.domain.departments import DEPARTMENTS
from app.map.cameras import CameraLayerData
from app.map.layer_stack import MapLayer
from ui.i18n import translate
from ui.map.layers.base import LayerView, MapPathItem, cosmetic_pen, register_view
from ui.map.layers.legend_entries import LegendEntry, LegendSection, colour

#: (symbol, colour) per owner: 公安 police, 教育 education, 卫健 health, 应急 emergency, 民政 civil
OWNER_STYLE = {
    "GA": ("t1", "#3da5ff"),
    "JY": ("o", "#ffd84d"),
    "WJ": ("d", "#ff5c7a"),
    "YJ": ("s", "#ff9a3c"),
    "MZ": ("h", "#b07cff"),
}
OTHER_STYLE = ("p", "#9aa7b4")
#: owner code -> short name (data, shown as it is)
DEPARTMENT_NAMES = {d.code: d.short_name for d in DEPARTMENTS}
SYMBOL_PX = 11
#: finer than this (metres per pixel) the view directions are drawn
VIEW_MPP = 1.5
VIEW_LENGTH_M = 25.0
PICK_PX = 8
LAYER_ID = "cameras"


class _CameraScatter(pg.ScatterPlotItem):
    """Scatter whose symbols can be dragged out of the map as camera codes."""

    def __init__(self, overlay: CameraView, **kw) -> None:
        super().__init__(**kw)
        self._overlay = overlay
        self._dragging = False

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self._overlay.drag_mime is None:
            ev.ignore()
            return
        if ev.isStart():
            pts = self.pointsAt(ev.buttonDownPos())
            if len(pts) == 0:
                ev.ignore()  # not on a camera: the map pans
                return
            p = pts[0].pos()
            code = self._overlay.data.nearest_shown(p.x(), p.y(), 0.01)
            if code is None:
                ev.ignore()
                return
            ev.accept()
            self._dragging = True
            self._overlay.start_drag(code)
            return
        if self._dragging:
            ev.accept()  # the rest of this gesture belongs to the drag, not to panning
            if ev.isFinish():
                self._dragging = False
        else:
            ev.ignore()


@register_view(CameraLayerData)
class CameraView(LayerView):
    """The cameras of :class:`CameraLayerData` on a :class:`MapCanvas`.  ``on_pick(code)``
    is called for a click on a camera; ``drag_mime`` lets symbols be dragged out."""

    on_pick: Callable[[str], None] | None = None
    drag_mime: str | None = None

    def build(self) -> None:
        data: CameraLayerData = self.layer.data
        self.data = data
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        for owner in data.owners():
            symbol, colour = OWNER_STYLE.get(owner, OTHER_STYLE)
            item = _CameraScatter(self, pxMode=True, symbol=symbol, size=SYMBOL_PX,
                                  # a white rim: readable on the blue 2.5D buildings
                                  pen=pg.mkPen(255, 255, 255, 200, width=1))
            self.add(item, dz=1)
            self.scatters[owner] = item
            self._fill(owner, colour)
        self.views = self.add(MapPathItem(pg.QtGui.QPainterPath(),
                                          cosmetic_pen(QColor(230, 240, 255, 110))))
        self._views_built = False
        self.canvas.viewChanged.connect(self._level_of_detail)
        self.canvas.mapClicked.connect(self._clicked)
        self.refresh()

    @property
    def visible(self) -> bool:
        return self.is_visible()

    def _fill(self, owner: str, colour: str) -> None:
        mask = self.data.department == owner
        online = self.data.online[mask]
        solid, hollow = pg.mkBrush(colour), pg.mkBrush(0, 0, 0, 0)
        self.scatters[owner].setData(x=self.data.x[mask], y=self.data.y[mask],
                                     brush=[solid if o else hollow for o in online])

    def set_departments(self, departments: set[str]) -> None:
        """Show the cameras of these owner departments only."""
        self.data.departments = set(departments)
        self._views_built = False
        self.refresh()
        self.legend_changed()

    def _offline_shown(self) -> bool:
        """Is an offline camera among those shown (remembered per department filter)?"""
        key = frozenset(self.data.departments)
        if getattr(self, "_offline_key", None) != key:
            self._offline_key = key
            self._offline = bool((self.data.shown_mask() & ~self.data.online).any())
        return self._offline

    def legend(self) -> LegendSection | None:
        """One key per owner department shown (its name as the data gives it, and its
        code), and the hollow symbol of an offline camera when one is shown."""
        entries = []
        for owner in self.data.owners():
            if owner not in self.data.departments:
                continue
            symbol, fill = OWNER_STYLE.get(owner, OTHER_STYLE)
            name = translate("Legend", "{name}（{code}）").format(
                name=DEPARTMENT_NAMES.get(owner, owner), code=owner)
            entries.append(LegendEntry(name, symbol, colour(fill), colour("#ffffff", 200),
                                       SYMBOL_PX))
        if self._offline_shown():
            entries.append(LegendEntry(translate("Legend", "离线（空心）"), "o", None,
                                       colour("#ffffff", 200), SYMBOL_PX))
        return LegendSection(self.layer.id, translate("Legend", "视频点位（按权属部门）"),
                             tuple(entries))

    def set_visible(self, visible: bool) -> None:
        """The stack's visibility (layer panel or the camera list's 地图显示)."""
        self._visible = bool(visible)
        self.refresh()

    def refresh(self) -> None:
        for owner, item in self.scatters.items():
            item.setVisible(self._visible and owner in self.data.departments)
        self._level_of_detail()

    def _level_of_detail(self) -> None:
        near = self.visible and self.canvas.metres_per_pixel() < VIEW_MPP
        if near and not self._views_built:
            mask = self.data.shown_mask()
            xs, ys = self.data.view_segments(VIEW_LENGTH_M)
            keep = np.repeat(mask, 4)
            connect = np.tile(np.array([1, 0], np.int32), int(keep.sum()) // 2)
            path = (pg.arrayToQPath(xs[keep], ys[keep], connect=connect, finiteCheck=False)
                    if keep.any() else pg.QtGui.QPainterPath())
            self.views.setPath(path)
            self._views_built = True
        self.views.setVisible(near)

    def mime_data(self, code: str) -> QMimeData:
        data = QMimeData()
        if self.drag_mime:
            data.setData(self.drag_mime, code.encode("utf-8"))
        data.setText(code)
        return data

    def start_drag(self, code: str) -> None:
        """Carry a camera from the map onto a wall tile (runs Qt's drag loop)."""
        drag = QDrag(self.canvas)
        drag.setMimeData(self.mime_data(code))
        drag.exec(Qt.DropAction.CopyAction)

    def _clicked(self, x: float, y: float) -> None:
        if not self.visible or self.on_pick is None:
            return
        code = self.data.nearest_shown(x, y, PICK_PX * self.canvas.metres_per_pixel())
        if code is not None:
            self.on_pick(code)

    def remove(self) -> None:
        self.canvas.viewChanged.disconnect(self._level_of_detail)
        self.canvas.mapClicked.disconnect(self._clicked)
        super().remove()


def add_camera_layer(stack, data: CameraLayerData, *, visible: bool = False) -> MapLayer:
    """Put the cameras into the map's layer stack above the cases, below whistles,
    workers and labels (off at first: 4,500 symbols would bury the district overview).
    Returns the layer."""
    layer = MapLayer(LAYER_ID, data, visible=visible)
    ids = stack.ids()
    at = next((ids.index(i) for i in ("whistles", "patrol", "labels") if i in ids), None)
    stack.add(layer, at)
    return layer
