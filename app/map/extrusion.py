"""2.5D building extrusion (2.5维半立体), Qt-free, after QGIS's 2.5D renderer.

QGIS (``src/core/symbology/qgs25drenderer.cpp``) draws every building as its
roof - the footprint translated by (cos θ · h, sin θ · h) - and walls that
join each footprint edge to the same edge of the roof; each wall is shaded by
the azimuth its outside faces, and features are drawn back to front so that
near buildings hide far ones.  Here the geometry is computed for many
buildings at once with numpy; a renderer turns the arrays into a few paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.map.geometry import Vertices

#: number of wall shades, darkest (facing away from the light) to brightest
SHADES = 4
#: where the light comes from (azimuth, degrees counter-clockwise from east): north-west
LIGHT_DEG = 135.0


@dataclass(frozen=True)
class MapStyle:
    """How the map draws buildings: flat (2D) or extruded (2.5D), the lean and its scale."""

    mode: str = "2.5d"  # "2d" or "2.5d"
    angle_deg: float = 70.0  # direction the roofs lean on screen (QGIS default 70°)
    exaggeration: float = 1.0  # metres of lean per metre of height

    @property
    def extruded(self) -> bool:
        return self.mode == "2.5d"

    def offset(self) -> tuple[float, float]:
        """Roof shift per metre of height (map units)."""
        a = np.radians(self.angle_deg)
        return float(np.cos(a) * self.exaggeration), float(np.sin(a) * self.exaggeration)


@dataclass(frozen=True)
class Extrusion:
    """Walls and roofs of some buildings, ranked back (0) to front.

    ``wall_x``/``wall_y`` hold one closed quad per wall (5 vertices each, the
    ``connect`` convention of :class:`~app.map.geometry.Vertices`); ``wall_rank`` and
    ``wall_shade`` give each quad's building rank and shade (0 … SHADES-1).  ``roof``
    is the translated footprints with ``owner`` = building rank; ``building`` maps
    rank -> index into the input features.
    """

    wall_x: np.ndarray
    wall_y: np.ndarray
    wall_connect: np.ndarray
    wall_rank: np.ndarray
    wall_shade: np.ndarray
    roof: Vertices
    building: np.ndarray

    @property
    def n_walls(self) -> int:
        return len(self.wall_rank)


def extrude(v: Vertices, height_m: np.ndarray, features: np.ndarray, style: MapStyle) -> Extrusion:
    """Walls and roofs of the buildings ``features`` (indices into ``height_m``)."""
    features = np.asarray(features, dtype=np.int64)
    mask = np.zeros(len(height_m), bool)
    mask[features] = True
    sub = v.subset(mask)
    ox, oy = style.offset()
    # back to front: far along the lean direction is "behind"
    if len(sub):
        n_feat = len(height_m)
        cnt = np.bincount(sub.owner, minlength=n_feat).astype(float)
        cx = np.bincount(sub.owner, sub.x, minlength=n_feat) / np.maximum(cnt, 1)
        cy = np.bincount(sub.owner, sub.y, minlength=n_feat) / np.maximum(cnt, 1)
        depth = -(cx[features] * ox + cy[features] * oy)
    else:
        depth = np.zeros(len(features))
    order = features[np.argsort(depth, kind="stable")]
    rank_of = np.full(len(height_m), -1, np.int64)
    rank_of[order] = np.arange(len(order))

    h = height_m[sub.owner]
    rx, ry = sub.x + ox * h, sub.y + oy * h
    roof = Vertices(rx, ry, sub.connect, rank_of[sub.owner])

    # edges: vertex i -> i+1 within a ring
    i0 = np.flatnonzero(sub.connect[1:] == 1) if len(sub) else np.empty(0, np.int64)
    i1 = i0 + 1
    ring_id = np.cumsum(sub.connect == 0) - 1
    area2 = _ring_area2(sub, ring_id)
    ccw = area2[ring_id[i0]] > 0
    ex, ey = sub.x[i1] - sub.x[i0], sub.y[i1] - sub.y[i0]
    # outward normal: right of the edge for a counter-clockwise ring
    nx, ny = np.where(ccw, ey, -ey), np.where(ccw, -ex, ex)
    length = np.hypot(nx, ny)
    keep = length > 1e-9
    i0, i1, nx, ny, length = i0[keep], i1[keep], nx[keep], ny[keep], length[keep]
    la = np.radians(LIGHT_DEG)
    light = (nx * np.cos(la) + ny * np.sin(la)) / length  # -1 … 1
    shade = np.clip(((light + 1) / 2 * SHADES).astype(np.int64), 0, SHADES - 1)
    quad_x = np.column_stack([sub.x[i0], sub.x[i1], rx[i1], rx[i0], sub.x[i0]])
    quad_y = np.column_stack([sub.y[i0], sub.y[i1], ry[i1], ry[i0], sub.y[i0]])
    connect = np.tile(np.array([0, 1, 1, 1, 1], np.int32), len(i0))
    return Extrusion(
        wall_x=quad_x.ravel(), wall_y=quad_y.ravel(), wall_connect=connect,
        wall_rank=rank_of[sub.owner[i0]], wall_shade=shade, roof=roof, building=order,
    )


def _ring_area2(v: Vertices, ring_id: np.ndarray) -> np.ndarray:
    """Twice the signed area of each ring (shoelace; > 0 counter-clockwise)."""
    if len(v) == 0:
        return np.empty(0)
    nxt = np.arange(1, len(v) + 1)
    nxt[-1] = 0
    same = np.append(v.connect[1:] == 1, False)
    term = np.where(same, v.x * v.y[np.minimum(nxt, len(v) - 1)]
                    - v.x[np.minimum(nxt, len(v) - 1)] * v.y, 0.0)
    return np.bincount(ring_id, term, minlength=int(ring_id.max()) + 1)


def buildings_in(bounds: np.ndarray, x0: float, y0: float, x1: float, y1: float,
                 margin: float = 0.0) -> np.ndarray:
    """Indices of buildings whose (N, 4) bounds intersect the rectangle (plus a margin)."""
    b = bounds
    return np.flatnonzero((b[:, 2] >= x0 - margin) & (b[:, 0] <= x1 + margin)
                          & (b[:, 3] >= y0 - margin) & (b[:, 1] <= y1 + margin))


def feature_bounds(v: Vertices, n: int) -> np.ndarray:
    """(n, 4) bounding boxes (x0, y0, x1, y1) of the features of ``v``."""
    out = np.full((n, 4), np.nan)
    if len(v) == 0:
        return out
    order = np.argsort(v.owner, kind="stable")
    owner = v.owner[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    ids = owner[starts]
    xs, ys = v.x[order], v.y[order]
    out[ids, 0] = np.minimum.reduceat(xs, starts)
    out[ids, 1] = np.minimum.reduceat(ys, starts)
    out[ids, 2] = np.maximum.reduceat(xs, starts)
    out[ids, 3] = np.maximum.reduceat(ys, starts)
    return out
