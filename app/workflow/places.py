"""Where things are for the workflow: grid at a point, a grid's community and street,
department codes."""

from __future__ import annotations

import shapely

from app.auth.permissions import Target
from app.geo.wkb import geoms_from_wkb
from app.store import DistrictRepository


class WorkflowError(ValueError):
    """A workflow request that cannot be done; one line for the user."""


def grid_at(store: DistrictRepository, lon: float, lat: float) -> int:
    """The base grid (level 4) containing the point; WorkflowError outside the district."""
    rows = store.rows("SELECT id, geom FROM grid_units WHERE level = 4 AND ? BETWEEN min_lon "
                      "AND max_lon AND ? BETWEEN min_lat AND max_lat", [lon, lat])
    if rows:
        geoms = geoms_from_wkb([r[1] for r in rows])
        hit = shapely.contains_xy(geoms, lon, lat)
        for (gid, _), inside in zip(rows, hit, strict=True):
            if inside:
                return int(gid)
    raise WorkflowError(f"（{lon:.5f}, {lat:.5f}）不在本区任何网格内")


def grid_place(store: DistrictRepository, grid_id: int) -> tuple[int, int]:
    """(community id, street id) of a base grid."""
    rows = store.rows("SELECT g.parent_id, c.parent_id FROM grid_units g JOIN grid_units c "
                      "ON c.id = g.parent_id WHERE g.id = ? AND g.level = 4", [grid_id])
    if not rows:
        raise WorkflowError("没有这个基础网格")
    return int(rows[0][0]), int(rows[0][1])


def grid_by_code(store: DistrictRepository, code: str) -> int:
    gid = store.scalar("SELECT id FROM grid_units WHERE code = ? AND level = 4", [code])
    if gid is None:
        raise WorkflowError(f"没有编码为 {code} 的基础网格")
    return int(gid)


def grid_target(store: DistrictRepository, grid_id: int,
                departments: set[int] | frozenset[int] = frozenset()) -> Target:
    community, street = grid_place(store, grid_id)
    return Target(street, community, frozenset(departments))


def department_ids(store: DistrictRepository, codes: list[str]) -> list[int]:
    """Row ids of department codes (e.g. CG, HW); unknown codes are named."""
    known = dict(store.rows("SELECT code, id FROM departments"))
    bad = [c for c in codes if c not in known]
    if bad:
        raise WorkflowError(f"没有这些部门代码：{'、'.join(bad)}")
    return [int(known[c]) for c in codes]


def department_names(store: DistrictRepository) -> dict[int, str]:
    return {int(i): n for i, n in store.rows("SELECT id, short_name FROM departments")}


def leadership_id(store: DistrictRepository) -> int:
    lid = store.scalar("SELECT id FROM departments WHERE kind = 'leadership' ORDER BY id LIMIT 1")
    if lid is None:
        raise WorkflowError("本区没有区领导（二次哨须报到）这一部门")
    return int(lid)


class PlaceNames:
    """Names of streets, communities (grid units) and departments by id, read once per
    kind when first asked: what refusals and messages say instead of ids
    (app.auth.permissions.PlaceNames)."""

    def __init__(self, store: DistrictRepository) -> None:
        self._store = store
        self._units: dict[int, str] | None = None
        self._departments: dict[int, str] | None = None

    def name(self, kind: str, id_: int | None) -> str | None:
        if id_ is None:
            return None
        if kind == "department":
            if self._departments is None:
                self._departments = {int(i): str(n) for i, n in self._store.rows(
                    "SELECT id, name FROM departments")}
            return self._departments.get(int(id_))
        if self._units is None:
            self._units = {int(i): str(n) for i, n in self._store.rows(
                "SELECT id, name FROM grid_units WHERE level <= 3")}
        return self._units.get(int(id_))


def street_name(store: DistrictRepository, street_id: int) -> str:
    return store.scalar("SELECT name FROM grid_units WHERE id = ?", [street_id]) or str(street_id)


def scope_filter(scope, clauses: dict[str, tuple[str, str]]) -> tuple[list[str], list]:
    """SQL conditions and parameters that limit a list to what a user's ``scope`` covers.

    ``clauses`` maps a scope kind (street, community, department) to the condition for
    it, SQL with one ``?``, and the scope attribute bound to it (``id``, ``street_id``);
    a kind without a clause (the district) sees everything."""
    clause = clauses.get(scope.kind)
    if clause is None:
        return ["1=1"], []
    sql, attr = clause
    return ["1=1", sql], [getattr(scope, attr)]
