"""The workflow's panels: whistles (哨令), cases (案件办理) and supervision (督办).

They act as the signed-in user (app.auth.session); without a login they are a
read-only demonstration viewer.  They follow the window's district model
(``window.district_model``), as the map's layers do: a step taken in one panel reaches
the others and the map through the store's change feed, not through panel signals.
"""

from __future__ import annotations

import logging

from ui.i18n import translate
from ui.lifetime import connect_while
from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec

log = logging.getLogger(__name__)
#: the whistle panel of each window, for the case panel's 吹哨 hand-over
_WHISTLE_PANELS: dict[int, object] = {}


def _whistle_panel(ctx: PanelContext):
    from ui.docks.whistle_panel import WhistlePanel

    frame = ctx.district_map.frame
    model = getattr(ctx.window, "district_model", None)
    panel = WhistlePanel(ctx.store, lambda x, y: tuple(float(v) for v in frame.to_lonlat(x, y)),
                         _clock(model), list_later=True, model=model)
    ctx.canvas.mapClicked.connect(panel.on_map_click)
    key = id(ctx.window)
    _WHISTLE_PANELS[key] = panel
    panel.destroyed.connect(lambda *_a: _WHISTLE_PANELS.pop(key, None))
    _link_whistles_on_map(ctx, panel)
    menu = getattr(ctx.window, "map_menu", None)
    if menu is not None:  # the map's right-click menu: 在此吹哨

        def blow_here(x: float, y: float) -> None:
            _show_dock(ctx.window, "whistles")
            panel.blow_here(x, y)

        menu.add_action(translate("WorkflowPanels", "在此吹哨"), "mdi6.whistle-outline",
                        blow_here, enabled=lambda _x, _y: panel.blow_button.isEnabled())
    try:  # whistles on the map follow the panel; the panel works without them
        from ui.docks.whistle_markers import WhistleMarkers

        panel.markers = WhistleMarkers(ctx.canvas, panel.model, panel.clock)
        # the markers (not a QObject) are drawn while the panel lives, never after
        connect_while(panel, panel.model.whistlesChanged, panel.markers.refresh)
        panel.timer.timeout.connect(panel.markers.refresh)
        _one_key_for_open_whistles(ctx, panel)
    except Exception:
        log.exception("whistle markers are not shown on the map")
    return panel


def _one_key_for_open_whistles(ctx: PanelContext, panel) -> None:
    """Live, the markers draw the whistles in progress (overdue, second whistle) and the
    whistles layer only the lately closed; in a replay, or with the layer unticked, the
    markers step back: one colour key for open whistles at any moment."""
    window, layers = ctx.window, ctx.layers
    if layers is None or "whistles" not in layers:
        return
    view = ctx.canvas.view("whistles")
    controller = getattr(window, "patrol_controller", None)
    markers = panel.markers

    def follow(*_args) -> None:
        live = controller is None or controller.mode != "replay"
        markers.set_visible(live and layers["whistles"].visible)
        view.set_live_elsewhere(True)
        source = getattr(window, "whistle_legend_source", None)
        if source is not None:
            source.changed()

    unsubscribe = layers.subscribe(follow)
    panel.destroyed.connect(lambda *_a: unsubscribe())
    if controller is not None:
        connect_while(panel, controller.modeChanged, follow)
    follow()


def _link_whistles_on_map(ctx: PanelContext, panel) -> None:
    """A whistle picked on the map is selected in the panel; one selected in the panel is
    ringed on the map's whistle layer (when the window has one)."""
    picked = getattr(ctx.window, "whistleClicked", None)
    if picked is not None:
        picked.connect(panel.show_from_map)

    def ring(wid: int) -> None:
        layers = getattr(ctx, "layers", None)
        if layers is not None and "whistles" in layers:
            ctx.canvas.view("whistles").select(wid)

    panel.whistleSelected.connect(ring)


