"""Whistles (街道吹哨) on the map: those in progress at the moment shown as large
stars (a second whistle, 二次哨, ringed in red), those closed in the last 30 days
small and dim.  The moment follows the replay clock like the cases.  A whistle picked on
the map (``whistle_at`` then ``select``) is ringed with a glow until the selection is
cleared."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from app.feed.fixes import to_seconds
from app.map.layers import WhistleData
from ui import theme
from ui.i18n import translate
from ui.map.layers.base import LayerView, register_view
from ui.map.layers.legend_entries import RING, LegendEntry, LegendSection, colour

RECENT_S = 30 * 86_400.0
ACTIVE_PX, RECENT_PX = 26, 11
SELECTED_PX = ACTIVE_PX + 30  # the glow ring around the selected whistle
HIT_PX = ACTIVE_PX // 2 + 2  # a click this close (screen pixels) picks a whistle


@register_view(WhistleData)
class WhistleView(LayerView):
    """Two scatter items: in progress and recently closed; a third rings the selected one."""

    def build(self) -> None:
        s = theme.ui_scale()
        self.at: float | None = None
        #: live whistles in progress are drawn by the whistle panel's markers (coloured by
        #: overdue and second whistle): this layer then draws them only in a replay
        self.live_elsewhere = False
        self.selected: int | None = None  # the whistle's id, ringed while shown
        self.recent = self.add(pg.ScatterPlotItem(
            symbol="star", size=round(RECENT_PX * s), pxMode=True, pen=None,
            brush=pg.mkBrush(theme.qcolor(theme.HIGHLIGHT, 120))), dz=1)
        self.active = self.add(pg.ScatterPlotItem(
            symbol="star", size=round(ACTIVE_PX * s), pxMode=True,
            pen=pg.mkPen(theme.qcolor("#02060e"), width=1),
            brush=pg.mkBrush(theme.qcolor(theme.HIGHLIGHT))), dz=2)
        self.second = self.add(pg.ScatterPlotItem(
            symbol="o", size=round((ACTIVE_PX + 12) * s), pxMode=True, brush=None,
            pen=pg.mkPen(theme.qcolor(theme.ALERT), width=max(2, round(2 * s)))), dz=3)
        # a soft halo and a crisp ring: legible on a 4K wall, one point only
        self.glow = self.add(pg.ScatterPlotItem(
            symbol="o", size=round(SELECTED_PX * s), pxMode=True,
            brush=pg.mkBrush(theme.qcolor(theme.ACCENT, 70)),
            pen=pg.mkPen(theme.qcolor(theme.ACCENT), width=max(2, round(3 * s)))), dz=0)
        self.update_points()

    def reload(self, data: WhistleData) -> None:
        """Take newly loaded whistles (after the start-up)."""
        self.layer.data = data
        self.update_points()

    def set_live_elsewhere(self, on: bool) -> None:
        if on != self.live_elsewhere:
            self.live_elsewhere = on
            self.update_points()

    def set_time(self, t: float | None) -> None:
        if t != self.at:
            self.at = t
            self.update_points()

    def moment(self) -> float:
        if self.at is not None:
            return self.at
        now = getattr(self.context, "now", None)
        return to_seconds(now) if now is not None else float("inf")

    def update_points(self) -> None:
        d: WhistleData = self.layer.data
        t = self.moment()
        if self.at is None:  # live: the store's state (a whistle blown or closed in the
            # panel after the map was loaded counts, though later than the data's "now")
            blown = np.ones(len(d), bool)
            closed = ~np.isnan(d.closed_s)
        else:
            blown = d.blown_s <= t
            closed = d.closed_s <= t
        active = blown & ~closed
        recent = closed & (d.closed_s >= t - RECENT_S)
        self.active_mask = active
        self.shown_mask = active | recent  # (clickable, wherever they are drawn)
        drawn = active
        if self.at is None and self.live_elsewhere:
            drawn = np.zeros(len(d), bool)
        self.active.setData(x=d.x[drawn], y=d.y[drawn])
        self.recent.setData(x=d.x[recent], y=d.y[recent])
        second = drawn & (d.round >= 2)
        self.second.setData(x=d.x[second], y=d.y[second])
        self._draw_selection()
        key = (bool(drawn.any()), bool(second.any()), bool(recent.any()))
        if key != getattr(self, "_legend_key", None):
            self._legend_key = key
            self.legend_changed()

    def legend(self) -> LegendSection | None:
        """The states drawn at the moment shown: in progress, second whistle, closed lately."""
        active, second, recent = getattr(self, "_legend_key", (False, False, False))
        entries = []
        if active:
            entries.append(LegendEntry(translate("Legend", "进行中"), "star",
                                       colour(theme.HIGHLIGHT), colour("#02060e"), ACTIVE_PX))
        if second:
            entries.append(LegendEntry(translate("Legend", "二次哨（红圈）"), RING, None,
                                       colour(theme.ALERT), ACTIVE_PX + 12, 2.0))
        if recent:
            entries.append(LegendEntry(translate("Legend", "近30天已办结"), "star",
                                       colour(theme.HIGHLIGHT, 120), None, RECENT_PX))
        note = "" if entries else translate("Legend", "此刻没有进行中或近30天办结的吹哨")
        return LegendSection(self.layer.id, translate("Legend", "街道吹哨"), tuple(entries),
                             note)

    def whistle_at(self, x: float, y: float, radius_m: float) -> int | None:
        """The id of the whistle shown at the moment nearest to (x, y) within ``radius_m``."""
        if not self.is_visible():
            return None
        d: WhistleData = self.layer.data
        idx = np.flatnonzero(self.shown_mask)
        if not len(idx):
            return None
        dist = np.hypot(d.x[idx] - x, d.y[idx] - y)
        j = int(np.argmin(dist))
        return int(d.ids[idx[j]]) if dist[j] <= radius_m else None

    def select(self, whistle_id: int | None) -> None:
        """Ring ``whistle_id`` on the map (None clears the ring)."""
        self.selected = None if whistle_id is None else int(whistle_id)
        self._draw_selection()

    def selected_point(self) -> tuple[float, float] | None:
        """Where the ring is drawn (map metres), or None when nothing shown is selected."""
        pts = self.glow.data
        return (float(pts["x"][0]), float(pts["y"][0])) if len(pts) else None

    def _draw_selection(self) -> None:
        d: WhistleData = self.layer.data
        hit = (self.shown_mask & (d.ids == self.selected) if self.selected is not None
               else np.zeros(len(d), bool))
        self.glow.setData(x=d.x[hit], y=d.y[hit])

    def shown_active(self) -> int:
        return int(np.sum(self.active_mask))
