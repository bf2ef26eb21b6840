"""A layer's features as CGCS2000 lon/lat geometry, each refusal or repair named.

Checks, per feature: geometry present, of the kind the layer is for (areas for grids
and buildings, points for merchants and cameras), not empty, 2D (Z/M dropped on
``--repair``), in a CRS that says where it is (app/district_io/crs.py), inside China
once converted, and valid (made valid on ``--repair``, multipart kept as Multi).
Tables (CSV, XLSX) get their geometry from lon/lat or WKT columns.
"""

from __future__ import annotations

import numpy as np
import shapely

from app.district_io.crs import LONLAT_BOX, CrsChoice, resolve_crs, to_storage
from app.district_io.mapping import LayerMapping
from app.district_io.problems import Findings
from app.district_io.sources import SourceLayer

POLYGON_KINDS = ("grids", "buildings")
POINT_KINDS = ("merchants", "cameras")
MAX_PER_REASON = 20
_TYPE_ZH = {0: "点", 1: "线", 2: "线环", 3: "面", 4: "多点", 5: "多线", 6: "多面", 7: "几何集合"}


class _Limiter:
    """Lists the first ``MAX_PER_REASON`` features of one reason, then a count."""

    def __init__(self, findings: Findings, layer: SourceLayer) -> None:
        self.f, self.layer, self.counts = findings, layer, {}

    def error(self, key: str, i: int, reason: str, **kw) -> None:
        n = self.counts[key] = self.counts.get(key, 0) + 1
        if n <= MAX_PER_REASON:
            self.f.error(self.layer.name, reason, self.layer.where(i), **kw)

    def close(self) -> None:
        for key, n in self.counts.items():
            if n > MAX_PER_REASON:
                self.f.error(self.layer.name, f"另有 {n - MAX_PER_REASON} 个要素同样{key}")


def _number(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v) if np.isfinite(v) else None
    try:
        x = float(str(v).strip().replace("，", ".").replace("°", ""))
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def table_geometry(layer: SourceLayer, mapping: LayerMapping, findings: Findings) -> np.ndarray:
    """Points (or WKT shapes) of a table's rows from its mapped columns."""
    lim = _Limiter(findings, layer)
    n = len(layer)
    out = np.full(n, None, dtype=object)
    f = mapping.fields
    if "wkt" in f:
        col = layer.columns[f["wkt"]]
        for i in range(n):
            text = col[i]
            g = shapely.from_wkt(str(text), on_invalid="ignore") if text not in (None, "") else None
            if g is None:
                lim.error("无法解析 WKT", i, f"列 {f['wkt']} 的 WKT 无法解析：{str(text)[:40]!r}")
            out[i] = g
    elif "lon" in f and "lat" in f:
        lon, lat = layer.columns[f["lon"]], layer.columns[f["lat"]]
        for i in range(n):
            x, y = _number(lon[i]), _number(lat[i])
            if x is None or y is None:
                lim.error("坐标不是数字", i, f"坐标不是数字：{f['lon']}={lon[i]!r}，{f['lat']}={lat[i]!r}")
            else:
                out[i] = shapely.Point(x, y)
    lim.close()
    return out


