"""The graphic scale bar (比例尺) over the map: a round ground length and its bar.

The map frame is metric (EPSG:4527, Gauss-Kruger, the district a fraction of a degree
from the central meridian: scale error ~1e-6), so a length in map units is a length on
the ground.  The bar takes the longest round length (1, 2 or 5 × 10ⁿ m) that fits in
:data:`MAX_PX` and is drawn exactly that many metres long at the current zoom.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme
from ui.i18n import translate

#: longest bar at UI scale 1 (px); the round length is the largest that fits
MAX_PX = 160
#: segments of the bar (alternating light and dark)
SEGMENTS = 4


def round_length(max_metres: float) -> float:
    """The longest of 1, 2, 5 × 10ⁿ metres not longer than ``max_metres``."""
    if max_metres <= 0 or not math.isfinite(max_metres):
        return 0.0
    power = 10.0 ** math.floor(math.log10(max_metres))
    for step in (5.0, 2.0, 1.0):
        if step * power <= max_metres * (1 + 1e-9):
            return step * power
    return power  # (not reached)


def distance_text(metres: float) -> str:
    """``350 米``, ``1.2 公里``: a ground distance as the map's keys write it."""
    if metres >= 1000:
        km = metres / 1000
        value = f"{km:.0f}" if km >= 10 or km == round(km) else f"{km:.1f}"
        return translate("ScaleBar", "{n} 公里").format(n=value)
    value = f"{metres:.0f}" if metres >= 1 else f"{metres:.1f}"
    return translate("ScaleBar", "{n} 米").format(n=value)


class ScaleBar(QWidget):
    """A transparent overlay: the label above a segmented bar, left-aligned."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ScaleBar")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.metres = 0.0
        self.bar_px = 0.0
        self._scale = 1.0
        self.set_ui_scale(theme.ui_scale())

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self._font = QFont(self.font())
        self._font.setPixelSize(max(10, round(13 * scale)))
        self._font.setBold(True)
        self.setFixedSize(round((MAX_PX + 24) * scale), round(40 * scale))

    @property
    def margin(self) -> int:
        return round(6 * self._scale)

    def set_metres_per_pixel(self, mpp: float) -> None:
        """Follow the zoom: the round length that fits, and its length in pixels."""
        metres = round_length(MAX_PX * self._scale * mpp)
        bar_px = metres / mpp if mpp > 0 else 0.0
        if (metres, bar_px) != (self.metres, self.bar_px):
            self.metres, self.bar_px = metres, bar_px
            self.update()

    def text(self) -> str:
        return distance_text(self.metres) if self.metres else ""

    def bar_rect(self) -> QRectF:
        """The bar in this widget's coordinates: exactly ``metres`` long on the map."""
        m, s = self.margin, self._scale
        h = max(4.0, round(6 * s))
        return QRectF(m, self.height() - m - h, self.bar_px, h)

    def paintEvent(self, _ev) -> None:
        if not self.metres:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        bar = self.bar_rect()
        # a dark plate behind label and bar: readable over bright street fills
        text_w = QFontMetricsF(self._font).horizontalAdvance(self.text())
        plate = QRectF(0, 0, max(bar.right(), bar.left() + text_w) + self.margin, self.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.qcolor(theme.MAP_BACKGROUND, 150))
        p.drawRoundedRect(plate, 3 * self._scale, 3 * self._scale)
        seg = bar.width() / SEGMENTS
        for i in range(SEGMENTS):
            p.setBrush(theme.qcolor(theme.TEXT if i % 2 == 0 else theme.MAP_BACKGROUND))
            p.drawRect(QRectF(bar.left() + i * seg, bar.top(), seg, bar.height()))
        pen = QPen(theme.qcolor(theme.TEXT))
        pen.setWidthF(max(1.0, self._scale))
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(bar)
        p.setFont(self._font)
        text_rect = QRectF(bar.left(), 0, self.width() - bar.left(), bar.top() - self._scale * 2)
        p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                   self.text())
        p.end()
