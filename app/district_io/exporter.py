"""``district export``: every layer for the QGIS users, with CRS metadata, in UTF-8.

GeoPackage: one file, a layer per table (attribute-only tables for staff, departments
and categories).  GeoJSON and Shapefile: a folder with a file per layer (Shapefiles
with a ``.cpg`` saying UTF-8; their attribute-only tables as UTF-8 CSV).  Field names
fit a Shapefile's 10 bytes and are the ones ``district import`` maps automatically, so
an export imports back into the same district.  Phones are masked (138****2721)
unless an administrator or auditor asks otherwise; in demonstration mode (演示模式)
people are written under their pseudonyms and without phones, as the screen shows them.
Every export is audited.
"""

from __future__ import annotations

import csv
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw

from app.audit.log import append
from app.geo.wkb import geoms_from_wkb
from app.privacy.demo import demo_mode, pseudonym
from app.privacy.masking import mask_phone
from app.store import DistrictRepository

CRS = "EPSG:4490"
_LEVEL_LAYERS = {1: "district", 2: "streets", 3: "communities", 4: "grids"}
_TS = ("reported_at", "accepted_at", "dispatched_at", "closed_at", "deadline_at")


def _s(values) -> np.ndarray:
    """Text column; NULLs (masked in the store's numpy columns) become empty strings."""
    mask = np.ma.getmaskarray(values) if isinstance(values, np.ma.MaskedArray) else None
    data = np.asarray(values.data if mask is not None else values)
    if data.dtype.kind in "iufbM":
        out = data.astype(str).astype(object)
    else:
        out = np.array(data, dtype=object)
        out[np.equal(out, None)] = ""
    if mask is not None:
        out[mask] = ""
    return out


