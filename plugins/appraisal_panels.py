"""The appraisal panels (绩效考核): the scoring dock (考核评分), the red/black list
(红黑榜, also over the map in big-screen mode) and the trend charts (考核趋势)."""

from __future__ import annotations

import logging

from ui.i18n import translate
from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec

log = logging.getLogger(__name__)


def _scoring(ctx: PanelContext):
    from ui.appraisal.scoring_dock import ScoringDock

    return ScoringDock(ctx.store)


def _red_black(ctx: PanelContext):
    from ui.appraisal.red_black_panel import BigScreenBoard, RedBlackPanel

    panel = RedBlackPanel(ctx.store)
    big_screen = getattr(ctx.window, "big_screen", None)
    toggled = getattr(big_screen, "toggled", None)
    if toggled is not None:  # the board goes over the map in big-screen mode
        overlay = BigScreenBoard(big_screen, ctx.store)
        toggled.connect(overlay.set_active)
        panel.big_screen_board = overlay
    return panel


def _trend(ctx: PanelContext):
    from ui.appraisal.trend_panel import TrendPanel

    return TrendPanel(ctx.store)


def register(registry: PanelRegistry) -> None:
    registry.add_panel(PanelSpec("appraisal", translate("panels", "考核评分"), "mdi6.podium", DockArea.BOTTOM,
                                 _scoring, order=70, shown=False))
    registry.add_panel(PanelSpec("red_black", translate("panels", "红黑榜"), "mdi6.trophy-outline", DockArea.BOTTOM,
                                 _red_black, order=71, shown=False))
    registry.add_panel(PanelSpec("appraisal_trend", translate("panels", "考核趋势"), "mdi6.chart-line",
                                 DockArea.BOTTOM, _trend, order=72, shown=False))
