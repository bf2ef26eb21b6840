"""Measuring on the map (测距、测面): click points, double-click / Enter / right-click to
finish, Backspace takes the last point back, Esc cancels (a second Esc, or the action
again, leaves measuring).  The running total follows the cursor; the geometry is
:mod:`app.map.measure` (EPSG:4527 plane metres)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
import qtawesome as qta
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QBrush, QKeyEvent, QPainterPath
from PySide6.QtWidgets import QLabel

from app.map.measure import Measurement, format_area, format_length
from ui import theme
from ui.map.layers.base import MapPathItem, cosmetic_pen

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

#: z of the measurement: above the selection highlight
MEASURE_Z = 1_000_010.0
#: the measurement's colour: apart from the selection's yellow and the boundaries' cyans
MEASURE_COLOUR = "#ff9f43"
#: the read-out's distance from the cursor (px at scale 1)
LABEL_OFFSET_PX = 18


class MeasureTool(QObject):
    """A map tool (:class:`ui.map.canvas.MapTool`) measuring distances or areas."""

    #: a measurement was finished (the :class:`Measurement`)
    finished = Signal(object)
    #: measuring was left (Esc with nothing drawn, the action unchecked, another tool)
    left = Signal()

    def __init__(self, canvas: MapCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self.measurement: Measurement | None = None
        self._cursor: tuple[float, float] | None = None
        s = theme.ui_scale()
        colour = theme.qcolor(MEASURE_COLOUR)
        self._line = MapPathItem(QPainterPath(), cosmetic_pen(colour, max(3, round(3 * s))))
        # the points: a fixed size on screen whatever the zoom
        self._dots = pg.ScatterPlotItem(size=max(9, round(10 * s)), pxMode=True,
                                        pen=pg.mkPen("#ffffff", width=max(1, round(1.5 * s))),
                                        brush=pg.mkBrush(MEASURE_COLOUR))
        self._shown = False
        self.label = QLabel(canvas.viewport())
        self.label.setObjectName("MeasureLabel")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setStyleSheet(
            f"QLabel#MeasureLabel {{ background: rgba(7, 16, 31, 225); color: {theme.TEXT};"
            f" border: 1px solid {MEASURE_COLOUR}; border-radius: 4px;"
            f" padding: {round(5 * s)}px {round(8 * s)}px; }}")
        self.label.hide()
        canvas.viewChanged.connect(self._view_changed)

    def _view_changed(self) -> None:
        if self.measurement is not None and self.label.isVisible():
            self._place_label()  # the read-out stays with its point when the map moves

    # -- the way in and out -------------------------------------------------------------
    @property
    def mode(self) -> str | None:
        return self.measurement.mode if self.measurement is not None else None

    def start(self, mode: str) -> None:
        """Measure ``mode`` ("distance" or "area") from the next click on."""
        self._canvas.set_tool(self)
        self._clear()
        self.measurement = Measurement(mode)
        self._update()

    def stop(self) -> None:
        """Leave measuring (the canvas selects again)."""
        if self._canvas.tool is self:
            self._canvas.set_tool(None)  # calls deactivate()
        else:
            self.deactivate()

    def active(self) -> bool:
        return self._canvas.tool is self

    def deactivate(self) -> None:
        self._clear()
        self.measurement = None
        self.left.emit()

    # -- map tool --------------------------------------------------------------------------
    def click(self, x: float, y: float) -> None:
        m = self.measurement
        if m is None:
            return
        if m.finished:  # the next click begins a new measurement
            self._clear()
            m = self.measurement = Measurement(m.mode)
        m.add(x, y)
        self._cursor = (x, y)
        self._update()

    def double_click(self, x: float, y: float) -> None:
        # the double click's first press already added its point
        self.finish()

    def right_click(self, x: float, y: float) -> bool:
        m = self.measurement
        if m is None or m.finished or not len(m):
            return False  # the context menu then
        self.finish()
        return True

    def move(self, x: float, y: float) -> None:
        self._cursor = (x, y)
        if self.measurement is not None and not self.measurement.finished:
            self._update()

    def key(self, ev: QKeyEvent) -> bool:
        m = self.measurement
        k = ev.key()
        if k == Qt.Key.Key_Escape:
            if m is not None and len(m) and not m.finished:
                self.cancel()
            else:
                self.stop()
            return True
        if k in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
            return True
        if k == Qt.Key.Key_Backspace and m is not None and not m.finished:
            m.undo()
            self._update()
            return True
        return False

    def finish(self) -> None:
        """End the measurement; it stays on the map until the next click or Esc."""
        m = self.measurement
        if m is None or m.finished:
            return
        if not m.complete():
            self.cancel()
            return
        m.finished = True
        self._update()
        self.finished.emit(m)

    def cancel(self) -> None:
        """Throw the measurement away; measuring goes on."""
        if self.measurement is not None:
            self.measurement = Measurement(self.measurement.mode)
        self._clear()
        self._update()

    # -- drawing ---------------------------------------------------------------------------
    def text(self) -> str:
        """The read-out: the running total (and the hint while drawing)."""
        m = self.measurement
        if m is None:
            return ""
        cx, cy = self._cursor if (self._cursor and not m.finished) else (None, None)
        if m.mode == "distance":
            lines = [self.tr("总长 {length}").format(length=format_length(m.length(cx, cy)))]
            if cx is not None and len(m):
                lines.append(self.tr("本段 {length}").format(
                    length=format_length(m.last_segment(cx, cy))))
        else:
            lines = [self.tr("面积 {area}").format(area=format_area(m.area(cx, cy))),
                     self.tr("周长 {length}").format(length=format_length(m.perimeter(cx, cy)))]
        if m.finished:
            lines.append(self.tr("单击开始新的测量 · Esc 退出"))
        elif not len(m):
            lines = [self.tr("单击地图放置第一个点 · Esc 退出")]
        else:
            lines.append(self.tr("双击或回车结束 · 退格撤销 · Esc 取消"))
        return "\n".join(lines)

    def _update(self) -> None:
        m = self.measurement
        if m is None:
            self._clear()
            return
        cx, cy = self._cursor if self._cursor else (None, None)
        xs, ys = m.with_cursor(cx, cy)
        line = QPainterPath()
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            (line.lineTo if i else line.moveTo)(QPointF(x, y))
        if m.mode == "area" and len(xs) > 2:
            line.closeSubpath()
        self._line.setBrush(QBrush(theme.qcolor(MEASURE_COLOUR, 45)) if m.mode == "area"
                            else QBrush(Qt.BrushStyle.NoBrush))
        self._line.setPath(line)
        self._dots.setData(list(m.xs), list(m.ys))
        if not self._shown:
            self._canvas.add_item(self._line, z=MEASURE_Z)
            self._canvas.add_item(self._dots, z=MEASURE_Z + 1)
            self._shown = True
        self._place_label()

    def _place_label(self) -> None:
        m = self.measurement
        at = self._cursor
        if m is not None and m.finished and len(m):
            at = (m.xs[-1], m.ys[-1])
        if at is None:
            vp = self._canvas.viewport().rect()
            p = QPointF(vp.center())
        else:
            p = self._canvas.map_to_widget(*at)
        self.label.setText(self.text())
        self.label.adjustSize()
        off = round(LABEL_OFFSET_PX * theme.ui_scale())
        vp = self._canvas.viewport().rect()
        x = min(round(p.x()) + off, vp.width() - self.label.width() - 4)
        y = min(round(p.y()) + off, vp.height() - self.label.height() - 4)
        self.label.move(max(4, x), max(4, y))
        self.label.show()
        self.label.raise_()

    def _clear(self) -> None:
        if self._shown:
            self._canvas.remove_item(self._line)
            self._canvas.remove_item(self._dots)
            self._shown = False
        self.label.hide()


class MeasureActions(QObject):
    """The toolbar's 测距 and 测面 (checkable, one at a time; checked again: off)."""

    def __init__(self, tool: MeasureTool, parent: QObject) -> None:
        super().__init__(parent)
        self.tool = tool
        icon = lambda name: qta.icon(name, color=theme.ACCENT, color_active="#ffffff")  # noqa: E731
        self.distance = QAction(icon("mdi6.ruler"), self.tr("测距"), parent)
        self.distance.setToolTip(self.tr("测量距离：单击加点，双击或回车结束，Esc 取消"))
        self.area = QAction(icon("mdi6.vector-square"), self.tr("测面"), parent)
        self.area.setToolTip(self.tr("测量面积：单击加点，双击或回车结束，Esc 取消"))
        self.group = QActionGroup(self)
        self.group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for action, mode in ((self.distance, "distance"), (self.area, "area")):
            action.setCheckable(True)
            action.setData(mode)
            self.group.addAction(action)
        self.group.triggered.connect(self._triggered)
        tool.left.connect(self._left)

    def _triggered(self, action: QAction) -> None:
        if action.isChecked():
            self.tool.start(action.data())
        else:
            self.tool.stop()

    def _left(self) -> None:
        # the tool may be left for another mode at once: uncheck only what is not measuring
        mode = self.tool.mode if self.tool.active() else None
        for action in (self.distance, self.area):
            if action.data() != mode and action.isChecked():
                action.setChecked(False)
