"""What the map says about one grid worker when clicked (人员查询): who, which grid,
on patrol since when, and how far walked today - from the stored fixes of the day
and the live fixes the feed has produced since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.feed.fixes import from_seconds
from app.geo.crs import LocalFrame
from app.privacy.masking import mask_phone

#: a gap between two fixes longer than this ends a stretch of patrol (a break, off duty)
PATROL_GAP_S = 15 * 60.0
#: a move shorter than this from the last counted position is GPS jitter, not a step
#: (the receiver's scatter is a few metres: standing still must not add up to kilometres)
JITTER_M = 10.0
#: faster than this between two fixes is not walking (a GPS jump, a ride): not counted
MAX_WALK_MPS = 2.5


@dataclass(frozen=True)
class WorkerRecord:
    id: int
    code: str
    name: str
    role: str
    #: masked (138****1234), as on the server's ``gridcc_worker_phone`` for most accounts
    phone: str
    grid_name: str
    grid_code: str
    #: start of the current stretch of patrol (fixes without a longer gap), None: no fix today
    on_patrol_since: datetime | None
    last_fix: datetime | None
    #: metres walked today (over consecutive fixes; breaks, jitter and jumps excluded)
    distance_m: float
    fixes_today: int
    #: seconds on patrol today (the stretches summed), the time ``distance_m`` took
    patrol_s: float = 0.0


@dataclass(frozen=True)
class Walk:
    """What a day's fixes say about the walking."""

    distance_m: float
    since: float | None  # start of the current stretch
    patrol_s: float  # time on patrol, breaks excluded


def walk(t: np.ndarray, x: np.ndarray, y: np.ndarray, gap_s: float = PATROL_GAP_S) -> Walk:
    """The walk over time-ordered fixes.  A segment spanning more than ``gap_s`` is a
    break; distance counts from the last counted position once the worker is
    :data:`JITTER_M` away from it (a standing worker's GPS scatter adds nothing); a
    segment faster than :data:`MAX_WALK_MPS` is a jump and moves the position without
    counting."""
    t, x, y = (np.asarray(a, float) for a in (t, x, y))
    if len(t) == 0:
        return Walk(0.0, None, 0.0)
    dt = np.diff(t)
    ok = dt <= gap_s
    breaks = np.flatnonzero(~ok)
    since = float(t[breaks[-1] + 1] if len(breaks) else t[0])
    step = np.hypot(np.diff(x), np.diff(y))
    jump = step > MAX_WALK_MPS * np.maximum(dt, 1e-9)
    total = 0.0
    ax, ay = x[0], y[0]  # the last counted position
    for i in range(1, len(t)):
        if not ok[i - 1] or jump[i - 1]:
            ax, ay = x[i], y[i]  # after a break or a jump: count on from here
            continue
        d = float(np.hypot(x[i] - ax, y[i] - ay))
        if d >= JITTER_M:
            total += d
            ax, ay = x[i], y[i]
    return Walk(total, since, float(dt[ok].sum()))


def walked(t: np.ndarray, x: np.ndarray, y: np.ndarray,
           gap_s: float = PATROL_GAP_S) -> tuple[float, float | None]:
    """(metres walked, start of the current stretch): :func:`walk` in short."""
    w = walk(t, x, y, gap_s)
    return w.distance_m, w.since


def worker_record(store, frame: LocalFrame, worker_id: int, day_start: float, now: float,
                  live: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                  ) -> WorkerRecord | None:
    """The record of ``worker_id`` at feed time ``now``; ``live`` = (t, x, y) of fixes held
    in memory (the live feed), merged after the stored ones.  None: no such worker, or
    one whose track the signed-in user may not see (app/privacy/wall.may_see_track); on
    the wall the name is a pseudonym and there is no phone."""
    from app.auth.session import current_user
    from app.privacy.wall import may_see_track, pseudonym, sees_no_personal_data
    from app.store.pg_security import phone_column  # hidden from most accounts on a server

    rows = store.rows(
        f"SELECT w.code, w.name, w.role, {phone_column(store)}, g.name, g.code, c.id, "
        "c.parent_id FROM workers w LEFT JOIN grid_units g ON g.id = w.grid_id "
        "LEFT JOIN grid_units c ON c.id = g.parent_id WHERE w.id = ?", [int(worker_id)])
    if not rows:
        return None
    code, name, role, phone, grid_name, grid_code, community, street = rows[0]
    user = current_user()  # signed in at this seat (None: the anonymous viewer)
    if not may_see_track(user, street, community):
        return None  # 行踪轨迹: only of the workers of the user's own area
    phone = mask_phone(phone)  # shown masked everywhere; in full only via app.privacy.reveal
    if sees_no_personal_data(user):  # the wall: no number at all, a pseudonym
        phone, name = "", pseudonym(name)
    cols = store.columns(
        "SELECT epoch_us(t) AS t_us, lon, lat FROM gps_fixes WHERE worker_id = ? "
        "AND t >= ? AND t <= ? AND flag IS NULL ORDER BY t",
        [int(worker_id), from_seconds(day_start), from_seconds(now)])
    t = np.asarray(cols["t_us"], np.int64) / 1e6
    x, y = frame.from_lonlat(np.asarray(cols["lon"], float), np.asarray(cols["lat"], float))
    x, y = np.asarray(x, float), np.asarray(y, float)
    if live is not None:
        lt, lx, ly = (np.asarray(a, float) for a in live)
        newer = (lt > (t[-1] if len(t) else day_start)) & (lt <= now) & (lt >= day_start)
        order = np.argsort(lt[newer], kind="stable")
        t = np.r_[t, lt[newer][order]]
        x = np.r_[x, lx[newer][order]]
        y = np.r_[y, ly[newer][order]]
    w = walk(t, x, y)
    return WorkerRecord(
        id=int(worker_id), code=str(code), name=str(name), role=str(role),
        phone=phone,
        grid_name=str(grid_name or ""), grid_code=str(grid_code or ""),
        on_patrol_since=from_seconds(w.since) if w.since is not None else None,
        last_fix=from_seconds(float(t[-1])) if len(t) else None,
        distance_m=w.distance_m, fixes_today=int(len(t)), patrol_s=w.patrol_s)
