"""Grid boundaries (网格边界) of one level, styled by level.

District: a bright, wide outline; streets: translucent fills in one hue per
street and a clear outline; communities and grids: thinner, dimmer lines.
Wide outlines are only used on the few-vertex district and street paths
(a wide pen on a large path is slow without OpenGL).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QBrush

from app.map.layers import GridLevelData
from ui import theme
from ui.i18n import translate
from ui.map.layers.base import StaticLayerView, chunked_path_painter, cosmetic_pen, register_view
from ui.map.layers.legend_entries import FILL, LegendEntry, LegendSection, colour
from ui.map.paths import chunked_paths, vertices_path

#: (colour alpha, pen width in px) per level; widths scale with the wall scale
_OUTLINE = {1: (255, 3.0), 2: (235, 2.0), 3: (200, 1.0), 4: (170, 1.0)}
#: a soft glow under the district outline
_GLOW = {1: (70, 9.0), 2: (45, 5.0)}
#: patrol coverage classes (share of road length walked today) and their fills
COVERAGE_CLASSES = (0.3, 0.6, 0.85)
COVERAGE_FILLS = ["#e23d4b", "#f07a3a", "#f2c14e", "#2fb59a"]
COVERAGE_ALPHA = 110


@register_view(GridLevelData)
class BoundaryView(StaticLayerView):
    """Outline (and for streets, fill) of every unit of one grid level."""

    values: np.ndarray | None = None

    def set_fill_values(self, values: np.ndarray | None) -> None:
        """Colour the units by patrol coverage (0…1 per unit), or stop (None)."""
        self.values = None if values is None else np.asarray(values, float)
        self.restyle()
        self.legend_changed()

    def legend(self) -> LegendSection | None:
        """The coverage classes while the units are coloured by coverage (else nothing:
        outlines need no key).  Only the classes some unit falls in are listed."""
        if self.values is None:
            return None
        cls = np.digitize(self.values, COVERAGE_CLASSES)
        edges = [0, *(round(c * 100) for c in COVERAGE_CLASSES), 100]
        entries = []
        for k, fill in enumerate(COVERAGE_FILLS):
            if not (cls == k).any():
                continue
            if k == len(COVERAGE_FILLS) - 1:
                text = translate("Legend", "≥{lo}%").format(lo=edges[k])
            else:
                text = translate("Legend", "{lo}–{hi}%").format(lo=edges[k], hi=edges[k + 1])
            entries.append(LegendEntry(text, FILL, colour(fill, COVERAGE_ALPHA)))
        return LegendSection(self.layer.id, translate("Legend", "巡查覆盖率（网格填色）"),
                             tuple(entries),
                             translate("Legend", "今日已巡道路长度占比；红色为覆盖不足"))

    def build(self) -> None:
        data: GridLevelData = self.layer.data
        scale = theme.ui_scale()
        if self.values is not None:
            self._add_value_fills(data, self.values)
        colour = theme.LEVEL_OUTLINE.get(data.level, "#3e6488")
        if data.level == 2:
            self._add_street_fills(data)
        if getattr(self, "_chunks", None) is None:
            self._chunks = chunked_paths(data.vertices)  # the geometry never changes
        chunks = self._chunks
        if data.level in _GLOW:
            alpha, width = _GLOW[data.level]
            self.add_painter(chunked_path_painter(
                chunks, cosmetic_pen(theme.qcolor(colour, alpha), max(1.0, round(width * scale)))))
        alpha, width = _OUTLINE.get(data.level, (170, 1.0))
        width = width if width <= 1 else round(width * scale)
        self.add_painter(chunked_path_painter(chunks, cosmetic_pen(theme.qcolor(colour, alpha),
                                                                   width)))

    def _add_value_fills(self, data: GridLevelData, values: np.ndarray) -> None:
        cls = np.digitize(values, COVERAGE_CLASSES)
        for k, fill in enumerate(COVERAGE_FILLS):
            if (cls == k).any():
                chunks = chunked_paths(data.vertices.subset(cls == k))
                self.add_painter(chunked_path_painter(
                    chunks, brush=QBrush(theme.qcolor(fill, COVERAGE_ALPHA))))

    def _add_street_fills(self, data: GridLevelData) -> None:
        for k in np.unique(data.street_index):
            fill = theme.STREET_FILLS[int(k) % len(theme.STREET_FILLS)]
            path = vertices_path(data.vertices.subset(data.street_index == k))
            self.add_painter(chunked_path_painter(
                [(_bounds(path), path)], brush=QBrush(theme.qcolor(fill, theme.STREET_FILL_ALPHA))))


def _bounds(path) -> tuple[float, float, float, float]:
    r = path.controlPointRect()
    return (r.left(), r.top(), r.right(), r.bottom())
