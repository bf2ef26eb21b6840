"""A stored day of patrol history (巡查轨迹) for the demo district.

Runs the live simulator (:mod:`app.feed.simulator`) over the demo day, from
midnight to the demo's "now", with one fix per worker on duty every
:data:`DEMO_FIX_INTERVAL_S` seconds, and writes the fixes in batches, so that a
replay works offline from the first start.
"""

from __future__ import annotations

from datetime import datetime, time

import numpy as np

from app.feed.fixes import FixBatch, to_seconds
from app.feed.roads import RoadLoops
from app.feed.simulator import PatrolSimulator, WorkerRoster, seconds_of_day
from app.feed.storage import fix_columns

#: one stored fix per worker every 30 s (the live feed runs at 10 s) ...
DEMO_FIX_INTERVAL_S = 30.0
#: ... and every 60 s above this many workers (Jinhua: 30,000 staff, 8 million fixes a
#: morning at 30 s; coverage joins consecutive fixes along the road either way)
SPARSE_ABOVE_WORKERS = 10_000
#: simulate this many ticks, then write (bounded memory on big districts)
TICKS_PER_WRITE = 240


def write_patrol_day(store, grid_geom: np.ndarray, workers, worker_ids: np.ndarray,
                     now: datetime, to_lonlat, seed: int) -> int:
    """Simulate and store today's fixes up to ``now``; returns the number of rows.

    ``grid_geom`` are the base grids in the same metric frame as ``to_lonlat``
    expects; ``workers`` has ``role``, ``grid`` (index into ``grid_geom``),
    ``shift_start`` and ``shift_end``.
    """
    loops = RoadLoops.from_grids(grid_geom)
    roster = WorkerRoster(ids=np.asarray(worker_ids), role=np.asarray(workers.role, object),
                          grid=np.asarray(workers.grid, np.int64),
                          shift_start_s=seconds_of_day(workers.shift_start),
                          shift_end_s=seconds_of_day(workers.shift_end))
    t0 = to_seconds(datetime.combine(now.date(), time(0, 0)))
    t_end = to_seconds(now)
    interval = DEMO_FIX_INTERVAL_S * (2 if len(roster) > SPARSE_ABOVE_WORKERS else 1)
    sim = PatrolSimulator(loops, roster, t0, interval_s=interval, seed=seed)
    rows = 0
    while sim.now + interval <= t_end:
        batch: FixBatch = sim.run_until(t_end, max_ticks=TICKS_PER_WRITE)
        if len(batch):
            rows += store.bulk_insert("gps_fixes", fix_columns(batch, roster.ids, to_lonlat))
    return rows