def prepare(layer: SourceLayer, mapping: LayerMapping, override: CrsChoice | None,
            hint_lon: float | None, repair: bool, findings: Findings
            ) -> tuple[np.ndarray, np.ndarray, CrsChoice | None]:
    """(lon/lat geometries, usable mask, CRS used) of ``layer`` for ``mapping.kind``."""
    kind = mapping.kind
    n = len(layer)
    if kind not in POLYGON_KINDS + POINT_KINDS:
        return np.full(n, None, dtype=object), np.ones(n, bool), None
    geoms = layer.geoms if layer.geoms is not None else table_geometry(layer, mapping, findings)
    if layer.geoms is None and not ({"lon", "lat"} <= set(mapping.fields) or "wkt" in mapping.fields):
        findings.error(layer.name, "表中找不到坐标列（经度/纬度或 WKT）；请用映射文件指定 lon、lat 或 wkt")
        return np.full(n, None, dtype=object), np.zeros(n, bool), None
    geoms = np.asarray(geoms, dtype=object)
    lim = _Limiter(findings, layer)
    missing = shapely.is_missing(geoms)
    for i in np.flatnonzero(missing):
        if layer.geoms is not None:
            lim.error("没有几何", int(i), "没有几何（空值或无法解析）")
    ok = ~missing
    types = np.full(n, -1)
    types[ok] = shapely.get_type_id(geoms[ok])
    want = (3, 6) if kind in POLYGON_KINDS else (0,)
    single_multipoint = ok & (types == 4) & (kind in POINT_KINDS)
    if single_multipoint.any():
        parts = shapely.get_num_geometries(geoms[single_multipoint])
        idx = np.flatnonzero(single_multipoint)[parts == 1]
        geoms[idx] = shapely.get_geometry(geoms[idx], 0)
        types[idx] = 0
    wrong = ok & ~np.isin(types, want)
    what = "面" if kind in POLYGON_KINDS else "点"
    for i in np.flatnonzero(wrong):
        lim.error("几何类型不符", int(i), f"几何类型是{_TYPE_ZH.get(int(types[i]), '?')}，"
                                          f"{mapping.kind} 图层需要{what}（图层内几何类型混杂）")
    ok &= ~wrong
    empty = np.zeros(n, bool)
    empty[ok] = shapely.is_empty(geoms[ok])
    for i in np.flatnonzero(empty):
        lim.error("几何为空", int(i), "几何为空")
    ok &= ~empty
    zm = np.zeros(n, bool)
    zm[ok] = shapely.has_z(geoms[ok]) | shapely.has_m(geoms[ok])
    if zm.any():
        first = int(np.flatnonzero(zm)[0])
        if repair:
            geoms[zm] = shapely.force_2d(geoms[zm])
            findings.repair(layer.name, f"{int(zm.sum())} 个要素带 Z/M 坐标，已去掉（只保留平面坐标）",
                            layer.where(first))
        else:
            findings.error(layer.name, f"{int(zm.sum())} 个要素带 Z/M 坐标（高程/量测值）；"
                                       "加 --repair 去掉后导入", layer.where(first))
            ok &= ~zm
    lim.close()
    if not ok.any():
        if n == 0:
            findings.error(layer.name, "图层没有任何要素（空图层）")
        return geoms, ok, None
    coords = shapely.get_coordinates(geoms[ok])
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        findings.error(layer.name, "坐标中有非数值（NaN/无穷大）")
        return geoms, np.zeros(n, bool), None
    bounds = (*coords.min(axis=0), *coords.max(axis=0))
    choice, notes = resolve_crs(bounds, layer.crs_wkt, override, hint_lon)
    for sev, msg in notes:
        (findings.error if sev == "error" else findings.warn)(layer.name, msg)
    if choice is None:
        return geoms, np.zeros(n, bool), None
    if choice.swap and not repair:
        findings.error(layer.name, "经纬度顺序颠倒（x 是纬度、y 是经度）；加 --repair 交换后导入",
                       layer.where(int(np.flatnonzero(ok)[0])))
        return geoms, np.zeros(n, bool), choice
    if choice.swap:
        findings.repair(layer.name, "经纬度顺序颠倒，已交换 x 与 y")
    lonlat = np.full(n, None, dtype=object)
    lonlat[ok] = to_storage(geoms[ok], choice)
    b = shapely.bounds(lonlat[ok])
    lo, la, hi, ha = LONLAT_BOX
    out = (b[:, 0] < lo) | (b[:, 1] < la) | (b[:, 2] > hi) | (b[:, 3] > ha) | ~np.isfinite(b).all(axis=1)
    lim = _Limiter(findings, layer)
    for k, i in zip(np.flatnonzero(out), np.flatnonzero(ok)[out], strict=True):
        lim.error("不在中国境内", int(i), f"换算到 CGCS2000 后坐标范围 {np.round(b[k], 4).tolist()} "
                                          f"不在中国境内（按 {choice.label()}；坐标系或单位不对？）")
    lim.close()
    ok[np.flatnonzero(ok)[out]] = False
    if kind in POLYGON_KINDS and ok.any():
        _validity(layer, lonlat, ok, repair, findings)
    return lonlat, ok, choice


def _validity(layer, lonlat, ok, repair, findings) -> None:
    idx = np.flatnonzero(ok)
    valid = shapely.is_valid(lonlat[idx])
    lim = _Limiter(findings, layer)
    for i in idx[~valid]:
        reason = shapely.is_valid_reason(lonlat[i])
        place = _place_of(reason) or _label(lonlat[i])
        if repair:
            fixed = shapely.make_valid(lonlat[i])
            fixed = _polygonal(fixed)
            if fixed is None or fixed.is_empty:
                lim.error("无法修复", int(i), f"几何无效（{reason}），修复后不剩面积", place=place)
                ok[i] = False
                continue
            lonlat[i] = fixed
            findings.repair(layer.name, f"无效几何（{_reason_zh(reason)}）已修复为有效的"
                                        f"{'多部件面' if fixed.geom_type == 'MultiPolygon' else '面'}",
                            layer.where(int(i)), place=place)
        else:
            lim.error("几何无效", int(i), f"几何无效：{_reason_zh(reason)}；加 --repair 修复", place=place)
            ok[i] = False
    lim.close()
    multi = np.zeros(len(lonlat), bool)
    multi[ok] = shapely.get_type_id(lonlat[ok]) == 6
    if multi.any() and (layer.geometry_type or "").lower().endswith("polygon") and \
            not (layer.geometry_type or "").lower().startswith("multi"):
        findings.warn(layer.name, f"图层声明为 Polygon，但有 {int(multi.sum())} 个多部件面；按多部件面保留",
                      layer.where(int(np.flatnonzero(multi)[0])))


def _polygonal(g):
    if g is None:
        return None
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    u = shapely.union_all(parts)
    return u if u.geom_type in ("Polygon", "MultiPolygon") else None


def _reason_zh(reason: str) -> str:
    for en, zh in (("Self-intersection", "自相交"), ("Ring Self-intersection", "环自相交"),
                   ("Too few points", "点数太少"), ("Hole lies outside shell", "内环在外环之外"),
                   ("Interior is disconnected", "内部不连通"), ("Nested shells", "外环嵌套"),
                   ("Duplicate Rings", "环重复"), ("Invalid Coordinate", "坐标无效")):
        if reason.startswith(en):
            return zh + reason[len(en):].replace("[", "，位置 [")
    return reason


def _place_of(reason: str) -> tuple[float, float] | None:
    import re

    m = re.search(r"\[([-\d.eE+]+)\s+([-\d.eE+]+)\]", reason)
    return (float(m.group(1)), float(m.group(2))) if m else None


def _label(g) -> tuple[float, float] | None:
    try:
        p = shapely.point_on_surface(g)
        return (p.x, p.y)
    except Exception:  # noqa: BLE001 - an invalid geometry may not give one
        c = shapely.centroid(g)
        return None if c.is_empty else (c.x, c.y)
