"""Recent fixes per worker in fixed-size numpy ring buffers (memory never grows).

Each worker owns ``capacity`` slots, kept in time order; a batch is written with a
handful of vectorised operations whatever its size.  Fixes may arrive late or out of
order (a phone that was offline sends its backlog): those of the workers concerned are
merged into their place, so the newest slot is always the newest fix by time.  :meth:`TrackBuffer.trails` returns all
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
        #: write position per worker: slot ``(count - 1) % capacity`` holds its newest fix
        #: (0: no fix yet)
        self.count = np.zeros(self.n_workers, np.int64)

    @property
    def nbytes(self) -> int:
        return self.t.nbytes + self.x.nbytes + self.y.nbytes + self.count.nbytes

    def clear(self) -> None:
        self.t.fill(-np.inf)
        self.count[:] = 0

    def push(self, batch: FixBatch) -> None:
        """Add a batch, in any order: fixes newer than a worker's newest are appended
        (the usual case, vectorised); a worker with a late fix is merged in time order."""
        if len(batch) == 0:
            return
        w = np.asarray(batch.worker, np.int64)
        t = np.asarray(batch.t, float)
        order = np.lexsort((t, w))
        w, t = w[order], t[order]
        x, y = np.asarray(batch.x)[order], np.asarray(batch.y)[order]
        first = np.r_[True, w[1:] != w[:-1]]
        late = np.isin(w, w[first][t[first] < self._newest(w[first])])
        if late.any():
            self._merge(w[late], t[late], x[late], y[late])
            w, t, x, y = w[~late], t[~late], x[~late], y[~late]
        if len(w):
            self._append(w, t, x, y)

    def _newest(self, w: np.ndarray) -> np.ndarray:
        """Time of each worker's newest fix (-inf: none yet)."""
        return np.where(self.count[w] > 0, self.t[w, (self.count[w] - 1) % self.capacity],
                        -np.inf)

    def _append(self, w: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        """Fixes sorted by (worker, t), each newer than its worker's newest."""
        first = np.r_[True, w[1:] != w[:-1]]
        starts = np.flatnonzero(first)
        run = np.diff(np.r_[starts, len(w)])
        ordinal = np.arange(len(w)) - np.repeat(starts, run)  # among its worker's fixes
        slot = (self.count[w] + ordinal) % self.capacity
        self.t[w, slot] = t
        self.x[w, slot] = x
        self.y[w, slot] = y
        np.add.at(self.count, w[starts], run)

    def _merge(self, w: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        """Fixes sorted by (worker, t) of workers that got a late one: each worker's slots
        and its new fixes sorted together, the newest ``capacity`` kept (rare: a loop)."""
        cap = self.capacity
        workers, starts = np.unique(w, return_index=True)
        ends = np.r_[starts[1:], len(w)]
        k = np.arange(cap)
        for wk, a, b in zip(workers.tolist(), starts.tolist(), ends.tolist(), strict=True):
            slots = (self.count[wk] - cap + k) % cap  # oldest -> newest
            tt = np.r_[self.t[wk, slots], t[a:b]]
            keep = np.argsort(tt, kind="stable")[-cap:]
            # a multiple of the capacity: slot j holds the j-th oldest
            self.count[wk] = ((self.count[wk] + b - a) // cap + 1) * cap
            self.t[wk] = tt[keep]
            self.x[wk] = np.r_[self.x[wk, slots], x[a:b]][keep]
            self.y[wk] = np.r_[self.y[wk, slots], y[a:b]][keep]

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
