"""Grid staff on patrol (巡查): positions by role and fading trails of the last minutes.

Redrawn on a timer from :class:`app.feed.live.PatrolState` (never per fix): the
trails are three paths - by age band, the newest brightest - and the positions
one scatter item per role, so 10,000 workers with 10-minute trails are eight
graphics items whatever happens.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath

from app.feed.buffers import Trails
from app.feed.live import PatrolState
from ui import theme
from ui.map.layers.base import LayerView, MapPathItem, cosmetic_pen, register_view

#: (symbol, colour) per role: shape and colour both differ (colour-blind operators)
ROLE_STYLE = {
    "grid_leader": ("star", "#ffd84d"),
    "grid_worker": ("o", "#33e6ff"),
    "police": ("t1", "#5b8cff"),
    "sanitation": ("s", "#3ee08f"),
    "city_management": ("d", "#ff9a3c"),
}
#: trail age bands (fraction of the trail length) and their opacity, newest first
TRAIL_BANDS = ((0.0, 0.34, 210), (0.34, 0.67, 110), (0.67, 1.0, 45))
TRAIL_COLOUR = "#5ff2ff"
SYMBOL_PX = 11
#: coarser than this (metres per pixel) workers are small dots without outline, so that
#: thousands of them read as coverage rather than a blizzard
OVERVIEW_MPP = 3.0
OVERVIEW_SYMBOL_PX = 4


def band_path(tr: Trails, lo_s: float, hi_s: float) -> QPainterPath:
    """The trail segments whose newer end is aged within [lo_s, hi_s)."""
    if len(tr) < 2:
        return QPainterPath()
    seg = (tr.connect[1:] == 1) & (tr.age[1:] >= lo_s) & (tr.age[1:] < hi_s)  # seg i: i -> i+1
    if not seg.any():
        return QPainterPath()
    keep = np.zeros(len(tr), bool)
    keep[:-1] |= seg
    keep[1:] |= seg
    idx = np.flatnonzero(keep)
    # join idx[j] -> idx[j+1] when that is one of the chosen segments
    to_next = np.zeros(len(idx), np.int32)
    to_next[:-1] = (idx[1:] == idx[:-1] + 1) & seg[np.minimum(idx[:-1], len(seg) - 1)]
    return pg.arrayToQPath(tr.x[idx], tr.y[idx], connect=to_next, finiteCheck=False)


@register_view(PatrolState)
class PatrolView(LayerView):
    """See the module docstring; :meth:`refresh` is called by the patrol controller."""

    def build(self) -> None:
        s = theme.ui_scale()
        self.trail_items = [
            self.add(MapPathItem(QPainterPath(), cosmetic_pen(theme.qcolor(TRAIL_COLOUR, a), 1.0)),
                     dz=1 + i)
            for i, (_, _, a) in enumerate(reversed(TRAIL_BANDS))]
        self.reports = self.add(pg.ScatterPlotItem(
            symbol="o", size=round(22 * s), pen=pg.mkPen(theme.qcolor(theme.HIGHLIGHT), width=2),
            brush=None, pxMode=True), dz=8)
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for role, (symbol, colour) in ROLE_STYLE.items():
            self.markers[role] = self.add(pg.ScatterPlotItem(
                symbol=symbol, size=round(SYMBOL_PX * s), pxMode=True,
                pen=pg.mkPen(theme.qcolor("#02060e"), width=1),
                brush=pg.mkBrush(theme.qcolor(colour))), dz=10)
        for item in self.markers.values():
            item.setAcceptedMouseButtons(item.acceptedMouseButtons().NoButton)
        self._drawn = -1
        self.last_refresh_s = 0.0
        self.overview: bool | None = None
        self.canvas.viewChanged.connect(self._follow_zoom)
        self._follow_zoom()
        self.refresh()

    def _follow_zoom(self) -> None:
        # metres per 1080p-equivalent pixel: a 4K wall shows the same view at half the mpp
        overview = self.canvas.metres_per_pixel() * theme.ui_scale() > OVERVIEW_MPP
        if overview == self.overview:
            return
        self.overview = overview
        s = theme.ui_scale()
        for item in self.markers.values():
            item.setSize(round((OVERVIEW_SYMBOL_PX if overview else SYMBOL_PX) * s))
            item.setPen(pg.mkPen(None) if overview else pg.mkPen(theme.qcolor("#02060e"),
                                                                  width=1))
        if self.trail_items:
            self.refresh(force=True)  # trail length follows the level of detail

    def remove(self) -> None:
        self.canvas.viewChanged.disconnect(self._follow_zoom)
        super().remove()

    def refresh(self, force: bool = False) -> bool:
        """Redraw from the state if it changed; True when something was redrawn."""
        state: PatrolState = self.layer.data
        if state.version == self._drawn and not force:
            return False
        t0 = time.perf_counter()
        # overview: only the newest band of trail (a third of the vertices to build and draw)
        newest_hi = TRAIL_BANDS[0][1]
        snap = state.snapshot(state.trail_s * newest_hi if self.overview else None)
        bands = list(reversed(TRAIL_BANDS))
        for item, (lo, hi, _) in zip(self.trail_items, bands, strict=True):
            if self.overview and lo > 0:
                item.setPath(QPainterPath())
                continue
            item.setPath(band_path(snap.trails, lo * state.trail_s, hi * state.trail_s + 1e-6))
        for role, item in self.markers.items():
            m = snap.role == role
            item.setData(x=snap.x[m], y=snap.y[m])
        self.reports.setData(x=snap.report_x, y=snap.report_y)
        self._drawn = state.version
        self.last_refresh_s = time.perf_counter() - t0
        return True

    def shown_workers(self) -> int:
        return sum(len(item.data) for item in self.markers.values())
