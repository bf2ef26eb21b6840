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


def coverage_by_grid(loops: RoadLoops, grid_of_fix: np.ndarray, x: np.ndarray, y: np.ndarray,
                     bin_m: float = BIN_M, max_dist_m: float = MAX_DIST_M) -> np.ndarray:
    """(G,) share 0…1 of each loop's length covered by the fixes."""
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
    walked = np.zeros(offset[-1], bool)
    walked[offset[g] + b] = True
    counts = np.add.reduceat(walked, offset[:-1]) if len(walked) else np.zeros(len(loops))
    return counts / n_bins
