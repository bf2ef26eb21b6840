"""The datum check: a layer 300–700 m off the others is the GCJ-02 signature.

Web-map downloads (AMap/DataV, Tencent) are GCJ-02 and Baidu's BD-09, yet their
``.prj`` (when there is one) says WGS 84.  Such a layer sits a few hundred metres off
the surveyed layers and off the district already stored.  Each layer is compared with
the others (outline against outline, or points against the district) as it is and as
it would be after converting from GCJ-02 or BD-09; when a conversion fits clearly
better the check warns and offers it (applied on ``--repair``).
"""

from __future__ import annotations

import numpy as np
import shapely

from app.district_io.crs import offset_m
from app.district_io.webdatum import TO_STORAGE
from app.geo.crs import geoms_to_metric

SAMPLES = 400
#: separate features (footprints) compared: an even sample of this many, since their
#: union only gathers them (and GEOS unions 100,000 footprints in minutes, not seconds)
SEPARATE_SAMPLE = 2000
SIGNATURE_M = (150.0, 1200.0)  # the mean misfit a web datum leaves (300–700 m typical)


def _union(geoms: np.ndarray):
    geoms = geoms[~shapely.is_missing(geoms)]
    if len(geoms) == 0:
        return None
    try:
        return shapely.coverage_union_all(geoms) if len(geoms) > 50 else shapely.union_all(geoms)
    except Exception:  # noqa: BLE001 - not a clean coverage
        return shapely.union_all(shapely.buffer(geoms, 0))


def _outline_misfit(layer_lonlat: np.ndarray, ref_outline_m) -> float:
    u = _union(layer_lonlat)
    if u is None or u.is_empty:
        return float("inf")
    line = shapely.boundary(geoms_to_metric(np.asarray([u], dtype=object))[0])
    pts = shapely.line_interpolate_point(line, np.linspace(0, 1, SAMPLES, endpoint=False), normalized=True)
    return float(np.median(shapely.distance(pts, ref_outline_m)))


def _points_misfit(lonlat: np.ndarray, ref_area_lonlat) -> float:
    pts = lonlat[~shapely.is_missing(lonlat)]
    if len(pts) == 0:
        return float("inf")
    if len(pts) > 2000:
        pts = pts[np.linspace(0, len(pts) - 1, 2000).astype(int)]
    reps = shapely.point_on_surface(pts)
    return float(1.0 - shapely.contains_xy(ref_area_lonlat, shapely.get_x(reps), shapely.get_y(reps)).mean())


def _shifted(geoms: np.ndarray, web: str) -> np.ndarray:
    fn = TO_STORAGE[web]

    def tr(c):
        lon, lat = fn(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    out = geoms.copy()
    ok = ~shapely.is_missing(geoms)
    out[ok] = shapely.transform(geoms[ok], tr)
    return out


def check_layer(lonlat: np.ndarray, polygons: bool, reference_lonlat, *,
                separate: bool = False) -> tuple[str, float, float] | None:
    """``(web datum, misfit now, misfit converted)`` when converting ``lonlat`` from that web
    datum fits ``reference_lonlat`` (a polygon, the other layers' union) clearly better.

    ``separate``: the polygons are separate features (buildings), not a coverage (grids):
    an even sample of them stands for the layer."""
    if reference_lonlat is None or reference_lonlat.is_empty:
        return None
    if separate and len(lonlat) > SEPARATE_SAMPLE:
        lonlat = lonlat[np.linspace(0, len(lonlat) - 1, SEPARATE_SAMPLE).astype(int)]
    if polygons:
        ref = shapely.boundary(geoms_to_metric(np.asarray([reference_lonlat], dtype=object))[0])
        now = _outline_misfit(lonlat, ref)
        if not (SIGNATURE_M[0] <= now <= SIGNATURE_M[1]):
            return None
        best = min(((w, _outline_misfit(_shifted(lonlat, w), ref)) for w in TO_STORAGE), key=lambda t: t[1])
        return (best[0], now, best[1]) if best[1] < 0.3 * now else None
    now = _points_misfit(lonlat, reference_lonlat)
    if now < 0.02:
        return None
    best = min(((w, _points_misfit(_shifted(lonlat, w), reference_lonlat)) for w in TO_STORAGE),
               key=lambda t: t[1])
    return (best[0], now, best[1]) if best[1] < 0.5 * now else None


def check_assigned(lonlat: np.ndarray, grids: np.ndarray) -> tuple[str, float, float] | None:
    """Points that name their grid (a grid code column): ``(web datum, share outside their
    grid now, share after converting)`` when a conversion puts clearly more of them inside."""
    ok = ~shapely.is_missing(lonlat) & ~shapely.is_missing(grids)
    if ok.sum() < 3:
        return None
    pts, polys = lonlat[ok], grids[ok]

    def outside(p):
        return float(1.0 - shapely.contains(polys, p).mean())

    now = outside(pts)
    if now < 0.2:
        return None
    best = min(((w, outside(_shifted(pts, w))) for w in TO_STORAGE), key=lambda t: t[1])
    return (best[0], now, best[1]) if best[1] < 0.5 * now else None


def shift_of(lonlat: np.ndarray, web: str) -> float:
    """How far the conversion moves this layer, in metres (at its first feature)."""
    ok = lonlat[~shapely.is_missing(lonlat)]
    p = shapely.point_on_surface(ok[0])
    return offset_m(p.x, p.y, web)


def convert(lonlat: np.ndarray, web: str) -> np.ndarray:
    return _shifted(lonlat, web)


def reference_union(geom_sets: list[np.ndarray]):
    parts = [u for g in geom_sets if (u := _union(g)) is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)
