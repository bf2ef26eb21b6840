"""Urgent cases take over a wall tile (告警接管): the nearest online camera of a newly
accepted urgent case (see app.video.alarms) appears in a tile framed in red, and the
tour pauses.  The wall's 告警接管 menu switches it on or off and picks the tile.

Nothing is polled: the window's district model names the urgent cases among the new
ones a change brought (``urgentCases``), and the monitor takes their tiles."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.video.alarms import UrgentCase
from ui.texts import domain_text
from ui.video.wall import VideoWall

log = logging.getLogger(__name__)
RADIUS_M = 500.0


class UrgentCaseMonitor(QObject):
    """Follows ``model.urgentCases`` (a :class:`ui.district_model.DistrictModel`)."""

    #: an urgent case came in: the case and the tile it took (None: nothing shown)
    caseAlarm = Signal(object, object)

    def __init__(self, model, wall: VideoWall, *, radius_m: float = RADIUS_M,
                 reveal: Callable[[], None] | None = None) -> None:
        super().__init__(wall)
        self.model, self.wall, self.radius_m = model, wall, radius_m
        self._reveal = reveal
        self.taken: list[tuple[UrgentCase, object]] = []  # every alarm so far (tests)
        # the model may outlive the wall (the window's): a method of this monitor, so Qt
        # cuts the connection when the monitor (a child of the wall) goes
        model.urgentCases.connect(self.take)

    def label(self, case: UrgentCase) -> str:
        """'紧急案件 燃气泄漏 AJ…' (the subclass before the code: a narrow tile elides it)."""
        return self.tr("紧急案件 {category} {code}").format(
            category=domain_text(case.category), code=case.code)

    def take(self, found: list[UrgentCase]) -> list[tuple[UrgentCase, object]]:
        """Take a tile for each urgent case in ``found`` (when take-over is on)."""
        out = []
        for case in found:
            tile = None
            if self.wall.auto_takeover:
                near = self.wall.registry.nearest_lonlat(case.lon, case.lat, 1, self.radius_m,
                                                         online_only=True)
                if not near:
                    self.wall.status.setText(self.tr("{case}: 周边 {metres} 米内没有在线摄像头").format(
                        case=self.label(case), metres=f"{self.radius_m:g}"))
                else:
                    if self._reveal is not None:
                        self._reveal()  # the wall comes up before the tile is taken
                    tile = self.wall.alarm(near[0].camera, self.label(case))
            self.caseAlarm.emit(case, tile)
            out.append((case, tile))
        self.taken.extend(out)
        return out
