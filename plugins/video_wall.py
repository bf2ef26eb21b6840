"""The video wall (视频墙) and its camera list, as panels like any plugin's."""

from __future__ import annotations

import logging
import weakref

import shiboken6
from PySide6.QtCore import QObject, Signal

from ui.i18n import translate
from ui.plugin_api import DockArea, PanelContext, PanelRegistry, PanelSpec

log = logging.getLogger(__name__)

# the wall and the list share one registry and one wall per main window
_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class CameraLoad(QObject):
    """The district's cameras, read once per window off the GUI thread (through
    :class:`ui.background.BackgroundWork`, a cursor of its own: DuckDB wants one per
    thread) and handed to the wall, the camera list and the map's camera layer together.
    ``arrived(registry, layer_data)``; ``layer_data`` is None when no map frame was
    given; on a failure the registry is None and ``error`` says why.  A result that
    arrives after this object was deleted (the window closed) is dropped."""

    arrived = Signal(object, object)

    def __init__(self, store, frame=None, parent: QObject | None = None) -> None:
        from ui.background import BackgroundWork

        super().__init__(parent)
        self.registry = None
        self.layer_data = None
        self.error: str | None = None
        self.done = False
        self._waiting: list = []
        self.arrived.connect(self._keep)
        self._work = BackgroundWork(self)
        self._work.run(lambda: _read_cameras(store, frame), self._loaded)

    def _loaded(self, result) -> None:  # GUI thread
        registry, data, self.error = result
        self.arrived.emit(registry, data)

    def _keep(self, registry, data) -> None:  # GUI thread
        self.registry, self.layer_data, self.done = registry, data, True
        waiting, self._waiting = self._waiting, []
        for slot in waiting:
            slot(registry, data)

    def when_done(self, slot) -> None:
        """Call ``slot(registry, layer_data)`` on the GUI thread once the cameras are
        there (now if they are)."""
        if self.done:
            slot(self.registry, self.layer_data)
        else:
            self._waiting.append(slot)


def _read_cameras(store, frame):
    """Worker thread: (registry, layer data, error text) through a cursor of its own."""
    from app.video.registry import CameraRegistry

    registry = data = cursor = error = None
    try:
        cursor = store.cursor()
        registry = CameraRegistry.load(cursor)
        if frame is not None:
            data = camera_layer_data(registry, frame)
    except Exception as exc:  # the window must come up without its cameras
        log.warning("cameras could not be read: %s", exc)
        error = translate("VideoWall", "摄像头读取失败: {reason}").format(reason=exc)
    finally:
        if cursor is not None:
            try:
                cursor.close()
            except Exception:  # the district closed meanwhile: nothing to free
                pass
    return registry, data, error


def camera_layer_data(registry, frame):
    """The map's camera layer from the registry (the same cameras in the same code order
    as app.map.cameras.camera_layer_data, without a second query), in the map's local
    frame: EPSG:4527 minus the frame's origin."""
    import numpy as np

    from app.map.cameras import CameraLayerData

    cams = registry.cameras
    data = CameraLayerData(
        np.array([c.code for c in cams], object),
        np.array([c.x for c in cams], float) - frame.origin_x,
        np.array([c.y for c in cams], float) - frame.origin_y,
        np.array([c.heading_deg for c in cams], float),
        np.array([c.fov_deg for c in cams], float),
        np.array([c.department_code for c in cams], object),
        np.array([c.online for c in cams], bool))
    data.departments = set(data.department.tolist())
    return data


