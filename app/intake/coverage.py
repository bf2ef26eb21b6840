"""How much of the on-duty force the wall sees live (在岗定位率): per base grid, community
and street, the workers on duty now and how many of them have a trusted fix under
:data:`FRESH_S` old.  Qt-free; one query and one numpy pass for the whole district.

* **On duty** is the worker's shift (``workers.shift_start``/``shift_end``; an overnight
  shift wraps midnight) - the same notion as 离线 and 出格 (app/intake/presence.py).
* **Located** means a trusted fix (no filter flag, app/intake/filters.py) within the
  last :data:`FRESH_S` seconds, not after ``now``, whatever sent it: a bound phone or the
  demo's simulator.
* A worker with **no device** bound still counts as on duty: the share answers "how many
  of those who should be out there can we see", so a worker the wall cannot follow
  lowers it (the 离线 alarm, by contrast, is only for a phone that should report).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from app.feed.simulator import DAY_S, seconds_of_day

#: a fix younger than this counts as "live" (seconds)
FRESH_S = 60.0
#: unit levels of grid_units the counts are kept for
LEVELS = {"street": 2, "community": 3, "grid": 4}


def on_duty(starts, ends, now: datetime) -> np.ndarray:
    """Which of the shifts ``starts``–``ends`` (times of day) include ``now``."""
    sod = now.hour * 3600 + now.minute * 60 + now.second
    a, b = seconds_of_day(starts), seconds_of_day(ends)
    return np.where(a <= b, (sod >= a) & (sod < b), (sod >= a) | (sod < b))


@dataclass(frozen=True)
class Roster:
    """Every worker with a base grid at ``now``, in id order: their grid, community and
    street, whether on duty, and the age in seconds of their last trusted fix within the
    window read (inf: none)."""

    now: datetime
    ids: np.ndarray
    grid: np.ndarray
    community: np.ndarray
    street: np.ndarray
    duty: np.ndarray
    age: np.ndarray


def roster(store, now: datetime, within_s: float = DAY_S) -> Roster:
    """The workers at ``now`` (one query: the last fix is joined in), reading only the
    fixes of the last ``within_s`` seconds (a busy district stores millions a day)."""
    rows = store.rows(
        "SELECT w.id, w.grid_id, g.parent_id, c.parent_id, w.shift_start, w.shift_end, f.t "
        "FROM workers w JOIN grid_units g ON g.id = w.grid_id "
        "JOIN grid_units c ON c.id = g.parent_id "
        "LEFT JOIN (SELECT worker_id, max(t) AS t FROM gps_fixes WHERE flag IS NULL "
        "AND t >= ? AND t <= ? GROUP BY worker_id) f ON f.worker_id = w.id ORDER BY w.id",
        [now - timedelta(seconds=within_s), now])
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    ids, grid, community, street = (np.asarray(c, np.int64) for c in cols[:4])
    duty = on_duty(cols[4], cols[5], now) if rows else np.zeros(0, bool)
    last = np.array([np.datetime64("NaT") if t is None else np.datetime64(t, "us")
                     for t in cols[6]], "datetime64[us]")
    age = (np.datetime64(now, "us") - last) / np.timedelta64(1, "s")
    age = np.where(np.isnat(last), np.inf, age)
    return Roster(now, ids, grid, community, street, np.asarray(duty, bool), age)


@dataclass(frozen=True)
class UnitCoverage:
    """A unit's workers on duty and how many of them are located."""

    on_duty: int = 0
    located: int = 0

    @property
    def share(self) -> float | None:
        """The located share (None: nobody on duty there)."""
        return self.located / self.on_duty if self.on_duty else None


@dataclass(frozen=True)
class Coverage:
    """Per unit id (a grid, community or street) the :class:`UnitCoverage` at ``now``;
    a unit with nobody on duty is absent (:meth:`of` gives it 0/0)."""

    now: datetime
    fresh_s: float
    units: dict[int, UnitCoverage]
    #: unit ids per level name (:data:`LEVELS`) that have someone on duty
    levels: dict[str, tuple[int, ...]]

    def of(self, unit_id: int) -> UnitCoverage:
        return self.units.get(int(unit_id), UnitCoverage())

    def level(self, name: str) -> dict[int, UnitCoverage]:
        return {u: self.units[u] for u in self.levels[name]}

    def total(self) -> UnitCoverage:
        """The whole district's."""
        streets = self.level("street").values()
        return UnitCoverage(sum(u.on_duty for u in streets), sum(u.located for u in streets))


def coverage_of(r: Roster, fresh_s: float = FRESH_S) -> Coverage:
    """The counts of roster ``r``: each level in one numpy pass."""
    located = r.duty & (r.age <= fresh_s)
    units: dict[int, UnitCoverage] = {}
    levels: dict[str, tuple[int, ...]] = {}
    for name, key in (("grid", r.grid), ("community", r.community), ("street", r.street)):
        ids, where = np.unique(key[r.duty], return_inverse=True)
        on = np.bincount(where, minlength=len(ids))
        seen = np.bincount(where, weights=located[r.duty], minlength=len(ids))
        levels[name] = tuple(int(i) for i in ids)
        units.update((int(i), UnitCoverage(int(n), int(m)))
                     for i, n, m in zip(ids, on, seen, strict=True))
    return Coverage(r.now, fresh_s, units, levels)


def fix_coverage(store, now: datetime, fresh_s: float = FRESH_S) -> Coverage:
    """Per grid, community and street: on-duty workers and those located at ``now``."""
    return coverage_of(roster(store, now, within_s=fresh_s), fresh_s)
