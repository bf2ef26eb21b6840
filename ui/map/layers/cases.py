"""Case points (案件) coloured by kind; open cases bright, recent closed ones dim,
overdue open ones (超期) ringed in red on top."""

from __future__ import annotations

import pyqtgraph as pg

from app.map.layers import CASE_KINDS, CaseData
from ui import theme
from ui.map.layers.base import LayerView, register_view


@register_view(CaseData)
class CaseView(LayerView):
    """One ScatterPlotItem per (kind, open/closed) plus one for the overdue rings."""

    def build(self) -> None:
        data: CaseData = self.layer.data
        s = theme.ui_scale()
        self.scatters: dict[tuple[str, bool], pg.ScatterPlotItem] = {}
        kinds = list(CASE_KINDS) + sorted(set(data.kind.tolist()) - set(CASE_KINDS))
        for is_open, size, alpha, dz in ((False, 5, 120, 0), (True, 9, 255, 10)):
            for kind in kinds:
                m = (data.kind == kind) & (data.is_open == is_open)
                if not m.any():
                    continue
                colour = theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])
                item = pg.ScatterPlotItem(
                    x=data.x[m], y=data.y[m], size=round(size * s), symbol="o",
                    pen=pg.mkPen(theme.qcolor("#02060e", 200), width=1) if is_open else None,
                    brush=pg.mkBrush(theme.qcolor(colour, alpha)), pxMode=True,
                )
                self.scatters[(kind, is_open)] = self.add(item, dz=dz)
        if data.overdue.any():
            ring = pg.ScatterPlotItem(
                x=data.x[data.overdue], y=data.y[data.overdue], size=round(17 * s), symbol="o",
                pen=pg.mkPen(theme.qcolor(theme.ALERT), width=max(2, round(2 * s))),
                brush=None, pxMode=True,
            )
            self.overdue = self.add(ring, dz=20)
