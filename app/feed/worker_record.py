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
    #: metres walked today (sum over consecutive fixes, gaps excluded)
    distance_m: float
    fixes_today: int


def walked(t: np.ndarray, x: np.ndarray, y: np.ndarray,
           gap_s: float = PATROL_GAP_S) -> tuple[float, float | None]:
    """(metres walked, start of the current stretch) over time-ordered fixes; a segment
    spanning more than ``gap_s`` is a break, not a walk."""
    if len(t) == 0:
        return 0.0, None
    dt = np.diff(t)
    step = np.hypot(np.diff(x), np.diff(y))
    ok = dt <= gap_s
    breaks = np.flatnonzero(~ok)
    start = t[breaks[-1] + 1] if len(breaks) else t[0]
    return float(step[ok].sum()), float(start)


def worker_record(store, frame: LocalFrame, worker_id: int, day_start: float, now: float,
                  live: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                  ) -> WorkerRecord | None:
    """The record of ``worker_id`` at feed time ``now``; ``live`` = (t, x, y) of fixes held
    in memory (the live feed), merged after the stored ones.  None: no such worker."""
    from app.store.pg_security import phone_column  # hidden from most accounts on a server

    rows = store.rows(
        f"SELECT w.code, w.name, w.role, {phone_column(store)}, g.name, g.code FROM workers w "
        "LEFT JOIN grid_units g ON g.id = w.grid_id WHERE w.id = ?", [int(worker_id)])
    if not rows:
        return None
    code, name, role, phone, grid_name, grid_code = rows[0]
    phone = mask_phone(phone)  # shown masked everywhere; in full only via app.privacy.reveal
    cols = store.columns(
        "SELECT epoch_us(t) AS t_us, lon, lat FROM gps_fixes WHERE worker_id = ? "
        "AND t >= ? AND t <= ? AND flag IS DISTINCT FROM 'future' ORDER BY t",
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
    distance, since = walked(t, x, y)
    return WorkerRecord(
        id=int(worker_id), code=str(code), name=str(name), role=str(role),
        phone=phone,
        grid_name=str(grid_name or ""), grid_code=str(grid_code or ""),
        on_patrol_since=from_seconds(since) if since is not None else None,
        last_fix=from_seconds(float(t[-1])) if len(t) else None,
        distance_m=distance, fixes_today=int(len(t)))
