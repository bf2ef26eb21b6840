"""The command centre's one clock (时钟): every time shown or written reads it.

* :class:`LiveClock` follows the wall clock in the district's time zone
  (``Asia/Shanghai`` unless the district's ``time_zone`` setting says otherwise);
* :class:`FixedClock` is a moment that does not move (``--now``, ``GRIDCC_NOW``,
  reproducible reports and tests); :class:`SteppingClock` moves on by a step each
  time it is read (tests);
* the map's replay follows the replay position instead (the UI asks the patrol
  controller, not this clock, while a replay runs).

Times are naive district-local datetimes (how the store keeps time), to the second.
:func:`store_clock` gives a district's clock; the time zone is set with
``python -m app district set --time-zone ZONE``.  A demo district's own timeline is
brought to this clock's now when it goes on duty (:mod:`app.demo.reanchor`).
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"
#: the district setting (meta key) naming its IANA time zone
TZ_KEY = "time_zone"
NOW_ENV = "GRIDCC_NOW"


class ClockError(ValueError):
    """A clock setting that cannot be used; one line for the user."""


class Clock(Protocol):
    """Something that tells the district's time."""

    def now(self) -> datetime:
        """The district's local time now, naive, to the second."""
        ...


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name`` (default Asia/Shanghai); ClockError when unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        raise ClockError(f"未知时区 {name!r}（应为 IANA 时区名，如 Asia/Shanghai）") from None


class LiveClock:
    """The wall clock in the district's time zone."""

    def __init__(self, tz: str | None = None) -> None:
        self.tz = zone(tz)

    def now(self) -> datetime:
        return datetime.now(self.tz).replace(tzinfo=None, microsecond=0)


class FixedClock:
    """A moment that does not move."""

    def __init__(self, at: datetime) -> None:
        self.at = at.replace(microsecond=0, tzinfo=None)

    def now(self) -> datetime:
        return self.at


class SteppingClock:
    """Starts at ``start`` and moves on by ``step`` after every read (thread-safe)."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=1)) -> None:
        self._next = start.replace(microsecond=0, tzinfo=None)
        self._step = step
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            at, self._next = self._next, self._next + self._step
        return at


def parse_now(text: str, tz: str | None = None) -> datetime:
    """An ISO date-time given for ``--now``/``GRIDCC_NOW``, as district-local time (a
    time with an offset is converted to the zone ``tz``, Asia/Shanghai by default)."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"时间应为 ISO 格式（如 2026-10-15T09:30），而不是 {text!r}") from None
    if at.tzinfo is not None:
        at = at.astimezone(zone(tz)).replace(tzinfo=None)
    return at.replace(microsecond=0)


def district_clock(meta: dict[str, str] | None = None, *,
                   override: datetime | None = None) -> Clock:
    """The clock for a district: ``override`` (``--now``), else ``$GRIDCC_NOW``, else the
    wall clock in the district's time zone (``meta['time_zone']``)."""
    if override is not None:
        return FixedClock(override)
    tz = (meta or {}).get(TZ_KEY)
    text = os.environ.get(NOW_ENV, "").strip()
    if text:
        try:
            return FixedClock(parse_now(text, tz))
        except ClockError as exc:
            raise ClockError(f"环境变量 {NOW_ENV}：{exc}") from None
    return LiveClock(tz)


def store_clock(store, *, override: datetime | None = None) -> Clock:
    """The clock of the district held in ``store`` (see :func:`district_clock`)."""
    return district_clock(store.meta(), override=override)


def is_live(clock: Clock) -> bool:
    """Whether ``clock`` follows the wall clock (not a moment fixed for a test or report)."""
    return isinstance(clock, LiveClock)


def zone_name(meta: dict[str, str] | None) -> str:
    """The district's time zone as set (Asia/Shanghai unless the district says otherwise)."""
    return (meta or {}).get(TZ_KEY) or DEFAULT_TZ
