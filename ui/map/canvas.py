"""The map canvas: a pyqtgraph ViewBox with a locked aspect ratio, no axes.

Coordinates are local metres (see ``app.geo.crs.LocalFrame``).  Pan with the left
button, wheel zooms about the cursor, :meth:`MapCanvas.zoom_to_extent` shows the
whole district; the right button never pans or zooms, it asks for the map's context
menu (:attr:`MapCanvas.contextRequested`).  Layer views are created from the layer
registry and follow the :class:`app.map.LayerStack` (visibility, z-order).

A map tool (:class:`MapTool`, e.g. measuring) takes the left clicks, the cursor and
the keys while it is set (:meth:`MapCanvas.set_tool`): no grid is selected meanwhile.
"""

from __future__ import annotations

import time
from typing import Protocol

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QPainter
from PySide6.QtWidgets import QGraphicsItem, QWidget

from app.map.extrusion import MapStyle
from app.map.layer_stack import LayerStack
from ui import theme
from ui.map.layers import LayerView, view_class_for
from ui.map.static_render import StaticMapCache

#: z of the selection highlight: above every layer
HIGHLIGHT_Z = 1_000_000.0
#: keys a map tool takes before the window's shortcuts
TOOL_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace)
#: z distance between two consecutive layers (a view may use the gap for its sub-items)
Z_STEP = 100.0


class MapTool(Protocol):
    """What a map tool answers while set on the canvas (local metres)."""

    def click(self, x: float, y: float) -> None: ...

    def double_click(self, x: float, y: float) -> None: ...

    def move(self, x: float, y: float) -> None: ...

    def key(self, ev: QKeyEvent) -> bool:
        """True: the key was the tool's."""
        ...

    def right_click(self, x: float, y: float) -> bool:
        """True: the tool used the right click (no context menu then)."""
        ...

    def deactivate(self) -> None: ...


class MapViewBox(pg.ViewBox):
    """The map's view box: the right button neither pans nor zooms (it opens a menu)."""

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() == Qt.MouseButton.RightButton:
            ev.ignore()
            return
        super().mouseDragEvent(ev, axis)


