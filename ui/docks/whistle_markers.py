"""Whistles on the map (哨令标注): open whistles as stars at their place — red when
something is overdue, yellow for a second whistle, cyan otherwise.  Drawn from the
district model's whistle rows (no query): again whenever the model reads a changed
whistle and with the panels' countdown timer (overdue is a matter of time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyqtgraph as pg

from ui import theme

MARKER_Z = 900_000.0  # above the map layers, below the selection highlight
SIZE_PX = 22


class WhistleMarkers:
    """One scatter item for all open whistles of ``model`` (a DistrictModel)."""

    def __init__(self, canvas, model, clock: Callable[[], datetime]) -> None:
        self._model = model
        self._clock = clock
        self.item = pg.ScatterPlotItem(symbol="star", pxMode=True)
        canvas.add_item(self.item, z=MARKER_Z)
        self.ids: list[int] = []
        self.colours: list[str] = []
        #: drawn while the whistles layer is shown and the map is live (a replay shows
        #: the whistles of its moment through the layer)
        self.visible = True
        self.refresh()

    def set_visible(self, on: bool) -> None:
        self.visible = bool(on)
        self.item.setVisible(self.visible)

    def refresh(self, *_args) -> None:
        now = self._clock()
        rows = self._model.state.open_whistles()
        self.ids = [w.id for w in rows]
        self.colours = [theme.ALERT if w.overdue(now) else theme.HIGHLIGHT if w.round == 2
                        else theme.ACCENT for w in rows]
        if not rows:
            self.item.setData(x=[], y=[])
            return
        s = theme.ui_scale()
        self.item.setData(x=np.array([w.x for w in rows]), y=np.array([w.y for w in rows]),
                          brush=[pg.mkBrush(theme.qcolor(c)) for c in self.colours],
                          pen=pg.mkPen(theme.qcolor("#02060e"), width=1),
                          size=round(SIZE_PX * s))