def _layers(store: DistrictRepository, unmask: bool, now: datetime, *,
            pseudonyms: bool = False) -> list[tuple[str, str | None, dict, np.ndarray | None]]:
    """(name, geometry type, fields, geometries) of every layer."""
    out = []
    u = store.columns("""SELECT g.code, g.name, g.level, p.code AS parent, g.households, g.residents, g.geom
                         FROM grid_units g LEFT JOIN grid_units p ON p.id = g.parent_id ORDER BY g.level, g.code""")
    geoms = geoms_from_wkb(u["geom"])
    for lv, name in _LEVEL_LAYERS.items():
        k = u["level"] == lv
        out.append((name, "MultiPolygon", {
            "code": _s(u["code"][k]), "name": _s(u["name"][k]), "level": u["level"][k].astype(np.int32),
            "parent": _s(u["parent"][k]), "households": u["households"][k].astype(np.int64),
            "residents": u["residents"][k].astype(np.int64)}, shapely.to_wkb(_multi(geoms[k]))))
    b = store.columns("""SELECT b.id, b.name, b.use, b.floors, b.height_m, b.entrances, g.code AS grid,
                                coalesce(p.households, 0) AS hh, coalesce(p.residents, 0) AS res,
                                coalesce(p.elderly, 0) AS eld, coalesce(p.children, 0) AS chi,
                                coalesce(p.special_care, 0) AS spc, b.geom
                         FROM buildings b JOIN grid_units g ON g.id = b.grid_id
                         LEFT JOIN building_population p ON p.building_id = b.id ORDER BY b.id""")
    out.append(("buildings", "MultiPolygon", {
        "name": _s(b["name"]), "use": _s(b["use"]), "floors": b["floors"].astype(np.int32),
        "height": b["height_m"].astype(np.float64).round(2), "entrances": b["entrances"].astype(np.int32),
        "grid": _s(b["grid"]), "households": b["hh"].astype(np.int64), "residents": b["res"].astype(np.int64),
        "elderly": b["eld"].astype(np.int64), "children": b["chi"].astype(np.int64),
        "special": b["spc"].astype(np.int64)}, shapely.to_wkb(_multi(geoms_from_wkb(b["geom"])))))
    m = store.columns("""SELECT m.name, m.trade, m.hazard_class, g.code AS grid, m.lon, m.lat FROM merchants m
                         JOIN grid_units g ON g.id = m.grid_id ORDER BY m.id""")
    out.append(("merchants", "Point", {"name": _s(m["name"]), "trade": _s(m["trade"]),
                                       "hazard": m["hazard_class"].astype(np.int32), "grid": _s(m["grid"])},
                _points(m)))
    c = store.columns("""SELECT c.code, c.name, c.kind, d.code AS dept, g.code AS grid, c.heading_deg,
                                c.fov_deg, c.stream_url, c.substream_url, c.online, c.lon, c.lat
                         FROM cameras c JOIN grid_units g ON g.id = c.grid_id
                         LEFT JOIN departments d ON d.id = c.department_id ORDER BY c.code""")
    out.append(("cameras", "Point", {
        "code": _s(c["code"]), "name": _s(c["name"]), "kind": _s(c["kind"]), "dept": _s(c["dept"]),
        "grid": _s(c["grid"]), "heading": c["heading_deg"].astype(np.float64),
        "fov": c["fov_deg"].astype(np.float64), "stream": _s(c["stream_url"]),
        "substream": _s(c["substream_url"]), "online": c["online"].astype(np.int32)}, _points(c)))
    w = store.columns("""SELECT w.code, w.name, w.role, g.code AS grid, d.code AS dept, w.phone FROM workers w
                         JOIN grid_units g ON g.id = w.grid_id LEFT JOIN departments d ON d.id = w.department_id
                         ORDER BY w.code""")
    names, phones = w["name"], w["phone"]
    if pseudonyms:  # as on screen: a pseudonym, no phone at all
        names, phones = [pseudonym(n) if n else "" for n in names], [""] * len(phones)
    elif not unmask:
        phones = [mask_phone(p) for p in phones]
    out.append(("staff", None, {"code": _s(w["code"]), "name": _s(names), "role": _s(w["role"]),
                                "grid": _s(w["grid"]), "dept": _s(w["dept"]), "phone": _s(phones)}, None))
    d = store.columns("SELECT code, name, short_name, kind FROM departments ORDER BY id")
    out.append(("departments", None, {k: _s(v) for k, v in d.items()}, None))
    k = store.columns("""SELECT k.code, k.class_name, k.name, k.kind, d.code AS dept, k.limit_hours
                         FROM categories k LEFT JOIN departments d ON d.id = k.department_id ORDER BY k.code""")
    out.append(("categories", None, {"code": _s(k["code"]), "class_name": _s(k["class_name"]),
                                     "name": _s(k["name"]), "kind": _s(k["kind"]), "dept": _s(k["dept"]),
                                     "limit_h": k["limit_hours"].astype(np.int32)}, None))
    cs = store.columns(f"""SELECT c.code, c.category_code, c.source, c.status, g.code AS grid, d.code AS dept,
                                  {', '.join(f'strftime(c.{t}, ?) AS {t}' for t in _TS)}, c.lon, c.lat
                           FROM cases c JOIN grid_units g ON g.id = c.grid_id
                           LEFT JOIN departments d ON d.id = c.department_id ORDER BY c.id""",
                       ["%Y-%m-%dT%H:%M:%S"] * len(_TS)) if store.dialect == "duckdb" else _cases_pg(store)
    out.append(("cases", "Point", {"code": _s(cs["code"]), "category": _s(cs["category_code"]),
                                   "source": _s(cs["source"]), "status": _s(cs["status"]),
                                   "grid": _s(cs["grid"]), "dept": _s(cs["dept"]),
                                   **{t.replace("_at", "")[:10]: _s(cs[t]) for t in _TS}}, _points(cs)))
    wh = store.columns("""SELECT w.code, w.title, w.status, s.code AS street, g.code AS grid,
                                 CAST(w.blown_at AS VARCHAR) AS blown, CAST(w.report_deadline AS VARCHAR) AS report_by,
                                 CAST(w.finish_deadline AS VARCHAR) AS finish_by,
                                 CAST(w.closed_at AS VARCHAR) AS closed, w.lon, w.lat
                          FROM whistles w JOIN grid_units s ON s.id = w.street_id
                          LEFT JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id""")
    out.append(("whistles", "Point", {k: _s(wh[k]) for k in ("code", "title", "status", "street", "grid",
                                                             "blown", "report_by", "finish_by", "closed")},
                _points(wh)))
    out.append(_tracks(store, now))
    return out


def _cases_pg(store):
    return store.columns(f"""SELECT c.code, c.category_code, c.source, c.status, g.code AS grid, d.code AS dept,
                                    {', '.join(f'CAST(c.{t} AS VARCHAR) AS {t}' for t in _TS)}, c.lon, c.lat
                             FROM cases c JOIN grid_units g ON g.id = c.grid_id
                             LEFT JOIN departments d ON d.id = c.department_id ORDER BY c.id""")


