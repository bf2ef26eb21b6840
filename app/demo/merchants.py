"""Street-front merchants (沿街商户) with trade and hazard class (风险分级)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.demo.buildings import Buildings
from app.demo.names import MERCHANT_PREFIXES
from app.demo.scales import Scale
from app.domain.trades import TRADES

#: which buildings host shops: ground floors facing a road, mostly shop rows
_USE_WEIGHT = {"commercial": 8.0, "residential": 1.0, "office": 2.0, "industrial": 1.5,
               "public": 0.3}
_NEAR_ROAD_M = 15.0


@dataclass
class Merchants:
    building: np.ndarray
    grid: np.ndarray
    x: np.ndarray
    y: np.ndarray
    trade: list[str]
    hazard: np.ndarray
    name: list[str]


def place_merchants(rng: np.random.Generator, b: Buildings, scale: Scale) -> Merchants:
    """Put ``scale.merchants`` shops on the road-facing side of buildings near the kerb."""
    w = np.array([_USE_WEIGHT.get(u, 0.0) for u in b.use.tolist()])
    w = w * (b.road_dist < _NEAR_ROAD_M)
    w[b.use == "residential"] *= (b.road_dist[b.use == "residential"] < 6.0)
    n = scale.merchants
    building = rng.choice(len(w), n, p=w / w.sum())
    trade_w = np.array([t.weight for t in TRADES])
    trade = rng.choice(len(TRADES), n, p=trade_w / trade_w.sum())
    # the shop door: of three random points on the footprint's outline, the one nearest the road
    outline = shapely.boundary(b.geom[building])
    kerb = shapely.boundary(b.blocks[b.grid[building]])
    u = rng.random((3, n))
    pts = np.stack([shapely.line_interpolate_point(outline, u[k], normalized=True)
                    for k in range(3)])
    d = np.stack([shapely.distance(pts[k], kerb) for k in range(3)])
    door = pts[d.argmin(0), np.arange(n)]
    xy = shapely.get_coordinates(door)
    names = []
    pre = rng.integers(len(MERCHANT_PREFIXES), size=n)
    suf = rng.integers(100, size=n)
    for tr, p, s in zip(trade.tolist(), pre.tolist(), suf.tolist(), strict=True):
        suffixes = TRADES[tr].suffixes
        names.append(MERCHANT_PREFIXES[p] + suffixes[s % len(suffixes)])
    return Merchants(
        building=building, grid=b.grid[building], x=xy[:, 0], y=xy[:, 1],
        trade=[TRADES[i].name for i in trade.tolist()],
        hazard=np.array([TRADES[i].hazard_class for i in trade.tolist()], dtype=np.int8),
        name=names,
    )