def _case_panel(ctx: PanelContext):
    from ui.docks.case_panel import CasePanel

    model = getattr(ctx.window, "district_model", None)
    panel = CasePanel(ctx.store, _clock(model), list_in_background=True, model=model)

    def raise_whistle(case_id: int) -> None:
        target = _WHISTLE_PANELS.get(id(ctx.window))
        if target is None:
            return
        target.use_case(case_id)
        dock = getattr(ctx.window, "docks", {}).get("whistles")
        if dock is not None:
            dock.show()
            dock.raise_()

    panel.whistleRequested.connect(raise_whistle)
    menu = getattr(ctx.window, "map_menu", None)
    if menu is not None:  # the map's right-click menu: 在此登记案件
        menu.add_action(translate("WorkflowPanels", "在此登记案件"),
                        "mdi6.clipboard-plus-outline", lambda x, y: _new_case_at(ctx, panel, x, y),
                        enabled=lambda _x, _y: may_accept_cases(ctx.store))

    return panel


def may_accept_cases(store) -> bool:
    """The signed-in user may accept (受理) cases, on a store open for writing."""
    from app.auth.permissions import MATRIX
    from ui.docks.workflow_common import acting_user

    user = acting_user()
    return user is not None and user.role in MATRIX["case.new"] and not store.read_only


def _new_case_at(ctx: PanelContext, panel, x: float, y: float):
    """The new-case form for map metres (x, y), opened over the window; it is returned
    (None, said in the status bar, outside every grid).  Accepted, the case panel shows
    the new case."""
    from app.workflow.places import grid_at, grid_place
    from ui.docks.case_panel import NewCaseDialog

    lon, lat = (float(v) for v in ctx.district_map.frame.to_lonlat(x, y))
    try:
        gid = grid_at(ctx.store, lon, lat)
    except ValueError:
        status = getattr(ctx.window, "map_status", None)
        if status is not None:
            status.showMessage(translate("WorkflowPanels", "该点不在任何网格内"), 5_000)
        return None
    community, street = grid_place(ctx.store, gid)
    names = dict(ctx.store.rows("SELECT id, name FROM grid_units WHERE id IN (?, ?, ?)",
                                [gid, community, street]))
    place = translate("WorkflowPanels", "{street} › {community} › {grid}（{lon}, {lat}）").format(
        street=names[street], community=names[community], grid=names[gid],
        lon=f"{lon:.5f}", lat=f"{lat:.5f}")
    dialog = NewCaseDialog(ctx.store, gid, lon, lat, place, panel._clock, ctx.window)

    def accepted() -> None:
        _show_dock(ctx.window, "cases")
        panel.changed.emit(dialog.case_id)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def _show_dock(window, panel_id: str) -> None:
    workspaces = getattr(window, "workspaces", None)
    if workspaces is not None and panel_id in getattr(window, "docks", {}):
        workspaces.show_panel(panel_id)


def _supervision_panel(ctx: PanelContext):
    from ui.docks.supervision_panel import SupervisionPanel

    model = getattr(ctx.window, "district_model", None)
    return SupervisionPanel(ctx.store, _clock(model), model=model)


def _clock(model):
    """The panels read the window's clock (its district model's), else the district's."""
    return None if model is None else model.now


def register(registry: PanelRegistry) -> None:
    registry.add_panel(PanelSpec("whistles", translate("WorkflowPanels", "吹哨调度"), "mdi6.whistle-outline", DockArea.RIGHT,
                                 _whistle_panel, order=30))
    registry.add_panel(PanelSpec("cases", translate("WorkflowPanels", "案件办理"), "mdi6.clipboard-list-outline",
                                 DockArea.RIGHT, _case_panel, order=40, shown=False))
    registry.add_panel(PanelSpec("supervision", translate("WorkflowPanels", "督办"), "mdi6.alarm-light-outline",
                                 DockArea.RIGHT, _supervision_panel, order=50, shown=False))
