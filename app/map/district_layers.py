"""The district map's default layer stack."""

from __future__ import annotations

from app.map.labels import label_candidates
from app.map.layer_stack import LayerStack, MapLayer
from app.map.layers import DistrictMap

#: bottom -> top.  Coarser boundaries lie above finer ones: children share their
#: parent's edges, and the parent's brighter line must win.
DEFAULT_ORDER = ("buildings", "grids", "communities", "streets", "district", "cases", "whistles",
                 "patrol", "labels")
_LEVEL_LAYER = {"district": 1, "streets": 2, "communities": 3, "grids": 4}


def default_layer_stack(dmap: DistrictMap, patrol: object | None = None) -> LayerStack:
    """Every layer the district has data for, in :data:`DEFAULT_ORDER`; the workers
    layer (``patrol``, an :class:`app.feed.live.PatrolState`) when one is given."""
    layers: list[MapLayer] = []
    for layer_id in DEFAULT_ORDER:
        if layer_id in _LEVEL_LAYER:
            level = dmap.levels.get(_LEVEL_LAYER[layer_id])
            if level is not None and len(level):
                layers.append(MapLayer(layer_id, level))
        elif layer_id == "buildings":
            layers.append(MapLayer(layer_id, dmap.buildings))
        elif layer_id == "cases":
            layers.append(MapLayer(layer_id, dmap.cases))
        elif layer_id == "whistles" and dmap.whistles is not None:
            layers.append(MapLayer(layer_id, dmap.whistles))
        elif layer_id == "patrol" and patrol is not None:
            layers.append(MapLayer(layer_id, patrol))
        elif layer_id == "labels":
            layers.append(MapLayer(layer_id, label_candidates(dmap.levels)))
    return LayerStack(layers)
