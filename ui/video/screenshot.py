"""Offscreen picture of the command centre with the video wall beside the map.

Used to judge the wall as an operator would (and by ``python -m app screenshot`` users
who want the wall in it): builds the main window, docks the wall on the right in the
given layout, opens the cameras nearest the district centre and waits until every
tile has decoded frames before grabbing the window.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from app.store import DistrictRepository


def render_wall_screenshot(store: DistrictRepository, out: Path, size: tuple[int, int] = (1920, 1080),
                           layout_key: str = "9", settle_s: float = 2.0,
                           timeout_s: float = 60.0,
                           before_grab: Callable[[object], None] | None = None) -> dict:
    """Save the PNG; returns figures (tiles live, frames per tile, first-frame times).
    ``before_grab(window)`` may stage more (an alarm, a selection) once tiles play."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.video.layouts import layout
    from ui.main_window import MainWindow
    from ui.theme import apply_theme, wall_scale

    app = QApplication.instance() or QApplication(["gridcc"])
    apply_theme(app, wall_scale(*size))
    window = MainWindow(store, persist=False)
    try:
        window.resize(*size)
        dock = window.docks["video_wall"]
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        # the wall takes the right-hand side: other panels there step aside
        for pid, other in window.docks.items():
            if pid != "video_wall" and window.dockWidgetArea(other) == Qt.DockWidgetArea.RightDockWidgetArea:
                other.hide()
        dock.show()
        if "cameras" in window.docks:
            window.docks["cameras"].show()
        window.show()
        _spin(app, 0.3)
        deadline = time.monotonic() + timeout_s
        while not window.loaded() and time.monotonic() < deadline:  # a staged start
            _spin(app, 0.1)
        window.resizeDocks([dock], [int(size[0] * 0.5)], Qt.Orientation.Horizontal)
        wall = dock.widget()
        wall.set_layout(layout_key)
        x0, y0, x1, y1 = window.district_map.extent
        lon, lat = window.district_map.frame.to_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
        near = wall.registry.nearest_lonlat(float(lon), float(lat), layout(layout_key).count,
                                            3000.0, online_only=True)
        wall.open_cameras([n.camera for n in near])
        tiles = wall.active_tiles()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not all(t.frames >= 3 for t in tiles):
            _spin(app, 0.1)
        if before_grab is not None:
            before_grab(window)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline and not all(t.frames >= 3 for t in tiles):
                _spin(app, 0.1)
        _spin(app, settle_s)  # let the clips move on, so tiles show different moments
        pixmap = window.grab()
        if not pixmap.save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
        return {"tiles": len(tiles), "live": sum(t.state == "live" for t in tiles),
                "frames": [t.frames for t in tiles],
                "substream": [t.on_substream for t in tiles],
                "first_frame_s": [round(t.first_frame_s or -1, 3) for t in tiles]}
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def _spin(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
