"""Real phones as a window's live feed (in-process intake on a single DuckDB seat).

:class:`IntakeFeed` is a :class:`~app.feed.fixes.PatrolFeed`: the intake commits each
batch (MQTT or HTTP thread), the feed collects the new trusted fixes of bound devices
as roster indices and local metres, and hands them to its subscribers on
:meth:`advance` (the window's feed worker).  Flagged fixes are stored but not shown.

    intake = Intake(store)
    feed = intake_feed(intake)            # a FeedFactory: MainWindow(store, feed=feed)
    MqttIntake(intake, url).start()
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from app.feed.fixes import FixBatch, Subscribers, to_seconds
from app.feed.roads import RoadLoops
from app.feed.simulator import WorkerRoster
from app.feed.storage import FixWriter
from app.geo.crs import LocalFrame
from app.intake.service import Intake
from app.intake.sink import Stored


class IntakeFeed:
    """Fixes stored by ``intake`` for the workers of ``roster``, as batches."""

    def __init__(self, intake: Intake, roster: WorkerRoster, frame: LocalFrame) -> None:
        self.roster = roster
        self.frame = frame
        size = int(max(np.max(roster.ids, initial=0), 0)) + 1
        self._index = np.full(size, -1, np.int64)
        self._index[np.asarray(roster.ids, np.int64)] = np.arange(len(roster))
        self._subs = Subscribers()
        self._lock = threading.Lock()
        self._pending: list[FixBatch] = []
        self.received = 0
        self._unsubscribe = intake.subscribe(self._stored)

    def subscribe(self, callback: Callable[[FixBatch], None]) -> Callable[[], None]:
        """As every feed; except a window's :class:`~app.feed.storage.FixWriter`: the
        intake has committed these fixes already, so it is left out (nothing is written
        twice)."""
        if isinstance(getattr(callback, "__self__", None), FixWriter):
            return lambda: None
        return self._subs.subscribe(callback)

    def _stored(self, done: Stored) -> None:
        """An intake commit (its thread): the trusted fixes of the roster's workers."""
        rows = [(w, f) for w, f, flag in done.tracked if flag is None]
        if not rows:
            return
        ids = np.array([w for w, _ in rows], np.int64)
        known = ids < len(self._index)
        pos = np.full(len(ids), -1, np.int64)
        pos[known] = self._index[ids[known]]
        keep = pos >= 0
        if not keep.any():
            return
        fixes = [f for (_, f), k in zip(rows, keep, strict=True) if k]
        x, y = self.frame.from_lonlat(np.array([f.lon for f in fixes]),
                                      np.array([f.lat for f in fixes]))
        batch = FixBatch(pos[keep].astype(np.int32), np.array([to_seconds(f.t) for f in fixes]),
                         np.asarray(x, float), np.asarray(y, float),
                         np.array([f.speed if f.speed is not None else 0.0 for f in fixes],
                                  np.float32))
        with self._lock:
            self._pending.append(batch)
            self.received += len(batch)

    def advance(self, t: float) -> None:
        """Deliver what has arrived (late fixes too: the state puts them in place)."""
        with self._lock:
            taken, self._pending = self._pending, []
        if taken:
            self._subs.publish(FixBatch.concat(taken))

    def close(self) -> None:
        self._unsubscribe()


def intake_feed(intake: Intake, frame: LocalFrame | None = None):
    """A :data:`~app.feed.fixes.FeedFactory` for a window: ``factory(roster, loops, t0)``
    gives an :class:`IntakeFeed` on ``intake`` (the frame: the district map's)."""

    def factory(roster: WorkerRoster, loops: RoadLoops, t0: float) -> IntakeFeed:
        if frame is not None:
            return IntakeFeed(intake, roster, frame)
        from app.map.layers import district_frame

        with intake.reading() as store:
            return IntakeFeed(intake, roster, district_frame(store))

    return factory


class RunningIntake:
    """An intake running inside the desktop app (a single DuckDB seat): its doors and the
    feed factory a window takes (``MainWindow(store, feed=running.feed)``)."""

    def __init__(self, intake: Intake, doors: list) -> None:
        self.intake = intake
        self.doors = doors
        self.feed = intake_feed(intake)

    def stop(self) -> None:
        for door in self.doors:
            door.stop()
        self.intake.close()


def start_intake(store, *, mqtt: str | None = None, http: str | None = None,
                 clock=None) -> RunningIntake:
    """Start the intake in this process on ``store`` (the settings' broker URL and HTTP
    address; either may be None).  ValueError: an address that cannot be used."""
    intake = Intake(store, clock)
    doors: list = []
    try:
        if mqtt:
            from app.intake.mqtt import MqttIntake

            doors.append(MqttIntake(intake, mqtt).start())
        if http:
            from app.intake.http import serve_http

            doors.append(serve_http(intake, http))
    except BaseException:
        for door in doors:
            door.stop()
        intake.close()
        raise
    return RunningIntake(intake, doors)
