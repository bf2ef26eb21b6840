"""Case points (案件) by kind and status, with a time window and an aggregated view.

Open cases are bright, closed ones dimmed, overdue open ones (超期) ringed in red
and blinking.  The time window (今日 / 近7天 / 近30天 / 全年) and the moment shown
(now, or the replay clock) decide which cases appear - see
:mod:`app.map.incidents`.  When more cases would show than can be read (many
points, or the district overview with thousands), they are aggregated into
hexagons coloured by count; the overdue rings stay on top as points, since
alerts must never disappear into an average.

With a million cases the filtering and aggregation take a few hundred
milliseconds, so a change of window, moment, data or view is computed in a worker
(:func:`compute_frame`, numpy only) and the GUI thread only swaps the finished
arrays into the items.  Requests carry a generation number: a result that a newer
request has overtaken (the operator clicked through the windows) is dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPen

from app.feed.fixes import to_seconds
from app.map.incidents import CaseStates, case_states, hexbin
from app.map.layers import CASE_KINDS, CaseData
from ui import theme
from ui.background import BackgroundWork
from ui.map.layers.base import LayerView, register_view
from ui.map.layers.legend_entries import LegendSection
from ui.map.static_render import StaticMapCache

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
#: count -> colour ramp of the hexagons: indigo -> violet -> pale orchid, darker to brighter.
#: Deliberately no teal, amber or red: those are the patrol coverage fills (巡查覆盖率), and
#: reading one key against the other inverted its meaning
HEX_RAMP = ["#2b3a8c", "#3f4fc0", "#6a55d8", "#9a5fe0", "#c77de6", "#f0b8f4"]
HEX_ALPHA = 150
#: a hexagon's ramp level: floor(log2(count) / HEX_LEVEL_STEP), capped at the ramp's end
HEX_LEVEL_STEP = 1.6
BLINK_MS = 600
#: items cover the view plus this share of its size on every side (pan without rebuild)
MARGIN = 0.5


@dataclass(frozen=True)
class CaseFrame:
    """Everything the items show for one (data, window, moment, view): numpy only."""

    generation: int
    data: CaseData
    window: str
    at: float | None
    states: CaseStates
    near: np.ndarray
    data_rect: QRectF
    mpp: float
    overview: bool
    aggregated: bool
    #: (kind, is_open) -> (x, y) of the points; empty when aggregated
    points: dict
    overdue_xy: tuple[np.ndarray, np.ndarray] | None
    #: (x, y, ramp level, count, (x, y) per ramp level) of the hexagons when aggregated
    hexes: tuple | None


def hex_level(count: np.ndarray) -> np.ndarray:
    """The colour level of hexagons holding ``count`` cases (index into HEX_RAMP)."""
    level = (np.log2(np.maximum(count, 1)) / HEX_LEVEL_STEP).astype(int)
    return np.minimum(level, len(HEX_RAMP) - 1)


def kind_codes(data: CaseData, kinds: list[str]) -> np.ndarray:
    """Index into ``kinds`` of every case's kind (-1: not listed)."""
    # a Python-level loop on purpose: it hands the GIL to the GUI thread every few ms,
    # where a numpy sort or comparison of a million str objects would hold it throughout
    lookup = {k: i for i, k in enumerate(kinds)}
    return np.fromiter((lookup.get(k, -1) for k in data.kind), np.int64, len(data))


def compute_frame(generation: int, data: CaseData, codes: np.ndarray, kinds: list[str],
                  window: str, at: float | None, rect: QRectF, mpp: float,
                  scale: float, shown_overdue: np.ndarray | None = None) -> CaseFrame:
    """The filtering and aggregation behind :meth:`CaseView.update_points` (any thread).

    ``shown_overdue``: the overdue mask on screen; when unchanged (a window switch
    keeps every alert) ``overdue_xy`` is None and the rings item is left alone."""
    moment = at if at is not None else to_seconds(data.now)
    st = case_states(data.reported_s, data.closed_s, data.deadline_s, moment, window)
    overview = mpp > OVERVIEW_MPP
    dr = rect.adjusted(-rect.width() * MARGIN, -rect.height() * MARGIN,
                       rect.width() * MARGIN, rect.height() * MARGIN)
    near = ((data.x >= dr.left()) & (data.x <= dr.right()) & (data.y >= dr.top())
            & (data.y <= dr.bottom()))
    shown_near = st.shown & near
    n = int(shown_near.sum())
    aggregated = n > MAX_POINTS or (overview and n > OVERVIEW_AGGREGATE)
    points: dict = {}
    hexes = None
    if aggregated:
        size_m = HEX_PX * scale * mpp
        hx, hy, count = hexbin(data.x[shown_near], data.y[shown_near], size_m)
        level = hex_level(count)
        per_level = [(hx[level == k], hy[level == k]) for k in range(len(HEX_RAMP))]
        hexes = (hx, hy, level, count, per_level)
    else:
        open_near = near & st.open
        closed_near = near & st.shown & ~st.open
        for is_open, mask in ((False, closed_near), (True, open_near)):
            idx = np.flatnonzero(mask)
            code = codes[idx]
            order = np.argsort(code, kind="stable")
            idx, code = idx[order], code[order]
            bounds = np.searchsorted(code, np.arange(len(kinds) + 1))
            for k, kind in enumerate(kinds):
                sel = idx[bounds[k]:bounds[k + 1]]
                points[(kind, is_open)] = (data.x[sel], data.y[sel])
    same = (shown_overdue is not None and len(shown_overdue) == len(st.overdue)
            and np.array_equal(shown_overdue, st.overdue))
    overdue_xy = None if same else (data.x[st.overdue], data.y[st.overdue])
    return CaseFrame(generation, data, window, at, st, near, QRectF(dr), mpp, overview,
                     aggregated, points, overdue_xy, hexes)


