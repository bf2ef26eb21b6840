"""Map aids drawn over the canvas (地图辅助): the scale bar and the north arrow.

Both are small transparent child widgets of the canvas that let every mouse event
through to the map.  They sit in the canvas's bottom-left corner, the north arrow
above the scale bar: the canvas is the main window's central widget, so they can
never cover the status bar or the replay bar (docked outside it), the case and
worker cards take the top-right corner, and the big screen's headline strip the top.
They follow the zoom, the canvas's size and the window's UI scale.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect

from ui import theme
from ui.map.north_arrow import NorthArrow, screen_bearing
from ui.map.scale_bar import ScaleBar

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: gap to the canvas's edges and between the two (px at UI scale 1)
MARGIN_PX = 12
GAP_PX = 6
#: a step north (degrees of latitude) to find where north is on screen
NORTH_STEP_DEG = 0.005


class MapOverlays(QObject):
    """The scale bar and north arrow of one canvas; :meth:`place` keeps them in their corner."""

    def __init__(self, canvas, frame=None, parent: QObject | None = None) -> None:
        super().__init__(parent or canvas)
        self.canvas = canvas
        self.scale = theme.ui_scale()
        self.frame = frame  # app.geo.crs.LocalFrame: true north (None: grid north)
        self.scale_bar = ScaleBar(canvas)
        self.north_arrow = NorthArrow(canvas)
        canvas.viewChanged.connect(self.follow_view)
        canvas.installEventFilter(self)
        self.follow_view()
        self.scale_bar.show()
        self.north_arrow.show()

    def widgets(self) -> list:
        return [self.north_arrow, self.scale_bar]

    def set_ui_scale(self, scale: float) -> None:
        """Grow or shrink the overlays (the big screen makes them larger)."""
        self.scale = scale
        for w in self.widgets():
            w.set_ui_scale(scale)
        self.follow_view()

    def follow_view(self) -> None:
        """Follow the zoom and the canvas's size."""
        self.scale_bar.set_metres_per_pixel(self.canvas.metres_per_pixel())
        self.north_arrow.set_angle(self.north_on_screen())
        self.place()

    def north_on_screen(self) -> float:
        """Where north points on screen at the map's centre, degrees clockwise from up."""
        c = self.canvas.visible_rect().center()
        dx, dy = 0.0, max(1.0, self.canvas.visible_rect().height() * 0.05)
        if self.frame is not None:
            lon, lat = self.frame.to_lonlat(c.x(), c.y())
            x, y = self.frame.from_lonlat(float(lon), float(lat) + NORTH_STEP_DEG)
            dx, dy = float(x) - c.x(), float(y) - c.y()
        a = self.canvas.map_to_widget(c.x(), c.y())
        b = self.canvas.map_to_widget(c.x() + dx, c.y() + dy)
        if math.hypot(b.x() - a.x(), b.y() - a.y()) < 1e-9:
            return 0.0
        return screen_bearing(b.x() - a.x(), b.y() - a.y())

    def place(self) -> None:
        """Bottom-left corner of the map: the scale bar, the north arrow above it."""
        c = self.canvas
        m, gap = round(MARGIN_PX * self.scale), round(GAP_PX * self.scale)
        vp = c.viewport().geometry()  # (the map's area inside the canvas's frame)
        bar = self.scale_bar
        bar.move(vp.left() + m, vp.bottom() + 1 - m - bar.height())
        arrow = self.north_arrow
        arrow.move(vp.left() + m, bar.y() - gap - arrow.height())
        for w in self.widgets():
            w.raise_()

    def top(self) -> int:
        """The y (canvas coordinates) above which the overlays leave the map free."""
        return min(w.y() for w in self.widgets())

    def rects(self) -> list[QRect]:
        return [w.geometry() for w in self.widgets()]

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt API)
        if obj is self.canvas and ev.type() == QEvent.Type.Resize:
            self.place()
        return False


def install_overlays(window: MainWindow) -> MapOverlays:
    """Put the scale bar and the north arrow over ``window.canvas`` (``window.map_overlays``)."""
    frame = getattr(getattr(window, "district_map", None), "frame", None)
    overlays = MapOverlays(window.canvas, frame, window)
    window.map_overlays = overlays
    return overlays

