"""``bench import``: how fast a district comes in and goes out (issue 15's targets).

* 10,000 grids + 100,000 buildings from one GeoPackage: ≤ 30 s;
* a 50 MB GeoJSON (building footprints) into that district: ≤ 60 s;
* peak memory of each import process: ≤ 2 GB;
* export of the Jinhua-scale district to GeoPackage: ≤ 60 s (given ``jinhua_db``).

The inputs are generated here (a regular lattice of 100 m grids near Tianjin, ten
footprints a grid; the GeoJSON holds a vendor's finer survey of them, each footprint
split into its two halves, as many as weigh 50 MB); each import runs as ``python -m app district import`` in a child
process, so that its time and peak memory are its own.  ``scale`` shrinks everything
(``scale=0.04`` is a 400-grid smoke run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw

from app.geo.crs import geoms_to_lonlat, lonlat_to_metric

TARGETS = {"gpkg_import_s": 30.0, "geojson_import_s": 60.0, "peak_rss_mb": 2048.0, "jinhua_export_s": 60.0}
_CENTER = (117.16, 39.17)


def _lattice(grids: int, per_grid: int, seed: int = 15):
    """Grids (100 m squares, 50 a community, 10 communities a street) and footprints."""
    side = int(np.ceil(np.sqrt(grids)))
    x0, y0 = (float(v) for v in lonlat_to_metric(*_CENTER))
    i = np.arange(grids)
    gx, gy = x0 + (i % side) * 100.0, y0 - (i // side) * 100.0
    cells = shapely.box(gx, gy - 100.0, gx + 100.0, gy)
    comm, k = divmod(i, 50)
    street, c = divmod(comm, 10)
    codes = [f"120106{s + 1:03d}{cc + 1:03d}{kk + 1:02d}" for s, cc, kk in zip(street, c, k, strict=True)]
    rng = np.random.default_rng(seed)
    n = grids * per_grid
    owner = np.repeat(i, per_grid)
    slot = np.tile(np.arange(per_grid), grids)
    bx = gx[owner] + 5 + (slot % 5) * 19 + rng.uniform(0, 3, n)
    by = gy[owner] - 10 - (slot // 5) * 45 - rng.uniform(0, 3, n)
    w, h = rng.uniform(8, 13, n), rng.uniform(12, 30, n)
    blds = shapely.box(bx, by - h, bx + w, by)
    halves = np.column_stack([shapely.box(bx, by - h, bx + w / 2, by),
                              shapely.box(bx + w / 2, by - h, bx + w, by)]).ravel()
    return (geoms_to_lonlat(cells), np.array(codes, dtype=object),
            geoms_to_lonlat(blds), rng.integers(1, 30, n).astype(np.int32), geoms_to_lonlat(halves))


def _feature(k: int, floors: int, geom) -> str:
    return json.dumps({"type": "Feature", "properties": {"层数": floors, "名称": f"楼{k}", "用途": "住宅"},
                       "geometry": json.loads(shapely.to_geojson(geom))}, ensure_ascii=False)


def _write_geojson(path: Path, geoms: np.ndarray, floors: np.ndarray, target_bytes: float) -> int:
    """A FeatureCollection of the first footprints until it weighs ``target_bytes`` (all of
    them if they weigh less); the number written."""
    written, n = 0, 0
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[')
        written += 40
        while n < len(geoms) and written < target_bytes:
            text = ("," if n else "") + _feature(n, int(floors[n]), geoms[n])
            f.write(text)
            written += len(text.encode("utf-8"))
            n += 1
        f.write("]}")
    return n


def _child(argv: list[str]) -> tuple[float, float, int, str]:
    """(seconds, its own peak RSS MB, exit code, last line) of ``python -m app …``."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "app", *argv], stdout=out, stderr=err,
                                env={**os.environ, "GRIDCC_USER": "bench"})
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        dt = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace").strip() or err.read().decode("utf-8", "replace").strip()
    lines = text.splitlines()
    return dt, usage.ru_maxrss / 1024.0, proc.returncode, lines[-1] if lines else ""


def run_import_bench(*, scale: float = 1.0, workdir: Path | None = None,
                     jinhua_db: Path | None = None, geojson_mb: float = 50.0) -> dict:
    """Generate the inputs, time the imports (and the Jinhua export); returns JSON-able figures.

    Each import's peak RSS is its own process's; ``peak_rss_mb`` the largest of them."""
    work = Path(workdir or tempfile.mkdtemp(prefix="gridcc-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    grids = max(100, int(10_000 * scale))
    cells, codes, blds, floors, halves = _lattice(grids, 10)
    out: dict = {"grids": grids, "buildings": len(blds), "workdir": str(work)}
    t0 = time.perf_counter()
    gpkg = work / "district.gpkg"
    gpkg.unlink(missing_ok=True)
    names = np.array([f"第{c[-2:]}网格" for c in codes], dtype=object)
    raw.write(gpkg, shapely.to_wkb(cells), [codes, names], fields=["网格编码", "网格名称"], layer="网格",
              driver="GPKG", geometry_type="Polygon", crs="EPSG:4490")
    raw.write(gpkg, shapely.to_wkb(blds), [floors], fields=["层数"], layer="建筑", driver="GPKG",
              geometry_type="Polygon", crs="EPSG:4490", append=True)
    out["generate_gpkg_s"] = round(time.perf_counter() - t0, 2)
    db = work / "bench.duckdb"
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    dt, rss, code, last = _child(["district", "import", str(gpkg), "--db", str(db), "--json"])
    out["gpkg_import_s"], out["gpkg_import_ok"] = round(dt, 2), code == 0
    out["gpkg_peak_rss_mb"] = round(rss, 1)
    # a GeoJSON of footprints weighing geojson_mb (at scale 1)
    t0 = time.perf_counter()
    gj = work / "buildings.geojson"
    n = _write_geojson(gj, halves, np.repeat(floors, 2), geojson_mb * 1e6 * scale)
    out["geojson_mb"] = round(gj.stat().st_size / 1e6, 1)
    out["geojson_features"] = n
    out["generate_geojson_s"] = round(time.perf_counter() - t0, 2)
    dt, rss, code, last = _child(["district", "import", str(gj), "--kind", "buildings", "--db", str(db), "--json"])
    out["geojson_import_s"], out["geojson_import_ok"] = round(dt, 2), code == 0
    out["geojson_peak_rss_mb"] = round(rss, 1)
    if jinhua_db is not None:
        exp = work / "jinhua.gpkg"
        dt, rss, code, last = _child(["district", "export", str(exp), "--format", "gpkg", "--db", str(jinhua_db)])
        out["jinhua_export_s"], out["jinhua_export_ok"] = round(dt, 2), code == 0
        out["jinhua_export_mb"] = round(exp.stat().st_size / 1e6, 1) if exp.exists() else None
        out["jinhua_export_peak_rss_mb"] = round(rss, 1)
    else:
        out["jinhua_export_s"] = None  # needs a Jinhua-scale district (demo --scale jinhua)
    out["peak_rss_mb"] = max(v for k, v in out.items() if k.endswith("_peak_rss_mb"))
    out["targets"] = TARGETS
    out["met"] = {k: (out.get(k) is not None and out[k] <= v) for k, v in TARGETS.items()
                  if k != "peak_rss_mb"} | {"peak_rss_mb": out["peak_rss_mb"] <= TARGETS["peak_rss_mb"]}
    return out
