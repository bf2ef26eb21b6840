"""Residents as aggregates per building (人口): households, residents, groups.

No person is ever generated.  Each base grid holds a number of households
drawn from the scale's range (200-300 in Hongqiao, DOMAIN.md section 2), shared
out over its residential buildings in proportion to floor area; residents per
household are set so the district total matches the published figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.demo.buildings import Buildings
from app.demo.scales import Scale
from app.demo.tiling import Tiling

M2_PER_HOME = 70.0  # gross floor area per dwelling in an old Tianjin district


@dataclass
class Population:
    building: np.ndarray  # index into Buildings
    households: np.ndarray
    residents: np.ndarray
    elderly: np.ndarray
    children: np.ndarray
    special_care: np.ndarray
    grid_households: np.ndarray  # (G,)
    grid_residents: np.ndarray  # (G,)


def _share(total: np.ndarray, weight: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's integer ``total`` over its members by ``weight`` (largest remainder)."""
    wsum = np.bincount(group, weight, minlength=len(total))
    exact = weight / wsum[group] * total[group]
    out = np.floor(exact).astype(np.int64)
    short = total - np.bincount(group, out, minlength=len(total))
    frac = exact - out
    order = np.lexsort((-frac, group))
    g_sorted = group[order]
    first = np.searchsorted(g_sorted, g_sorted, side="left")
    rank = np.arange(len(order)) - first
    out[order[rank < short[g_sorted]]] += 1
    return out


def allocate_population(rng: np.random.Generator, t: Tiling, b: Buildings,
                        scale: Scale) -> Population:
    """Households and residents of every residential building."""
    n_grid = len(t.grid_geom)
    res = np.flatnonzero(b.use == "residential")
    grid = b.grid[res]
    lo, hi = scale.households_per_grid
    hh_grid = rng.integers(lo, hi + 1, n_grid)
    capacity = shapely.area(b.geom[res]) * b.floors[res] / M2_PER_HOME
    # every home building holds at least a household: weight floor of one
    households = _share(hh_grid, np.maximum(capacity, 1.0) + rng.uniform(0, 0.5, len(res)), grid)

    ratio = scale.residents / hh_grid.sum()
    per = ratio * rng.lognormal(0.0, 0.12, len(res))
    residents = np.round(households * per).astype(np.int64)
    residents = np.maximum(residents, households)  # nobody lives in a zero-person household
    old = t.grid_old[grid]
    elderly = rng.binomial(residents, np.clip(0.17 + 0.13 * old, 0, 1))
    children = rng.binomial(residents - elderly, np.clip(0.12 - 0.05 * old, 0, 1))
    special = rng.binomial(residents, 0.02 + 0.015 * old)
    return Population(
        building=res, households=households, residents=residents, elderly=elderly,
        children=children, special_care=special,
        grid_households=np.bincount(grid, households, minlength=n_grid).astype(np.int64),
        grid_residents=np.bincount(grid, residents, minlength=n_grid).astype(np.int64),
    )
