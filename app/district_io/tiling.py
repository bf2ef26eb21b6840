"""Children must tile their parent: containment, gaps, overlaps and parts outside.

Measured in EPSG:4527 metres, parent by parent from the district down, so that a
repair at one level is seen by the next.  Every problem is reported in m² with its
place (lon/lat of a point inside it).  With ``repair`` the slivers (a piece under
``sliver_m2``, or thinner on average than ``sliver_width_m``) are fixed, each listed:
a gap goes to the child with the longest shared edge, an overlap stays with the larger
child, a part outside the parent is cut off.  Larger pieces are left and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.checks import AREA_TOLERANCE_M2, LEVEL_ZH
from app.district_io.hierarchy import Units
from app.district_io.problems import Findings
from app.geo.crs import geoms_to_lonlat, geoms_to_metric, metric_to_lonlat

NOISE_M2 = 0.01  # below this a piece is float noise of coordinate conversions


@dataclass(frozen=True)
class SliverRule:
    area_m2: float = 200.0
    width_m: float = 1.0

    def small(self, g) -> bool:
        a = g.area
        return a < self.area_m2 or (g.length > 0 and 2.0 * a / g.length < self.width_m)


def _place(g) -> tuple[float, float]:
    p = shapely.point_on_surface(g)
    lon, lat = metric_to_lonlat(p.x, p.y)
    return float(lon), float(lat)


def _pieces(g) -> list:
    if g is None or g.is_empty:
        return []
    return [p for p in shapely.get_parts(shapely.make_valid(g))
            if p.geom_type in ("Polygon", "MultiPolygon") and p.area > NOISE_M2]


def check_containment(u: Units, findings: Findings) -> None:
    """A unit whose code names one parent but which lies mostly in another (or nowhere)."""
    index = {c: i for i, c in enumerate(u.code)}
    for i in range(len(u)):
        pc = u.parent_code(i)
        if pc is None or pc not in index:
            continue
        j = index[pc]
        child, parent = u.metric[i], u.metric[j]
        if child.area <= 0:
            continue
        share = shapely.intersection(child, parent).area / child.area
        if share >= 0.5:
            continue
        better = [k for k in range(len(u)) if u.level[k] == u.level[j] and k != j and
                  shapely.intersects(u.metric[k], child) and
                  shapely.intersection(u.metric[k], child).area > 0.5 * child.area]
        where = f"，实际位于 {u.label(better[0])} 内" if better else ""
        findings.error(u.origin[i][0], f"编码不嵌套：{u.label(i)} 的编码表明属于 {u.label(j)}，"
                                       f"但只有 {share:.0%} 面积在其中{where}", u.origin[i][1],
                       place=_place(child), area_m2=float(child.area))


def check_tiling(u: Units, findings: Findings, repair: bool, rule: SliverRule) -> dict:
    """Gaps, overlaps and parts outside of every parent's children; repairs slivers."""
    index = {c: i for i, c in enumerate(u.code)}
    kids: dict[int, list[int]] = {}
    for i in range(len(u)):
        pc = u.parent_code(i)
        if pc in index:
            kids.setdefault(index[pc], []).append(i)
    totals = {"gap_m2": 0.0, "overlap_m2": 0.0, "outside_m2": 0.0, "repaired": 0}
    changed: set[int] = set()
    for lv in (1, 2, 3):
        for j in [j for j in kids if u.level[j] == lv]:
            if u.origin[j][1] == "合并生成" and not (set(kids[j]) & changed):
                continue  # made from exactly these children
            _tile_one(u, j, kids[j], findings, repair, rule, totals, changed)
    if changed:
        idx = sorted(changed)
        lonlat = geoms_to_lonlat(np.asarray([u.metric[i] for i in idx], dtype=object))
        for i, g in zip(idx, lonlat, strict=True):
            if not shapely.is_valid(g):  # a near-degenerate vertex turned by the projection
                g = _polygonal(g)
                u.metric[i] = geoms_to_metric(np.asarray([g], dtype=object))[0]
            u.geom[i] = g
    return totals


