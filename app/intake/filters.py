"""Fix filters, as Traccar's server has them: each fix is kept, and a fix that is not to
be trusted carries the reason in ``flag`` (stored in ``gps_fixes.flag``); a flagged fix
never moves its device's latest position.

* ``invalid``  - the device itself said the position is not valid;
* ``zero``     - 0°, 0° (a receiver without a fix);
* ``future``   - dated more than :attr:`Limits.future_s` ahead of the district clock;
* ``outdated`` - dated more than :attr:`Limits.outdated_s` before it;
* ``accuracy`` - worse than :attr:`Limits.accuracy_m`;
* ``speed``    - reached from the device's latest position only faster than
  :attr:`Limits.speed_mps` (a GPS jump).

Duplicates (the same device at the same fix time, e.g. a QoS 1 redelivery) are not a
flag: the store's key (device, fix time) keeps the first and ignores the rest.

Late fixes (older than the latest) are kept in their place and leave the latest alone;
an offline batch is checked in time order, each fix against the one before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from app.intake.messages import Fix

FLAGS = ("invalid", "zero", "future", "outdated", "accuracy", "speed")


@dataclass(frozen=True)
class Limits:
    future_s: float = 300.0
    outdated_s: float = 7 * 86_400.0
    accuracy_m: float = 100.0
    #: 50 m/s = 180 km/h: a grid worker on foot, bicycle or in a car stays below it
    speed_mps: float = 50.0


@dataclass(frozen=True)
class Latest:
    """A device's latest trusted position (storage datum)."""

    t: datetime
    lon: float
    lat: float


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, metres): enough to tell a jump from a walk."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def flag_of(fix: Fix, latest: Latest | None, now: datetime, limits: Limits) -> str | None:
    """The reason not to trust ``fix`` (None: trusted), given its device's latest
    trusted position."""
    if not fix.valid:
        return "invalid"
    if fix.lon == 0.0 and fix.lat == 0.0:
        return "zero"
    ahead = (fix.t - now).total_seconds()
    if ahead > limits.future_s:
        return "future"
    if -ahead > limits.outdated_s:
        return "outdated"
    if fix.accuracy is not None and fix.accuracy > limits.accuracy_m:
        return "accuracy"
    if latest is not None and fix.t > latest.t:
        dt = (fix.t - latest.t).total_seconds()
        if distance_m(latest.lon, latest.lat, fix.lon, fix.lat) > limits.speed_mps * dt + 50.0:
            return "speed"
    return None


def check_batch(fixes: list[Fix], latest: dict[str, Latest], now: datetime,
                limits: Limits | None = None) -> list[str | None]:
    """Flags of ``fixes`` (storage datum; in the given order) and ``latest`` moved on
    to each device's newest trusted fix.  Fixes are checked in time order per device,
    so a phone's offline queue sent at once is judged fix by fix."""
    limits = limits or Limits()
    flags: list[str | None] = [None] * len(fixes)
    order = sorted(range(len(fixes)), key=lambda i: (fixes[i].device, fixes[i].t))
    for i in order:
        fix = fixes[i]
        last = latest.get(fix.device)
        flags[i] = flag_of(fix, last, now, limits)
        if flags[i] is None and (last is None or fix.t > last.t):
            latest[fix.device] = Latest(fix.t, fix.lon, fix.lat)
    return flags
