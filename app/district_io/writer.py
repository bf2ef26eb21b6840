"""The commit: every table the import touches, in one transaction, audited.

Tables keyed by code (grid units, departments, categories, cameras, workers) keep the
ids of codes already stored; buildings and merchants of an imported layer replace the
stored ones.  The audit record names who imported which files with their SHA-256,
what was written and the difference to the district before.  Rows go in batches of
:data:`BATCH`, each reported to the session's progress callback (写入 … n/N).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import shapely

from app.audit.log import append
from app.changes import Change
from app.checks import CODE_LENGTH
from app.geo.crs import metric_to_lonlat
from app.store import DistrictRepository

CHUNK = 500
#: rows one insert writes: the progress moves between batches
BATCH = 20_000
#: the share of the import's progress the write takes (the steps before end at 0.75)
WRITE_FROM, WRITE_TO = 0.75, 0.99
#: how each table is named in the progress
TABLE_ZH = {"grid_units": "网格单元", "departments": "部门", "categories": "案件类别", "buildings": "建筑",
            "building_population": "建筑人口", "merchants": "商户", "cameras": "摄像头", "workers": "人员"}


class WriteProgress:
    """Rows written so far out of the plan's, told to ``say(text, fraction)`` per batch."""

    def __init__(self, say, total: int) -> None:
        self.say = say
        self.total = max(1, total)
        self.done = 0

    def tell(self, text: str) -> None:
        self.say(text, WRITE_FROM + (WRITE_TO - WRITE_FROM) * min(1.0, self.done / self.total))

    def insert(self, store: DistrictRepository, table: str, columns: dict) -> int:
        """``store.bulk_insert`` in batches of :data:`BATCH` rows, each one reported."""
        n = len(next(iter(columns.values()))) if columns else 0
        written = 0
        for k in range(0, n, BATCH):
            written += store.bulk_insert(table, {c: v[k:k + BATCH] for c, v in columns.items()})
            self.done += min(BATCH, n - k)
            self.tell(f"写入{TABLE_ZH.get(table, table)} {min(n, k + BATCH):,}/{n:,}")
        return written


