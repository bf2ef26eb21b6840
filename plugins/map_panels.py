"""The map's own panels: layers (图层), legend (图例) and identify (网格查询)."""

from __future__ import annotations

from ui.i18n import translate
from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec


def _layer_panel(ctx: PanelContext):
    from ui.docks.layer_panel import LayerPanel

    return LayerPanel(ctx.layers)


def _legend_panel(ctx: PanelContext):
    from ui.docks.legend import LegendPanel, add_legend_source, whistle_markers_legend

    def markers_section():
        """The whistle panel's stars (drawn above every layer), when it has them."""
        dock = getattr(ctx.window, "docks", {}).get("whistles")
        markers = getattr(dock.widget(), "markers", None) if dock is not None else None
        return whistle_markers_legend(markers) if markers is not None else None

    source = add_legend_source(ctx.canvas, "whistle_markers", markers_section)
    ctx.window.whistle_legend_source = source  # the markers say when they show or hide
    model = getattr(ctx.window, "district_model", None)
    if model is not None:  # the stars are redrawn when a whistle changes
        model.whistlesChanged.connect(lambda *_a: source.changed())
    return LegendPanel(ctx.canvas, ctx.layers)


def _identify_panel(ctx: PanelContext):
    from ui.docks.identify_panel import IdentifyPanel

    return IdentifyPanel(ctx.store, ctx.window.clock.now, ctx.selection)


def register(registry: PanelRegistry) -> None:
    registry.add_panel(PanelSpec("layers", translate("MapPanels", "图层"), "mdi6.layers-outline",
                                 DockArea.LEFT, _layer_panel, order=10))
    # on the left under the layers: what the ticked layers draw
    registry.add_panel(PanelSpec("legend", translate("MapPanels", "图例"), "mdi6.map-legend",
                                 DockArea.LEFT, _legend_panel, order=11))
    registry.add_panel(PanelSpec("identify", translate("MapPanels", "网格查询"),
                                 "mdi6.information-outline", DockArea.RIGHT, _identify_panel,
                                 order=20))
