"""Urgent cases take over a wall tile (告警接管): the nearest online camera of a newly
accepted urgent case (see app.video.alarms) appears in a tile framed in red, and the
tour pauses.  The wall's 告警接管 menu switches it on or off and picks the tile."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.video.alarms import UrgentCase, UrgentCaseWatch
from ui.video.wall import VideoWall

log = logging.getLogger(__name__)
POLL_MS = 5_000
RADIUS_M = 500.0


class UrgentCaseMonitor(QObject):
    """Polls for new urgent cases (and checks at once when told a case changed)."""

    #: an urgent case came in: the case and the tile it took (None: nothing shown)
    caseAlarm = Signal(object, object)

    def __init__(self, watch: UrgentCaseWatch, wall: VideoWall, *,
                 interval_ms: int = POLL_MS, radius_m: float = RADIUS_M,
                 reveal: Callable[[], None] | None = None) -> None:
        super().__init__(wall)
        self.watch, self.wall, self.radius_m = watch, wall, radius_m
        self._reveal = reveal
        self.timer = QTimer(self, interval=interval_ms, timeout=self.check)
        self.timer.start()

    def check(self, *_args) -> list[tuple[UrgentCase, object]]:
        """Take a tile for each urgent case accepted since the last check."""
        out = []
        try:
            found = self.watch.poll()  # polled even when off: no burst when switched on
        except Exception as exc:  # the database went away under the window (closed …)
            self.timer.stop()
            log.warning("urgent cases are no longer watched: %s", exc)
            return out
        for case in found:
            tile = None
            if self.wall.auto_takeover:
                near = self.wall.registry.nearest_lonlat(case.lon, case.lat, 1, self.radius_m,
                                                         online_only=True)
                if not near:
                    self.wall.status.setText(
                        f"{case.label}: 周边 {self.radius_m:g} 米内没有在线摄像头")
                else:
                    if self._reveal is not None:
                        self._reveal()  # the wall comes up before the tile is taken
                    tile = self.wall.alarm(near[0].camera, case.label)
            self.caseAlarm.emit(case, tile)
            out.append((case, tile))
        return out
