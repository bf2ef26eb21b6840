"""GPS fix batches and the feed interface (a simulator now, a network feed later)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np

#: a fix dated more than this ahead of the clock is "from the future" (a phone's clock set
#: wrong): kept and stored with flag 'future', but it moves neither its worker's position
#: nor the district clock
FUTURE_TOLERANCE_S = 60.0
#: the ``gps_fixes.flag`` of such a fix
FUTURE_FLAG = "future"


def future_mask(t: np.ndarray, now: float, tolerance_s: float = FUTURE_TOLERANCE_S) -> np.ndarray:
    """Which fix times lie beyond ``tolerance_s`` ahead of ``now`` (feed seconds)."""
    return np.asarray(t, float) > now + tolerance_s


def to_seconds(t: datetime) -> float:
    """Naive local time -> float seconds on the feed clock."""
    return float(np.datetime64(t.replace(tzinfo=None), "us").astype(np.int64)) / 1e6


def from_seconds(s: float) -> datetime:
    return np.datetime64(int(round(s * 1e6)), "us").astype(datetime)


@dataclass(frozen=True)
class FixBatch:
    """Fixes of many workers at once; ``worker`` indexes the roster (not the DB id).

    ``report_*`` are problems reported in this batch (上报: where a worker stood).
    """

    worker: np.ndarray  # int32
    t: np.ndarray  # float64 seconds
    x: np.ndarray  # float64 local metres
    y: np.ndarray
    speed: np.ndarray  # float32 m/s
    report_worker: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    report_t: np.ndarray = field(default_factory=lambda: np.empty(0))
    report_x: np.ndarray = field(default_factory=lambda: np.empty(0))
    report_y: np.ndarray = field(default_factory=lambda: np.empty(0))

    def __len__(self) -> int:
        return len(self.worker)

    def select(self, keep: np.ndarray) -> FixBatch:
        """The fixes where ``keep`` is true (the reports unchanged)."""
        return FixBatch(self.worker[keep], self.t[keep], self.x[keep], self.y[keep],
                        self.speed[keep], self.report_worker, self.report_t, self.report_x,
                        self.report_y)

    @staticmethod
    def empty() -> FixBatch:
        e = np.empty(0)
        return FixBatch(np.empty(0, np.int32), e, e, e, np.empty(0, np.float32))

    @staticmethod
    def concat(batches: list[FixBatch]) -> FixBatch:
        if not batches:
            return FixBatch.empty()
        def cat(name: str) -> np.ndarray:
            return np.concatenate([getattr(b, name) for b in batches])
        return FixBatch(cat("worker"), cat("t"), cat("x"), cat("y"), cat("speed"),
                        cat("report_worker"), cat("report_t"), cat("report_x"), cat("report_y"))


class PatrolFeed(Protocol):
    """Something that pushes batches of fixes to its subscribers.

    A simulated feed produces fixes when its clock is advanced; a network feed
    would push them as they arrive and treat :meth:`advance` as "deliver what
    has arrived up to ``t``".
    """

    def subscribe(self, callback: Callable[[FixBatch], None]) -> Callable[[], None]: ...

    def advance(self, t: float) -> None: ...


#: builds a window's feed for its roster and road loops, starting at feed time ``t0``
#: (the simulator today, a phone intake next): ``factory(roster, loops, t0)``
FeedFactory = Callable[..., PatrolFeed]


class Subscribers:
    """A tiny publisher for feeds."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[FixBatch], None]] = []

    def subscribe(self, callback: Callable[[FixBatch], None]) -> Callable[[], None]:
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def publish(self, batch: FixBatch) -> None:
        for cb in list(self._callbacks):
            cb(batch)
