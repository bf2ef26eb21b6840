"""The ordered list of map layers (图层) and their visibility, without Qt.

Views subscribe with :meth:`LayerStack.subscribe`; every change calls the
subscribers with the stack, so the canvas restacks its items and the layer
panel redraws its list from the same source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(eq=False)
class MapLayer:
    """One layer: an id (also the translation key of its title), its data and visibility."""

    id: str
    data: Any
    visible: bool = True


class LayerStack:
    """Layers ordered bottom -> top; index 0 is drawn first."""

    def __init__(self, layers: list[MapLayer] | None = None) -> None:
        self._layers: list[MapLayer] = list(layers or [])
        ids = [layer.id for layer in self._layers]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate layer ids in {ids}")
        self._subscribers: list[Callable[[LayerStack], None]] = []

    def __iter__(self) -> Iterator[MapLayer]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __getitem__(self, layer_id: str) -> MapLayer:
        for layer in self._layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    def __contains__(self, layer_id: object) -> bool:
        return any(layer.id == layer_id for layer in self._layers)

    def ids(self) -> list[str]:
        """Layer ids bottom -> top."""
        return [layer.id for layer in self._layers]

    def index(self, layer_id: str) -> int:
        return self.ids().index(layer_id)

    def subscribe(self, callback: Callable[[LayerStack], None]) -> Callable[[], None]:
        """Call ``callback(stack)`` after every change; returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def add(self, layer: MapLayer, index: int | None = None) -> None:
        """Add a layer (a plugin's) at ``index`` (0 = bottom; default: on top)."""
        if layer.id in self:
            raise ValueError(f"layer {layer.id!r} is already in the stack")
        self._layers.insert(len(self._layers) if index is None else max(0, index), layer)
        self._changed()

    def set_visible(self, layer_id: str, visible: bool) -> None:
        layer = self[layer_id]
        if layer.visible != bool(visible):
            layer.visible = bool(visible)
            self._changed()

    def move(self, layer_id: str, to_index: int) -> None:
        """Move a layer to position ``to_index`` (0 = bottom), clamped to the stack."""
        i = self.index(layer_id)
        j = max(0, min(len(self._layers) - 1, to_index))
        if i == j:
            return
        self._layers.insert(j, self._layers.pop(i))
        self._changed()

    def raise_layer(self, layer_id: str) -> None:
        """One step towards the top (drawn later)."""
        self.move(layer_id, self.index(layer_id) + 1)

    def lower_layer(self, layer_id: str) -> None:
        """One step towards the bottom."""
        self.move(layer_id, self.index(layer_id) - 1)

    def reorder(self, ids_bottom_to_top: list[str]) -> None:
        """Adopt a full new order (e.g. after a drag in the layer panel)."""
        if sorted(ids_bottom_to_top) != sorted(self.ids()):
            raise ValueError("reorder must name every layer exactly once")
        if ids_bottom_to_top == self.ids():
            return
        self._layers = [self[i] for i in ids_bottom_to_top]
        self._changed()

    def _changed(self) -> None:
        for callback in list(self._subscribers):
            callback(self)
