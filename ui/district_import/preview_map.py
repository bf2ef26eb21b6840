"""A small read-only map of the import (导入预览图): the current district's outlines, the
layers being imported over them, the problem places, and a marker on the one picked.

Lon/lat drawn as x = lon·cos(φ₀), y = lat, so that a square kilometre looks square;
one curve per layer (rings joined by a ``connect`` array), never one item per shape.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from ui import theme

#: metres a degree of latitude spans (for the span of a centred view)
M_PER_DEG = 111_320.0
DISTRICT_COLOUR = "#7f9cc4"  # the district open now: dashed
LAYER_PENS = {"selected": ("#ffb02e", 2.4), "other": ("#2fd6c0", 1.0)}
MARKER_COLOUR = "#ffffff"


def legend_html(selected: str | None) -> str:
    """The map's key, one line (the pages put it under the map); ``selected``: what the
    highlighted layer is (None: the problem places' key instead)."""
    from ui.district_import.texts import SEVERITY_COLOUR, SEVERITY_TEXT, shown
    from ui.i18n import translate

    def key(colour: str, mark: str, text: str) -> str:
        return f"<span style='color:{colour}'>{mark}</span> {text}"

    parts = []
    if selected:
        parts.append(key(LAYER_PENS["selected"][0], "━━", selected))
    parts.append(key(LAYER_PENS["other"][0], "━━", translate("DistrictImport", "导入的边界")))
    parts.append(key(DISTRICT_COLOUR, "╍╍", translate("DistrictImport", "当前辖区")))
    if not selected:
        parts += [key(SEVERITY_COLOUR[k], "●", shown(SEVERITY_TEXT[k])) for k in ("error", "warning", "repair")]
        parts.append(key(MARKER_COLOUR, "◎", translate("DistrictImport", "所选问题")))
    return "&nbsp;&nbsp;&nbsp;".join(parts)


def _rings(geoms) -> tuple[np.ndarray, np.ndarray] | None:
    """(coordinates, connect) of every ring of the polygons in ``geoms``."""
    g = np.asarray([x for x in geoms if x is not None and not shapely.is_empty(x)], dtype=object)
    if not len(g):
        return None
    parts = shapely.get_parts(g)
    polys = parts[shapely.get_type_id(parts) == 3]
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    rings = np.concatenate([shapely.get_rings(polys), lines]) if len(polys) or len(lines) else []
    if not len(rings):
        return None
    xy, idx = shapely.get_coordinates(rings, return_index=True)
    connect = np.zeros(len(xy), dtype=np.int32)
    connect[:-1] = idx[1:] == idx[:-1]
    return xy, connect


class PreviewMap(pg.PlotWidget):
    """``set_outlines`` (the district), ``set_layer`` (what is imported), ``set_places``
    (problems) and ``centre_on`` (a marker there)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=theme.MAP_BACKGROUND)
        self.setObjectName("ImportPreviewMap")
        self.setMinimumSize(320, 260)
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.setMenuEnabled(False)
        self.getViewBox().setAspectLocked(True)
        self.getViewBox().setDefaultPadding(0.04)
        self.lat0: float | None = None
        self._items: dict[str, pg.GraphicsObject] = {}
        self.marker = pg.ScatterPlotItem(size=38, symbol="o", pen=pg.mkPen(MARKER_COLOUR, width=3),
                                         brush=pg.mkBrush(255, 255, 255, 40))
        self.marker.setZValue(20)
        self.addItem(self.marker)
        #: the lon/lat the view was last centred on (tests)
        self.centre: tuple[float, float] | None = None

    # -- coordinates ---------------------------------------------------------------------
    def _x(self, lon):
        return np.asarray(lon, dtype=float) * math.cos(math.radians(self.lat0 or 0.0))

    def _set_lat0(self, lat: float) -> None:
        if self.lat0 is None:
            self.lat0 = float(lat)

    # -- content ------------------------------------------------------------------------
    def _replace(self, key: str, item: pg.GraphicsObject | None) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.removeItem(old)
        if item is not None:
            self.addItem(item)
            self._items[key] = item

    def _curve(self, geoms, colour: str, width: float, z: float, dashed: bool = False
               ) -> pg.PlotCurveItem | None:
        rings = _rings(geoms)
        if rings is None:
            return None
        xy, connect = rings
        self._set_lat0(float(np.median(xy[:, 1])))
        pen = pg.mkPen(colour, width=width, cosmetic=True)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        item = pg.PlotCurveItem(self._x(xy[:, 0]), xy[:, 1], connect=connect, pen=pen, antialias=False)
        item.setZValue(z)
        return item

    def set_outlines(self, geoms) -> None:
        """The current district's boundaries (dim, under everything)."""
        self._replace("district", self._curve(geoms, DISTRICT_COLOUR, 1.4, z=1, dashed=True))

    def set_layer(self, key: str, geoms, *, selected: bool = True) -> None:
        """Polygons or points of one imported layer (lon/lat); None removes it."""
        colour, width = LAYER_PENS["selected" if selected else "other"]
        if geoms is None:
            self._replace(key, None)
            return
        geoms = np.asarray(geoms, dtype=object)
        keep = geoms[~shapely.is_missing(geoms)]
        kinds = shapely.get_type_id(keep) if len(keep) else np.array([])
        if len(keep) and np.isin(kinds, (0, 4)).all():
            xy = shapely.get_coordinates(keep)
            self._set_lat0(float(np.median(xy[:, 1])))
            item = pg.ScatterPlotItem(self._x(xy[:, 0]), xy[:, 1], size=7 if selected else 5,
                                      pen=None, brush=pg.mkBrush(QColor(colour)))
            item.setZValue(5 if selected else 3)
        else:
            item = self._curve(keep, colour, width, z=5 if selected else 3)
        self._replace(key, item)

    def clear_layers(self) -> None:
        for key in [k for k in self._items if k != "district"]:
            self._replace(key, None)

    def set_places(self, places: list[tuple[float, float, str]]) -> None:
        """The problem places: (lon, lat, severity) dots coloured by severity."""
        from ui.district_import.texts import SEVERITY_COLOUR

        if not places:
            self._replace("places", None)
            return
        arr = np.array([(p[0], p[1]) for p in places], dtype=float)
        self._set_lat0(float(np.median(arr[:, 1])))
        brushes = [pg.mkBrush(SEVERITY_COLOUR.get(p[2], theme.TEXT)) for p in places]
        item = pg.ScatterPlotItem(self._x(arr[:, 0]), arr[:, 1], size=9, pen=pg.mkPen("#000000"),
                                  brush=brushes)
        item.setZValue(10)
        self._replace("places", item)

    def zoom_all(self) -> None:
        self.marker.setData([], [])
        self.centre = None
        self.getViewBox().autoRange(items=list(self._items.values()) or None)

    def centre_on(self, lon: float, lat: float, span_m: float = 500.0) -> None:
        """Centre on (lon, lat), ``span_m`` across, with the marker there."""
        self._set_lat0(lat)
        x = float(self._x(lon))
        half = span_m / M_PER_DEG / 2
        self.getViewBox().setRange(xRange=(x - half, x + half), yRange=(lat - half, lat + half),
                                   padding=0)
        self.marker.setData([x], [lat])
        self.centre = (lon, lat)

    def view_centre(self) -> tuple[float, float]:
        """The lon/lat at the middle of the view now."""
        (x0, x1), (y0, y1) = self.getViewBox().viewRange()
        return (x0 + x1) / 2 / math.cos(math.radians(self.lat0 or 0.0)), (y0 + y1) / 2


def outlines_of(store, max_level: int = 3) -> np.ndarray:
    """The current district's boundaries up to ``max_level`` (lon/lat shapely)."""
    from app.geo.wkb import geoms_from_wkb

    if store is None:
        return np.array([], dtype=object)
    c = store.columns("SELECT geom FROM grid_units WHERE level <= ?", [max_level])
    return geoms_from_wkb(c["geom"]) if len(c["geom"]) else np.array([], dtype=object)

