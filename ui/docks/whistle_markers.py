"""Whistles on the map (哨令标注): open whistles as stars at their place — red when
something is overdue, yellow for a second whistle, cyan otherwise.  Redrawn whenever a
whistle changes in a panel and with the panels' countdown timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyqtgraph as pg

from app.store import DistrictRepository
from app.workflow import whistle_machine as wm
from app.workflow import whistles
from ui import theme

MARKER_Z = 900_000.0  # above the map layers, below the selection highlight
SIZE_PX = 22


class WhistleMarkers:
    """One scatter item for all open whistles."""

    def __init__(self, canvas, store: DistrictRepository,
                 from_lonlat: Callable[[np.ndarray, np.ndarray], tuple],
                 clock: Callable[[], datetime]) -> None:
        self._store = store
        self._from_lonlat = from_lonlat
        self._clock = clock
        self.item = pg.ScatterPlotItem(symbol="star", pxMode=True)
        canvas.add_item(self.item, z=MARKER_Z)
        self.ids: list[int] = []
        self.colours: list[str] = []
        self.refresh()

    def refresh(self, *_args) -> None:
        now = self._clock()
        rows = self._store.rows("SELECT id, lon, lat, round FROM whistles "
                                "WHERE closed_at IS NULL ORDER BY id")
        self.ids, self.colours = [], []
        if not rows:
            self.item.setData(x=[], y=[])
            return
        lon = np.array([r[1] for r in rows], dtype=float)
        lat = np.array([r[2] for r in rows], dtype=float)
        if len(rows) == 1:  # pyproj wants scalars, not 1-element arrays
            x, y = (np.array([v], dtype=float) for v in self._from_lonlat(lon[0], lat[0]))
        else:
            x, y = self._from_lonlat(lon, lat)
        brushes = []
        for wid, _lon, _lat, rnd in rows:
            _, w = whistles.load_whistle(self._store, wid)
            colour = (theme.ALERT if wm.is_overdue(w, now)
                      else theme.HIGHLIGHT if rnd == 2 else theme.ACCENT)
            self.ids.append(int(wid))
            self.colours.append(colour)
            brushes.append(pg.mkBrush(theme.qcolor(colour)))
        s = theme.ui_scale()
        self.item.setData(x=np.asarray(x), y=np.asarray(y), brush=brushes,
                          pen=pg.mkPen(theme.qcolor("#02060e"), width=1),
                          size=round(SIZE_PX * s))
