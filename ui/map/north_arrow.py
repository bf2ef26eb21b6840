"""The north arrow (指北针) over the map.

It points where north is on screen, measured from the map's own transform (not
assumed to be "up"), and to true north rather than grid north when the district's
frame is known: Gauss-Kruger grid north leans from true north by the meridian
convergence (a tenth of a degree for a district near 117°E, more elsewhere).
The 2.5D building style leans roofs but never turns the map, so north stays north.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from ui import theme
from ui.i18n import translate

#: side of the widget at UI scale 1 (px)
SIDE_PX = 46


def screen_bearing(dx: float, dy: float) -> float:
    """Degrees clockwise from screen-up of the screen vector (dx, dy) (y down)."""
    return math.degrees(math.atan2(dx, -dy)) % 360.0


class NorthArrow(QWidget):
    """A transparent overlay: a two-tone arrow and the letter for north at its tip."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("NorthArrow")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        #: where north is on screen, degrees clockwise from up
        self.angle = 0.0
        self._scale = 1.0
        self.set_ui_scale(theme.ui_scale())

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self._font = QFont(self.font())
        self._font.setPixelSize(max(10, round(14 * scale)))
        self._font.setBold(True)
        side = round(SIDE_PX * scale)
        self.setFixedSize(side, round(side * 1.25))

    def set_angle(self, degrees: float) -> None:
        degrees %= 360.0
        if abs(degrees - self.angle) > 0.05:
            self.angle = degrees
            self.update()

    def letter(self) -> str:
        return translate("NorthArrow", "北")

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        w, h = self.width(), self.height()
        letter_h = h - w  # the letter sits above the dial
        centre = QPointF(w / 2, letter_h + w / 2)
        r = w / 2 - 2 * self._scale
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.qcolor(theme.MAP_BACKGROUND, 150))
        p.drawEllipse(centre, r, r)
        p.save()
        p.translate(centre)
        p.rotate(self.angle)
        tip, tail, half = -r * 0.85, r * 0.85, r * 0.38
        left, right = QPainterPath(), QPainterPath()
        left.moveTo(0, tip)
        left.lineTo(-half, tail)
        left.lineTo(0, tail * 0.55)
        left.closeSubpath()
        right.moveTo(0, tip)
        right.lineTo(half, tail)
        right.lineTo(0, tail * 0.55)
        right.closeSubpath()
        outline = QPen(theme.qcolor(theme.TEXT))
        outline.setWidthF(max(1.0, self._scale))
        p.setPen(outline)
        p.setBrush(theme.qcolor(theme.TEXT))
        p.drawPath(left)
        p.setBrush(theme.qcolor(theme.MAP_BACKGROUND))
        p.drawPath(right)
        p.restore()
        # the letter upright, beyond the tip in the arrow's direction
        a = math.radians(self.angle)
        at = QPointF(centre.x() + math.sin(a) * (r + letter_h * 0.3),
                     centre.y() - math.cos(a) * (r + letter_h * 0.3))
        p.setFont(self._font)
        p.setPen(theme.qcolor(theme.TEXT))
        box = QRectF(at.x() - letter_h, at.y() - letter_h / 2, 2 * letter_h, letter_h)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.letter())
        p.end()
