"""GPS fixes to and from DuckDB (``gps_fixes``), in batches.

Writes are buffered and inserted with one ``bulk_insert`` per batch of rows
(never a row at a time).  Coordinates are stored as CGCS2000 lon/lat like
every other table; the map works in local metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from app.feed.fixes import FixBatch
from app.geo.crs import LocalFrame

#: flush to the database once this many fixes are waiting
FLUSH_ROWS = 50_000
ACCURACY_M = 5.0


def fix_columns(batch: FixBatch, worker_ids: np.ndarray, to_lonlat) -> dict:
    """``gps_fixes`` columns for a batch (``to_lonlat(x, y)`` converts local metres)."""
    lon, lat = to_lonlat(batch.x, batch.y)
    t_us = np.round(np.asarray(batch.t) * 1e6).astype("int64").astype("datetime64[us]")
    return {
        "worker_id": np.asarray(worker_ids)[batch.worker].astype(np.int32),
        "t": pa.array(t_us, type=pa.timestamp("us")),
        "lon": np.asarray(lon, float), "lat": np.asarray(lat, float),
        "speed_mps": np.asarray(batch.speed, np.float32),
        "accuracy_m": np.full(len(batch), ACCURACY_M, np.float32),
    }


class FixWriter:
    """Collects batches from a feed and stores them in ``gps_fixes``."""

    def __init__(self, store, frame: LocalFrame, worker_ids: np.ndarray,
                 flush_rows: int = FLUSH_ROWS) -> None:
        self._store = store
        self._frame = frame
        self._ids = np.asarray(worker_ids)
        self._flush_rows = flush_rows
        self._pending: list[FixBatch] = []
        self._n = 0
        self.written = 0

    def add(self, batch: FixBatch) -> None:
        if len(batch):
            self._pending.append(batch)
            self._n += len(batch)
        if self._n >= self._flush_rows:
            self.flush()

    def flush(self) -> int:
        if not self._pending:
            return 0
        batch = FixBatch.concat(self._pending)
        self._pending, self._n = [], 0
        n = self._store.bulk_insert("gps_fixes", fix_columns(batch, self._ids,
                                                             self._frame.to_lonlat))
        self.written += n
        return n


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
    """Fixes with t0 <= t < t1 (feed seconds) of the roster's workers."""
    from app.feed.fixes import from_seconds

    cols = store.columns(
        "SELECT worker_id, epoch_us(t) AS t_us, lon, lat FROM gps_fixes "
        "WHERE t >= ? AND t < ? ORDER BY t, worker_id", [from_seconds(t0), from_seconds(t1)])
    pos = np.full(int(max(np.max(worker_ids, initial=0), np.max(cols["worker_id"], initial=0))) + 1,
                  -1, np.int64)
    pos[np.asarray(worker_ids, np.int64)] = np.arange(len(worker_ids))
    w = pos[np.asarray(cols["worker_id"], np.int64)]
    ok = w >= 0
    x, y = frame.from_lonlat(np.asarray(cols["lon"], float), np.asarray(cols["lat"], float))
    t = np.asarray(cols["t_us"], np.int64) / 1e6
    return PatrolHistory(w[ok], t[ok], np.asarray(x)[ok], np.asarray(y)[ok])
