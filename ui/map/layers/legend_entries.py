"""What a layer view says about itself for the legend (图例): plain, comparable data.

A view's ``legend()`` returns a :class:`LegendSection` describing exactly what it draws
now (its classes at the current zoom, its symbols and colours), or None when it draws
nothing worth a key.  The legend panel and the big screen paint the same symbols from
these entries; tests compare them with the items on the map.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor

#: symbols besides pyqtgraph's scatter symbols ("o", "s", "d", "t1", "h", "star", …)
FILL = "fill"  # an area fill (a square swatch)
RING = "ring"  # an outline circle (no fill)


def colour(c: str | QColor, alpha: int | None = None) -> str:
    """``#aarrggbb``: a colour with its opacity, hashable and comparable."""
    q = QColor(c)
    if alpha is not None:
        q.setAlpha(alpha)
    return q.name(QColor.NameFormat.HexArgb)


@dataclass(frozen=True)
class LegendEntry:
    """One key: a symbol drawn as on the map and what it means (translated text)."""

    text: str
    symbol: str
    brush: str | None  # #aarrggbb, None: no fill
    pen: str | None = None  # #aarrggbb outline, None: none
    size: int = 12  # px at UI scale 1, as on the map
    pen_width: float = 1.0


@dataclass(frozen=True)
class LegendSection:
    """The keys of one layer; ``note`` says how to read them (e.g. the hexagon size now)."""

    layer_id: str
    title: str
    entries: tuple[LegendEntry, ...]
    note: str = ""


#: the layers' titles (layer list, legend sections); a plugin's layer shows its id
LAYER_TITLES = {
    "buildings": QT_TRANSLATE_NOOP("Layers", "建筑物"),
    "grids": QT_TRANSLATE_NOOP("Layers", "网格边界"),
    "communities": QT_TRANSLATE_NOOP("Layers", "社区边界"),
    "streets": QT_TRANSLATE_NOOP("Layers", "街道边界"),
    "district": QT_TRANSLATE_NOOP("Layers", "区界"),
    "cases": QT_TRANSLATE_NOOP("Layers", "案件"),
    "whistles": QT_TRANSLATE_NOOP("Layers", "吹哨"),
    "patrol": QT_TRANSLATE_NOOP("Layers", "巡查人员"),
    "labels": QT_TRANSLATE_NOOP("Layers", "注记"),
    "cameras": QT_TRANSLATE_NOOP("Layers", "视频点位"),
}


def layer_title(layer_id: str) -> str:
    """A layer's title in the interface language."""
    from ui.i18n import translate

    title = LAYER_TITLES.get(layer_id)
    return translate("Layers", title) if title else layer_id