def _same(shown: tuple | None, new: tuple) -> bool:
    """Does an item already show these (x, y, size)?"""
    return (shown is not None and shown[2] == new[2] and len(shown[0]) == len(new[0])
            and np.array_equal(shown[0], new[0]) and np.array_equal(shown[1], new[1]))


def ring_sprite(diameter: int) -> QImage:
    """One overdue ring (antialiased, alert red) to stamp at every overdue case."""
    width = max(2, round(2 * theme.ui_scale()))
    side = diameter + width + 2
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(theme.qcolor(theme.ALERT))
    pen.setWidthF(width)
    p.setPen(pen)
    p.drawEllipse(QRectF((side - diameter) / 2, (side - diameter) / 2, diameter, diameter))
    p.end()
    return image


class _RingPainter:
    """Thread-safe static painter: stamps a ring sprite at every overdue case in view
    (the overview size or the detail size, by the render's metres per pixel)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, sprites: list[QImage]) -> None:
        self.x, self.y = x, y
        self.sprites = [QImage(s) for s in sprites]  # (copies: never shared with the GUI)

    def __call__(self, painter: QPainter, rect: QRectF, mpp: float) -> None:
        sprite = self.sprites[0 if mpp > OVERVIEW_MPP else 1]
        margin = sprite.width() * mpp
        x, y = self.x, self.y
        m = ((x >= rect.left() - margin) & (x <= rect.right() + margin)
             & (y >= rect.top() - margin) & (y <= rect.bottom() + margin))
        if not m.any():
            return
        t = painter.transform()
        half = sprite.width() / 2
        px = t.m11() * x[m] + t.m21() * y[m] + t.dx() - half
        py = t.m12() * x[m] + t.m22() * y[m] + t.dy() - half
        painter.resetTransform()
        for a, b in zip(np.round(px).tolist(), np.round(py).tolist(), strict=True):
            painter.drawImage(QPointF(a, b), sprite)


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
        # one item per colour of the ramp: per-point brushes make pyqtgraph's setData
        # loop in Python over every hexagon
        self.hex_items = [self.add(pg.ScatterPlotItem(
            symbol="h", pxMode=True, pen=None, brush=pg.mkBrush(theme.qcolor(c, HEX_ALPHA))),
            dz=5)
            for c in HEX_RAMP]
        self.hexes = self.hex_items[0]  # (they show and hide together)
        # overdue rings are drawn into an image of their own in a worker (thousands of
        # rings cost a 4K frame tens of ms as items); the frame blits it, a pulse fades it
        self._ring_sprites = [ring_sprite(round(px * theme.ui_scale())) for px in RING_SIZE]
        self._ring_painter: _RingPainter | None = None
        self.overdue_xy = (np.empty(0), np.empty(0))
        self.ring_cache = StaticMapCache(self.canvas, z=self._z + 20)
        self.ring_cache.add_source(lambda: 0.0, self._ring_painters)
        self.states = None
        self._data_rect = QRectF()
        self._near = np.zeros(len(data), bool)
        self._blink_on = True
        self.blink_timer = QTimer(self.canvas)
        self.blink_timer.setInterval(BLINK_MS)
        self.blink_timer.timeout.connect(self.blink)
        self.blink_timer.start()
        self.work = BackgroundWork(self.canvas)
        self.generation = 0  # of the latest request
        self.applied = 0  # of the frame on screen
        self.applied_data: CaseData | None = None  # the data of that frame
        self._codes: tuple[int, np.ndarray] | None = None  # (id of the data, kind codes)
        self._written: tuple[int, np.ndarray] | None = None  # (id of the data before, rows)
        self.last_compute_s = 0.0
        self.last_apply_s = 0.0
        #: what each item shows now: (x, y, size) by item key (unchanged arrays are skipped)
        self._shown: dict = {}
        self.canvas.viewChanged.connect(self._follow_zoom)
        self.update_points()

    def _add_kinds(self, data: CaseData, kinds: list[str] | None = None) -> None:
        """A pair of scatter items (closed, open) for every kind not seen yet (``kinds``:
        the kinds in ``data`` if already known)."""
        present = set(data.kind.tolist()) if kinds is None else set(kinds)
        new = [k for k in CASE_KINDS if k not in self._kinds]
        new += sorted(present - set(CASE_KINDS) - set(self._kinds))
        for is_open, alpha, dz in ((False, 110, 0), (True, 255, 10)):
            for kind in new:
                colour = theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])
                item = pg.ScatterPlotItem(
                    symbol="o", pxMode=True,
                    pen=pg.mkPen(theme.qcolor("#02060e", 200), width=1) if is_open else None,
                    brush=pg.mkBrush(theme.qcolor(colour, alpha)))
                self.scatters[(kind, is_open)] = self.add(item, dz=dz)
        self._kinds += new

    def reload(self, data: CaseData, kinds: list[str] | None = None,
               written: np.ndarray | None = None) -> None:
        """Take freshly loaded cases (after the start-up, or the district model's after a
        change); the items follow once the worker has filtered them.  ``kinds``: the
        distinct kinds in ``data``, when already known; ``written``: the only positions in
        which ``data`` differs from the cases shown (a change: the rest is not re-coded)."""
        before = self.layer.data
        self.layer.data = data
        self._written = (id(before), written) if written is not None else None
        self._add_kinds(data, kinds)
        self.request_update()

    # -- filters ---------------------------------------------------------------------------
    def moment(self) -> float:
        return self.at if self.at is not None else to_seconds(self.layer.data.now)

    def set_window(self, window: str) -> None:
        """今日 "today", "7d", "30d" or "year" (applied when the worker is done)."""
        if window != self.window:
            self.window = window
            self.request_update()

    def set_time(self, t: float | None) -> None:
        """Show the cases as they were at feed time ``t`` (None: now)."""
        if t != self.at:
            self.at = t
            self.request_update()

    # -- computing: here (update_points) or in the worker (request_update) ----------------
    def _job(self, generation: int):
        """A callable computing the frame for the current settings (captured now)."""
        data = self.layer.data
        kinds = list(self._kinds)
        window, at = self.window, self.at
        rect, mpp, scale = QRectF(self.canvas.visible_rect()), self.canvas.metres_per_pixel(), \
            theme.ui_scale()
        cached = self._codes
        written = self._written
        states = self.states
        shown_overdue = states.overdue if states is not None and self.applied_data is data \
            else None

        def job():
            if generation != self.generation:
                return None  # overtaken before it started: skip the work
            t0 = time.perf_counter()
            if cached is not None and cached[0] == id(data) and len(cached[1]) == len(data):
                codes = cached[1]
            elif cached is not None and written is not None and cached[0] == written[0] \
                    and len(cached[1]) <= len(data):  # only the written rows are new
                codes = np.concatenate([cached[1],
                                        np.full(len(data) - len(cached[1]), -1, np.int64)])
                lookup = {k: i for i, k in enumerate(kinds)}
                codes[written[1]] = [lookup.get(k, -1) for k in data.kind[written[1]]]
            else:
                codes = kind_codes(data, kinds)
            frame = compute_frame(generation, data, codes, kinds, window, at, rect, mpp, scale,
                                  shown_overdue)
            return frame, codes, time.perf_counter() - t0

        return job

    def request_update(self) -> None:
        """Recompute in the worker; the newest request wins (older results are dropped)."""
        self.generation += 1
        self.work.run(self._job(self.generation), self._computed)

    def _computed(self, result) -> None:
        if result is None:
            return
        frame, codes, seconds = result
        if frame.generation != self.generation or frame.data is not self.layer.data:
            return  # stale: a newer request is on its way
        self._codes = (id(frame.data), codes)
        self.last_compute_s = seconds
        self._apply(frame)

    def pending(self) -> bool:
        """A requested update has not reached the items yet."""
        return self.applied != self.generation

    def update_points(self) -> None:
        """Recompute which cases show and rebuild the items for the view (and a margin
        around it: panning within the margin needs no rebuild), here and now."""
        self.generation += 1
        frame, codes, seconds = self._job(self.generation)()
        self._codes = (id(frame.data), codes)
        self.last_compute_s = seconds
        self._apply(frame)

    def _apply(self, f: CaseFrame) -> None:
        """GUI thread: swap the finished arrays into the items."""
        t0 = time.perf_counter()
        self.states = f.states
        self._near = f.near
        self._data_rect = f.data_rect
        self.overview = f.overview
        self.aggregated = f.aggregated
        k = 0 if f.overview else 1
        s = theme.ui_scale()
        for key, item in self.scatters.items():
            x, y = f.points.get(key, (None, None))
            if x is None or not len(x):
                if len(item.data):
                    item.setData(x=[], y=[])
                self._shown.pop(key, None)
                continue
            size = round((OPEN_SIZE if key[1] else CLOSED_SIZE)[k] * s)
            if _same(self._shown.get(key), (x, y, size)):
                continue  # (one case changed: the other kinds' items stay as they are)
            item.setData(x=x, y=y, size=size)
            self._shown[key] = (x, y, size)
        if f.overdue_xy is not None:
            self.overdue_xy = f.overdue_xy
            self._ring_painter = _RingPainter(*f.overdue_xy, self._ring_sprites)
            self.ring_cache.invalidate()
        self.applied_data = f.data
        if f.hexes is None:
            for level, item in enumerate(self.hex_items):
                self._shown.pop(("hex", level), None)
                if len(item.data):
                    item.setData(x=[], y=[])
            self._hex_mpp = 0.0
        else:
            _hx, _hy, levels, count, per_level = f.hexes
            size = round(2 * HEX_PX * s * 0.93)
            for level, (item, (x, y)) in enumerate(zip(self.hex_items, per_level, strict=True)):
                if not _same(self._shown.get(("hex", level)), (x, y, size)):
                    item.setData(x=x, y=y, size=size)
                    self._shown[("hex", level)] = (x, y, size)
            self.hex_counts = count
            self.hex_levels = levels
            self.hex_radius_m = HEX_PX * s * f.mpp
            self._hex_mpp = f.mpp
        self.applied = f.generation
        self.set_visible(self.is_visible())
        self.last_apply_s = time.perf_counter() - t0
        self.legend_changed()

    def legend(self) -> LegendSection | None:
        """The hexagons' count classes as drawn now, or the kinds drawn as points; the
        overdue ring whenever one is drawn (see :mod:`ui.map.layers.case_legend`)."""
        from ui.map.layers.case_legend import case_legend

        return case_legend(self)

    def _follow_zoom(self) -> None:
        mpp = self.canvas.metres_per_pixel()
        overview = mpp > OVERVIEW_MPP
        left_margin = not self._data_rect.contains(self.canvas.visible_rect())
        if overview != self.overview or left_margin:
            self.request_update()
        elif self.aggregated and not (0.8 < mpp / (self._hex_mpp or mpp) < 1.25):
            self.request_update()  # hexagons keep their size on screen

    # -- blinking and visibility -----------------------------------------------------------
    def blink(self) -> None:
        """Overdue rings pulse so that they catch the eye from across the room.

        A pulse repaints the whole 4K viewport; while an image renders in a worker (the
        static layers, the patrol trails, the rings) or the cases are recomputed (all
        compete for the two cores and the GIL) that paint would stall the GUI thread,
        so the pulse waits (a few hundred ms at most).  With no ring to pulse nothing is
        repainted at all."""
        if self.canvas.images_rendering() or self.pending():
            return
        if not self.overdue_count() or not self.overdue.isVisible():
            if not self._blink_on:
                self._blink_on = True
                self.overdue.setOpacity(1.0)
            return
        self._blink_on = not self._blink_on
        self.overdue.setOpacity(1.0 if self._blink_on else 0.25)

    @property
    def overdue(self):
        """The item showing the overdue rings (their cached image)."""
        return self.ring_cache.item

    def overdue_count(self) -> int:
        return len(self.overdue_xy[0])

    def _ring_painters(self) -> list:
        return [self._ring_painter] if self._visible and self._ring_painter else []

    def set_z(self, z: float) -> None:
        super().set_z(z)
        self.ring_cache.item.setZValue(z + 20)

    def set_visible(self, visible: bool) -> None:
        super().set_visible(visible)
        for (_kind, is_open), item in self.scatters.items():
            item.setVisible(visible and not self.aggregated and (is_open or not self.overview))
        for item in self.hex_items:
            item.setVisible(visible and self.aggregated)
        if visible != self.ring_cache.item.isVisible():
            self.ring_cache.item.setVisible(visible)
            self.ring_cache.invalidate()

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
        self.ring_cache.shutdown()
        self.canvas.remove_item(self.ring_cache.item)
        self.generation += 1  # whatever is still computing is stale
        self.work.wait()
        self.canvas.viewChanged.disconnect(self._follow_zoom)
        super().remove()
