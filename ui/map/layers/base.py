"""The layer-view base class, the registry from layer data type to view, a cheap path item."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from app.map.layer_stack import MapLayer
from ui.map.layers.legend_entries import LegendSection

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

_REGISTRY: dict[type, type[LayerView]] = {}


def register_view(data_type: type) -> Callable[[type[LayerView]], type[LayerView]]:
    """Class decorator: ``@register_view(GridLevelData) class BoundaryView(LayerView)``."""

    def deco(cls: type[LayerView]) -> type[LayerView]:
        _REGISTRY[data_type] = cls
        return cls

    return deco


def view_class_for(data: Any) -> type[LayerView]:
    for t in type(data).__mro__:
        if t in _REGISTRY:
            return _REGISTRY[t]
    raise TypeError(f"no map view registered for layer data {type(data).__name__}")


class LayerView:
    """Draws one :class:`MapLayer` with a few large graphics items.

    Subclasses implement :meth:`build` and add items with :meth:`add`; ``dz`` orders
    a view's own items inside its slot of the layer stack.
    """

    def __init__(self, layer: MapLayer, canvas: MapCanvas, context: Any = None) -> None:
        self.layer = layer
        self.canvas = canvas
        self.context = context
        self._items: list[tuple[QGraphicsItem, float]] = []
        self._z = 0.0
        self._visible = True
        self._legend_listeners: list[Callable[[], None]] = []
        self.build()

    def build(self) -> None:
        raise NotImplementedError

    @property
    def items(self) -> list[QGraphicsItem]:
        return [item for item, _ in self._items]

    def add(self, item: QGraphicsItem, dz: float = 0.0) -> QGraphicsItem:
        self.canvas.add_item(item)
        item.setZValue(self._z + dz)
        item.setVisible(self._visible)
        self._items.append((item, dz))
        return item

    def set_z(self, z: float) -> None:
        self._z = z
        for item, dz in self._items:
            item.setZValue(z + dz)

    def z(self) -> float:
        return self._z

    def set_visible(self, visible: bool) -> None:
        self._visible = visible
        for item, _ in self._items:
            item.setVisible(visible)

    def is_visible(self) -> bool:
        return self._visible

    # -- the legend --------------------------------------------------------------------------
    def legend(self) -> LegendSection | None:
        """What this layer draws now, for the legend (图例); None: nothing to explain."""
        return None

    def on_legend_changed(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback()`` whenever :meth:`legend` may have changed for a reason the
        canvas does not signal (a worker's result, a colouring switched); returns the
        unsubscribe function."""
        self._legend_listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._legend_listeners:
                self._legend_listeners.remove(callback)

        return unsubscribe

    def legend_changed(self) -> None:
        for callback in list(self._legend_listeners):
            callback()

    def remove(self) -> None:
        for item, _ in self._items:
            self.canvas.remove_item(item)
        self._items.clear()
        self._legend_listeners.clear()


class MapPathItem(QGraphicsPathItem):
    """A path item that never takes part in hit-testing.

    pyqtgraph asks every item under the cursor for its ``shape()`` on each mouse
    move; for a 100,000-vertex path Qt would stroke the whole path each time.
    """

    _EMPTY = QPainterPath()

    def __init__(self, path: QPainterPath, pen: QPen | None = None,
                 brush: QBrush | None = None) -> None:
        self._bounds: QRectF | None = None
        super().__init__(path)
        self.setPen(pen if pen is not None else QPen(Qt.PenStyle.NoPen))
        self.setBrush(brush if brush is not None else QBrush(Qt.BrushStyle.NoBrush))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def shape(self) -> QPainterPath:
        return self._EMPTY

    def boundingRect(self) -> QRectF:
        # QGraphicsPathItem derives its bounds from shape() when it has a pen; with the
        # empty shape above the item would be culled everywhere but near the origin.
        if self._bounds is None:
            self._bounds = self.path().controlPointRect()
        return self._bounds

    def setPath(self, path: QPainterPath) -> None:
        self.prepareGeometryChange()
        self._bounds = None
        super().setPath(path)


def cosmetic_pen(colour: QColor, width: float = 1.0) -> QPen:
    """A pen whose width is in screen pixels whatever the zoom."""
    pen = QPen(colour)
    pen.setCosmetic(True)
    pen.setWidthF(width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


class StaticLayerView(LayerView):
    """A layer drawn into the canvas's cached static image, off the GUI thread.

    Subclasses add *static painters* (see :mod:`ui.map.static_render`) in ``build``
    with :meth:`add_painter` instead of graphics items; visibility and z changes
    re-render the cache.
    """

    def __init__(self, layer: MapLayer, canvas: MapCanvas, context: Any = None) -> None:
        self._painters: list = []
        super().__init__(layer, canvas, context)
        self._source = canvas.static_cache.add_source(self.z, self.static_painters)

    def add_painter(self, paint) -> None:
        self._painters.append(paint)

    def static_painters(self) -> list:
        """The painters to run for the next render (none while hidden)."""
        return list(self._painters) if self._visible else []

    def set_z(self, z: float) -> None:
        changed = z != self._z
        super().set_z(z)
        if changed:
            self.canvas.static_cache.invalidate()

    def set_visible(self, visible: bool) -> None:
        changed = visible != self._visible
        super().set_visible(visible)
        if changed:
            self.canvas.static_cache.invalidate()

    def restyle(self) -> None:
        """Rebuild the painters (a style setting changed) and re-render."""
        self._painters.clear()
        self.build()
        self.canvas.static_cache.invalidate()

    def remove(self) -> None:
        self.canvas.static_cache.remove_source(self._source)
        super().remove()


def path_painter(path: QPainterPath, pen: QPen | None = None, brush: QBrush | None = None):
    """A static painter drawing one prebuilt path (copies: the worker never shares state)."""
    path = QPainterPath(path)
    pen = QPen(pen) if pen is not None else QPen(Qt.PenStyle.NoPen)
    brush = QBrush(brush) if brush is not None else QBrush(Qt.BrushStyle.NoBrush)

    def paint(painter, rect, mpp) -> None:
        painter.setPen(pen)
        painter.setBrush(brush)
        painter.drawPath(path)

    return paint


def chunked_path_painter(chunks: list, pen: QPen | None = None, brush: QBrush | None = None):
    """A static painter drawing (bounds, path) chunks (see :func:`ui.map.paths.chunked_paths`),
    skipping those out of view; copies, so the worker never shares state."""
    chunks = [(tuple(b), QPainterPath(p)) for b, p in chunks]
    pen = QPen(pen) if pen is not None else QPen(Qt.PenStyle.NoPen)
    brush = QBrush(brush) if brush is not None else QBrush(Qt.BrushStyle.NoBrush)

    def paint(painter, rect, mpp) -> None:
        painter.setPen(pen)
        painter.setBrush(brush)
        x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
        for (bx0, by0, bx1, by1), path in chunks:
            if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
                continue
            painter.drawPath(path)

    return paint
