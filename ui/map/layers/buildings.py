"""Building footprints (建筑物): flat by height class, or extruded in 2.5D.

Drawn into the static image off the GUI thread.  Level of detail: coarser than
:data:`EXTRUDE_MAX_MPP` the buildings are flat fills (at district scale they read
as built-up blocks); finer, in 2.5D mode, only the buildings in view are
extruded (see :mod:`app.map.extrusion`) and drawn back to front in bands of a
few dozen buildings: walls by shade, then roofs.  A band is drawn as a handful
of large paths, so a view with 10,000 buildings costs a few hundred path fills.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from app.map.extrusion import SHADES, MapStyle, buildings_in, extrude, feature_bounds
from app.map.layers import BuildingData
from ui import theme
from ui.i18n import translate
from ui.map.layers.base import StaticLayerView, register_view
from ui.map.layers.legend_entries import FILL, LegendEntry, LegendSection, colour

#: finer than this (metres per 1080p-equivalent pixel: mpp × UI scale, so that a 4K
#: wall switches at the same view as a workstation) buildings are extruded in 2.5D mode
EXTRUDE_MAX_MPP = 3.0
#: buildings per back-to-front band
BAND = 48
#: buildings per flat path (see :func:`flat_chunks`)
FLAT_CHUNK = 2500
#: roof fill per height class (a little lighter than the flat fill: lit from above)
ROOF_FILLS = ["#2b4468", "#36557f", "#4a6f9e", "#6189bd", "#8fb4e4"]
#: wall colour, darkest shade first (facing away from the north-west light)
WALL_FILLS = ["#0d1a2c", "#16263d", "#213756", "#2f4b72"]
ROOF_EDGE = "#9cc8ff"


def flat_chunks(data: BuildingData, height_class: np.ndarray, bounds: np.ndarray) -> list:
    """Flat footprints as (bounds, path, brush) per run of :data:`FLAT_CHUNK` buildings and
    height class.

    Why chunks: QPainter.drawPath keeps Python's GIL for its whole duration, so one
    100,000-building path would stall the GUI thread for the whole render; small
    paths let it run between them (and chunks out of view are skipped).  Buildings
    are stored grid by grid, so a run of ids is a compact area.
    """
    v = data.vertices
    n = len(data)
    brushes = [QBrush(theme.qcolor(fill)) for fill in theme.BUILDING_FILLS]
    out = []
    for a in range(0, n, FLAT_CHUNK):
        b = min(n, a + FLAT_CHUNK)
        lo, hi = np.searchsorted(v.owner, [a, b])
        owner = v.owner[lo:hi]
        cls = height_class[owner]
        box = bounds[a:b]
        chunk_bounds = (np.nanmin(box[:, 0]), np.nanmin(box[:, 1]), np.nanmax(box[:, 2]),
                        np.nanmax(box[:, 3])) if len(box) else (0.0, 0.0, 0.0, 0.0)
        for k, brush in enumerate(brushes):
            m = cls == k
            if m.any():
                out.append((chunk_bounds, _path(v.x[lo:hi][m], v.y[lo:hi][m],
                                                v.connect[lo:hi][m]), brush))
    return out


def prepare_buildings(data: BuildingData) -> tuple[np.ndarray, np.ndarray, list]:
    """(feature bounds, height class, flat chunks): what the painter needs, built once.

    Thread-safe (arrays and QPainterPaths only): the start-up builds it in a worker.
    """
    height_class = np.digitize(data.height_m, theme.BUILDING_CLASSES_M)
    bounds = feature_bounds(data.vertices, len(data))
    return bounds, height_class, flat_chunks(data, height_class, bounds)


def _path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    if len(x) == 0:
        return QPainterPath()
    to_next = np.zeros(len(x), dtype=np.int32)
    to_next[:-1] = connect[1:]
    return pg.arrayToQPath(x, y, connect=to_next, finiteCheck=False)


@register_view(BuildingData)
class BuildingView(StaticLayerView):
    """See the module docstring; :attr:`style` comes from the canvas."""

    def build(self) -> None:
        data: BuildingData = self.layer.data
        if getattr(self, "_prepared", None) is None:
            self._prepared = prepare_buildings(data)
        self.style: MapStyle = getattr(self.canvas, "map_style", MapStyle())
        self.add_painter(_BuildingPainter(data, *self._prepared, self.style))

    def reload(self, data: BuildingData, prepared: tuple | None = None) -> None:
        """Take newly loaded buildings (``prepared`` by :func:`prepare_buildings`,
        possibly off the GUI thread) and re-render."""
        self.layer.data = data
        self._prepared = prepared if prepared is not None else prepare_buildings(data)
        self.restyle()
        self.legend_changed()

    def legend(self) -> LegendSection | None:
        """The height classes of the buildings in view, in the fill drawn at this zoom
        (flat footprints, or roofs when extruded)."""
        bounds, height_class, _flat = self._prepared
        if not len(height_class):
            return None
        r = self.canvas.visible_rect()
        idx = buildings_in(bounds, r.left(), r.top(), r.right(), r.bottom())
        present = set(np.unique(height_class[idx]).tolist())
        extruded = self.lod(self.canvas.metres_per_pixel()) == "extruded"
        fills = ROOF_FILLS if extruded else theme.BUILDING_FILLS
        edges = [round(m) for m in theme.BUILDING_CLASSES_M]
        entries = []
        for k, fill in enumerate(fills):
            if k not in present:
                continue
            if k == 0:
                text = translate("Legend", "低于 {hi} 米").format(hi=edges[0])
            elif k == len(edges):
                text = translate("Legend", "{lo} 米及以上").format(lo=edges[-1])
            else:
                text = translate("Legend", "{lo}–{hi} 米").format(lo=edges[k - 1], hi=edges[k])
            entries.append(LegendEntry(text, FILL, colour(fill),
                                       colour(ROOF_EDGE, 70) if extruded else None))
        note = (translate("Legend", "2.5D 立体：屋顶颜色按楼高") if extruded
                else translate("Legend", "平面：填色按楼高"))
        return LegendSection(self.layer.id, translate("Legend", "建筑物（按高度）"),
                             tuple(entries), note)

    def lod(self, mpp: float) -> str:
        """What a render at ``mpp`` metres per pixel draws: "flat" or "extruded"."""
        extruded = self.style.extruded and mpp * theme.ui_scale() <= EXTRUDE_MAX_MPP
        return "extruded" if extruded else "flat"


class _BuildingPainter:
    """The thread-safe static painter: immutable arrays, pens and brushes only."""

    def __init__(self, data: BuildingData, bounds: np.ndarray, height_class: np.ndarray,
                 flat: list, style: MapStyle) -> None:
        self.data = data
        self.bounds = bounds
        self.height_class = height_class
        self.flat = flat  # (chunk bounds, path, brush): built once, never changed
        self.style = style
        self.walls = [QBrush(theme.qcolor(c)) for c in WALL_FILLS]
        self.roofs = [QBrush(theme.qcolor(c)) for c in ROOF_FILLS]
        edge = QPen(theme.qcolor(ROOF_EDGE, 70))
        edge.setCosmetic(True)
        edge.setWidthF(1.0)
        self.edge = edge
        self.ui_scale = theme.ui_scale()  # read here, on the GUI thread
        self.max_lean = float(np.nanmax(data.height_m)) * style.exaggeration if len(data) else 0.0
        self.last_drawn = 0  # buildings extruded in the last render (for tests and bench)

    def __call__(self, painter: QPainter, rect, mpp: float) -> None:
        if not self.style.extruded or mpp * self.ui_scale > EXTRUDE_MAX_MPP:
            painter.setPen(QPen(Qt.PenStyle.NoPen))
            x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
            for (bx0, by0, bx1, by1), path, brush in self.flat:
                if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
                    continue  # chunk out of view
                painter.setBrush(brush)
                painter.drawPath(path)
            return
        idx = buildings_in(self.bounds, rect.left(), rect.top(), rect.right(), rect.bottom(),
                           margin=self.max_lean)
        self.last_drawn = len(idx)
        if not len(idx):
            return
        ext = extrude(self.data.vertices, self.data.height_m, idx, self.style)
        n_quads = ext.n_walls
        qx = ext.wall_x.reshape(n_quads, 5)
        qy = ext.wall_y.reshape(n_quads, 5)
        wall_band = ext.wall_rank // BAND
        roof = ext.roof
        r_order = np.argsort(roof.owner, kind="stable")
        rx, ry, rc, rown = roof.x[r_order], roof.y[r_order], roof.connect[r_order], roof.owner[r_order]
        roof_band = rown // BAND
        roof_class = self.height_class[ext.building[rown]]
        w_order = np.lexsort((ext.wall_shade, wall_band))
        w_band_sorted = wall_band[w_order]
        n_bands = int(len(ext.building) + BAND - 1) // BAND
        w_starts = np.searchsorted(w_band_sorted, np.arange(n_bands + 1))
        r_starts = np.searchsorted(roof_band, np.arange(n_bands + 1))
        quad_connect = np.tile(np.array([0, 1, 1, 1, 1], np.int32), 1)
        for b in range(n_bands):
            ws = w_order[w_starts[b]:w_starts[b + 1]]
            painter.setPen(QPen(Qt.PenStyle.NoPen))
            shades = ext.wall_shade[ws]
            for s in range(SHADES):
                q = ws[shades == s]
                if not len(q):
                    continue
                painter.setBrush(self.walls[s])
                painter.drawPath(_path(qx[q].ravel(), qy[q].ravel(),
                                       np.tile(quad_connect, len(q))))
            a, e = r_starts[b], r_starts[b + 1]
            cls = roof_class[a:e]
            painter.setPen(self.edge)
            for k, brush in enumerate(self.roofs):
                m = cls == k
                if not m.any():
                    continue
                painter.setBrush(brush)
                painter.drawPath(_path(rx[a:e][m], ry[a:e][m], rc[a:e][m]))


def wall_colour(shade: int) -> QColor:
    """The fill of a wall with this shade (legend and tests)."""
    return theme.qcolor(WALL_FILLS[max(0, min(SHADES - 1, shade))])
