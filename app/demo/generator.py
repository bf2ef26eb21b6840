"""Generate the whole demo district into an empty store.

Deterministic from (scale, seed, now): one ``numpy.random.default_rng(seed)``
drives every phase in a fixed order.  Geometry is generated in EPSG:4527
metres around the district centre and converted once to CGCS2000 lon/lat for
storage.  All rows are written in one transaction through ``bulk_insert``.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyarrow as pa
import shapely

from app.clock import DEFAULT_TZ, LiveClock
from app.demo.accounts import create_demo_accounts
from app.demo.buildings import build_buildings
from app.demo.cameras import demo_streams, place_cameras
from app.demo.cases import make_cases
from app.demo.lifecycle import (
    ACTIONS,
    ACTORS,
    FEEDBACK_SLOTS,
    FROM,
    HANDLE_SLOTS,
    NOTES,
    TO,
    last_of,
)
from app.demo.live_whistles import LIVE_WHISTLES, add_live_whistles
from app.demo.merchants import place_merchants
from app.demo.patrol import write_patrol_day
from app.demo.population import allocate_population
from app.demo.reanchor import ANCHOR_KEY
from app.demo.scales import SCALES, Scale
from app.demo.staff import make_workers
from app.demo.tiling import DISTRICT_CODE, build_tiling
from app.demo.whistles import make_whistles
from app.demo.worktime import to_datetime64
from app.domain.categories import CATEGORIES
from app.domain.departments import DEPARTMENTS, department_id
from app.geo.crs import lonlat_to_metric, metric_to_lonlat
from app.store import DistrictRepository

GENERATOR_VERSION = "1"
CENTER_LON, CENTER_LAT = 117.16, 39.17  # 红桥区, Tianjin

__all__ = ["GENERATOR_VERSION", "SCALES", "Scale", "generate_district"]


class _Geo:
    """Local metres -> EPSG:4527 -> CGCS2000 lon/lat."""

    def __init__(self) -> None:
        x0, y0 = lonlat_to_metric(CENTER_LON, CENTER_LAT)
        self.x0, self.y0 = float(x0), float(y0)

    def _fn(self, c: np.ndarray) -> np.ndarray:
        lon, lat = metric_to_lonlat(c[:, 0] + self.x0, c[:, 1] + self.y0)
        return np.column_stack([lon, lat])

    def geoms(self, g: np.ndarray) -> np.ndarray:
        return shapely.transform(g, self._fn)

    def points(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return metric_to_lonlat(np.asarray(x) + self.x0, np.asarray(y) + self.y0)


def _bbox(geoms: np.ndarray) -> dict[str, np.ndarray]:
    b = shapely.bounds(geoms)
    return {"min_lon": b[:, 0], "min_lat": b[:, 1], "max_lon": b[:, 2], "max_lat": b[:, 3]}


def _ts(seconds: np.ndarray | list) -> pa.Array:
    return pa.array(to_datetime64(np.asarray(seconds, dtype=float)))


_INT32 = pa.int32()


def _nullable_int(values: np.ndarray, missing: np.ndarray, typ: pa.DataType = _INT32) -> pa.Array:
    return pa.array(np.where(missing, 0, values), mask=missing, type=typ)


def generate_district(
    store: DistrictRepository,
    *,
    scale: str = "hongqiao",
    seed: int = 20261122,
    now: datetime,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill the empty ``store`` with a demo district; return row counts per table."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    sc = SCALES[scale]
    now = now.replace(second=0, microsecond=0, tzinfo=None)
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(seed)
    geo = _Geo()
    t0 = _time.perf_counter()

    say("Tiling streets, communities and grids")
    t = build_tiling(rng, sc)
    say("Laying out blocks and buildings")
    b = build_buildings(rng, t, sc)
    order = np.argsort(b.grid, kind="stable")  # buildings stored grid by grid
    for name in ("geom", "grid", "use", "floors", "height", "entrances", "road_dist"):
        setattr(b, name, getattr(b, name)[order])
    b.name = [b.name[i] for i in order.tolist()]
    say("Allocating households and residents")
    pop = allocate_population(rng, t, b, sc)
    say("Placing merchants")
    m = place_merchants(rng, b, sc)
    say("Assigning grid staff")
    w = make_workers(rng, t, pop)
    say("Installing cameras")
    cams = place_cameras(rng, t, b, m, sc)
    say(f"Simulating {sc.cases:,} cases")
    cs = make_cases(rng, now, sc.cases, t, b, pop, m, w)

    # -- ids ------------------------------------------------------------------------
    n_s, n_c, n_g = len(t.street_geom), len(t.comm_geom), len(t.grid_geom)
    street_ids = list(range(2, 2 + n_s))
    comm_ids = np.arange(2 + n_s, 2 + n_s + n_c)
    grid_ids = np.arange(2 + n_s + n_c, 2 + n_s + n_c + n_g)
    worker_ids = np.arange(1, len(w.code) + 1)
    grid_label = shapely.get_coordinates(shapely.point_on_surface(t.grid_geom))

    say("Blowing whistles")
    wh = make_whistles(rng, now, t, cs, street_ids, grid_ids.tolist(), sc.whistles,
                       sc.second_whistles, grid_label)
    live = add_live_whistles(seed + 5, now, wh, LIVE_WHISTLES.get(scale, 0),
                             street_ids=street_ids, grid_ids=grid_ids.tolist(),
                             grid_street=t.comm_street[t.grid_comm],
                             grid_names=[t.comm_name[c] for c in t.grid_comm.tolist()],
                             grid_xy=grid_label)

    counts: dict[str, int] = {}
    say("Writing to the database")
    with store.transaction():
        counts["grid_units"] = _write_units(store, geo, t, pop, street_ids, comm_ids, grid_ids)
        counts["buildings"] = _write_buildings(store, geo, b, grid_ids)
        counts["building_population"] = store.bulk_insert("building_population", {
            "building_id": pop.building.astype(np.int64) + 1,
            "households": pop.households, "residents": pop.residents, "elderly": pop.elderly,
            "children": pop.children, "special_care": pop.special_care,
        })
        lon, lat = geo.points(m.x, m.y)
        counts["merchants"] = store.bulk_insert("merchants", {
            "id": np.arange(1, len(m.name) + 1), "name": m.name, "trade": m.trade,
            "hazard_class": m.hazard, "building_id": m.building + 1, "grid_id": grid_ids[m.grid],
            "lon": lon, "lat": lat,
        })
        counts["departments"] = store.bulk_insert("departments", {
            "id": np.arange(1, len(DEPARTMENTS) + 1), "code": [d.code for d in DEPARTMENTS],
            "name": [d.name for d in DEPARTMENTS], "short_name": [d.short_name for d in DEPARTMENTS],
            "kind": [d.kind for d in DEPARTMENTS],
        })
        counts["workers"] = store.bulk_insert("workers", {
            "id": worker_ids, "code": w.code, "name": w.name, "role": w.role.tolist(),
            "grid_id": grid_ids[w.grid],
            "department_id": _nullable_int(w.department_id, w.department_id == 0),
            "phone": w.phone, "shift_start": w.shift_start, "shift_end": w.shift_end,
        })
        lon, lat = geo.points(cams.x, cams.y)
        counts["cameras"] = store.bulk_insert("cameras", {
            "id": np.arange(1, len(cams.code) + 1), "code": cams.code, "name": cams.name,
            "kind": cams.kind, "department_id": cams.department_id,
            "grid_id": grid_ids[cams.grid],
            "building_id": _nullable_int(cams.building + 1, cams.building < 0),
            "lon": lon, "lat": lat, "heading_deg": cams.heading, "fov_deg": cams.fov,
            **demo_streams(cams.code, cams.scene), "online": cams.online,
        })
        counts["categories"] = store.bulk_insert("categories", {
            "code": [c.code for c in CATEGORIES], "class_code": [c.class_code for c in CATEGORIES],
            "class_name": [c.class_name for c in CATEGORIES], "name": [c.name for c in CATEGORIES],
            "kind": [c.kind for c in CATEGORIES],
            "department_id": [department_id(c.department) for c in CATEGORIES],
            "limit_hours": [c.limit_hours for c in CATEGORIES],
        })
        say("Writing cases and their steps")
        counts["cases"] = _write_cases(store, geo, cs, grid_ids, worker_ids)
        counts["case_transitions"] = _write_transitions(store, cs, worker_ids)
        counts.update(_write_whistles(store, geo, wh))
        if live["whistle_id"]:
            counts["whistle_events"] = store.bulk_insert("whistle_events", {
                **live, "seq": np.array(live["seq"], np.int16), "occurred_at": _ts(live["occurred_at"]),
                "department_id": _nullable_int(np.array([d or 0 for d in live["department_id"]]),
                                               np.array([d is None for d in live["department_id"]]))})
        counts.update(create_demo_accounts(store, now))  # app/auth demo logins
        counts["gps_fixes"] = write_patrol_day(store, t.grid_geom, w, worker_ids, now, geo.points, seed + 3)
        store.set_meta({
            "district_name": t.district_name, "district_code": DISTRICT_CODE,
            "center_lon": f"{CENTER_LON}", "center_lat": f"{CENTER_LAT}",
            "scale": scale, "seed": str(seed),
            "generated_at": LiveClock(DEFAULT_TZ).now().isoformat(timespec="seconds"),
            ANCHOR_KEY: now.isoformat(timespec="seconds"), "generator_version": GENERATOR_VERSION,
        })
    say(f"Done in {_time.perf_counter() - t0:.1f} s")
    return counts


def _write_units(store, geo: _Geo, t, pop, street_ids, comm_ids, grid_ids) -> int:
    district = shapely.union_all(t.street_geom, grid_size=0.001)
    comm_hh = np.bincount(t.grid_comm, pop.grid_households, minlength=len(t.comm_geom))
    comm_res = np.bincount(t.grid_comm, pop.grid_residents, minlength=len(t.comm_geom))
    st_hh = np.bincount(t.comm_street, comm_hh, minlength=len(t.street_geom))
    st_res = np.bincount(t.comm_street, comm_res, minlength=len(t.street_geom))
    metric = np.concatenate([[district], t.street_geom, t.comm_geom, t.grid_geom])
    n = len(metric)
    lonlat = geo.geoms(metric)
    label_lon, label_lat = geo.points(*shapely.get_coordinates(
        shapely.point_on_surface(metric)).T)
    return store.bulk_insert("grid_units", {
        "id": np.arange(1, n + 1),
        "code": [DISTRICT_CODE] + t.street_code + t.comm_code + t.grid_code,
        "name": [t.district_name] + t.street_name + t.comm_name + t.grid_name,
        "level": np.repeat([1, 2, 3, 4], [1, len(t.street_geom), len(t.comm_geom),
                                          len(t.grid_geom)]).astype(np.int8),
        "parent_id": _nullable_int(
            np.concatenate([[0], np.ones(len(street_ids)), np.array(street_ids)[t.comm_street],
                            comm_ids[t.grid_comm]]).astype(np.int64),
            np.arange(n) == 0),
        "households": np.concatenate([[st_hh.sum()], st_hh, comm_hh, pop.grid_households]).astype(
            np.int64),
        "residents": np.concatenate([[st_res.sum()], st_res, comm_res, pop.grid_residents]).astype(
            np.int64),
        "area_m2": shapely.area(metric),
        "label_lon": label_lon, "label_lat": label_lat,
        **_bbox(lonlat),
        "geom": shapely.to_wkb(lonlat),
    })


def _write_buildings(store, geo: _Geo, b, grid_ids) -> int:
    lonlat = geo.geoms(b.geom)
    return store.bulk_insert("buildings", {
        "id": np.arange(1, len(b.geom) + 1), "grid_id": grid_ids[b.grid], "use": b.use.tolist(),
        "name": b.name, "floors": b.floors, "height_m": b.height, "entrances": b.entrances,
        **_bbox(lonlat), "geom": shapely.to_wkb(lonlat),
    })


def _write_cases(store, geo: _Geo, cs, grid_ids, worker_ids) -> int:
    T = cs.loop.times
    lon, lat = geo.points(cs.x, cs.y)
    n = len(cs.code)
    handled = last_of(T, HANDLE_SLOTS)
    fed_back = last_of(T, FEEDBACK_SLOTS)
    # a reworked case being handled again has no feedback for the current round yet
    fed_back[fed_back < handled] = np.nan
    return store.bulk_insert("cases", {
        "id": np.arange(1, n + 1), "code": cs.code, "category_code": cs.category.tolist(),
        "source": cs.source.tolist(), "status": cs.loop.status.tolist(),
        "description": cs.description, "lon": lon, "lat": lat, "grid_id": grid_ids[cs.grid],
        "department_id": cs.department,
        "reporter_worker_id": _nullable_int(worker_ids[np.maximum(cs.reporter, 0)], cs.reporter < 0),
        "reported_at": _ts(cs.reported), "accepted_at": _ts(T[:, 0]),
        "registered_at": _ts(T[:, 2]), "dispatched_at": _ts(T[:, 3]),
        "handled_at": _ts(handled), "fed_back_at": _ts(fed_back),
        "verified_at": _ts(T[:, 17]), "closed_at": _ts(T[:, 18]), "evaluated_at": _ts(T[:, 19]),
        "deadline_at": _ts(cs.loop.deadline), "rework_count": cs.loop.rework_count,
        "satisfaction": _nullable_int(cs.satisfaction, cs.satisfaction == 0, pa.int8()),
    })


def _dict_strings(codes: np.ndarray, table: np.ndarray) -> pa.Array:
    """Strings picked from a small table by index (None entries become NULL).

    Arrow decodes the dictionary, which is far faster than converting a million
    Python strings.
    """
    missing = np.array([v is None for v in table.tolist()])[codes]
    values = pa.array([v or "" for v in table.tolist()], type=pa.string())
    idx = pa.array(codes.astype(np.int32), mask=missing)
    return pa.DictionaryArray.from_arrays(idx, values).cast(pa.string())


def _write_transitions(store, cs, worker_ids) -> int:
    loop = cs.loop
    rows, slots = np.nonzero(loop.taken)  # row-major: by case, then by slot (= time order)
    seq = np.cumsum(loop.taken, axis=1)[rows, slots].astype(np.int16)
    actor = ACTORS[slots]
    dept_actor = actor == "department"
    worker_actor = actor == "grid_worker"
    actor_id = np.where(dept_actor, cs.department[rows],
                        np.where(worker_actor, worker_ids[np.maximum(cs.verifier[rows], 0)], 0))
    # the first handle starts from 'extended' or 'deferred' when the case went that way
    from_table = np.concatenate([FROM, np.array(["extended", "deferred"], dtype=object)])
    from_idx = slots.copy()
    f9 = loop.from_status_slot9[rows]
    from_idx[(slots == 9) & (f9 == "extended")] = len(FROM)
    from_idx[(slots == 9) & (f9 == "deferred")] = len(FROM) + 1
    return store.bulk_insert("case_transitions", {
        "case_id": rows.astype(np.int32) + 1, "seq": seq,
        "action": _dict_strings(slots, ACTIONS), "from_status": _dict_strings(from_idx, from_table),
        "to_status": _dict_strings(slots, TO), "occurred_at": _ts(loop.times[rows, slots]),
        "actor_role": _dict_strings(slots, ACTORS),
        "actor_id": _nullable_int(actor_id, ~(dept_actor | worker_actor)),
        "note": _dict_strings(slots, NOTES),
    })


def _write_whistles(store, geo: _Geo, wh) -> dict[str, int]:
    r = wh.rows
    lon, lat = geo.points(np.array(r["x"]), np.array(r["y"]))
    case_id = np.array([c or 0 for c in r["case_id"]])
    parent = np.array([p or 0 for p in r["parent_whistle_id"]])
    out = {"whistles": store.bulk_insert("whistles", {
        "id": r["id"], "code": r["code"], "street_id": r["street_id"], "grid_id": r["grid_id"],
        "case_id": _nullable_int(case_id, case_id == 0),
        "parent_whistle_id": _nullable_int(parent, parent == 0),
        "round": np.array(r["round"], dtype=np.int8), "title": r["title"],
        "description": r["description"], "lon": lon, "lat": lat,
        "blown_by_role": r["blown_by_role"], "blown_at": _ts(r["blown_at"]),
        "report_deadline": _ts(r["report_deadline"]), "finish_deadline": _ts(r["finish_deadline"]),
        "status": r["status"], "closed_at": _ts(r["closed_at"]), "supervised": r["supervised"],
        "supervised_at": _ts(r["supervised_at"]), "accountability": r["accountability"],
    })}
    d = wh.dept_rows
    out["whistle_departments"] = store.bulk_insert("whistle_departments", {
        "whistle_id": d["whistle_id"], "department_id": d["department_id"],
        "reported_at": _ts(d["reported_at"]), "reported_by": d["reported_by"],
        "handled_at": _ts(d["handled_at"]), "fed_back_at": _ts(d["fed_back_at"]),
        "rating": _nullable_int(np.array(d["rating"]), np.array(d["rating"]) == 0, pa.int8()),
        "rating_comment": d["rating_comment"],
        "rated_at": _ts(d["rated_at"]),
    })
    a = wh.appraisal
    out["appraisal_ratings"] = store.bulk_insert("appraisal_ratings", {
        "period": a["period"], "street_id": a["street_id"], "department_id": a["department_id"],
        "score": np.array(a["score"], dtype=np.float32), "comment": a["comment"],
        "rated_by_role": a["rated_by_role"], "rated_at": pa.array(a["rated_at"],
                                                                   type=pa.timestamp("s")),
    })
    return out
