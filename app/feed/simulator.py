"""Offline patrol simulator (巡查模拟): grid staff walking the roads of their grid.

During its shift each worker walks the road loop of its own base grid at walking
speed, stops now and then at a building (a few minutes, stepping off the road
towards the block), sometimes raises a report (上报) where it stands, sometimes
turns round, and a few leave their grid for a while to walk a neighbouring
one.  Everything is vectorised over the roster; time advances in whole fix
intervals counted from the start (``t0 + k * interval``), so an hour or a day
of simulated time accumulates no floating-point drift and no state grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time as dtime

import numpy as np
import shapely

from app.feed.fixes import FixBatch, Subscribers
from app.feed.roads import RoadLoops

DAY_S = 86_400.0
#: mean patrol walking speed by role (m/s): an unhurried 3.5-4.3 km/h, looking about;
#: sanitation sweeps slowly
SPEED = {"grid_leader": 1.05, "grid_worker": 1.1, "police": 1.2, "sanitation": 0.7,
         "city_management": 1.15}
#: nobody patrols faster than this (5 km/h), whatever the spread between walkers
MAX_SPEED = 5.0 / 3.6
#: mean seconds of walking between two stops
MEAN_WALK_S = 12 * 60.0
#: stop duration range (s) and the step off the road towards the block (m)
STOP_S = (60.0, 300.0)
STOP_OFFSET_M = 12.0
#: chance that a stop produces a report (about two a day per worker, DOMAIN.md)
REPORT_PER_STOP = 0.06
#: chance per hour on duty of leaving the grid, and how long the excursion lasts (s)
LEAVE_PER_HOUR = 0.04
EXCURSION_S = (600.0, 1800.0)
GPS_NOISE_M = 2.0
#: a worker can turn into a grid whose road passes within this distance
NEIGHBOUR_M = 5.0


@dataclass(frozen=True)
class WorkerRoster:
    """The staff the simulator moves; ``grid`` indexes the road loops."""

    ids: np.ndarray
    role: np.ndarray  # object array of role codes
    grid: np.ndarray
    shift_start_s: np.ndarray  # seconds of the day
    shift_end_s: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def only(self, ids: set[int] | None) -> WorkerRoster:
        """The workers whose ids are in ``ids`` (None: all of them)."""
        if ids is None:
            return self
        keep = np.isin(self.ids, np.fromiter(ids, np.int64, len(ids)))
        return WorkerRoster(self.ids[keep], self.role[keep], self.grid[keep],
                            self.shift_start_s[keep], self.shift_end_s[keep])

    def on_duty(self, t: float | np.ndarray) -> np.ndarray:
        """Who is on shift at feed time ``t`` (overnight shifts wrap midnight)."""
        sod = np.mod(t, DAY_S)
        a, b = self.shift_start_s, self.shift_end_s
        return np.where(a <= b, (sod >= a) & (sod < b), (sod >= a) | (sod < b))


def seconds_of_day(values) -> np.ndarray:
    return np.array([v.hour * 3600 + v.minute * 60 + v.second if isinstance(v, dtime)
                     else float(v) for v in values], dtype=float)


def load_roster(store, grid_ids: np.ndarray, limit: int | None = None) -> WorkerRoster:
    """The workers table, with each worker's grid as an index into ``grid_ids``."""
    cols = store.columns("SELECT id, role, grid_id, shift_start, shift_end FROM workers ORDER BY id"
                         + (f" LIMIT {int(limit)}" if limit else ""))
    pos = {int(g): i for i, g in enumerate(np.asarray(grid_ids).tolist())}
    grid = np.array([pos.get(int(g), -1) for g in cols["grid_id"]], np.int64)
    ok = grid >= 0
    return WorkerRoster(
        ids=np.asarray(cols["id"], np.int64)[ok], role=np.asarray(cols["role"], object)[ok],
        grid=grid[ok], shift_start_s=seconds_of_day(cols["shift_start"])[ok],
        shift_end_s=seconds_of_day(cols["shift_end"])[ok])


