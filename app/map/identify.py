"""Identify (查询): which grid unit is under a map point, and what it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import shapely

from app.domain.statuses import ENDED_STATUSES, sql_list
from app.map.layers import GridLevelData
from app.store import DistrictRepository

#: at most this many open cases are listed in a unit's detail
MAX_LISTED_CASES = 200


class GridLocator:
    """Point-in-polygon lookup over one grid level with an STRtree."""

    def __init__(self, level: GridLevelData) -> None:
        self._level = level
        self._tree = shapely.STRtree(level.geoms)

    def unit_at(self, x: float, y: float) -> int | None:
        """Id of the unit containing local point (x, y), or None outside the level."""
        hits = self._tree.query(shapely.Point(x, y), predicate="intersects")
        if len(hits) == 0:
            return None
        # on a shared edge both neighbours intersect; take the smallest (most specific)
        best = min(hits.tolist(), key=lambda i: self._level.area_m2[i])
        return int(self._level.ids[best])

    def index_of(self, unit_id: int) -> int | None:
        where = np.flatnonzero(self._level.ids == unit_id)
        return int(where[0]) if len(where) else None


@dataclass(frozen=True)
class UnitRef:
    id: int
    level: int
    code: str
    name: str


@dataclass(frozen=True)
class WorkerRef:
    role: str  # grid_leader, grid_worker, police, sanitation, city_management
    name: str
    code: str


@dataclass(frozen=True)
class OpenCase:
    code: str
    category: str
    kind: str
    status: str
    reported_at: datetime
    deadline_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class UnitDetail:
    """What the identify panel shows for one grid unit."""

    unit: UnitRef
    chain: list[UnitRef]  # district first, the unit itself last (区 › 街道 › 社区 › 网格)
    households: int
    residents: int
    area_m2: float
    workers: list[WorkerRef] = field(default_factory=list)
    open_case_count: int = 0
    overdue_case_count: int = 0
    open_cases: list[OpenCase] = field(default_factory=list)

    @property
    def leaders(self) -> list[WorkerRef]:
        return [w for w in self.workers if w.role == "grid_leader"]


_ROLE_ORDER = {"grid_leader": 0, "grid_worker": 1, "police": 2, "sanitation": 3,
               "city_management": 4}


def unit_detail(store: DistrictRepository, unit_id: int, now: datetime) -> UnitDetail | None:
    """Code, parent chain, staff, households and open cases of ``unit_id`` (None if unknown).

    For a street or community the figures and cases cover every grid below it.
    """
    chain: list[UnitRef] = []
    uid: int | None = unit_id
    while uid is not None and len(chain) < 8:
        row = store.rows(
            "SELECT id, level, code, name, parent_id FROM grid_units WHERE id = ?", [uid]
        )
        if not row:
            break
        i, level, code, name, parent = row[0]
        chain.append(UnitRef(int(i), int(level), str(code), str(name)))
        uid = None if parent is None else int(parent)
    if not chain:
        return None
    chain.reverse()
    unit = chain[-1]
    hh, res, area = store.rows(
        "SELECT households, residents, area_m2 FROM grid_units WHERE id = ?", [unit_id]
    )[0]
    grids = _descendant_grids(store, unit)
    if unit.level < 4 and grids:
        marks = ",".join("?" * len(grids))
        hh, res = store.rows(
            f"SELECT coalesce(sum(households), 0), coalesce(sum(residents), 0) "
            f"FROM grid_units WHERE id IN ({marks})", grids)[0]
    workers = _workers(store, unit_id) if unit.level == 4 else []
    open_count, overdue_count, cases = _open_cases(store, grids, now)
    return UnitDetail(
        unit=unit, chain=chain, households=int(hh), residents=int(res), area_m2=float(area),
        workers=workers, open_case_count=open_count, overdue_case_count=overdue_count,
        open_cases=cases,
    )


def _descendant_grids(store: DistrictRepository, unit: UnitRef) -> list[int]:
    if unit.level == 4:
        return [unit.id]
    rows = store.rows(
        "WITH RECURSIVE sub(id, level) AS ("
        " SELECT id, level FROM grid_units WHERE id = ?"
        " UNION ALL SELECT g.id, g.level FROM grid_units g JOIN sub ON g.parent_id = sub.id)"
        " SELECT id FROM sub WHERE level = 4", [unit.id])
    return [int(r[0]) for r in rows]


def _workers(store: DistrictRepository, grid_id: int) -> list[WorkerRef]:
    rows = store.rows("SELECT role, name, code FROM workers WHERE grid_id = ? ORDER BY code",
                      [grid_id])
    out = [WorkerRef(str(r), str(n), str(c)) for r, n, c in rows]
    out.sort(key=lambda w: _ROLE_ORDER.get(w.role, 9))
    return out


def _open_cases(
    store: DistrictRepository, grids: list[int], now: datetime
) -> tuple[int, int, list[OpenCase]]:
    if not grids:
        return 0, 0, []
    marks = ",".join("?" * len(grids))
    where = f"c.grid_id IN ({marks}) AND c.status NOT IN {sql_list(ENDED_STATUSES)}"
    n_open, n_overdue = store.rows(
        f"SELECT count(*), count(*) FILTER (WHERE c.deadline_at < ?) FROM cases c WHERE {where}",
        [now, *grids])[0]
    rows = store.rows(
        f"SELECT c.code, coalesce(k.name, c.category_code), coalesce(k.kind, 'other'), c.status,"
        f" c.reported_at, c.deadline_at FROM cases c"
        f" LEFT JOIN categories k ON k.code = c.category_code WHERE {where}"
        f" ORDER BY (c.deadline_at < ?) DESC, c.deadline_at, c.reported_at LIMIT {MAX_LISTED_CASES}",
        [*grids, now])
    cases = [
        OpenCase(str(code), str(cat), str(kind), str(status), rep, dl,
                 bool(dl is not None and dl < now))
        for code, cat, kind, status, rep, dl in rows
    ]
    return int(n_open), int(n_overdue), cases
