"""Who is where, from the stored trusted fixes (在岗在格): per grid and street the share of
on-duty workers with a fresh fix (app/intake/coverage.py), workers silent during their
shift (离线) and workers outside their own grid (出格) for longer than a limit.  Qt-free;
a view polls it.

Only a worker with a bound device (a phone that should report) can be silent.
"On duty" is the worker's shift (``workers.shift_start``/``shift_end``, overnight shifts
wrap midnight); flagged fixes (app/intake/filters.py) count for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from app.feed.simulator import DAY_S
from app.geo.wkb import geoms_from_wkb
from app.intake.coverage import FRESH_S, Coverage, UnitCoverage, coverage_of, on_duty, roster

__all__ = ["FRESH_S", "Presence", "on_duty", "presence", "street_presence", "worker_alarms"]


@dataclass(frozen=True)
class Presence:
    """At ``now``: the fresh-fix coverage per unit, the workers silent and the workers
    out of their grid (worker ids)."""

    now: datetime
    coverage: Coverage
    silent: tuple[int, ...]
    outside: tuple[int, ...]


def presence(store, now: datetime, *, silent_min: float = 15.0, outside_min: float = 10.0,
             fresh_s: float = FRESH_S) -> Presence:
    """Where the on-duty workers are at ``now`` (see the module doc)."""
    # the fixes of the longer limit suffice: older means silent and not fresh alike
    r = roster(store, now, within_s=max(silent_min * 60, fresh_s))
    # silent (离线) means a phone that should report and does not: only workers with a
    # bound device (a district's simulated or phoneless workers are never "offline")
    phones = [int(i) for (i,) in store.rows(
        "SELECT DISTINCT worker_id FROM devices WHERE worker_id IS NOT NULL")]
    has_phone = np.isin(r.ids, np.asarray(phones, np.int64))
    silent = r.ids[r.duty & has_phone & (r.age > silent_min * 60)]
    return Presence(now, coverage_of(r, fresh_s), tuple(int(i) for i in silent),
                    _outside(store, now, r.ids[r.duty], r.grid[r.duty], outside_min))


def _outside(store, now: datetime, workers: np.ndarray, grid_of: np.ndarray,
             minutes: float) -> tuple[int, ...]:
    """Workers whose every trusted fix of the last ``minutes`` (at least one, and the
    first of them that long ago) lies outside their own grid."""
    if not len(workers):
        return ()
    t0 = now - timedelta(minutes=minutes)
    f = store.columns("SELECT worker_id, t, lon, lat FROM gps_fixes WHERE flag IS NULL "
                      "AND t >= ? AND t <= ? ORDER BY worker_id, t", [t0, now])
    if not len(f["worker_id"]):
        return ()
    grid = dict(zip(workers.tolist(), grid_of.tolist(), strict=True))
    fw = np.asarray(f["worker_id"], np.int64)
    on = np.isin(fw, workers)
    fw, lon, lat = fw[on], np.asarray(f["lon"])[on], np.asarray(f["lat"])[on]
    t = np.asarray(f["t"])[on]
    if not len(fw):
        return ()
    ids = sorted({grid[i] for i in set(fw.tolist())})
    marks = ", ".join("?" * len(ids))
    rows = store.rows(f"SELECT id, geom FROM grid_units WHERE id IN ({marks})", ids)
    geom = dict(zip([r[0] for r in rows], geoms_from_wkb([r[1] for r in rows]), strict=True))
    own = np.array([geom[grid[i]] for i in fw.tolist()])
    inside = shapely.contains_xy(own, lon, lat)
    # per worker (the fixes come ordered by worker, then time): the window is covered
    # (a fix from its start, within a fix interval of it) and no fix inside
    wids, starts = np.unique(fw, return_index=True)
    covered = (t[starts] - np.datetime64(t0)) <= np.timedelta64(60, "s")
    any_inside = np.logical_or.reduceat(inside, starts)
    return tuple(int(w) for w in wids[covered & ~any_inside])


@dataclass(frozen=True)
class WorkerAlarm:
    """A worker flagged 离线 (``kind`` "offline") or 出格 ("outside"), with their last
    trusted fix (None: none in the last day) - one row of the wall's alarm list."""

    worker_id: int
    kind: str
    code: str
    name: str
    grid: str
    last_fix: datetime | None
    lon: float | None
    lat: float | None


def worker_alarms(store, p: Presence) -> list[WorkerAlarm]:
    """The alarms of ``p``: the silent first, then those out of their grid, each by
    worker code.  A worker both silent and outside (an old fix out of the grid) is
    listed once, as silent."""
    kinds = {w: "offline" for w in p.silent}
    for w in p.outside:
        kinds.setdefault(w, "outside")
    if not kinds:
        return []
    ids = sorted(kinds)
    marks = ", ".join("?" * len(ids))
    since = p.now - timedelta(seconds=DAY_S)
    last = {int(r[0]): r[1:] for r in store.rows(
        f"SELECT f.worker_id, f.t, f.lon, f.lat FROM gps_fixes f JOIN "
        f"(SELECT worker_id, max(t) AS t FROM gps_fixes WHERE flag IS NULL AND t > ? "
        f"AND t <= ? AND worker_id IN ({marks}) GROUP BY worker_id) m "
        f"ON m.worker_id = f.worker_id AND m.t = f.t WHERE f.flag IS NULL",
        [since, p.now, *ids])}
    out = []
    for wid, code, name, grid in store.rows(
            f"SELECT w.id, w.code, w.name, g.name FROM workers w "
            f"JOIN grid_units g ON g.id = w.grid_id WHERE w.id IN ({marks})", ids):
        t, lon, lat = last.get(int(wid), (None, None, None))
        out.append(WorkerAlarm(int(wid), kinds[int(wid)], code, name, grid, t,
                               None if lon is None else float(lon),
                               None if lat is None else float(lat)))
    out.sort(key=lambda a: (a.kind != "offline", a.code))
    return out


@dataclass(frozen=True)
class UnitPresence:
    """A street (or grid) by name, with its on-duty and located counts."""

    id: int
    name: str
    counts: UnitCoverage


def street_presence(store, p: Presence) -> list[UnitPresence]:
    """Every street of the district (by code), with its counts in ``p`` (0/0: nobody
    on duty there now)."""
    rows = store.rows("SELECT id, name FROM grid_units WHERE level = 2 ORDER BY code")
    return [UnitPresence(int(i), n, p.coverage.of(i)) for i, n in rows]
