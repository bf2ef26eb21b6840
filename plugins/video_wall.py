"""The video wall (视频墙) and its camera list, as panels like any plugin's."""

from __future__ import annotations

import weakref

from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec

# the wall and the list share one registry and one wall per main window
_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _wall(ctx: PanelContext):
    from app.video.layouts import LayoutBook, LayoutError
    from app.video.registry import CameraRegistry
    from ui.video.wall import VideoWall

    if ctx.window not in _shared:
        try:
            book = LayoutBook()
        except LayoutError:  # a broken settings file must not cost the wall
            book = None
        wall = VideoWall(CameraRegistry.load(ctx.store), book=book)
        _shared[ctx.window] = wall
        wall.case_alarms = _case_alarms(ctx, wall)
    return _shared[ctx.window]


def _case_alarms(ctx: PanelContext, wall):
    """New urgent cases take over a wall tile: polled, and checked at once when the case
    panel (if any) moves a case on."""
    from app.video.alarms import UrgentCaseWatch
    from ui.video.alarm_monitor import UrgentCaseMonitor

    def reveal() -> None:
        dock = getattr(ctx.window, "docks", {}).get("video_wall")
        if dock is not None:
            dock.show()
            dock.raise_()

    monitor = UrgentCaseMonitor(UrgentCaseWatch(ctx.store), wall, reveal=reveal)
    dock = getattr(ctx.window, "docks", {}).get("cases")
    cases = dock.widget() if dock is not None else None
    if cases is not None and hasattr(cases, "changed"):
        cases.changed.connect(monitor.check)
    return monitor


def _wall_panel(ctx: PanelContext):
    return _wall(ctx)


def _camera_list(ctx: PanelContext):
    from app.map.cameras import camera_layer_data
    from app.video.registry import grid_anchor
    from ui.map.layers.cameras import LAYER_ID, add_camera_layer
    from ui.video.camera_list import CameraListPanel

    wall = _wall(ctx)
    overlay = None
    canvas = getattr(ctx, "canvas", None)
    layers = getattr(ctx, "layers", None)
    if canvas is not None and layers is not None:
        # cameras on the map as a layer of its stack (the layer panel lists it), filtered
        # with the list; a click opens one on the wall, a symbol drags onto a tile
        from ui.video.tile import CAMERA_MIME

        if LAYER_ID not in layers:
            add_camera_layer(layers, camera_layer_data(ctx.store, ctx.district_map.frame))
        overlay = canvas.view(LAYER_ID)
        overlay.on_pick, overlay.drag_mime = wall.open_camera, CAMERA_MIME

    def anchor():
        # a case open on the map's case card comes first, then the selected grid
        card = getattr(ctx.window, "case_card", None)
        if card is not None and card.isVisible() and card.case_id is not None:
            rows = ctx.store.rows("SELECT lon, lat, code FROM cases WHERE id = ?", [card.case_id])
            if rows:
                return rows[0][0], rows[0][1], f"案件 {rows[0][2]}"
        unit = ctx.selection.unit_id
        if unit is None:
            return None
        where = grid_anchor(ctx.store, unit)
        if where is None:
            return None
        name = ctx.store.scalar("SELECT name FROM grid_units WHERE id = ?", [unit]) or ""
        return where[0], where[1], name

    panel = CameraListPanel(wall.registry, wall, anchor, overlay, layers)
    connect_nearby_sources(ctx.window, panel)
    return panel


#: panels that offer "附近摄像头" for their selected record (signal nearbyCamerasRequested)
NEARBY_SOURCES = ("whistles", "cases")


def connect_nearby_sources(window, panel) -> list[str]:
    """Wire the whistle and case panels' "附近摄像头" to the camera list: the N nearest
    cameras around the selected whistle or case open on the wall, which is shown and
    raised.  The panels know nothing of video; ids of the panels wired are returned."""
    docks = getattr(window, "docks", {})
    wired = []

    def show(lon: float, lat: float, label: str) -> None:
        for dock_id in ("video_wall", "cameras"):
            dock = docks.get(dock_id)
            if dock is not None:
                dock.show()
                dock.raise_()
        panel.show_nearby_at(lon, lat, label)

    for dock_id in NEARBY_SOURCES:
        dock = docks.get(dock_id)
        source = dock.widget() if dock is not None else None
        if source is not None and hasattr(source, "nearbyCamerasRequested"):
            source.nearbyCamerasRequested.connect(show)
            source.offer_cameras()
            wired.append(dock_id)
    return wired


def register(registry: PanelRegistry) -> None:
    # hidden on first start: decoding costs CPU, the operator opens it from the toolbar
    registry.add_panel(PanelSpec("video_wall", "视频墙", "mdi6.monitor-multiple", DockArea.TOP,
                                 _wall_panel, order=60, shown=False))
    registry.add_panel(PanelSpec("cameras", "摄像头", "mdi6.cctv", DockArea.LEFT,
                                 _camera_list, order=61, shown=False))