def _wall(ctx: PanelContext):
    from app.video.layouts import LayoutBook, LayoutError
    from app.video.registry import CameraRegistry
    from ui.video.wall import VideoWall

    if ctx.window not in _shared:
        try:
            book = LayoutBook()
        except LayoutError:  # a broken settings file must not cost the wall
            book = None
        # the tiles' captions and snapshot names tell the window's time (app.clock)
        wall = VideoWall(CameraRegistry([]), book=book,
                         district_time=getattr(ctx.window, "clock", None))
        _shared[ctx.window] = wall
        district = getattr(ctx, "district_map", None)
        frame = district.frame if district is not None and getattr(ctx, "layers", None) is not None else None
        wall.camera_load = CameraLoad(ctx.store, frame, parent=wall)
        wall.case_alarms = None

        def arrived(registry, _data) -> None:
            wall.set_registry(registry, error=wall.camera_load.error)
            # the urgent-case watch starts once there are cameras to take a tile with
            wall.case_alarms = _case_alarms(ctx, wall)

        wall.camera_load.when_done(arrived)
    return _shared[ctx.window]


def _case_alarms(ctx: PanelContext, wall):
    """New urgent cases take over a wall tile: the window's district model names them
    (a wall without one follows the store's changes with a model of its own)."""
    from ui.district_model import DistrictModel
    from ui.video.alarm_monitor import UrgentCaseMonitor

    def reveal() -> None:
        dock = getattr(ctx.window, "docks", {}).get("video_wall")
        if dock is not None:
            dock.show()
            dock.raise_()

    model = getattr(ctx.window, "district_model", None)
    if model is None:
        district = getattr(ctx, "district_map", None)
        frame = district.frame if district is not None else None
        model = DistrictModel(ctx.store, frame, load_whistles="no", parent=wall)
    return UrgentCaseMonitor(model, wall, reveal=reveal)


def _wall_panel(ctx: PanelContext):
    return _wall(ctx)


def _camera_list(ctx: PanelContext):
    from app.video.registry import grid_anchor
    from ui.map.layers.cameras import LAYER_ID, add_camera_layer
    from ui.video.camera_list import CameraListPanel

    wall = _wall(ctx)
    canvas = getattr(ctx, "canvas", None)
    layers = getattr(ctx, "layers", None)

    def anchor():
        # a case open on the map's case card comes first, then the selected grid
        card = getattr(ctx.window, "case_card", None)
        if card is not None and card.isVisible() and card.case_id is not None:
            rows = ctx.store.rows("SELECT lon, lat, code FROM cases WHERE id = ?", [card.case_id])
            if rows:
                return rows[0][0], rows[0][1], translate("VideoWall", "案件 {code}").format(
                    code=rows[0][2])
        unit = ctx.selection.unit_id
        if unit is None:
            return None
        where = grid_anchor(ctx.store, unit)
        if where is None:
            return None
        name = ctx.store.scalar("SELECT name FROM grid_units WHERE id = ?", [unit]) or ""
        return where[0], where[1], name

    panel = CameraListPanel(wall.registry, wall, anchor, None, layers)

    def arrived(registry, data) -> None:
        if not shiboken6.isValid(panel):
            return  # the window closed before the cameras arrived
        overlay = None
        if (canvas is not None and shiboken6.isValid(canvas) and layers is not None
                and data is not None):
            # cameras on the map as a layer of its stack (the layer panel lists it), filtered
            # with the list; a click opens one on the wall, a symbol drags onto a tile
            from ui.video.tile import CAMERA_MIME

            if LAYER_ID not in layers:
                add_camera_layer(layers, data)
            try:
                overlay = canvas.view(LAYER_ID)
            except KeyError:  # the map let go of its layers (the window closed meanwhile)
                overlay = None
            else:
                overlay.on_pick, overlay.drag_mime = wall.open_camera, CAMERA_MIME
        panel.set_cameras(registry, overlay, error=wall.camera_load.error)

    wall.camera_load.when_done(arrived)
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
    registry.add_panel(PanelSpec("video_wall", translate("panels", "视频墙"), "mdi6.monitor-multiple", DockArea.TOP,
                                 _wall_panel, order=60, shown=False))
    registry.add_panel(PanelSpec("cameras", translate("panels", "摄像头"), "mdi6.cctv", DockArea.LEFT,
                                 _camera_list, order=61, shown=False))
