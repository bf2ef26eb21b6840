"""The status bar: cursor position in CGCS2000, map scale, district name, and the
district's time now (read from the window's clock, ticking every second)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.clock import DEFAULT_TZ, Clock, LiveClock
from app.geo.crs import LocalFrame
from app.map.scale import round_scale, scale_denominator

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

#: how often the clock is read (a new second shows within this)
CLOCK_TICK_MS = 250


def zone_caption(tz: str | None) -> str:
    """What the time is called: 北京时间 in the default zone, else the zone's name."""
    return "北京时间" if (tz or DEFAULT_TZ) == DEFAULT_TZ else f"当地时间（{tz}）"


class MapStatusBar(QStatusBar):
    """Permanent read-outs an operator glances at."""

    def __init__(self, canvas: MapCanvas, frame: LocalFrame, district_name: str,
                 parent: QWidget | None = None, *, clock: Clock | None = None,
                 time_zone: str | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._frame = frame
        self.clock = clock or LiveClock(time_zone)
        self._zone = zone_caption(time_zone)
        self.position_label = QLabel("经度 —  纬度 —  (CGCS2000)")
        self.position_label.setObjectName("PositionLabel")
        self.scale_label = QLabel("比例尺 —")
        self.scale_label.setObjectName("ScaleLabel")
        self.district_label = QLabel(district_name)
        self.district_label.setObjectName("DistrictLabel")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("ClockLabel")
        self.addPermanentWidget(self.position_label)
        self.addPermanentWidget(self.scale_label)
        self.addPermanentWidget(self.district_label)
        self.addPermanentWidget(self.clock_label)
        self.setSizeGripEnabled(False)
        canvas.cursorMoved.connect(self.show_position)
        canvas.viewChanged.connect(self.update_scale)
        self.show_time()
        # a child of the bar: it stops with it
        self._tick = QTimer(self, interval=CLOCK_TICK_MS, timeout=self.show_time)
        self._tick.start()

    def show_time(self) -> None:
        """The clock's now, to the second."""
        text = f"{self.clock.now():%Y-%m-%d %H:%M:%S} {self._zone}"
        if text != self.clock_label.text():
            self.clock_label.setText(text)

    def show_position(self, x: float, y: float) -> None:
        lon, lat = self._frame.to_lonlat(x, y)
        self.position_label.setText(f"经度 {float(lon):.6f}°  纬度 {float(lat):.6f}°  (CGCS2000)")

    def scale_denominator(self) -> float:
        dpi = self._canvas.logicalDpiX() or 96
        return scale_denominator(self._canvas.metres_per_pixel(), dpi)

    def update_scale(self) -> None:
        self.scale_label.setText(f"比例尺 1:{round_scale(self.scale_denominator()):,}")
