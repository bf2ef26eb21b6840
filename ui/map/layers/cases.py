"""Case points (案件) coloured by kind; open cases bright, recent closed ones dim,
overdue open ones (超期) ringed in red on top.

Level of detail: zoomed out to the whole district, the recently closed cases are
hidden and the symbols shrink, so that open and overdue cases read at a glance.
"""

from __future__ import annotations

import pyqtgraph as pg

from app.map.layers import CASE_KINDS, CaseData
from ui import theme
from ui.map.layers.base import LayerView, register_view

#: coarser than this (metres per pixel) is the district overview
OVERVIEW_MPP = 2.5
#: symbol sizes in px at scale 1: (overview, detail)
OPEN_SIZE = (7, 9)
CLOSED_SIZE = (4, 5)
RING_SIZE = (12, 17)


@register_view(CaseData)
class CaseView(LayerView):
    """One ScatterPlotItem per (kind, open/closed) plus one for the overdue rings."""

    def build(self) -> None:
        data: CaseData = self.layer.data
        self.scatters: dict[tuple[str, bool], pg.ScatterPlotItem] = {}
        self.overdue: pg.ScatterPlotItem | None = None
        self.overview: bool | None = None
        kinds = list(CASE_KINDS) + sorted(set(data.kind.tolist()) - set(CASE_KINDS))
        for is_open, alpha, dz in ((False, 110, 0), (True, 255, 10)):
            for kind in kinds:
                m = (data.kind == kind) & (data.is_open == is_open)
                if not m.any():
                    continue
                colour = theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])
                item = pg.ScatterPlotItem(
                    x=data.x[m], y=data.y[m], symbol="o",
                    pen=pg.mkPen(theme.qcolor("#02060e", 200), width=1) if is_open else None,
                    brush=pg.mkBrush(theme.qcolor(colour, alpha)), pxMode=True,
                )
                self.scatters[(kind, is_open)] = self.add(item, dz=dz)
        if data.overdue.any():
            ring = pg.ScatterPlotItem(
                x=data.x[data.overdue], y=data.y[data.overdue], symbol="o",
                pen=pg.mkPen(theme.qcolor(theme.ALERT), width=max(2, round(2 * theme.ui_scale()))),
                brush=None, pxMode=True,
            )
            self.overdue = self.add(ring, dz=20)
        self.canvas.viewChanged.connect(self._follow_zoom)
        self._follow_zoom()

    def _follow_zoom(self) -> None:
        overview = self.canvas.metres_per_pixel() > OVERVIEW_MPP
        if overview == self.overview:
            return
        self.overview = overview
        k = 0 if overview else 1
        s = theme.ui_scale()
        for (_kind, is_open), item in self.scatters.items():
            item.setSize(round((OPEN_SIZE if is_open else CLOSED_SIZE)[k] * s))
        if self.overdue is not None:
            self.overdue.setSize(round(RING_SIZE[k] * s))
        self.set_visible(self.is_visible())

    def set_visible(self, visible: bool) -> None:
        super().set_visible(visible)
        for (_kind, is_open), item in self.scatters.items():
            item.setVisible(visible and (is_open or not self.overview))

    def remove(self) -> None:
        self.canvas.viewChanged.disconnect(self._follow_zoom)
        super().remove()
