"""Grid staff on patrol (巡查): positions by role and fading trails of the last minutes.

Redrawn on a timer from :class:`app.feed.live.PatrolState` (never per fix).  The
trails - hundreds of thousands of segments for 10,000 workers - are drawn off the
GUI thread into their own cached image (a :class:`StaticMapCache` of this layer),
by age band with the newest brightest, in paths of a few hundred workers each (a
short drawPath gives the GUI thread the GIL back often); the GUI thread only takes
a numpy snapshot and blits.  Positions are one scatter item per role.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QPainterPath, QPen

from app.feed.buffers import Trails
from app.feed.live import PatrolSnapshot, PatrolState
from ui import theme
from ui.i18n import translate
from ui.map.layers.base import LayerView, cosmetic_pen, register_view
from ui.map.layers.legend_entries import RING, LegendEntry, LegendSection, colour
from ui.map.static_render import StaticMapCache
from ui.texts import ROLE_NAMES, domain_text, text_for

#: (symbol, colour) per role: shape and colour both differ (colour-blind operators)
ROLE_STYLE = {
    "grid_leader": ("star", "#ffd84d"),
    "grid_worker": ("o", "#33e6ff"),
    "police": ("t1", "#5b8cff"),
    "sanitation": ("s", "#3ee08f"),
    "city_management": ("d", "#ff9a3c"),
}
#: trail age bands (fraction of the trail length) and their opacity, newest first
TRAIL_BANDS = ((0.0, 0.34, 240), (0.34, 0.67, 135), (0.67, 1.0, 60))
TRAIL_COLOUR = "#5ff2ff"
SYMBOL_PX = 11
#: workers per trail path drawn in the worker thread
WORKERS_PER_PATH = 400
#: coarser than this (metres per pixel) workers are small dots without outline, so that
#: thousands of them read as coverage rather than a blizzard
OVERVIEW_MPP = 3.0
OVERVIEW_SYMBOL_PX = 4
#: overview dots stroked per drawPath call (each call holds the GIL, see _TrailPainter)
DOTS_PER_PATH = 1_500
#: a tick's markers wait at most this long for the trail image of the same snapshot
PENDING_MAX_MS = 400


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


class _TrailPainter:
    """Thread-safe painter of one trail snapshot (numpy arrays in, paths built and
    drawn in the worker, a few hundred workers per path)."""

    def __init__(self, trails: Trails, bands: list[tuple[float, float, int]],
                 dots: list[tuple[np.ndarray, np.ndarray, QPen]] | None = None) -> None:
        self.trails = trails
        # hairlines: a 2 px pen cost the raster engine 2-4x over 600,000 segments (the
        # wall gets brighter bands instead)
        self.pens = [(lo, hi, cosmetic_pen(theme.qcolor(TRAIL_COLOUR, a), 1.0))
                     for lo, hi, a in bands]
        self.dots = dots or []  # overview: the workers as dots in the same image

    def __call__(self, painter, rect, mpp: float) -> None:
        self._trails(painter)
        painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        for x, y, pen in self.dots:
            painter.setPen(pen)
            # a few thousand dots a call: PySide holds the GIL through a drawPath, and one
            # over 15,000 round dots (Jinhua overview) stalled the GUI thread 30-48 ms
            for a in range(0, len(x), DOTS_PER_PATH):
                painter.drawPath(dots_path(x[a:a + DOTS_PER_PATH], y[a:a + DOTS_PER_PATH]))

    def _trails(self, painter) -> None:
        tr = self.trails
        if len(tr) < 2:
            return
        starts = np.flatnonzero(tr.connect == 0)
        cuts = np.r_[starts[::WORKERS_PER_PATH], len(tr)]
        painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        for lo, hi, pen in self.pens:  # oldest band first, newest on top
            painter.setPen(pen)
            for a, b in zip(cuts[:-1], cuts[1:], strict=True):
                part = Trails(tr.x[a:b], tr.y[a:b], tr.age[a:b], tr.worker[a:b],
                              tr.connect[a:b])
                path = band_path(part, lo, hi)
                if not path.isEmpty():
                    painter.drawPath(path)


def dots_path(x: np.ndarray, y: np.ndarray) -> QPainterPath:
    """One tiny segment per point: stroked with a wide round-capped pen, a dot each
    (one path, built without a Python loop)."""
    if len(x) == 0:
        return QPainterPath()
    xx = np.repeat(np.asarray(x, float), 2)
    yy = np.repeat(np.asarray(y, float), 2)
    xx[1::2] += 0.01
    to_next = np.zeros(len(xx), np.int32)
    to_next[0::2] = 1
    return pg.arrayToQPath(xx, yy, connect=to_next, finiteCheck=False)


def dot_pen(colour: str, px: float) -> QPen:
    pen = cosmetic_pen(theme.qcolor(colour), px)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


@register_view(PatrolState)
class PatrolView(LayerView):
    """See the module docstring; :meth:`refresh` is called by the patrol controller."""

    def build(self) -> None:
        s = theme.ui_scale()
        self.trail_cache = StaticMapCache(self.canvas, z=self._z + 1)
        self.trail_cache.add_source(lambda: 0.0, self._trail_painters)
        self._trail_painter = None
        #: (lo, hi) seconds of the trail bands in the current painter, and its vertices
        self.trail_bands: list[tuple[float, float]] = []
        self.trail_vertices = 0
        self.shown_dots = 0
        self.reports = self.add(pg.ScatterPlotItem(
            symbol="o", size=round(22 * s), pen=pg.mkPen(theme.qcolor(theme.HIGHLIGHT), width=2),
            brush=None, pxMode=True), dz=8)
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for role, (symbol, fill) in ROLE_STYLE.items():
            self.markers[role] = self.add(pg.ScatterPlotItem(
                symbol=symbol, size=round(SYMBOL_PX * s), pxMode=True,
                pen=pg.mkPen(theme.qcolor("#02060e"), width=1),
                brush=pg.mkBrush(theme.qcolor(fill))), dz=10)
        for item in self.markers.values():
            item.setAcceptedMouseButtons(item.acceptedMouseButtons().NoButton)
        self._drawn = -1
        #: (roles drawn, reports drawn): the legend is told when this changes
        self._legend_key: tuple = ()
        self._pending: tuple[PatrolSnapshot, int] | None = None
        self._pending_timer = QTimer(self.canvas)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(PENDING_MAX_MS)
        self._pending_timer.timeout.connect(self._apply_pending)
        self.trail_cache.rendered.connect(self._apply_pending)
        self.last_refresh_s = 0.0
        self.last_show_s = 0.0
        self.snapshot: PatrolSnapshot | None = None
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
        if hasattr(self, "_drawn"):
            self.refresh(force=True)  # trail length follows the level of detail (rare)
            self.legend_changed()

    def _trail_painters(self) -> list:
        return [self._trail_painter] if self._visible and self._trail_painter else []

    def set_z(self, z: float) -> None:
        super().set_z(z)
        self.trail_cache.item.setZValue(z + 1)

    def set_visible(self, visible: bool) -> None:
        changed = visible != self._visible
        super().set_visible(visible)
        self.trail_cache.item.setVisible(visible)
        if changed:
            self.trail_cache.invalidate()

    def remove(self) -> None:
        self.canvas.viewChanged.disconnect(self._follow_zoom)
        self._pending_timer.stop()  # (the canvas's child: it would outlive this view)
        self._pending = None
        self.trail_cache.shutdown()
        self.canvas.remove_item(self.trail_cache.item)
        super().remove()

    def trail_window(self) -> float | None:
        """Seconds of trail the next snapshot should hold (level of detail): the overview
        shows only the newest band (a third of the vertices to build and draw)."""
        state: PatrolState = self.layer.data
        return state.trail_s * TRAIL_BANDS[0][1] if self.overview else None

    def needs_redraw(self) -> bool:
        return self.layer.data.version != self._drawn

    def refresh(self, force: bool = False) -> bool:
        """Redraw from the state if it changed (snapshot taken here, on the calling
        thread); True when something was redrawn."""
        state: PatrolState = self.layer.data
        if state.version == self._drawn and not force:
            return False
        t0 = time.perf_counter()
        with state.lock:
            snap, version = state.snapshot(self.trail_window()), state.version
        self.show(snap, version)
        self.last_refresh_s = time.perf_counter() - t0
        return True

    def show_with_trails(self, snap: PatrolSnapshot, version: int) -> None:
        """Like :meth:`show`, but the markers move only when the trail image of the same
        snapshot has arrived: one repaint a tick instead of two, and none of them while the
        trails render in the worker (a 4K frame painted against that render for the GIL
        took 35-40 ms instead of 13)."""
        self._apply_trails(snap)
        self._pending = (snap, version)
        self._pending_timer.start()  # no render at all (no viewport yet): move anyway

    def _apply_pending(self, *_args) -> None:
        pending, self._pending = self._pending, None
        self._pending_timer.stop()
        if pending is not None:
            self._apply_markers(*pending)

    def awaiting_trails(self) -> bool:
        """A snapshot waits for its trail image before its markers are drawn."""
        return self._pending is not None

    def show(self, snap: PatrolSnapshot, version: int) -> None:
        """Draw a snapshot (taken here or in the feed worker): markers on the GUI thread,
        the trails handed to this layer's image cache, rendered in its worker."""
        self._pending = None
        self._apply_trails(snap)
        self._apply_markers(snap, version)

    def _apply_trails(self, snap: PatrolSnapshot) -> None:
        state: PatrolState = self.layer.data
        bands = [(lo * state.trail_s, hi * state.trail_s + 1e-6, a)
                 for lo, hi, a in reversed(TRAIL_BANDS) if not (self.overview and lo > 0)]
        self.trail_bands = [(lo, hi) for lo, hi, _ in bands]
        self.trail_vertices = len(snap.trails)
        self._trail_painter = _TrailPainter(snap.trails, bands)
        self._trail_painter.dots = self._overview_dots(snap)
        self.trail_cache.invalidate()

    def _overview_dots(self, snap: PatrolSnapshot) -> list:
        if not self.overview:
            return []
        s = theme.ui_scale()
        return [(snap.x[snap.role == role], snap.y[snap.role == role],
                 dot_pen(ROLE_STYLE[role][1], OVERVIEW_SYMBOL_PX * s)) for role in self.markers]

    def _apply_markers(self, snap: PatrolSnapshot, version: int) -> None:
        t0 = time.perf_counter()
        dots = self._trail_painter.dots if self._trail_painter is not None else []
        roles = []
        for role, item in self.markers.items():
            m = snap.role == role
            if m.any():
                roles.append(role)
            if self.overview:  # dots go into the trail image: nothing to draw per frame
                if len(item.data):
                    item.setData(x=[], y=[])
            else:
                item.setData(x=snap.x[m], y=snap.y[m])
        self.shown_dots = sum(len(x) for x, _, _ in dots)
        if len(snap.report_x) or len(self.reports.data):
            self.reports.setData(x=snap.report_x, y=snap.report_y)
        self._drawn = version
        self.snapshot = snap
        key = (tuple(roles), bool(len(snap.report_x)))
        if key != self._legend_key:
            self._legend_key = key
            self.legend_changed()
        self.last_show_s = time.perf_counter() - t0

    def legend(self) -> LegendSection | None:
        """The roles drawn now (symbols in detail, dots in the overview), the trails and
        the rings of problems just reported (上报)."""
        roles, reports = self._legend_key or ((), False)
        s_entries = []
        for role in roles:
            symbol, fill = ROLE_STYLE[role]
            name = domain_text(text_for(ROLE_NAMES, role))
            if self.overview:
                s_entries.append(LegendEntry(name, "o", colour(fill), None, OVERVIEW_SYMBOL_PX))
            else:
                s_entries.append(LegendEntry(name, symbol, colour(fill), colour("#02060e"),
                                             SYMBOL_PX))
        if reports:
            s_entries.append(LegendEntry(translate("Legend", "刚上报问题的位置"), RING, None,
                                         colour(theme.HIGHLIGHT), 22, 2.0))
        state: PatrolState = self.layer.data
        minutes = round(state.trail_s * (TRAIL_BANDS[0][1] if self.overview else 1) / 60)
        note = translate("Legend", "青色尾迹：近 {minutes} 分钟走过的路线，越新越亮").format(
            minutes=minutes)
        if not roles:
            note = translate("Legend", "此刻没有在岗人员的位置")
        return LegendSection(self.layer.id, translate("Legend", "巡查人员（按角色）"),
                             tuple(s_entries), note)

    def worker_at(self, x: float, y: float, radius_m: float) -> int | None:
        """Roster index of the worker drawn nearest to (x, y) within ``radius_m``."""
        snap = self.snapshot
        if snap is None or not self.is_visible() or not len(snap.worker):
            return None
        d = np.hypot(snap.x - x, snap.y - y)
        j = int(np.argmin(d))
        return int(snap.worker[j]) if d[j] <= radius_m else None

    def fixes_of(self, worker: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(t, x, y) of the fixes of roster index ``worker`` held in the live buffers."""
        state: PatrolState = self.layer.data
        with state.lock:
            buf = state.buffer
            t, x, y = buf.t[worker].copy(), buf.x[worker].astype(float), buf.y[worker].astype(float)
        ok = np.isfinite(t)
        return t[ok], x[ok], y[ok]

    def shown_workers(self) -> int:
        """Workers on the map: markers, or in the overview dots in the trail image."""
        return sum(len(item.data) for item in self.markers.values()) + self.shown_dots
