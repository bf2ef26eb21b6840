"""Layer views: one renderer class per layer data type (napari's layer->visual registry)."""

from ui.map.layers.base import LayerView, register_view, view_class_for
from ui.map.layers.boundaries import BoundaryView
from ui.map.layers.buildings import BuildingView
from ui.map.layers.cases import CaseView
from ui.map.layers.labels import LabelView
from ui.map.layers.patrol import PatrolView
from ui.map.layers.whistles import WhistleView

__all__ = [
    "BoundaryView",
    "BuildingView",
    "CaseView",
    "LabelView",
    "LayerView",
    "PatrolView",
    "register_view",
    "view_class_for",
    "WhistleView",
]
