"""Grid staff (网格力量): leaders, full-time workers and embedded crews.

Per base grid one grid leader (网格长) and one or two full-time grid workers
(专职网格员); a police officer for every two to four grids (一格一警 in
spirit); sanitation (环卫) and city-management (城管) staff at Longta's ratios
per resident (389 and 86 for 113,000 residents, DOMAIN.md section 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import numpy as np

from app.demo.names import fictional_phones, person_names
from app.demo.population import Population
from app.demo.tiling import Tiling
from app.domain.departments import CITY_MANAGEMENT, POLICE, SANITATION, department_id

SANITATION_PER_RESIDENT = 389 / 113_000
CITY_MANAGEMENT_PER_RESIDENT = 86 / 113_000

_SHIFTS = {
    "grid_leader": [(time(8, 30), time(17, 30))],
    "grid_worker": [(time(8, 30), time(17, 30)), (time(9, 0), time(18, 0))],
    "police": [(time(8, 0), time(20, 0)), (time(20, 0), time(8, 0))],
    "sanitation": [(time(5, 0), time(13, 0)), (time(13, 0), time(21, 0))],
    "city_management": [(time(7, 0), time(15, 0)), (time(15, 0), time(23, 0))],
}
_PREFIX = {"grid_leader": "WGZ", "grid_worker": "WGY", "police": "MJ", "sanitation": "HW",
           "city_management": "CG"}


@dataclass
class Workers:
    code: list[str]
    name: list[str]
    role: np.ndarray  # object array of role codes
    grid: np.ndarray
    department_id: np.ndarray  # 0 where none
    phone: list[str]
    shift_start: list[time]
    shift_end: list[time]


def _spread(rng, n: int, weight: np.ndarray) -> np.ndarray:
    """``n`` grid indices, proportional to ``weight`` and spatially spread (sorted by code)."""
    cum = np.cumsum(weight / weight.sum())
    pos = (np.arange(n) + rng.uniform(0, 1)) / n
    return np.minimum(np.searchsorted(cum, pos), len(weight) - 1)


def make_workers(rng: np.random.Generator, t: Tiling, pop: Population) -> Workers:
    """All grid staff; the order is leaders, grid workers, police, sanitation, city management."""
    n_grid = len(t.grid_geom)
    grids = np.arange(n_grid)
    leaders = grids
    workers = np.repeat(grids, rng.choice([1, 2], n_grid, p=[0.45, 0.55]))
    # police: one officer covers 2-4 consecutive grids of a community
    police = []
    g = 0
    while g < n_grid:
        police.append(g)
        g += int(rng.integers(2, 5))
    police = np.array(police)
    residents = pop.grid_residents.astype(float)
    total = residents.sum()
    sanitation = _spread(rng, max(1, round(total * SANITATION_PER_RESIDENT)), residents + 50.0)
    city = _spread(rng, max(1, round(total * CITY_MANAGEMENT_PER_RESIDENT)), residents + 50.0)
    parts = [("grid_leader", leaders, 0), ("grid_worker", workers, 0),
             ("police", police, department_id(POLICE)),
             ("sanitation", sanitation, department_id(SANITATION)),
             ("city_management", city, department_id(CITY_MANAGEMENT))]
    role, grid, dept, code, start, end = [], [], [], [], [], []
    for r, gs, d in parts:
        role.extend([r] * len(gs))
        grid.append(gs)
        dept.extend([d] * len(gs))
        shifts = _SHIFTS[r]
        pick = rng.integers(len(shifts), size=len(gs))
        start.extend(shifts[k][0] for k in pick.tolist())
        end.extend(shifts[k][1] for k in pick.tolist())
        code.extend(f"{_PREFIX[r]}{i + 1:05d}" for i in range(len(gs)))
    n = len(role)
    return Workers(
        code=code, name=person_names(rng, n), role=np.array(role, dtype=object),
        grid=np.concatenate(grid).astype(np.int64), department_id=np.array(dept, dtype=np.int64),
        phone=fictional_phones(n), shift_start=start, shift_end=end,
    )
