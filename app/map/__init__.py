"""The district map as data (Qt-free): layers in a local metric frame, identify, labels.

Everything here returns numpy arrays and plain dataclasses in *local* metres
(EPSG:4527 minus a rounded origin near the district, see ``app.geo.crs.LocalFrame``);
``ui.map`` draws them.  Display strings are the UI's business: this package returns
codes (level numbers, case kinds, statuses, worker roles).
"""

from app.map.layer_stack import LayerStack, MapLayer
from app.map.layers import (
    BuildingData,
    CaseData,
    DistrictMap,
    GridLevelData,
    load_district_map,
)

__all__ = [
    "BuildingData",
    "CaseData",
    "DistrictMap",
    "GridLevelData",
    "LayerStack",
    "MapLayer",
    "load_district_map",
]
