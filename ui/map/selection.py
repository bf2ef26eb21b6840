"""The selected grid unit (选中网格) and its highlight on the map."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush

from app.map.geometry import polygon_vertices
from app.map.layers import DistrictMap
from ui import theme
from ui.map.layers.base import MapPathItem, cosmetic_pen
from ui.map.paths import vertices_path

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

HIGHLIGHT_Z = 1_000_000.0


class MapSelection(QObject):
    """Which grid unit is selected; panels and the highlight listen to :attr:`changed`."""

    changed = Signal(object)  # unit id (int) or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unit_id: int | None = None

    @property
    def unit_id(self) -> int | None:
        return self._unit_id

    def select(self, unit_id: int | None) -> None:
        if unit_id != self._unit_id:
            self._unit_id = unit_id
            self.changed.emit(unit_id)


class SelectionHighlight:
    """Draws the selected unit with a bright outline and a translucent fill, above all layers."""

    def __init__(self, canvas: MapCanvas, dmap: DistrictMap, selection: MapSelection) -> None:
        self._canvas = canvas
        self._dmap = dmap
        self.item: MapPathItem | None = None
        self.glow: MapPathItem | None = None
        selection.changed.connect(self.show_unit)

    def show_unit(self, unit_id: int | None) -> None:
        for item in (self.item, self.glow):
            if item is not None:
                self._canvas.remove_item(item)
        self.item = self.glow = None
        geom = self._geometry(unit_id)
        if geom is None:
            return
        s = theme.ui_scale()
        path = vertices_path(polygon_vertices(np.array([geom], dtype=object)))
        self.item = MapPathItem(path, cosmetic_pen(theme.qcolor(theme.HIGHLIGHT),
                                                   max(2, round(3 * s))),
                                QBrush(theme.qcolor(theme.HIGHLIGHT, 48)))
        self._canvas.add_item(self.item, z=HIGHLIGHT_Z)
        # the glow: a wide translucent halo under the outline (one unit: a wide pen is cheap)
        self.glow = MapPathItem(path, cosmetic_pen(theme.qcolor(theme.HIGHLIGHT, 70),
                                                   max(8, round(14 * s))))
        self._canvas.add_item(self.glow, z=HIGHLIGHT_Z - 1)

    def _geometry(self, unit_id: int | None):
        if unit_id is None:
            return None
        for level in self._dmap.levels.values():
            where = np.flatnonzero(level.ids == unit_id)
            if len(where):
                return level.geoms[where[0]]
        return None
