"""The status bar: cursor position in CGCS2000, map scale, district name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.geo.crs import LocalFrame
from app.map.scale import round_scale, scale_denominator

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas


class MapStatusBar(QStatusBar):
    """Permanent read-outs an operator glances at."""

    def __init__(self, canvas: MapCanvas, frame: LocalFrame, district_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._frame = frame
        self.position_label = QLabel("经度 —  纬度 —  (CGCS2000)")
        self.position_label.setObjectName("PositionLabel")
        self.scale_label = QLabel("比例尺 —")
        self.scale_label.setObjectName("ScaleLabel")
        self.district_label = QLabel(district_name)
        self.district_label.setObjectName("DistrictLabel")
        self.addPermanentWidget(self.position_label)
        self.addPermanentWidget(self.scale_label)
        self.addPermanentWidget(self.district_label)
        self.setSizeGripEnabled(False)
        canvas.cursorMoved.connect(self.show_position)
        canvas.viewChanged.connect(self.update_scale)

    def show_position(self, x: float, y: float) -> None:
        lon, lat = self._frame.to_lonlat(x, y)
        self.position_label.setText(f"经度 {float(lon):.6f}°  纬度 {float(lat):.6f}°  (CGCS2000)")

    def scale_denominator(self) -> float:
        dpi = self._canvas.logicalDpiX() or 96
        return scale_denominator(self._canvas.metres_per_pixel(), dpi)

    def update_scale(self) -> None:
        self.scale_label.setText(f"比例尺 1:{round_scale(self.scale_denominator()):,}")