def _tile_one(u, j, kid_idx, findings, repair, rule, totals, changed) -> None:
    parent = u.metric[j]
    file = u.origin[j][0]
    label = u.label(j)
    # parts of children outside the parent
    for i in kid_idx:
        for piece in _pieces(shapely.difference(u.metric[i], parent)):
            if repair and rule.small(piece):
                u.metric[i] = _polygonal(shapely.difference(u.metric[i], piece))
                changed.add(i)
                totals["repaired"] += 1
                findings.repair(u.origin[i][0], f"{u.label(i)} 超出上级 {label} 的碎片"
                                                f"（{piece.area:,.1f} m²）已裁去", u.origin[i][1],
                                place=_place(piece), area_m2=piece.area)
            elif piece.area > AREA_TOLERANCE_M2:
                totals["outside_m2"] += piece.area
                findings.warn(u.origin[i][0], f"{u.label(i)} 有 {piece.area:,.1f} m² 超出上级 {label}",
                              u.origin[i][1], place=_place(piece), area_m2=piece.area)
    # overlaps between siblings
    geoms = np.asarray([u.metric[i] for i in kid_idx], dtype=object)
    tree = shapely.STRtree(geoms)
    a_idx, b_idx = tree.query(geoms, predicate="intersects")
    for a, b in zip(a_idx.tolist(), b_idx.tolist(), strict=True):
        if a >= b:
            continue
        ia, ib = kid_idx[a], kid_idx[b]
        for piece in _pieces(shapely.intersection(u.metric[ia], u.metric[ib])):
            if repair and rule.small(piece):
                keep, lose = (ia, ib) if u.metric[ia].area >= u.metric[ib].area else (ib, ia)
                u.metric[lose] = _polygonal(shapely.difference(u.metric[lose], piece))
                changed.add(lose)
                totals["repaired"] += 1
                findings.repair(u.origin[lose][0], f"{u.label(lose)} 与 {u.label(keep)} 重叠的碎片"
                                                   f"（{piece.area:,.1f} m²）归 {u.code[keep]}",
                                u.origin[lose][1], place=_place(piece), area_m2=piece.area)
            elif piece.area > AREA_TOLERANCE_M2:
                totals["overlap_m2"] += piece.area
                findings.warn(u.origin[ia][0], f"{u.label(ia)} 与 {u.label(ib)} 重叠 {piece.area:,.1f} m²",
                              u.origin[ia][1], place=_place(piece), area_m2=piece.area)
    # gaps inside the parent not covered by any child
    union = shapely.union_all(np.asarray([u.metric[i] for i in kid_idx], dtype=object))
    for piece in _pieces(shapely.difference(parent, union)):
        if repair and rule.small(piece):
            near = shapely.buffer(piece, 0.05)
            best, shared = None, 0.0
            for i in kid_idx:
                if not shapely.intersects(near, u.metric[i]):
                    continue
                length = shapely.intersection(shapely.boundary(u.metric[i]), near).length
                if length > shared:
                    best, shared = i, length
            if best is not None:
                u.metric[best] = _polygonal(shapely.union_all([u.metric[best], piece]))
                changed.add(best)
                totals["repaired"] += 1
                findings.repair(u.origin[best][0], f"{label} 内的缝隙（{piece.area:,.1f} m²）并入共边最长的 "
                                                   f"{u.label(best)}", u.origin[best][1],
                                place=_place(piece), area_m2=piece.area)
                continue
        if piece.area > AREA_TOLERANCE_M2:
            totals["gap_m2"] += piece.area
            findings.warn(file, f"{label} 内有 {piece.area:,.1f} m² 不属于任何{LEVEL_ZH[u.level[j] + 1]}"
                                "（缝隙）", u.origin[j][1], place=_place(piece), area_m2=piece.area)


def _polygonal(g):
    g = shapely.make_valid(g)
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.multipolygons(parts) if len(parts) > 1 else (parts[0] if parts else g)