class MapCanvas(pg.GraphicsView):
    """The central map widget."""

    #: cursor moved to local (x, y) metres
    cursorMoved = Signal(float, float)
    #: left click (no drag) at local (x, y) metres (not while a map tool is set)
    mapClicked = Signal(float, float)
    #: right click (or the menu key) at local (x, y) metres; the global screen position
    contextRequested = Signal(float, float, QPoint)
    #: the visible range or the widget size changed
    viewChanged = Signal()
    #: the first paint after layers were attached has finished
    firstPainted = Signal()
    #: the building style (2D/2.5D, angle, exaggeration) changed
    styleChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=theme.MAP_BACKGROUND)
        self.setObjectName("MapCanvas")
        # Antialiasing a district-sized path is pathologically slow: shapes stay aliased,
        # text (labels) is antialiased on its own.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setViewportUpdateMode(self.ViewportUpdateMode.FullViewportUpdate)
        # the view fills every pixel (background brush, full-viewport updates): without
        # this Qt paints the main window behind the map first, 1-10 ms a frame at 4K
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.viewbox = MapViewBox(lockAspect=True, enableMenu=False, defaultPadding=0.02)
        self.viewbox.setBackgroundColor(None)
        self.setCentralItem(self.viewbox)
        self._extent = QRectF(-1000, -1000, 2000, 2000)
        self._views: dict[str, LayerView] = {}
        self.static_cache = StaticMapCache(self)
        #: flat (2D) or extruded (2.5D) buildings, lean angle and exaggeration
        self.map_style = MapStyle()
        self._stack: LayerStack | None = None
        #: the map tool taking clicks, cursor and keys (None: clicks select, as usual)
        self.tool: MapTool | None = None
        self._unsubscribe = None
        self.first_paint_seconds: float | None = None
        self._t_created = time.perf_counter()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.viewbox.sigRangeChanged.connect(lambda *_: self.viewChanged.emit())
        self.viewbox.sigResized.connect(lambda *_: self.viewChanged.emit())

    # -- layers ------------------------------------------------------------------------
    def attach(self, stack: LayerStack, context: object) -> None:
        """Create one view per layer and follow the stack's order and visibility."""
        self.detach()
        self._stack = stack
        self._context = context  # for layers added later (a plugin's)
        for layer in stack:
            self._views[layer.id] = view_class_for(layer.data)(layer, self, context)
        self._unsubscribe = stack.subscribe(self._restack)
        self._restack(stack)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for view in self._views.values():
            view.remove()
        self._views.clear()
        self._stack = None

    def set_map_style(self, style: MapStyle) -> None:
        """Switch 2D/2.5D or change the lean; the static layers re-render."""
        if style == self.map_style:
            return
        self.map_style = style
        for view in self._views.values():
            if hasattr(view, "style"):
                view.restyle()
        self.styleChanged.emit(style)

    def view(self, layer_id: str) -> LayerView:
        return self._views[layer_id]

    def _restack(self, stack: LayerStack) -> None:
        for i, layer in enumerate(stack):
            view = self._views.get(layer.id)
            if view is None:  # added to the stack after attach (a plugin's layer)
                view = self._views[layer.id] = view_class_for(layer.data)(layer, self,
                                                                          self._context)
            view.set_z(i * Z_STEP)
            view.set_visible(layer.visible)

    def add_item(self, item: QGraphicsItem, z: float | None = None) -> None:
        """Add a graphics item in map coordinates (it never changes the auto range)."""
        self.viewbox.addItem(item, ignoreBounds=True)
        if z is not None:
            item.setZValue(z)

    def remove_item(self, item: QGraphicsItem) -> None:
        self.viewbox.removeItem(item)

    # -- view --------------------------------------------------------------------------
    def set_extent(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._extent = QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized()

    def extent(self) -> QRectF:
        return QRectF(self._extent)

    def zoom_to_extent(self, top_px: int = 0) -> None:
        """Show the whole district (全区), keeping the aspect ratio; ``top_px`` pixels at
        the top stay clear (an overlay such as the big-screen headline strip covers them)."""
        rect = QRectF(self._extent)
        h = self.viewport().height()
        if 0 < top_px < h:
            # grow the range upwards (north, +y) so the district fits below the overlay
            extra = rect.height() * top_px / (h - top_px)
            rect.setHeight(rect.height() + extra * 1.06)
        self.viewbox.setRange(rect=rect, padding=0.03)

    def zoom_by(self, factor: float) -> None:
        """Zoom about the centre of the view; factor > 1 zooms in."""
        self.viewbox.scaleBy(s=(1.0 / factor, 1.0 / factor))

    def center_on(self, x: float, y: float) -> None:
        r = self.viewbox.viewRect()
        self.viewbox.translateBy(x=x - r.center().x(), y=y - r.center().y())

    def visible_rect(self) -> QRectF:
        return self.viewbox.viewRect()

    def metres_per_pixel(self) -> float:
        px = self.viewbox.viewPixelSize()
        return float(px[0]) if px[0] > 0 else 1.0

    def map_to_widget(self, x: float, y: float) -> QPointF:
        """Local map metres -> pixel position in the viewport (for tests and overlays)."""
        scene = self.viewbox.mapViewToScene(QPointF(x, y))
        return QPointF(self.mapFromScene(scene))

    def widget_to_map(self, p: QPointF | QPoint) -> QPointF:
        """Viewport pixel -> local map metres."""
        point = p.toPoint() if isinstance(p, QPointF) else p
        return self.viewbox.mapSceneToView(self.mapToScene(point))

    # -- tools -------------------------------------------------------------------------
    def set_tool(self, tool: MapTool | None) -> None:
        """Give the clicks, cursor and keys to ``tool`` (None: back to selecting)."""
        if tool is self.tool:
            return
        old, self.tool = self.tool, tool
        if old is not None:
            old.deactivate()
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if tool is not None
                                  else Qt.CursorShape.ArrowCursor)
        if tool is not None:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- events ------------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.viewbox.sceneBoundingRect().contains(scene_pos):
            return
        p = self.viewbox.mapSceneToView(scene_pos)
        if self.tool is not None:
            self.tool.move(p.x(), p.y())
        self.cursorMoved.emit(p.x(), p.y())

    def _on_mouse_clicked(self, ev) -> None:
        if not self.viewbox.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = self.viewbox.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.RightButton:
            if ev.double() or (self.tool is not None and self.tool.right_click(p.x(), p.y())):
                return
            ev.accept()
            self.contextRequested.emit(p.x(), p.y(), QPoint(ev.screenPos().toPoint()))
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        if self.tool is not None:
            (self.tool.double_click if ev.double() else self.tool.click)(p.x(), p.y())
            return
        if not ev.double():
            self.mapClicked.emit(p.x(), p.y())

    def contextMenuEvent(self, ev) -> None:
        """The menu key: the context menu for the place under the cursor (or the centre)."""
        if ev.reason() != ev.Reason.Keyboard:
            super().contextMenuEvent(ev)  # a mouse's right click arrives through the scene
            return
        local = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(local):
            local = self.viewport().rect().center()
        p = self.widget_to_map(local)
        self.contextRequested.emit(p.x(), p.y(), self.viewport().mapToGlobal(local))
        ev.accept()

    def settled(self) -> bool:
        """Every image cache (static layers, the layers' own images) answers the latest
        request: what is on screen is final."""
        caches = [self.static_cache, *self.findChildren(StaticMapCache)]
        return (all(c.is_current() for c in caches)
                and all(v.complete() for v in self._views.values() if hasattr(v, "complete")))

    def images_rendering(self) -> bool:
        """An image cache (static layers, trails, overdue rings) is rendering in its
        worker: a full repaint now would fight it for the GIL (PySide keeps the GIL in
        QPainter calls) and stall the GUI thread."""
        return any(c.rendering() for c in (self.static_cache, *self.findChildren(StaticMapCache)))

    def shutdown(self) -> None:
        """Detach the layers and wait for background renders (call before closing)."""
        self.detach()
        self.static_cache.shutdown()
        for cache in self.findChildren(StaticMapCache):  # layers' own image caches
            cache.shutdown()

    def paintEvent(self, ev) -> None:
        super().paintEvent(ev)
        # the map is painted once the static image (grids, buildings) is on screen
        if (self.first_paint_seconds is None and self._views
                and self.static_cache.item.image is not None):
            self.first_paint_seconds = time.perf_counter() - self._t_created
            self.firstPainted.emit()

    def event(self, ev) -> bool:
        # a tool's keys (Esc, Enter, Backspace) before any window shortcut with them
        if (ev.type() == QEvent.Type.ShortcutOverride and self.tool is not None
                and ev.key() in TOOL_KEYS):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:
        if self.tool is not None and self.tool.key(ev):
            ev.accept()
            return
        if ev.key() == Qt.Key.Key_Home:
            self.zoom_to_extent()
            ev.accept()
            return
        super().keyPressEvent(ev)
