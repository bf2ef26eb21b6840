"""The phone intake's panel: 终端状态 (device health, 离线/出格 alarms, presence per
street), with its alarms drawn on the map and described in the legend."""

from __future__ import annotations

from ui.i18n import translate
from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec


def _device_panel(ctx: PanelContext):
    from ui.docks.legend import add_legend_source
    from ui.intake.device_panel import DevicePanel
    from ui.intake.presence_markers import PresenceMarkers
    from ui.lifetime import connect_while

    markers = PresenceMarkers(ctx.canvas, ctx.district_map.frame)
    source = add_legend_source(ctx.canvas, "presence_markers", markers.legend)
    # (the source lives as long as the canvas: the markers describe themselves from plain
    # attributes, and a remove() while the window is torn down would reach deleted views)
    panel = DevicePanel(ctx.store, ctx.window.clock.now, markers=markers,
                        on_read=lambda _r: source.changed())
    controller = getattr(ctx.window, "patrol_controller", None)
    if controller is not None:  # in a replay the rings (alarms of now) step back

        def follow(*_args) -> None:
            markers.set_visible(controller.mode != "replay")
            source.changed()

        connect_while(panel, controller.modeChanged, follow)
        follow()
    return panel


def register(registry: PanelRegistry) -> None:
    registry.add_panel(PanelSpec("devices", translate("IntakePanels", "终端状态"),
                                 "mdi6.cellphone-marker", DockArea.RIGHT, _device_panel,
                                 order=40))
