"""Workers flagged 离线 or 出格 on the map (在岗告警标注): a ring at each one's last trusted
fix — grey for silent (离线), orange for outside their own grid (出格).  One scatter item
for all of them, set from the device panel's alarm list whenever it is read again; the
legend section also says how many of the district's on-duty workers are located."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from app.geo.crs import LocalFrame
from app.intake.coverage import FRESH_S, UnitCoverage
from app.intake.presence import WorkerAlarm
from ui import theme
from ui.i18n import translate
from ui.map.layers.legend_entries import LegendEntry, LegendSection, colour

#: above the map layers, just under the whistle stars (ui/docks/whistle_markers.py)
MARKER_Z = 899_000.0
SIZE_PX = 18
OFFLINE = "#9aa7b8"
OUTSIDE = "#ff9a1f"
COLOURS = {"offline": OFFLINE, "outside": OUTSIDE}


class PresenceMarkers:
    """The flagged workers of the last read, as rings on ``canvas``."""

    def __init__(self, canvas, frame: LocalFrame) -> None:
        self._frame = frame
        self.item = pg.ScatterPlotItem(symbol="o", pxMode=True)
        canvas.add_item(self.item, z=MARKER_Z)
        #: worker ids shown and their kinds (tests, the legend)
        self.ids: list[int] = []
        self.kinds: list[str] = []
        #: drawn while the map is live: a replay shows another moment than these alarms
        self.visible = True
        # the district's on-duty workers and those located, as of the last read
        self.located: UnitCoverage | None = None

    def set_visible(self, on: bool) -> None:
        self.visible = bool(on)
        self.item.setVisible(self.visible)

    def show_alarms(self, alarms: list[WorkerAlarm],
                    located: UnitCoverage | None = None) -> None:
        self.located = located
        placed = [a for a in alarms if a.lon is not None and a.lat is not None]
        self.ids = [a.worker_id for a in placed]
        self.kinds = [a.kind for a in placed]
        if not placed:
            self.item.setData(x=[], y=[])
            return
        x, y = self._frame.from_lonlat(np.array([a.lon for a in placed]),
                                       np.array([a.lat for a in placed]))
        s = theme.ui_scale()
        self.item.setData(x=np.asarray(x, float), y=np.asarray(y, float),
                          brush=[pg.mkBrush(0, 0, 0, 0)] * len(placed),
                          pen=[pg.mkPen(theme.qcolor(COLOURS[k]), width=3 * s)
                               for k in self.kinds],
                          size=round(SIZE_PX * s))

    def legend(self) -> LegendSection | None:
        """The keys of the kinds shown now and the located share (None: hidden, or
        nothing to say)."""
        if not self.visible:
            return None
        texts = {"offline": translate("IntakeLegend", "离线（长时间无定位）"),
                 "outside": translate("IntakeLegend", "出格（不在本网格）")}
        entries = tuple(LegendEntry(texts[k], "o", None, colour(COLOURS[k]), SIZE_PX, 3.0)
                        for k in ("offline", "outside") if k in self.kinds)
        c = self.located
        note = "" if c is None or not c.on_duty else translate(
            "IntakeLegend", "全区在岗 {on} 人，{s} 秒内有定位 {located} 人（{share}）").format(
                on=c.on_duty, s=f"{FRESH_S:.0f}", located=c.located, share=f"{c.share:.0%}")
        if not entries and not note:
            return None
        return LegendSection("presence_markers", translate("IntakeLegend", "在岗告警"), entries,
                             note)
