"""The incident layer's logic without Qt: what a case looked like at a moment, the
time-window filter (今日 / 近7天 / 近30天 / 全年), and hexagonal aggregation.

Times are feed seconds (see :mod:`app.feed.fixes`); NaN means "not (yet)".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY_S = 86_400.0
#: window key -> days back from the moment shown ("today" starts at midnight)
WINDOWS = {"today": 0, "7d": 7, "30d": 30, "year": 365}


@dataclass(frozen=True)
class CaseStates:
    """Masks over the cases at one moment, for one window."""

    shown: np.ndarray  # reported in the window, or open and overdue (alerts always show)
    open: np.ndarray  # shown and not closed
    overdue: np.ndarray  # open and past its deadline (超期)

    @property
    def n_shown(self) -> int:
        return int(self.shown.sum())


def window_start(t: float, window: str) -> float:
    days = WINDOWS[window]
    midnight = np.floor(t / DAY_S) * DAY_S
    return float(midnight if days == 0 else t - days * DAY_S)


def case_states(reported_s: np.ndarray, closed_s: np.ndarray, deadline_s: np.ndarray,
                t: float, window: str = "30d") -> CaseStates:
    """Which cases show at moment ``t`` and how (see :class:`CaseStates`)."""
    reported = reported_s <= t
    still_open = reported & ~(closed_s <= t)  # NaN: never closed
    overdue = still_open & (deadline_s < t)
    shown = (reported & (reported_s >= window_start(t, window))) | overdue
    return CaseStates(shown, shown & still_open, overdue)


def hexbin(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count points per pointy-top hexagon of circumradius ``size`` metres:
    (centre x, centre y, count) of the non-empty cells."""
    if len(x) == 0:
        e = np.empty(0)
        return e, e, np.empty(0, np.int64)
    q = (np.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # cube rounding
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    ry = np.where(fix_y, -rx - rz, ry)
    rz = np.where(~fix_x & ~fix_y, -rx - ry, rz)
    # count per cell with a dense bincount over the cells' bounding box (a sort-based
    # unique of a million keys costs ten times as much and holds the GIL throughout)
    qi, ri = rx.astype(np.int64), rz.astype(np.int64)
    q0, r0 = int(qi.min()), int(ri.min())
    nq, nr = int(qi.max()) - q0 + 1, int(ri.max()) - r0 + 1
    if nq * nr <= max(4 * len(x), 1 << 16):
        dense = np.bincount((qi - q0) * nr + (ri - r0), minlength=nq * nr)
        cells = np.flatnonzero(dense)
        counts = dense[cells]
        hq = (cells // nr + q0).astype(float)
        hr = (cells % nr + r0).astype(float)
    else:  # sparse points over a huge area: one int64 key per cell, 1-D unique
        off = 1 << 20
        keys = (qi + off) * (2 * off) + (ri + off)
        ukeys, counts = np.unique(keys, return_counts=True)
        hq = (ukeys // (2 * off) - off).astype(float)
        hr = (ukeys % (2 * off) - off).astype(float)
    return size * np.sqrt(3) * (hq + hr / 2), size * 1.5 * hr, counts
