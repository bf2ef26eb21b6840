"""Road centre lines as one closed loop per base grid.

The demo district's blocks are Voronoi cells with road gaps between them, so a
grid's boundary runs down the middle of the roads around it: the grid's
exterior ring *is* the road loop its workers patrol.  Loops are stored as one
flat array with cumulative lengths so that positions of thousands of walkers
are interpolated in one ``searchsorted``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class RoadLoops:
    """``x``/``y``/``cum`` hold every loop's vertices; loop ``g`` spans
    ``start[g]:start[g+1]`` and has length ``length[g]`` metres."""

    x: np.ndarray
    y: np.ndarray
    cum: np.ndarray  # arc length from the loop's first vertex
    start: np.ndarray  # (G + 1,)
    length: np.ndarray  # (G,)
    rings: np.ndarray  # (G,) shapely LinearRings (for snapping)
    centroid: np.ndarray  # (G, 2)

    def __len__(self) -> int:
        return len(self.length)

    @classmethod
    def from_grids(cls, geoms: np.ndarray) -> RoadLoops:
        """One loop per grid polygon: its (largest part's) exterior ring (vectorised)."""
        geoms = np.asarray(geoms, dtype=object)
        parts, owner = shapely.get_parts(geoms, return_index=True)
        # the largest part of each grid: sort by (grid, -area), take the first of each grid
        order = np.lexsort((-shapely.area(parts), owner))
        first = np.r_[True, owner[order][1:] != owner[order][:-1]]
        rings = shapely.get_exterior_ring(parts[order][first])
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        x, y = coords[:, 0], coords[:, 1]
        counts = np.bincount(ring_of, minlength=len(rings))
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        seg = np.hypot(np.diff(x), np.diff(y))
        seg = np.concatenate([[0.0], seg])
        seg[start[:-1]] = 0.0  # no segment joins two rings
        total = np.cumsum(seg)
        cum = total - np.repeat(total[start[:-1]], counts)
        length = cum[start[1:] - 1]
        cent = shapely.get_coordinates(shapely.centroid(geoms))
        return cls(np.ascontiguousarray(x), np.ascontiguousarray(y), cum, start, length,
                   rings, cent)

    def point_at(self, loop: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions at arc length ``s`` (wrapped) along each ``loop``."""
        loop = np.asarray(loop, np.int64)
        s = np.mod(s, self.length[loop])
        a, b = self.start[loop], self.start[loop + 1]
        # global search: offset each loop's cumulative lengths by a large per-loop key
        key = self._keyed_cum()
        pos = np.searchsorted(key, loop * self._stride() + s, side="right") - 1
        pos = np.clip(pos, a, b - 2)
        seg = self.cum[pos + 1] - self.cum[pos]
        f = np.where(seg > 0, (s - self.cum[pos]) / np.where(seg > 0, seg, 1.0), 0.0)
        return (self.x[pos] + f * (self.x[pos + 1] - self.x[pos]),
                self.y[pos] + f * (self.y[pos + 1] - self.y[pos]))

    def tree(self) -> shapely.STRtree:
        """A spatial index of the loops (built once)."""
        t = getattr(self, "_tree_cache", None)
        if t is None:
            t = shapely.STRtree(self.rings)
            object.__setattr__(self, "_tree_cache", t)
        return t

    def _stride(self) -> float:
        return float(self.length.max() + 1.0) if len(self.length) else 1.0

    def _keyed_cum(self) -> np.ndarray:
        k = getattr(self, "_key_cache", None)
        if k is None:
            owner = np.repeat(np.arange(len(self.length)), np.diff(self.start))
            k = owner * self._stride() + self.cum
            object.__setattr__(self, "_key_cache", k)
        return k
