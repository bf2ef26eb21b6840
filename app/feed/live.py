"""What the workers layer shows (Qt-free): the roster, their recent fixes and the
clock, fed either by a live feed or by the replay of a stored day.

The state only collects; a view polls :meth:`PatrolState.snapshot` on its own
redraw timer (events coalesced: a 10,000-worker batch is one ``push``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from app.feed.buffers import TrackBuffer, Trails
from app.feed.fixes import FixBatch, future_mask
from app.feed.roads import RoadLoops
from app.feed.simulator import WorkerRoster

#: minutes of trail behind each worker
TRAIL_S = 600.0
#: fixes kept per worker: 10 minutes at the live 10 s interval, with room to spare
CAPACITY = 64
#: a worker whose last fix is older than this is not "on patrol"
STALE_S = 300.0
#: the live feed's fix interval; replays of 30 s fixes need fewer slots
FIX_INTERVAL_S = 10.0
#: reports (上报) kept for the map
REPORT_CAPACITY = 2048


@dataclass(frozen=True)
class PatrolSnapshot:
    """Everything to draw at one moment."""

    now: float
    worker: np.ndarray  # roster indices with a recent fix
    x: np.ndarray
    y: np.ndarray
    role: np.ndarray
    trails: Trails
    report_x: np.ndarray
    report_y: np.ndarray
    report_age: np.ndarray


class PatrolState:
    """Recent fixes of every worker in ring buffers plus the last reports."""

    def __init__(self, roster: WorkerRoster, loops: RoadLoops, now: float,
                 trail_s: float = TRAIL_S, capacity: int = CAPACITY) -> None:
        self.roster = roster
        self.loops = loops
        self.trail_s = float(trail_s)
        #: the shortest interval between two fixes of a worker (bounds the slots to scan)
        self.fix_interval_s = FIX_INTERVAL_S
        self.buffer = TrackBuffer(len(roster), capacity)
        self.now = float(now)
        self.version = 0  # bumped on every change; views redraw when it moved
        #: fixes left out of the buffers for being dated in the future
        self.future_fixes = 0
        self._rep = np.full((REPORT_CAPACITY, 3), np.nan)
        self._rep_n = 0
        #: held by whoever mutates or snapshots the state when a feed runs in a worker
        #: thread (re-entrant: a step may snapshot)
        self.lock = threading.RLock()

    def push(self, batch: FixBatch) -> None:
        """A batch from a feed (fixes and reports).  Fixes from the future (beyond
        :data:`~app.feed.fixes.FUTURE_TOLERANCE_S` ahead of :attr:`now`) are left out:
        they move neither their worker nor the clock (the fix writer stores them,
        flagged); late fixes land in their place in the trails."""
        future = future_mask(batch.t, self.now)
        if future.any():
            self.future_fixes += int(future.sum())
            batch = batch.select(~future)
        self.buffer.push(batch)
        if len(batch):
            self.now = max(self.now, float(batch.t.max()))
        n = len(batch.report_t)
        if n:
            slots = (self._rep_n + np.arange(n)) % REPORT_CAPACITY
            self._rep[slots] = np.column_stack([batch.report_t, batch.report_x, batch.report_y])
            self._rep_n += n
        self.version += 1

    def reset(self, now: float) -> None:
        """Forget everything (a replay seek or a switch between live and replay)."""
        self.buffer.clear()
        self._rep[:] = np.nan
        self._rep_n = 0
        self.now = float(now)
        self.version += 1

    def set_now(self, now: float) -> None:
        if now != self.now:
            self.now = float(now)
            self.version += 1

    def snapshot(self, trail_s: float | None = None) -> PatrolSnapshot:
        """What to draw now; ``trail_s`` shortens the trails (level of detail)."""
        trail_s = self.trail_s if trail_s is None else min(trail_s, self.trail_s)
        w, t, x, y = self.buffer.latest()
        fresh = (t > self.now - STALE_S) & (t <= self.now)
        w, x, y = w[fresh], x[fresh], y[fresh]
        age = self.now - self._rep[:, 0]
        rep = (age >= 0) & (age <= self.trail_s)
        return PatrolSnapshot(self.now, w, x.astype(float), y.astype(float), self.roster.role[w],
                              self.buffer.trails(self.now, trail_s,
                                                 int(np.ceil(trail_s / self.fix_interval_s)) + 2),
                              self._rep[rep, 1], self._rep[rep, 2], age[rep])

    def on_patrol(self) -> int:
        """Workers with a fix in the last :data:`STALE_S` seconds (在岗巡查)."""
        with self.lock:
            _, t, _, _ = self.buffer.latest()
        return int(np.sum((t > self.now - STALE_S) & (t <= self.now)))