class PatrolSimulator:
    """A :class:`~app.feed.fixes.PatrolFeed` producing one fix per worker on duty
    every ``interval_s`` seconds of simulated time."""

    def __init__(self, loops: RoadLoops, roster: WorkerRoster, t0: float, *,
                 interval_s: float = 10.0, seed: int = 1) -> None:
        self.loops = loops
        self.roster = roster
        self.interval = float(interval_s)
        self.t0 = float(t0)
        self.k = 0  # ticks done: the clock is t0 + k * interval, never a running sum
        n = len(roster)
        self._rng = np.random.default_rng(seed)
        rng = self._rng
        self.loop = roster.grid.copy()
        # each worker patrols a stretch of its loop (span) back and forth from an anchor;
        # diligent ones the whole loop, others part of it - so coverage differs by grid
        # (per grid: its staff share the grid's usual round, some grids walked less)
        grid_share = rng.choice([1.0, 0.75, 0.5, 0.3], len(loops), p=[0.35, 0.3, 0.2, 0.15])
        grid_anchor = rng.uniform(0, 1, len(loops))
        share = grid_share[self.loop] * rng.uniform(0.85, 1.15, n)
        self.span_share = np.where(share >= 0.95, 1.0, share)
        self.span = self.span_share * loops.length[self.loop]
        self.anchor = (grid_anchor[self.loop] + rng.uniform(-0.04, 0.04, n)) * loops.length[self.loop]
        self.u = rng.uniform(0, 1, n) * self.span  # position within the stretch
        self.direction = rng.choice([-1.0, 1.0], n)
        base = np.array([SPEED.get(r, 1.2) for r in roster.role.tolist()])
        self.speed = np.minimum(base * rng.uniform(0.9, 1.1, n), MAX_SPEED)
        self.stop_until = np.full(n, -np.inf)
        self.excursion_until = np.full(n, -np.inf)
        self._subs = Subscribers()

    def continue_from(self, worker: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        """Put ``worker`` (roster indices) where a feed last saw them - the stored day's
        last fixes - so the live feed walks on from there instead of jumping: on the
        home loop at the nearest point, inside their stretch (the stretch moves along
        when the point lies outside it)."""
        worker = np.asarray(worker, np.int64)
        if not len(worker):
            return
        home = self.roster.grid[worker]
        length = self.loops.length[home]
        self.loop[worker] = home
        self.excursion_until[worker] = -np.inf
        self.span[worker] = self.span_share[worker] * length
        s = shapely.line_locate_point(self.loops.rings[home],
                                      shapely.points(np.asarray(x, float), np.asarray(y, float)))
        u = np.mod(s - self.anchor[worker], length)
        inside = u <= self.span[worker]
        self.u[worker] = np.where(inside, u, self.u[worker])
        self.anchor[worker] = np.where(inside, self.anchor[worker], s - self.u[worker])

    @property
    def s(self) -> np.ndarray:
        """Arc position of every worker along its current loop."""
        return np.mod(self.anchor + self.u, self.loops.length[self.loop])

    @property
    def now(self) -> float:
        return self.t0 + self.k * self.interval

    def subscribe(self, callback):
        return self._subs.subscribe(callback)

    def advance(self, t: float) -> None:
        """Simulate up to ``t`` and publish the fixes as one batch."""
        batch = self.run_until(t)
        if len(batch) or len(batch.report_worker):
            self._subs.publish(batch)

    def run_until(self, t: float, max_ticks: int | None = None) -> FixBatch:
        """All fixes from now up to ``t`` as one batch (without publishing)."""
        n_ticks = int(np.floor((t - self.now) / self.interval + 1e-9))
        if max_ticks is not None:
            n_ticks = min(n_ticks, max_ticks)
        return FixBatch.concat([self.tick() for _ in range(max(0, n_ticks))])

    def _neighbours(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each worker, another grid whose road passes where it stands (a crossing
        or the shared street); workers with none stay home."""
        x, y = self.loops.point_at(self.loop[who], self.s[who])
        pairs = self.loops.tree().query(shapely.points(x, y), predicate="dwithin",
                                        distance=NEIGHBOUR_M)
        other = pairs[1] != self.roster.grid[who[pairs[0]]]
        i, g = pairs[0][other], pairs[1][other]
        if not len(i):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        # one random candidate per worker
        order = np.lexsort((self._rng.random(len(i)), i))
        i, g = i[order], g[order]
        first = np.r_[True, i[1:] != i[:-1]]
        return who[i[first]], g[first]

    def _switch(self, who: np.ndarray, loops: np.ndarray, share: np.ndarray) -> None:
        """Move workers onto other loops where those pass nearest (walk on, no jump),
        patrolling ``share`` of the new loop."""
        x, y = self.loops.point_at(self.loop[who], self.s[who])
        self.anchor[who] = shapely.line_locate_point(self.loops.rings[loops],
                                                     shapely.points(x, y))
        self.u[who] = 0.0
        self.direction[who] = 1.0
        self.loop[who] = loops
        self.span[who] = share * self.loops.length[loops]

    def tick(self) -> FixBatch:
        """One fix interval."""
        self.k += 1
        t = self.now
        rng, dt = self._rng, self.interval
        duty = self.roster.on_duty(t)
        home = self.roster.grid
        # excursions: leave for a neighbouring grid (next in code order), then come back
        due = np.flatnonzero((self.loop != home) & (t >= self.excursion_until))
        if len(due):
            # back home where the road meets the home loop again (off duty: unobserved)
            x, y = self.loops.point_at(self.loop[due], self.s[due])
            near = shapely.distance(self.loops.rings[home[due]],
                                    shapely.points(x, y)) <= NEIGHBOUR_M
            back = due[near | ~duty[due]]
            self._switch(back, home[back], self.span_share[back])
        leave = duty & (self.loop == home) & (rng.random(len(home)) < LEAVE_PER_HOUR * dt / 3600)
        if leave.any():
            who, nb = self._neighbours(np.flatnonzero(leave))
            self._switch(who, nb, np.ones(len(who)))  # walk the whole neighbouring loop
            self.excursion_until[who] = t + rng.uniform(*EXCURSION_S, len(who))
        moving = duty & (t >= self.stop_until)
        self.u[moving] += self.direction[moving] * self.speed[moving] * dt
        # turn round at either end of the stretch (a full loop just carries on)
        full = self.span >= self.loops.length[self.loop] * 0.999
        over = ~full & (self.u > self.span)
        under = ~full & (self.u < 0)
        self.u[over] = 2 * self.span[over] - self.u[over]
        self.u[under] = -self.u[under]
        self.direction[over] = -1.0
        self.direction[under] = 1.0
        self.u[full] = np.mod(self.u[full], self.span[full])
        # new stops at a building; some produce a report; some turn round afterwards
        stop = moving & (rng.random(len(home)) < dt / MEAN_WALK_S)
        n_stop = int(stop.sum())
        self.stop_until[stop] = t + rng.uniform(*STOP_S, n_stop)
        turn = stop & (rng.random(len(home)) < 0.3)
        self.direction[turn] *= -1
        report = stop & (rng.random(len(home)) < REPORT_PER_STOP)

        who = np.flatnonzero(duty)
        x, y = self.loops.point_at(self.loop[who], self.s[who])
        stopped = t < self.stop_until[who]
        if stopped.any():
            c = self.loops.centroid[self.loop[who[stopped]]]
            dx, dy = c[:, 0] - x[stopped], c[:, 1] - y[stopped]
            d = np.maximum(np.hypot(dx, dy), 1e-6)
            step = np.minimum(STOP_OFFSET_M, d * 0.5)
            x[stopped] += dx / d * step
            y[stopped] += dy / d * step
        x = x + rng.normal(0, GPS_NOISE_M, len(who))
        y = y + rng.normal(0, GPS_NOISE_M, len(who))
        speed = np.where(stopped, 0.0, self.speed[who]).astype(np.float32)
        rep = np.flatnonzero(report[who])
        return FixBatch(who.astype(np.int32), np.full(len(who), t), x, y, speed,
                        who[rep].astype(np.int32), np.full(len(rep), t), x[rep], y[rep])


def simulated_feed(roster: WorkerRoster, loops: RoadLoops, t0: float) -> PatrolSimulator:
    """The offline simulator as a window's feed (a :data:`~app.feed.fixes.FeedFactory`):
    a fix every 10 s per worker on duty."""
    return PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=11)
