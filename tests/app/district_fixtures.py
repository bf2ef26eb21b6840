"""Files a real district arrives in, made from the small demo district (for the
district import tests): real-world-shaped sources and a corpus of malformed ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw

from app.district_io.webdatum import wgs_to_bd, wgs_to_gcj
from app.geo.crs import geoms_to_metric
from app.geo.wkb import geoms_from_wkb


@dataclass
class Demo:
    """The small demo district's layers, lon/lat."""

    units: dict  # level -> dict(code, name, geom)
    buildings: dict
    cameras: dict
    departments: dict
    workers: dict


def load_demo(store) -> Demo:
    u = store.columns("SELECT code, name, level, geom FROM grid_units ORDER BY level, code")
    geoms = geoms_from_wkb(u["geom"])
    units = {lv: {"code": u["code"][u["level"] == lv].astype(str).tolist(),
                  "name": u["name"][u["level"] == lv].astype(str).tolist(),
                  "geom": geoms[u["level"] == lv]} for lv in (1, 2, 3, 4)}
    b = store.columns("SELECT floors, height_m, geom FROM buildings ORDER BY id LIMIT 400")
    c = store.columns("""SELECT c.code, c.name, d.short_name AS dept, c.lon, c.lat, c.heading_deg,
                                c.stream_url FROM cameras c JOIN departments d ON d.id = c.department_id
                         ORDER BY c.code LIMIT 60""")
    d = store.columns("SELECT code, name, short_name FROM departments ORDER BY id")
    w = store.columns("""SELECT w.code, w.name, w.role, g.code AS grid, w.phone FROM workers w
                         JOIN grid_units g ON g.id = w.grid_id ORDER BY w.code LIMIT 80""")
    return Demo(units, {"floors": b["floors"], "geom": geoms_from_wkb(b["geom"])},
                {k: v for k, v in c.items()}, {k: v.astype(str) for k, v in d.items()},
                {k: v.astype(str) for k, v in w.items()})


def write(path: Path, geoms, fields: dict, *, driver: str | None = None, crs: str | None = "EPSG:4490",
          layer: str | None = None, encoding: str | None = None, geometry_type: str | None = None) -> Path:
    """Write one layer with pyogrio (geometries: shapely objects or None for a table)."""
    names = list(fields)
    data = [np.asarray(fields[k], dtype=object) if np.asarray(fields[k]).dtype.kind in "OUS"
            else np.asarray(fields[k]) for k in names]
    wkb = None if geoms is None else shapely.to_wkb(np.asarray(geoms, dtype=object))
    if geometry_type is None and geoms is not None:
        types = {g.geom_type for g in geoms if g is not None}
        geometry_type = types.pop() if len(types) == 1 else "Unknown"
    kw = {"encoding": encoding} if encoding else {}
    raw.write(path, wkb, data, fields=names, driver=driver, layer=layer, crs=crs if geoms is not None else None,
              geometry_type=geometry_type, append=bool(layer) and Path(path).exists(), **kw)
    return Path(path)


def _to_web(geoms, fn) -> np.ndarray:
    def tr(c):
        lon, lat = fn(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])
    return shapely.transform(np.asarray(geoms, dtype=object), tr)


def feature_array(geoms, props: list[dict]) -> list[dict]:
    return [{"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(g))}
            for g, p in zip(geoms, props, strict=True)]


@dataclass
class RealWorld:
    streets: Path  # GCJ-02, a bare JSON array of Features (a web-map download)
    communities: Path  # GBK Shapefile without .cpg, GK metres with a .prj of the other form
    grids: Path  # GeoPackage, CGCS2000
    buildings: Path  # GeoPackage layer, floors only
    departments: Path  # XLSX
    cameras: Path  # GBK CSV, BD-09 lon/lat
    staff: Path  # XLSX with phones
    files: list[Path] = field(default_factory=list)


def real_world(demo: Demo, out: Path) -> RealWorld:
    """A district as it arrives: a street layer and a community layer from different
    sources with slivers between them, one in GCJ-02, a GBK shapefile without .cpg."""
    out.mkdir(parents=True, exist_ok=True)
    s = demo.units[2]
    streets = out / "街道边界_高德下载.json"
    streets.write_text(json.dumps(feature_array(_to_web(s["geom"], wgs_to_gcj),
                                                [{"街道编码": c, "街道名称": n} for c, n in
                                                 zip(s["code"], s["name"], strict=True)]),
                                  ensure_ascii=False), encoding="utf-8")
    c = demo.units[3]
    metric = shapely.simplify(geoms_to_metric(c["geom"]), 1.0, preserve_topology=True)
    communities = write(out / "社区边界.shp", metric, {"社区编码": np.array(c["code"], dtype=object),
                                                       "社区名称": np.array(c["name"], dtype=object)},
                        crs="EPSG:4527", encoding="GBK", driver="ESRI Shapefile")
    communities.with_suffix(".cpg").unlink()
    # the .prj names the central-meridian form (4548) for numbers with the zone (4527)
    from pyproj import CRS

    communities.with_suffix(".prj").write_text(CRS.from_epsg(4548).to_wkt("WKT1_ESRI"))
    g = demo.units[4]
    grids = write(out / "网格.gpkg", g["geom"], {"网格编码": np.array(g["code"], dtype=object),
                                                  "网格名称": np.array(g["name"], dtype=object)},
                  layer="基础网格", driver="GPKG")
    b = demo.buildings
    buildings = write(out / "建筑.gpkg", b["geom"], {"层数": b["floors"].astype(np.int32)},
                      layer="建筑", driver="GPKG")
    d = demo.departments
    departments = write(out / "部门.xlsx", None, {"部门编码": d["code"], "部门名称": d["name"],
                                                  "简称": d["short_name"]}, driver="XLSX")
    cam = demo.cameras
    blon, blat = wgs_to_bd(cam["lon"], cam["lat"])
    lines = ["编号,点位名称,所属部门,经度,纬度,朝向,视频流"]
    for k in range(len(cam["code"])):
        lines.append(f"{cam['code'][k]},{cam['name'][k]},{cam['dept'][k]},{blon[k]:.7f},{blat[k]:.7f},"
                     f"{cam['heading_deg'][k]:.0f},rtsp://10.0.0.{k % 250 + 1}/main")
    cameras = out / "摄像头点位.csv"
    cameras.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    w = demo.workers
    role_zh = {"grid_leader": "网格长", "grid_worker": "网格员", "police": "网格民警", "sanitation": "环卫",
               "city_management": "城管"}
    staff = write(out / "网格员花名册.xlsx", None, {
        "工号": w["code"], "姓名": w["name"], "岗位": np.array([role_zh[r] for r in w["role"]], dtype=object),
        "网格编码": w["grid"], "手机号": w["phone"]}, driver="XLSX")
    rw = RealWorld(streets, communities, grids, buildings, departments, cameras, staff)
    rw.files = [streets, communities, grids, buildings, departments]
    return rw
