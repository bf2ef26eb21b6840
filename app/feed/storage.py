"""GPS fixes to and from DuckDB (``gps_fixes``), in batches.

:class:`FixWriter` is the one writer of fixes: a feed's batches are collected (cheap,
any thread) and stored by :meth:`FixWriter.flush` - called on a worker of its own
every :data:`FLUSH_INTERVAL_S` at most - with one ``bulk_insert`` per flush, never a
row at a time.  A failed write (a full disk, a closed store) keeps its rows for the
next flush and says so in :attr:`FixWriter.status`; only a backlog beyond
:data:`MAX_BACKLOG_ROWS` gives up its oldest rows, counted in ``status.lost``.  After
each write a :class:`~app.changes.Change` ``gps_fix`` names the workers stored.

Coordinates are stored as CGCS2000 lon/lat like every other table; the map works in
local metres.  A fix dated in the future is stored with flag ``'future'``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from app.changes import Change
from app.clock import Clock
from app.feed.fixes import FUTURE_FLAG, FixBatch, from_seconds, future_mask, to_seconds
from app.geo.crs import LocalFrame

#: fixes wait at most this long (seconds) before they are written
FLUSH_INTERVAL_S = 5.0
#: rows held for a retry while writes fail (about a quarter of an hour of 10,000
#: workers); beyond it the oldest are given up, and counted
MAX_BACKLOG_ROWS = 1_000_000
ACCURACY_M = 5.0


def fix_columns(batch: FixBatch, worker_ids: np.ndarray, to_lonlat,
                future: np.ndarray | None = None) -> dict:
    """``gps_fixes`` columns for a batch (``to_lonlat(x, y)`` converts local metres;
    ``future`` marks the fixes to flag)."""
    lon, lat = to_lonlat(batch.x, batch.y)
    t_us = np.round(np.asarray(batch.t) * 1e6).astype("int64").astype("datetime64[us]")
    flag = [None] * len(batch) if future is None else \
        [FUTURE_FLAG if f else None for f in np.asarray(future, bool).tolist()]
    return {
        "worker_id": np.asarray(worker_ids)[batch.worker].astype(np.int32),
        "t": pa.array(t_us, type=pa.timestamp("us")),
        "lon": np.asarray(lon, float), "lat": np.asarray(lat, float),
        "speed_mps": np.asarray(batch.speed, np.float32),
        "accuracy_m": np.full(len(batch), ACCURACY_M, np.float32),
        "flag": pa.array(flag, type=pa.string()),
    }


@dataclass(frozen=True)
class WriteStatus:
    """How storing fixes goes: ``ok`` (the last write succeeded), rows ``pending`` a
    retry, rows ``lost`` for good (backlog over its limit), the last ``error``."""

    ok: bool = True
    pending: int = 0
    lost: int = 0
    error: str = ""


class FixWriter:
    """Collects a feed's batches (:meth:`add`) and stores them (:meth:`flush`); see the
    module doc.  ``store`` is a cursor of the writer's own, used by one thread at a time."""

    def __init__(self, store, frame: LocalFrame, worker_ids: np.ndarray, *,
                 clock: Clock | None = None, actor: str = "patrol",
                 interval_s: float = FLUSH_INTERVAL_S, max_backlog: int = MAX_BACKLOG_ROWS,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._frame = frame
        self._ids = np.asarray(worker_ids)
        self._clock = clock
        self.actor = actor
        self.interval_s = float(interval_s)
        self.max_backlog = int(max_backlog)
        self._timer = timer
        self._lock = threading.Lock()  # add() on the feed's thread, flush() on the writer's
        self._flushing = threading.Lock()
        self._pending: list[tuple[FixBatch, np.ndarray]] = []
        self._n = 0
        self._since: float | None = None  # when the oldest pending row came
        self.written = 0
        self.failures = 0
        self.status = WriteStatus()

    @property
    def pending(self) -> int:
        return self._n

    def add(self, batch: FixBatch) -> None:
        """Take a batch (a feed's subscriber); fixes dated in the future are flagged."""
        if not len(batch):
            return
        future = (future_mask(batch.t, to_seconds(self._clock.now()))
                  if self._clock is not None else np.zeros(len(batch), bool))
        with self._lock:
            self._pending.append((batch, future))
            self._n += len(batch)
            if self._since is None:
                self._since = self._timer()
            self._trim()

    def due(self) -> bool:
        """Rows have waited :attr:`interval_s` (or the backlog is failing: retry)."""
        with self._lock:
            return self._since is not None and self._timer() - self._since >= self.interval_s

    def flush(self) -> WriteStatus:
        """Store every pending row in one transaction, then publish the change; on a
        failure keep them for the next flush.  The status after this attempt."""
        with self._flushing:
            with self._lock:
                taken, since = self._pending, self._since
                self._pending, self._n, self._since = [], 0, None
            if not taken:
                return self.status
            batch = FixBatch.concat([b for b, _ in taken])
            future = np.concatenate([f for _, f in taken])
            try:
                n = self._write(batch, future)
            except Exception as exc:  # a full disk, a closed store: keep the rows, say so
                with self._lock:
                    self._pending = taken + self._pending
                    self._n += len(batch)
                    self._since = since if since is not None else self._timer()
                    self._trim()
                    self.failures += 1
                    self.status = WriteStatus(False, self._n, self.status.lost,
                                              _first_line(exc))
                return self.status
            with self._lock:
                self.written += n
                self.status = WriteStatus(True, self._n, self.status.lost, "")
            return self.status

    def _write(self, batch: FixBatch, future: np.ndarray) -> int:
        cols = fix_columns(batch, self._ids, self._frame.to_lonlat, future)
        workers = np.unique(cols["worker_id"]).tolist()
        at = (self._clock.now() if self._clock is not None
              else from_seconds(float(np.max(batch.t))).replace(microsecond=0))
        with self._store.transaction():
            n = self._store.bulk_insert("gps_fixes", cols)
            self._store.stage_change(Change("gps_fix", workers, "gps_fix.store", self.actor, at))
        return n

    def _trim(self) -> None:
        """Give up the oldest pending batches beyond :attr:`max_backlog` (caller holds
        the lock); counted in ``status.lost``."""
        lost = 0
        while self._n > self.max_backlog and len(self._pending) > 1:
            batch, _ = self._pending.pop(0)
            self._n -= len(batch)
            lost += len(batch)
        if lost:
            s = self.status
            self.status = WriteStatus(False, self._n, s.lost + lost, s.error)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass(frozen=True)
class PatrolHistory:
    """A stored stretch of fixes, sorted by time; ``worker`` indexes the roster."""

    worker: np.ndarray
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def between(self, t0: float, t1: float) -> slice:
        """The fixes with t0 < t <= t1."""
        return slice(int(np.searchsorted(self.t, t0, side="right")),
                     int(np.searchsorted(self.t, t1, side="right")))

    def last_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(roster index, x, y) of every worker's last fix."""
        w = np.asarray(self.worker, np.int64)
        if not len(w):
            e = np.empty(0)
            return np.empty(0, np.int64), e, e
        _, first = np.unique(w[::-1], return_index=True)  # last occurrence = first reversed
        idx = len(w) - 1 - first
        return w[idx], np.asarray(self.x)[idx], np.asarray(self.y)[idx]

    def batch(self, t0: float, t1: float) -> FixBatch:
        s = self.between(t0, t1)
        n = s.stop - s.start
        return FixBatch(self.worker[s].astype(np.int32), self.t[s], self.x[s], self.y[s],
                        np.zeros(n, np.float32))


def load_history(store, frame: LocalFrame, worker_ids: np.ndarray, t0: float,
                 t1: float) -> PatrolHistory:
    """Fixes with t0 <= t < t1 (feed seconds) of the roster's workers (not those flagged:
    dated in the future, a jump, poor accuracy … see app/intake/filters.py)."""
    cols = store.columns(
        "SELECT worker_id, epoch_us(t) AS t_us, lon, lat FROM gps_fixes "
        "WHERE t >= ? AND t < ? AND flag IS NULL ORDER BY t, worker_id",
        [from_seconds(t0), from_seconds(t1)])
    pos = np.full(int(max(np.max(worker_ids, initial=0), np.max(cols["worker_id"], initial=0))) + 1,
                  -1, np.int64)
    pos[np.asarray(worker_ids, np.int64)] = np.arange(len(worker_ids))
    w = pos[np.asarray(cols["worker_id"], np.int64)]
    ok = w >= 0
    x, y = frame.from_lonlat(np.asarray(cols["lon"], float), np.asarray(cols["lat"], float))
    t = np.asarray(cols["t_us"], np.int64) / 1e6
    return PatrolHistory(w[ok], t[ok], np.asarray(x)[ok], np.asarray(y)[ok])
