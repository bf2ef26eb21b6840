"""Replay (回放) of a stored day: a clock with play/pause, speed and seek, and what
the map shows at any moment - trails from the stored fixes, cases and whistles as
they stood then.

The clock is driven by wall-clock steps (:meth:`ReplayClock.advance`); seeking
anywhere rebuilds the trail buffer from the stored fixes of the trail window,
so jumping back and forth shows exactly what playing up to that moment shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.feed.buffers import TrackBuffer
from app.feed.storage import PatrolHistory

SPEEDS = (1, 10, 60, 120, 300, 600)


class ReplayClock:
    """Simulated time between ``start`` and ``end`` (feed seconds)."""

    def __init__(self, start: float, end: float, speed: float = 60.0) -> None:
        if end < start:
            raise ValueError("replay end before start")
        self.start, self.end = float(start), float(end)
        self.t = float(start)
        self.speed = float(speed)
        self.playing = False

    def set_speed(self, speed: float) -> None:
        self.speed = float(min(max(speed, 1.0), 600.0))

    def seek(self, t: float) -> float:
        self.t = float(min(max(t, self.start), self.end))
        return self.t

    def advance(self, wall_s: float) -> float:
        """Move on by ``wall_s`` real seconds at the current speed (if playing)."""
        if self.playing:
            self.seek(self.t + wall_s * self.speed)
            if self.t >= self.end:
                self.playing = False
        return self.t

    def fraction(self) -> float:
        span = self.end - self.start
        return (self.t - self.start) / span if span > 0 else 1.0


class TrailReplay:
    """Feeds a :class:`TrackBuffer` from a :class:`PatrolHistory` as the clock moves."""

    def __init__(self, history: PatrolHistory, buffer: TrackBuffer, trail_s: float) -> None:
        self.history = history
        self.buffer = buffer
        self.trail_s = float(trail_s)
        self.t: float | None = None

    def show(self, t: float) -> None:
        """Make the buffer hold what it would hold after playing up to ``t``."""
        if self.t is not None and self.t <= t <= self.t + self.trail_s:
            self.buffer.push(self.history.batch(self.t, t))  # small step forward: append
        else:
            self.buffer.clear()  # seek (or a jump longer than the trail): rebuild
            self.buffer.push(self.history.batch(t - self.trail_s, t))
        self.t = t


@dataclass(frozen=True)
class Timeline:
    """When things happened: cases (reported/closed) and whistles (blown/closed),
    as feed seconds (NaN = not yet)."""

    case_reported: np.ndarray
    case_closed: np.ndarray
    whistle_blown: np.ndarray
    whistle_closed: np.ndarray

    def cases_at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(reported by t, still open at t) masks over the cases."""
        reported = self.case_reported <= t
        closed = self.case_closed <= t  # NaN compares False: never closed
        return reported, reported & ~closed

    def whistles_in_progress(self, t: float) -> np.ndarray:
        return (self.whistle_blown <= t) & ~(self.whistle_closed <= t)


def load_timeline(store) -> Timeline:
    """Case and whistle times from the store."""
    c = store.columns("SELECT epoch_us(reported_at) AS r, epoch_us(closed_at) AS c "
                      "FROM cases ORDER BY id")
    w = store.columns("SELECT epoch_us(blown_at) AS b, epoch_us(closed_at) AS c "
                      "FROM whistles ORDER BY id")
    return Timeline(_secs(c["r"]), _secs(c["c"]), _secs(w["b"]), _secs(w["c"]))


def _secs(a) -> np.ndarray:
    if np.ma.isMaskedArray(a):
        return a.astype(float).filled(np.nan) / 1e6
    if a.dtype == object:
        return np.array([np.nan if v is None else v / 1e6 for v in a], dtype=float)
    return np.asarray(a, dtype=float) / 1e6
