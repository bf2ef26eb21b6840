"""Case points (案件) by kind and status, with a time window and an aggregated view.

Open cases are bright, closed ones dimmed, overdue open ones (超期) ringed in red
and blinking.  The time window (今日 / 近7天 / 近30天 / 全年) and the moment shown
(now, or the replay clock) decide which cases appear - see
:mod:`app.map.incidents`.  When more cases would show than can be read (many
points, or the district overview with thousands), they are aggregated into
hexagons coloured by count; the overdue rings stay on top as points, since
alerts must never disappear into an average.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer

from app.feed.fixes import to_seconds
from app.map.incidents import case_states, hexbin
from app.map.layers import CASE_KINDS, CaseData
from ui import theme
from ui.map.layers.base import LayerView, register_view

#: coarser than this (metres per pixel) is the district overview
OVERVIEW_MPP = 2.5
#: symbol sizes in px at scale 1: (overview, detail)
OPEN_SIZE = (7, 9)
CLOSED_SIZE = (4, 5)
RING_SIZE = (12, 17)
#: aggregate above this many shown cases, or above OVERVIEW_AGGREGATE in the overview
MAX_POINTS = 20_000
OVERVIEW_AGGREGATE = 6_000
#: hexagon circumradius in screen pixels (at scale 1)
HEX_PX = 16
#: count -> colour ramp of the hexagons (dark teal -> amber -> red)
HEX_RAMP = ["#0f4c5c", "#137a7f", "#2fb59a", "#f2c14e", "#f07a3a", "#e23d4b"]
BLINK_MS = 600
#: items cover the view plus this share of its size on every side (pan without rebuild)
MARGIN = 0.5


@register_view(CaseData)
class CaseView(LayerView):
    """One ScatterPlotItem per (kind, open/closed), one for overdue rings, one for hexagons."""

    def build(self) -> None:
        data: CaseData = self.layer.data
        self.scatters: dict[tuple[str, bool], pg.ScatterPlotItem] = {}
        self.window = "30d"
        self.at: float | None = None  # None: the district's "now"
        self.overview: bool | None = None
        self.aggregated = False
        self._hex_mpp = 0.0
        self._kinds: list[str] = []
        self._add_kinds(data)
        self.hexes = self.add(pg.ScatterPlotItem(symbol="h", pxMode=True, pen=None), dz=5)
        self.overdue = self.add(pg.ScatterPlotItem(
            symbol="o", pen=pg.mkPen(theme.qcolor(theme.ALERT),
                                     width=max(2, round(2 * theme.ui_scale()))),
            brush=None, pxMode=True), dz=20)
        self.states = None
        self._hex_brushes = [pg.mkBrush(theme.qcolor(c, 150)) for c in HEX_RAMP]
        self._data_rect = QRectF()
        self._near = np.zeros(len(data), bool)
        self._blink_on = True
        self.blink_timer = QTimer(self.canvas)
        self.blink_timer.setInterval(BLINK_MS)
        self.blink_timer.timeout.connect(self.blink)
        self.blink_timer.start()
        self.canvas.viewChanged.connect(self._follow_zoom)
        self.update_points()

    def _add_kinds(self, data: CaseData) -> None:
        """A pair of scatter items (closed, open) for every kind not seen yet."""
        new = [k for k in CASE_KINDS if k not in self._kinds]
        new += sorted(set(data.kind.tolist()) - set(CASE_KINDS) - set(self._kinds))
        for is_open, alpha, dz in ((False, 110, 0), (True, 255, 10)):
            for kind in new:
                colour = theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])
                item = pg.ScatterPlotItem(
                    symbol="o", pxMode=True,
                    pen=pg.mkPen(theme.qcolor("#02060e", 200), width=1) if is_open else None,
                    brush=pg.mkBrush(theme.qcolor(colour, alpha)))
                self.scatters[(kind, is_open)] = self.add(item, dz=dz)
        self._kinds += new
        self._kind_of = {k: data.kind == k for k in self._kinds}

    def reload(self, data: CaseData) -> None:
        """Take freshly loaded cases (after the start-up, or a case moved on in the workflow)."""
        self.layer.data = data
        self._add_kinds(data)
        self._near = np.zeros(len(data), bool)
        self.update_points()

    # -- filters ---------------------------------------------------------------------------
    def moment(self) -> float:
        return self.at if self.at is not None else to_seconds(self.layer.data.now)

    def set_window(self, window: str) -> None:
        """今日 "today", "7d", "30d" or "year"."""
        if window != self.window:
            self.window = window
            self.update_points()

    def set_time(self, t: float | None) -> None:
        """Show the cases as they were at feed time ``t`` (None: now)."""
        if t != self.at:
            self.at = t
            self.update_points()

    def update_points(self) -> None:
        """Recompute which cases show and rebuild the items for the view (and a margin
        around it: panning within the margin needs no rebuild)."""
        d: CaseData = self.layer.data
        st = case_states(d.reported_s, d.closed_s, d.deadline_s, self.moment(), self.window)
        self.states = st
        mpp = self.canvas.metres_per_pixel()
        self.overview = mpp > OVERVIEW_MPP
        r = self.canvas.visible_rect()
        self._data_rect = r.adjusted(-r.width() * MARGIN, -r.height() * MARGIN,
                                     r.width() * MARGIN, r.height() * MARGIN)
        dr = self._data_rect
        near = (d.x >= dr.left()) & (d.x <= dr.right()) & (d.y >= dr.top()) & (d.y <= dr.bottom())
        self._near = near
        n = int((st.shown & near).sum())
        self.aggregated = n > MAX_POINTS or (self.overview and n > OVERVIEW_AGGREGATE)
        k = 0 if self.overview else 1
        s = theme.ui_scale()
        for (kind, is_open), item in self.scatters.items():
            if self.aggregated:
                item.setData(x=[], y=[])
                continue
            m = near & self._kind_of[kind] & (st.open if is_open else st.shown & ~st.open)
            item.setData(x=d.x[m], y=d.y[m],
                         size=round((OPEN_SIZE if is_open else CLOSED_SIZE)[k] * s))
        self.overdue.setData(x=d.x[st.overdue], y=d.y[st.overdue], size=round(RING_SIZE[k] * s))
        self._update_hexes(mpp)
        self.set_visible(self.is_visible())

    def _update_hexes(self, mpp: float) -> None:
        if not self.aggregated:
            self.hexes.setData(x=[], y=[])
            self._hex_mpp = 0.0
            return
        d, st = self.layer.data, self.states
        s = theme.ui_scale()
        size_m = HEX_PX * s * mpp
        m = st.shown & self._near
        hx, hy, count = hexbin(d.x[m], d.y[m], size_m)
        level = np.minimum((np.log2(np.maximum(count, 1)) / 1.6).astype(int), len(HEX_RAMP) - 1)
        self.hexes.setData(x=hx, y=hy, size=round(2 * HEX_PX * s * 0.93),
                           brush=[self._hex_brushes[i] for i in level.tolist()])
        self.hex_counts = count
        self._hex_mpp = mpp

    def _follow_zoom(self) -> None:
        mpp = self.canvas.metres_per_pixel()
        overview = mpp > OVERVIEW_MPP
        left_margin = not self._data_rect.contains(self.canvas.visible_rect())
        if overview != self.overview or left_margin:
            self.update_points()
        elif self.aggregated and not (0.8 < mpp / (self._hex_mpp or mpp) < 1.25):
            self.update_points()  # hexagons keep their size on screen

    # -- blinking and visibility -----------------------------------------------------------
    def blink(self) -> None:
        """Overdue rings pulse so that they catch the eye from across the room.

        A pulse repaints the whole 4K viewport; while the static image is rendering
        in its worker (which holds the GIL in long draw calls) that paint would stall
        the GUI thread, so the pulse waits (a render lasts a few hundred ms).  With no
        ring to pulse nothing is repainted at all."""
        if self.canvas.static_cache.rendering():
            return
        if not len(self.overdue.data) or not self.overdue.isVisible():
            if not self._blink_on:
                self._blink_on = True
                self.overdue.setOpacity(1.0)
            return
        self._blink_on = not self._blink_on
        self.overdue.setOpacity(1.0 if self._blink_on else 0.25)

    def set_visible(self, visible: bool) -> None:
        super().set_visible(visible)
        for (_kind, is_open), item in self.scatters.items():
            item.setVisible(visible and not self.aggregated and (is_open or not self.overview))
        self.hexes.setVisible(visible and self.aggregated)

    def case_at(self, x: float, y: float, radius_m: float) -> int | None:
        """The id of the shown case nearest to (x, y) within ``radius_m`` (points mode)."""
        if self.aggregated or self.states is None or not self.is_visible():
            return None
        d = self.layer.data
        idx = np.flatnonzero(self.states.shown & self._near)
        if not len(idx):
            return None
        dist = np.hypot(d.x[idx] - x, d.y[idx] - y)
        j = int(np.argmin(dist))
        return int(d.ids[idx[j]]) if dist[j] <= radius_m else None

    def shown_points(self) -> int:
        return sum(len(item.data) for item in self.scatters.values())

    def remove(self) -> None:
        self.blink_timer.stop()
        self.canvas.viewChanged.disconnect(self._follow_zoom)
        super().remove()
