"""Building footprints (建筑物), shaded by height: one path item per height class."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QBrush

from app.map.layers import BuildingData
from ui import theme
from ui.map.layers.base import LayerView, MapPathItem, register_view
from ui.map.paths import vertices_path


@register_view(BuildingData)
class BuildingView(LayerView):
    """Five fills from dark (低层) to light (超高层); no outline (fast, and calm at district scale)."""

    def build(self) -> None:
        data: BuildingData = self.layer.data
        height_class = np.digitize(data.height_m, theme.BUILDING_CLASSES_M)
        for k, fill in enumerate(theme.BUILDING_FILLS):
            members = height_class == k
            if not members.any():
                continue
            path = vertices_path(data.vertices.subset(members))
            self.add(MapPathItem(path, brush=QBrush(theme.qcolor(fill))), dz=k)
