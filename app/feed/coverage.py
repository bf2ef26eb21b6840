"""Patrol coverage (巡查覆盖率): the share of each grid's road length walked.

Each fix is snapped to the road loop of the grid it was walked for (the
worker's own grid); fixes farther than ``max_dist_m`` from that loop (off on an
excursion, or inside a building) do not count.  The loop is cut into bins of
``bin_m`` metres; a bin counts as walked when a fix snaps into it.
"""

from __future__ import annotations

import numpy as np
import shapely

from app.feed.roads import RoadLoops

BIN_M = 25.0
MAX_DIST_M = 30.0
#: consecutive fixes at most this far apart in time are joined along the road
MAX_GAP_S = 120.0


def coverage_by_grid(loops: RoadLoops, grid_of_fix: np.ndarray, x: np.ndarray, y: np.ndarray,
                     bin_m: float = BIN_M, max_dist_m: float = MAX_DIST_M,
                     worker: np.ndarray | None = None, t: np.ndarray | None = None,
                     max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """(G,) share 0…1 of each loop's length covered by the fixes.

    With ``worker`` and ``t`` the road between two consecutive fixes of a worker on
    the same loop (at most ``max_gap_s`` apart, the shorter way round) counts as
    walked too: stored fixes every 30 s lie farther apart than a bin.
    """
    grid_of_fix = np.asarray(grid_of_fix, np.int64)
    out = np.zeros(len(loops))
    if len(grid_of_fix) == 0:
        return out
    pts = shapely.points(np.asarray(x, float), np.asarray(y, float))
    rings = loops.rings[grid_of_fix]
    near = shapely.distance(rings, pts) <= max_dist_m
    s = shapely.line_locate_point(rings[near], pts[near])
    g = grid_of_fix[near]
    n_bins = np.maximum(1, np.ceil(loops.length / bin_m).astype(np.int64))
    offset = np.concatenate([[0], np.cumsum(n_bins)])
    b = np.minimum((s / bin_m).astype(np.int64), n_bins[g] - 1)
    marks = np.zeros(offset[-1] + 1, np.int64)  # difference array over all bins
    np.add.at(marks, offset[g] + b, 1)
    np.add.at(marks, offset[g] + b + 1, -1)
    if worker is not None and t is not None and len(g) > 1:
        w, tt = np.asarray(worker)[near], np.asarray(t, float)[near]
        order = np.lexsort((tt, w))
        w, tt, g2, b2 = w[order], tt[order], g[order], b[order]
        step = (w[1:] == w[:-1]) & (g2[1:] == g2[:-1]) & (tt[1:] - tt[:-1] <= max_gap_s)
        lo = np.minimum(b2[:-1], b2[1:])[step]
        hi = np.maximum(b2[:-1], b2[1:])[step]
        gg = g2[:-1][step]
        # the short way round (a walker does not lap the loop between two fixes)
        short = (hi - lo) <= n_bins[gg] // 2
        a, z, k = lo[short], hi[short], gg[short]
        np.add.at(marks, offset[k] + a, 1)
        np.add.at(marks, offset[k] + z + 1, -1)
        # across the loop's start: hi … end and 0 … lo
        a, z, k = lo[~short], hi[~short], gg[~short]
        np.add.at(marks, offset[k] + z, 1)
        np.add.at(marks, offset[k + 1], -1)
        np.add.at(marks, offset[k], 1)
        np.add.at(marks, offset[k] + a + 1, -1)
    walked = np.cumsum(marks[:-1]) > 0
    counts = np.add.reduceat(walked, offset[:-1]) if len(walked) else np.zeros(len(loops))
    return counts / n_bins
