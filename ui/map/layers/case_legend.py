"""The case layer's legend (案件图例): the hexagons' count classes as drawn at this zoom,
or the kinds and states of the points, and the overdue ring (超期) when one is in view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP

from ui import theme
from ui.i18n import translate
from ui.map.layers.legend_entries import RING, LegendEntry, LegendSection, colour
from ui.map.scale_bar import distance_text
from ui.texts import CASE_KIND_NAMES, domain_text, text_for

if TYPE_CHECKING:
    from ui.map.layers.cases import CaseView

#: the case time windows as the legend names them
WINDOW_NAMES = {
    "today": QT_TRANSLATE_NOOP("Legend", "今日"),
    "7d": QT_TRANSLATE_NOOP("Legend", "近7天"),
    "30d": QT_TRANSLATE_NOOP("Legend", "近30天"),
    "year": QT_TRANSLATE_NOOP("Legend", "全年"),
}
_DARK_RIM = "#02060e"


def case_legend(view: CaseView) -> LegendSection:
    """What ``view`` draws now (its last applied frame)."""
    from ui.map.layers import cases as c

    window = translate("Legend", WINDOW_NAMES.get(view.window, view.window))
    if view.at is not None:  # the window counts back from the replay position
        window = translate("Legend", "{window}·回放").format(window=window)
    detail = 0 if view.overview else 1
    entries: list[LegendEntry] = []
    if view.aggregated:
        title = translate("Legend", "案件密度（{window}）").format(window=window)
        counts, levels = view.hex_counts, view.hex_levels
        for k, fill in enumerate(c.HEX_RAMP):
            here = counts[levels == k]
            if not len(here):
                continue
            lo, hi = int(here.min()), int(here.max())
            text = (translate("Legend", "{n} 件").format(n=lo) if lo == hi
                    else translate("Legend", "{lo}–{hi} 件").format(lo=lo, hi=hi))
            entries.append(LegendEntry(text, "h", colour(fill, c.HEX_ALPHA),
                                       size=round(2 * c.HEX_PX * 0.93)))
        width = distance_text(np.sqrt(3) * view.hex_radius_m)
        note = translate("Legend", "六边形颜色＝格内案件数（不是覆盖率），每格宽约 {width}，"
                         "随缩放变化").format(width=width)
    else:
        title = translate("Legend", "案件（{window}）").format(window=window)
        shown = {key for key in view.scatters if key in view._shown}  # (kind, is_open)
        open_size, closed_size = c.OPEN_SIZE[detail], c.CLOSED_SIZE[detail]
        for kind in view._kinds:
            if (kind, True) in shown or (kind, False) in shown:
                fill = theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])
                entries.append(LegendEntry(domain_text(text_for(CASE_KIND_NAMES, kind)), "o",
                                           colour(fill), colour(_DARK_RIM, 200), open_size))
        if any(is_open for _k, is_open in shown):
            entries.append(LegendEntry(translate("Legend", "未结案：亮色点"), "o",
                                       colour(theme.TEXT), colour(_DARK_RIM, 200), open_size))
        if not view.overview and any(not is_open for _k, is_open in shown):
            entries.append(LegendEntry(translate("Legend", "已结案：淡色小点"), "o",
                                       colour(theme.TEXT, 110), None, closed_size))
        note = "" if entries else translate("Legend", "此范围内没有案件")
    if overdue_in_view(view):
        entries.append(LegendEntry(translate("Legend", "超期未结（红圈闪烁）"), RING, None,
                                   colour(theme.ALERT), c.RING_SIZE[detail], 2.0))
    return LegendSection(view.layer.id, title, tuple(entries), note)


def overdue_in_view(view: CaseView) -> int:
    """Overdue rings inside the visible map rectangle."""
    x, y = view.overdue_xy
    if not len(x):
        return 0
    r = view.canvas.visible_rect()
    return int(np.count_nonzero((x >= r.left()) & (x <= r.right()) & (y >= r.top())
                                & (y <= r.bottom())))
