"""From validated layers to rows with ids, and the difference to what is stored.

Ids: a unit, department, camera or worker whose code is already stored keeps its id
(cases, whistles and scores keep pointing at it); new ones follow the largest id.
Re-importing boundaries is a difference: units added, changed (shape or name) and
removed; every case, whistle, merchant, camera and building filed under a grid that
changed or disappeared is filed again by where it is, and listed.
"""

from __future__ import annotations

import numpy as np
import shapely

from app.checks import LEVEL_ZH
from app.district_io import layers
from app.district_io.mapping import KIND_ZH
from app.geo.crs import geoms_to_metric
from app.geo.wkb import geoms_from_wkb

_POINT_TABLES = (("cases", "code", "案件"), ("whistles", "code", "哨令"),
                 ("merchants", "CAST(id AS VARCHAR)", "商户"), ("cameras", "code", "摄像头"))
MAX_LISTED = 50
MOVED_M2 = 0.5  # a boundary that moved less than this (float noise) is unchanged


def _next_id(store, table: str) -> int:
    if store is None:
        return 1
    return int(store.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1


def plan_rows(session) -> None:
    """Fill ``session.plan``: grid ids and the diff, departments, then the other layers."""
    plan, f = session.plan, session.findings
    if plan.units is not None:
        _unit_ids(session)
    grids = _grids(session)
    plan.grids = grids
    _departments(session)
    by_kind: dict[str, list] = {}
    for s in session.staged:
        by_kind.setdefault(s.mapping.kind, []).append(s)
    for kind in ("buildings", "merchants", "cameras", "staff", "categories"):
        for s in by_kind.get(kind, []):
            if grids is None and kind in ("buildings", "merchants", "cameras", "staff"):
                f.error(s.source.name, "区里还没有网格：请先导入（或同时导入）网格边界")
                continue
            if kind == "buildings":
                rows = layers.buildings_rows(s.source, s.mapping, s.geoms, s.ok, grids,
                                             session.options.repair, f)
            elif kind == "merchants":
                rows = layers.merchants_rows(s.source, s.mapping, s.geoms, s.ok, grids, f)
            elif kind == "cameras":
                rows = layers.cameras_rows(s.source, s.mapping, s.geoms, s.ok, grids,
                                           plan.department_ids, f)
            elif kind == "staff":
                rows = layers.staff_rows(s.source, s.mapping, grids, plan.department_ids, f)
            else:
                rows = layers.categories_rows(s.source, s.mapping, plan.department_ids, f)
            _append(plan.rows, kind, rows)
    for kind, key in (("cameras", "code"), ("staff", "code"), ("categories", "code")):
        _dup_codes(plan.rows.get(kind), key, kind, f, _names(session, kind))
    if plan.diff is not None and f.ok:
        _refile(session)


def _append(rows: dict, kind: str, new: dict) -> None:
    have = rows.setdefault(kind, {k: [] for k in new if isinstance(new[k], list)})
    for k, v in new.items():
        if isinstance(v, list):
            have[k].extend(v)
        else:
            have[k] = v


def _names(session, kind: str) -> str:
    return "、".join(s.source.name for s in session.staged if s.mapping.kind == kind)


def _dup_codes(rows, key, kind, f, files: str) -> None:
    if not rows:
        return
    codes = rows[key]
    seen = set()
    dups = sorted({c for c in codes if c in seen or seen.add(c)})
    if dups:
        f.error(files, f"多个{KIND_ZH[kind]}图层之间编码重复：{'、'.join(dups[:10])}{' …' if len(dups) > 10 else ''}")


def _unit_ids(session) -> None:
    """Ids for the imported units, and the difference to the stored ones."""
    plan, store, u = session.plan, session.store, session.plan.units
    order = sorted(range(len(u)), key=lambda i: (u.level[i], u.code[i]))
    for name in ("code", "name", "level", "geom", "households", "residents", "origin"):
        setattr(u, name, [getattr(u, name)[i] for i in order])
    u.metric = u.metric[order] if u.metric is not None else None
    old = {}
    if store is not None:
        c = store.columns("SELECT id, code, name, level, geom FROM grid_units")
        geoms = geoms_from_wkb(c["geom"])
        old = {str(code): (int(i), str(n), int(lv), g) for i, code, n, lv, g in
               zip(c["id"], c["code"], c["name"], c["level"], geoms, strict=True)}
    nxt = max([v[0] for v in old.values()], default=0) + 1
    matched = [i for i, code in enumerate(u.code) if code in old]
    moved_area = {}
    if matched:
        a = geoms_to_metric(np.asarray([old[u.code[i]][3] for i in matched], dtype=object))
        b = u.metric[matched]
        moved_area = dict(zip(matched, shapely.area(shapely.symmetric_difference(a, b)).tolist(), strict=True))
    ids = []
    added, changed, same = [], [], []
    for i, code in enumerate(u.code):
        if code in old:
            oid, oname, olv, _og = old[code]
            ids.append(oid)
            moved = moved_area[i] > MOVED_M2
            if moved or oname != u.name[i] or olv != u.level[i]:
                changed.append((i, moved))
            else:
                same.append(i)
        else:
            ids.append(nxt)
            nxt += 1
            added.append(i)
    plan.unit_ids = ids
    if old:
        new_codes = set(u.code)
        removed = sorted((v[0], c, v[2], v[1]) for c, v in old.items() if c not in new_codes)
        plan.diff = {
            "added": [f"{LEVEL_ZH[u.level[i]]} {u.code[i]} {u.name[i]}" for i in added],
            "changed": [f"{LEVEL_ZH[u.level[i]]} {u.code[i]} {u.name[i]}"
                        f"（{'边界' if moved else '名称'}变化）" for i, moved in changed],
            "removed": [f"{LEVEL_ZH[lv]} {c} {n}" for _id, c, lv, n in removed],
            "unchanged": len(same),
            "removed_ids": [r[0] for r in removed],
            "moved_grid_ids": [ids[i] for i, moved in changed if moved and u.level[i] == 4],
            "refiled": {},
            "written_codes": [u.code[i] for i in added] + [u.code[i] for i, _m in changed],
        }


def _grids(session) -> layers.Grids | None:
    plan, store = session.plan, session.store
    if plan.units is not None:
        u = plan.units
        idx = [i for i, lv in enumerate(u.level) if lv == 4]
        return layers.Grids(np.array([plan.unit_ids[i] for i in idx]), [u.code[i] for i in idx],
                            np.asarray([u.geom[i] for i in idx], dtype=object))
    if store is None:
        return None
    c = store.columns("SELECT id, code, geom FROM grid_units WHERE level = 4 ORDER BY code")
    if not len(c["id"]):
        return None
    return layers.Grids(c["id"].astype(np.int64), [str(x) for x in c["code"]], geoms_from_wkb(c["geom"]))


def _departments(session) -> None:
    plan, store, f = session.plan, session.store, session.findings
    known: dict[str, int] = {}
    by_code: dict[str, int] = {}
    if store is not None:
        for i, code, name, short in store.rows("SELECT id, code, name, short_name FROM departments"):
            by_code[code] = int(i)
            for key in (name, short, code):
                known[key] = int(i)
    nxt = _next_id(store, "departments")
    for s in session.staged:
        if s.mapping.kind != "departments":
            continue
        rows = layers.departments_rows(s.source, s.mapping, f)
        ids = []
        for code, name, short in zip(rows["code"], rows["name"], rows["short_name"], strict=True):
            if code not in by_code:
                by_code[code] = nxt
                nxt += 1
            ids.append(by_code[code])
            for key in (name, short, code):
                known[key] = by_code[code]
        rows["id"] = ids
        _append(plan.rows, "departments", rows)
    _dup_codes(plan.rows.get("departments"), "code", "departments", f, _names(session, "departments"))
    plan.department_ids = known


def _refile(session) -> None:
    """Points and buildings under a removed or reshaped grid: filed again by place."""
    plan, store, f = session.plan, session.store, session.findings
    diff, grids = plan.diff, plan.grids
    affected = set(diff["removed_ids"]) | set(diff["moved_grid_ids"])
    if not affected:
        return
    marks = ", ".join("?" * len(affected))
    params = sorted(affected)
    old_code = dict(store.rows(f"SELECT id, code FROM grid_units WHERE id IN ({marks})", params))
    for table, key, zh in _POINT_TABLES:
        if table in ("merchants", "cameras") and table in plan.rows:
            continue  # replaced by this import
        col = "grid_id"
        c = store.columns(f"SELECT id, {key} AS key, {col} AS grid, lon, lat FROM {table} "
                          f"WHERE {col} IN ({marks})", params)
        if not len(c["id"]):
            continue
        at = grids.at_points(c["lon"].astype(float), c["lat"].astype(float))
        moves = []
        for k in range(len(c["id"])):
            g = int(at[k])
            if g < 0:
                f.error("", f"{zh} {c['key'][k]} 位于 ({c['lon'][k]:.6f}, {c['lat'][k]:.6f})，"
                            f"原属网格 {old_code.get(int(c['grid'][k]))}，新的边界中没有网格包含它")
                continue
            new_id = int(grids.ids[g])
            if new_id != int(c["grid"][k]) or int(c["grid"][k]) in diff["moved_grid_ids"]:
                moves.append((int(c["id"][k]), new_id, str(c["key"][k]),
                              old_code.get(int(c["grid"][k])), grids.codes[g]))
        diff["refiled"][table] = moves
    if "buildings" not in plan.rows:
        c = store.columns(f"SELECT id, grid_id, geom FROM buildings WHERE grid_id IN ({marks})", params)
        if len(c["id"]):
            geoms = geoms_from_wkb(c["geom"])
            reps = shapely.point_on_surface(geoms)
            at = grids.at_points(shapely.get_x(reps), shapely.get_y(reps))
            moves = []
            for k in range(len(c["id"])):
                g = int(at[k])
                if g < 0:
                    f.error("", f"建筑 {int(c['id'][k])} 原属网格 {old_code.get(int(c['grid_id'][k]))}，"
                                "新的边界中没有网格包含它")
                    continue
                moves.append((int(c["id"][k]), int(grids.ids[g]), str(int(c["id"][k])),
                              old_code.get(int(c["grid_id"][k])), grids.codes[g]))
            diff["refiled"]["buildings"] = moves
    if "staff" not in plan.rows and diff["removed_ids"]:
        rm = sorted(diff["removed_ids"])
        rows = store.rows(f"SELECT code, grid_id FROM workers WHERE grid_id IN ({', '.join('?' * len(rm))})", rm)
        for code, gid in rows[:MAX_LISTED]:
            f.error("", f"人员 {code} 所在网格 {old_code.get(int(gid))} 在新边界中已删除；请同时导入人员名单")
    removed_streets = [i for i in diff["removed_ids"]]
    if removed_streets:
        rm = sorted(removed_streets)
        n = store.scalar(f"SELECT count(*) FROM appraisal_ratings WHERE street_id IN ({', '.join('?' * len(rm))})", rm)
        if n:
            f.error("", f"有 {n} 条考核评分属于新边界中已删除的街道；不能删除有考核记录的街道")
        c = store.columns(f"SELECT code FROM whistles WHERE street_id IN ({', '.join('?' * len(rm))})", rm)
        for code in c["code"][:MAX_LISTED]:
            f.error("", f"哨令 {code} 所属街道在新边界中已删除")
