"""Recent fixes per worker in fixed-size numpy ring buffers (memory never grows).

Each worker owns ``capacity`` slots; a batch is written with a handful of
vectorised operations whatever its size.  :meth:`TrackBuffer.trails` returns all
trails of the last N seconds as flat arrays that one path can draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.feed.fixes import FixBatch


@dataclass(frozen=True)
class Trails:
    """Flat trail vertices: ``connect[i]`` = 1 joins vertex i to i-1 (same worker)."""

    x: np.ndarray
    y: np.ndarray
    age: np.ndarray  # seconds before "now"
    worker: np.ndarray
    connect: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


class TrackBuffer:
    """``n_workers`` × ``capacity`` ring buffers of (t, x, y)."""

    def __init__(self, n_workers: int, capacity: int) -> None:
        self.n_workers = int(n_workers)
        self.capacity = int(capacity)
        shape = (self.n_workers, self.capacity)
        self.t = np.full(shape, -np.inf)
        self.x = np.zeros(shape, np.float32)
        self.y = np.zeros(shape, np.float32)
        self.count = np.zeros(self.n_workers, np.int64)  # fixes ever written per worker

    @property
    def nbytes(self) -> int:
        return self.t.nbytes + self.x.nbytes + self.y.nbytes + self.count.nbytes

    def clear(self) -> None:
        self.t.fill(-np.inf)
        self.count[:] = 0

    def push(self, batch: FixBatch) -> None:
        """Append a batch (fixes of one worker must be in time order within it)."""
        if len(batch) == 0:
            return
        w = np.asarray(batch.worker, np.int64)
        order = np.argsort(w, kind="stable")
        w = w[order]
        # ordinal of each fix among its worker's fixes in this batch
        first = np.r_[True, w[1:] != w[:-1]]
        starts = np.flatnonzero(first)
        run = np.diff(np.r_[starts, len(w)])
        ordinal = np.arange(len(w)) - np.repeat(starts, run)
        slot = (self.count[w] + ordinal) % self.capacity
        self.t[w, slot] = batch.t[order]
        self.x[w, slot] = batch.x[order]
        self.y[w, slot] = batch.y[order]
        np.add.at(self.count, w[starts], run)

    def latest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(workers with a fix, their last t, x, y)."""
        have = np.flatnonzero(self.count > 0)
        slot = (self.count[have] - 1) % self.capacity
        return have, self.t[have, slot], self.x[have, slot], self.y[have, slot]

    def trails(self, now: float, window_s: float, max_fixes: int | None = None) -> Trails:
        """Every worker's fixes in (now - window_s, now], oldest first; only the newest
        ``max_fixes`` slots of each worker are looked at (cheaper for short windows)."""
        have = np.flatnonzero(self.count > 0)
        if not len(have):
            e = np.empty(0)
            return Trails(e, e, e, np.empty(0, np.int64), np.empty(0, np.int32))
        m = self.capacity if max_fixes is None else max(1, min(self.capacity, int(max_fixes)))
        k = np.arange(self.capacity - m, self.capacity)
        # slots oldest -> newest for each worker
        slots = (self.count[have, None] - self.capacity + k[None, :]) % self.capacity
        t = self.t[have[:, None], slots]
        keep = (t > now - window_s) & (t <= now)
        rows, cols = np.nonzero(keep)
        w = have[rows]
        s = slots[rows, cols]
        connect = np.ones(len(w), np.int32)
        if len(w):
            connect[0] = 0
            connect[1:][w[1:] != w[:-1]] = 0
        return Trails(self.x[w, s].astype(float), self.y[w, s].astype(float),
                      now - self.t[w, s], w, connect)