def _tracks(store, now: datetime):
    """Today's patrol tracks, one line per worker (code and role only: no name)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    f = store.columns("""SELECT w.code, w.role, f.lon, f.lat FROM gps_fixes f JOIN workers w ON w.id = f.worker_id
                         WHERE f.t >= ? AND f.t <= ? ORDER BY w.code, f.t""", [day, now])
    codes, roles, lines, counts = [], [], [], []
    if len(f["code"]):
        cut = np.flatnonzero(f["code"][1:] != f["code"][:-1]) + 1
        for part in np.split(np.arange(len(f["code"])), cut):
            if len(part) < 2:
                continue
            codes.append(f["code"][part[0]])
            roles.append(f["role"][part[0]])
            counts.append(len(part))
            lines.append(shapely.linestrings(f["lon"][part], f["lat"][part]))
    return ("tracks", "LineString", {"worker": _s(codes), "role": _s(roles),
                                     "fixes": np.array(counts, dtype=np.int32)},
            shapely.to_wkb(np.asarray(lines, dtype=object)) if lines else np.zeros(0, dtype=object))


def _multi(geoms: np.ndarray) -> np.ndarray:
    single = shapely.get_type_id(geoms) == 3
    out = geoms.copy()
    if single.any():
        out[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
    return out


def _points(c) -> np.ndarray:
    return shapely.to_wkb(shapely.points(c["lon"].astype(float), c["lat"].astype(float)))


def export_district(store: DistrictRepository, out: Path, *, fmt: str = "gpkg", unmask: bool = False,
                    user: str = "unknown", role: str = "export", now: datetime) -> dict:
    """Write every layer to ``out``; returns the layer counts. Audited.

    In demonstration mode people are pseudonyms and phones empty, ``unmask`` or not."""
    out = Path(out)
    pseudonyms = demo_mode()
    unmask = unmask and not pseudonyms
    layers = _layers(store, unmask, now, pseudonyms=pseudonyms)
    counts = {}
    if fmt == "gpkg":
        if out.suffix.lower() != ".gpkg":
            out = out.with_name(out.name + ".gpkg")
        out.unlink(missing_ok=True)
        for name, gtype, fields, geoms in layers:
            _write(out, name, "GPKG", gtype, fields, geoms, append_layer=True)
            counts[name] = len(next(iter(fields.values())))
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name, gtype, fields, geoms in layers:
            n = len(next(iter(fields.values())))
            counts[name] = n
            if gtype is None and fmt == "shp":
                _write_csv(out / f"{name}.csv", fields)
            elif fmt == "shp":
                if n == 0 and gtype == "LineString":
                    continue
                _write(out / f"{name}.shp", name, "ESRI Shapefile", gtype, fields, geoms)
            else:
                _write(out / f"{name}.geojson", name, "GeoJSON", gtype, fields, geoms)
    append(store, at=now, username=user, role=role, action="district.export", entity="district",
           entity_id=store.meta().get("district_code"),
           after={"format": fmt, "out": str(out), "layers": counts, "personal_masked": not unmask,
                  "pseudonyms": pseudonyms})
    return {"out": str(out), "format": fmt, "layers": counts, "personal_masked": not unmask,
            "pseudonyms": pseudonyms}


def _write(path: Path, layer: str, driver: str, gtype, fields: dict, geoms, append_layer: bool = False) -> None:
    names = list(fields)
    data = [fields[k] for k in names]
    if path.exists() and driver != "GPKG":
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".geojson"):
            path.with_suffix(ext).unlink(missing_ok=True)
    kw = {"encoding": "UTF-8"} if driver == "ESRI Shapefile" else {}
    with warnings.catch_warnings():  # e.g. a GPKG named without .gpkg: not an error here
        warnings.simplefilter("ignore")
        _raw_write(path, layer, driver, gtype, names, data, geoms, append_layer, kw)


def _raw_write(path, layer, driver, gtype, names, data, geoms, append_layer, kw) -> None:
    raw.write(path, geoms if gtype else None, data, fields=names, layer=layer, driver=driver,
              geometry_type=gtype, crs=CRS if gtype else None,
              append=append_layer and path.exists(), **kw)


def _write_csv(path: Path, fields: dict) -> None:
    names = list(fields)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for row in zip(*(fields[k] for k in names), strict=True):
            w.writerow(["" if v is None else v for v in row])