def _delete_in(store: DistrictRepository, table: str, column: str, values: list) -> None:
    for k in range(0, len(values), CHUNK):
        part = values[k:k + CHUNK]
        store.rows(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' * len(part))})", part)


def _bbox(geoms) -> dict:
    b = shapely.bounds(geoms)
    return {"min_lon": b[:, 0], "min_lat": b[:, 1], "max_lon": b[:, 2], "max_lat": b[:, 3]}


def _nullable(values: list) -> pa.Array:
    return pa.array(values, type=pa.int32())


def write_plan(store: DistrictRepository, session, *, now: datetime, role: str) -> dict:
    """Write the session's plan in one transaction; the rows written per table."""
    from app.district_io.importer import planning_counts

    plan = session.plan
    counts: dict[str, int] = {}
    out = WriteProgress(session.say, sum(planning_counts(plan).values()))
    with store.transaction():
        if plan.units is not None:
            counts.update(_write_units(store, plan, out))
        if plan.diff is not None:
            for table, moves in plan.diff.get("refiled", {}).items():
                moved = [(row_id, grid_id) for row_id, grid_id, _k, old, new in moves if old != new]
                for row_id, grid_id in moved:
                    store.rows(f"UPDATE {table} SET grid_id = ? WHERE id = ?", [grid_id, row_id])
                counts[f"refiled.{table}"] = len(moved)
        rows = plan.rows
        if "departments" in rows:
            d = rows["departments"]
            _delete_in(store, "departments", "code", d["code"])
            counts["departments"] = out.insert(store, "departments", {
                "id": d["id"], "code": d["code"], "name": d["name"], "short_name": d["short_name"],
                "kind": d["kind"]})
        if "categories" in rows:
            c = rows["categories"]
            _delete_in(store, "categories", "code", c["code"])
            counts["categories"] = out.insert(store, "categories", c)
        if "buildings" in rows:
            counts.update(_write_buildings(store, plan, out))
        if "merchants" in rows:
            m = rows["merchants"]
            store.rows("DELETE FROM merchants")
            counts["merchants"] = out.insert(store, "merchants", {
                "id": np.arange(1, len(m["name"]) + 1), "name": m["name"], "trade": m["trade"],
                "hazard_class": np.array(m["hazard_class"], np.int8), "building_id": _nullable([None] * len(m["name"])),
                "grid_id": plan.grids.ids[np.array(m["grid"], dtype=np.int64)] if m["grid"] else [],
                "lon": m["lon"], "lat": m["lat"]})
        if "cameras" in rows:
            counts["cameras"] = _write_coded(store, "cameras", rows["cameras"], plan, out, {
                "code": None, "name": None, "kind": None, "department_id": None, "lon": None,
                "lat": None, "heading_deg": None, "fov_deg": None, "stream_url": None,
                "substream_url": None, "online": None})
        if "staff" in rows:
            counts["workers"] = _write_coded(store, "workers", rows["staff"], plan, out, {
                "code": None, "name": None, "role": None, "department_id": "int", "phone": None,
                "shift_start": None, "shift_end": None})
        out.tell("汇总人口并写入审计记录")
        if plan.units is not None:
            _roll_up_population(store, plan)
            _set_meta(store, plan, now, session)
        if session.options.admin:
            from app.auth.accounts import add_user
            from app.auth.permissions import Scope

            name, password = session.options.admin
            add_user(store, name, password, "administrator", Scope(), display_name="系统管理员", at=now)
            counts["users"] = 1
        files = [{"file": s.source.path.name, "layer": s.source.layer, "kind": s.mapping.kind,
                  "features": len(s.source), "sha256": s.source.sha256} for s in session.staged]
        diff = plan.diff or {}
        append(store, at=now, username=session.options.user, role=role, action="district.import",
               entity="district", entity_id=store.meta().get("district_code"),
               after={"files": files, "counts": counts,
                      "diff": {k: len(v) if isinstance(v, list) else v for k, v in diff.items()
                               if k in ("added", "changed", "removed", "unchanged")},
                      "repairs": len(session.findings.of("repair"))})
        store.stage_change(Change("district", (), "district.import", session.options.user, now))
    return counts


def _write_units(store, plan, out: WriteProgress) -> dict:
    u, ids = plan.units, plan.unit_ids
    id_of = dict(zip(u.code, ids, strict=True))
    if plan.diff is not None:
        codes = set(plan.diff["written_codes"])
        write = [i for i, c in enumerate(u.code) if c in codes]
        _delete_in(store, "grid_units", "id", plan.diff["removed_ids"] + [ids[i] for i in write])
    else:
        write = list(range(len(u)))
    if not write:
        return {"grid_units": 0}
    metric = u.metric[write]
    lonlat = np.asarray([u.geom[i] for i in write], dtype=object)
    label = shapely.get_coordinates(shapely.point_on_surface(metric))
    label_lon, label_lat = metric_to_lonlat(label[:, 0], label[:, 1])
    parents = []
    for i in write:
        lv = u.level[i]
        parents.append(None if lv == 1 else id_of[u.code[i][:CODE_LENGTH[lv - 1]]])
    n = out.insert(store, "grid_units", {
        "id": [ids[i] for i in write], "code": [u.code[i] for i in write],
        "name": [u.name[i] for i in write], "level": np.array([u.level[i] for i in write], np.int8),
        "parent_id": _nullable(parents), "households": [u.households[i] for i in write],
        "residents": [u.residents[i] for i in write], "area_m2": shapely.area(metric),
        "label_lon": label_lon, "label_lat": label_lat, **_bbox(lonlat),
        "geom": shapely.to_wkb(lonlat)})
    return {"grid_units": n}


def _write_buildings(store, plan, out: WriteProgress) -> dict:
    b = plan.rows["buildings"]
    store.rows("DELETE FROM building_population")
    store.rows("DELETE FROM buildings")
    store.rows("UPDATE merchants SET building_id = NULL WHERE building_id IS NOT NULL")
    store.rows("UPDATE cameras SET building_id = NULL WHERE building_id IS NOT NULL")
    n = len(b["grid"])
    if n == 0:
        return {"buildings": 0}
    geoms = np.asarray(b["geom"], dtype=object)
    ids = np.arange(1, n + 1)
    counts = {"buildings": out.insert(store, "buildings", {
        "id": ids, "grid_id": plan.grids.ids[np.array(b["grid"], dtype=np.int64)], "use": b["use"],
        "name": b["name"], "floors": np.array(b["floors"], np.int16),
        "height_m": np.array(b["height"], np.float32), "entrances": np.array(b["entrances"], np.int16),
        **_bbox(geoms), "geom": shapely.to_wkb(geoms)})}
    if b.get("has_population"):
        counts["building_population"] = out.insert(store, "building_population", {
            "building_id": ids, "households": b["hh"], "residents": b["res"], "elderly": b["eld"],
            "children": b["chi"], "special_care": b["spc"]})
    return counts


def _write_coded(store, table, r, plan, out: WriteProgress, cols) -> int:
    old = dict(store.rows(f"SELECT code, id FROM {table}"))
    nxt = int(store.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1
    ids = []
    for code in r["code"]:
        if code in old:
            ids.append(int(old[code]))
        else:
            ids.append(nxt)
            nxt += 1
    _delete_in(store, table, "code", list(r["code"]))
    data = {"id": ids, "grid_id": plan.grids.ids[np.array(r["grid"], dtype=np.int64)] if r["grid"] else []}
    for c, how in cols.items():
        data[c] = _nullable(r[c]) if how == "int" else r[c]
    if table == "cameras":
        data["heading_deg"] = np.array(r["heading_deg"], np.float32)
        data["fov_deg"] = np.array(r["fov_deg"], np.float32)
        data["substream_url"] = pa.array(r["substream_url"], type=pa.string())
    return out.insert(store, table, data)


def _roll_up_population(store, plan) -> None:
    """Households and residents of units without figures: summed from the buildings."""
    u = plan.units
    if any(u.households) or any(u.residents):
        return
    n = store.scalar("SELECT count(*) FROM building_population")
    if not n:
        return
    for _level, child_join in ((4, None), (3, 4), (2, 3), (1, 2)):
        if child_join is None:
            store.rows("""UPDATE grid_units SET households = s.hh, residents = s.res FROM
                          (SELECT b.grid_id AS gid, sum(p.households) AS hh, sum(p.residents) AS res
                           FROM buildings b JOIN building_population p ON p.building_id = b.id
                           GROUP BY b.grid_id) s WHERE grid_units.id = s.gid""")
        else:
            store.rows(f"""UPDATE grid_units SET households = s.hh, residents = s.res FROM
                          (SELECT parent_id AS pid, sum(households) AS hh, sum(residents) AS res
                           FROM grid_units WHERE level = {child_join} GROUP BY parent_id) s
                          WHERE grid_units.id = s.pid""")


def _set_meta(store, plan, now, session) -> None:
    u = plan.units
    d = u.level.index(1)
    p = shapely.point_on_surface(u.geom[d])
    store.set_meta({"district_name": u.name[d], "district_code": u.code[d],
                    "center_lon": f"{p.x:.6f}", "center_lat": f"{p.y:.6f}",
                    "imported_at": now.isoformat(timespec="seconds"),
                    "imported_by": session.options.user})
