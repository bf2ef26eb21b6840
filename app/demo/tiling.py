"""The four grid levels (四级网格) as an exact tiling of an invented district.

Everything is built in local metres (EPSG:4527 minus the district centre):

1. an irregular, star-shaped district outline of the target area;
2. neighbourhood patches, each with its own street-grid orientation, block
   aspect and block size (smaller blocks where the old town is dense);
3. base-grid seeds on a jittered lattice per patch, relaxed by Lloyd steps;
4. Voronoi cells of the seeds clipped to the outline = the base grids (网格),
   which therefore tile the district with no gap or overlap by construction;
5. balanced, contiguous clusters of grids = communities (社区), of
   communities = streets (街道); parents are unions of their children.

Numbering follows CJ/T 349: west to east, north to south.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.demo import names
from app.demo.clustering import (
    GRID_SIZE,
    balanced_kmeans,
    group_targets,
    make_contiguous,
    neighbours,
    rebalance,
)
from app.demo.scales import Scale

DISTRICT_CODE = "120106"  # 红桥区, GB/T 2260
MAX_GRIDS_PER_COMMUNITY = 99
RIVER_WIDTH_M = 70.0  # 子牙河 / 南运河 class


@dataclass
class Tiling:
    """The grid hierarchy in local metres (add ``origin`` for EPSG:4527)."""

    outline: shapely.Polygon
    grid_geom: np.ndarray  # (G,) polygons, sorted by code
    grid_comm: np.ndarray  # (G,) community index
    grid_angle: np.ndarray  # (G,) street-grid orientation, radians
    grid_old: np.ndarray  # (G,) 0 new town … 1 old town
    comm_geom: np.ndarray  # (C,)
    comm_street: np.ndarray  # (C,) street index
    street_geom: np.ndarray  # (S,)
    grid_code: list[str]
    grid_name: list[str]
    comm_code: list[str]
    comm_name: list[str]
    street_code: list[str]
    street_name: list[str]
    district_name: str
    water: shapely.Geometry  # the river (河道) through the district, inside the grids
    crossings: np.ndarray  # (X, 2) road crossings: vertices shared by >= 3 grids
    crossing_grid: np.ndarray  # (X,) one grid touching each crossing
    crossing_major: np.ndarray  # (X,) bool: on a community or street border


def _outline(rng: np.random.Generator, area_m2: float) -> shapely.Polygon:
    """A smooth star-shaped outline (never self-intersecting) of exactly ``area_m2``."""
    phi = np.linspace(0, 2 * np.pi, 361)[:-1]
    r = np.ones_like(phi)
    for k in range(2, 9):
        r += rng.normal(0, 0.16 / k) * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    r = np.clip(r, 0.55, None)
    stretch = rng.uniform(1.1, 1.3)  # districts are seldom round
    x, y = r * np.cos(phi) * stretch, r * np.sin(phi) / stretch
    poly = shapely.Polygon(np.column_stack([x, y]))
    f = np.sqrt(area_m2 / poly.area)
    return shapely.Polygon(np.column_stack([x * f, y * f]))


def _river(rng: np.random.Generator, outline, radius: float, width: float):
    """A meandering river band crossing the district, and the district's two banks."""
    a = rng.uniform(0, np.pi)
    d, nrm = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    s = np.linspace(-2.0, 2.0, 240) * radius
    ph = rng.uniform(0, 2 * np.pi, 2)
    off = (rng.uniform(-0.25, 0.25) * radius + 0.22 * radius * np.sin(1.3 * s / radius + ph[0])
           + 0.07 * radius * np.sin(3.7 * s / radius + ph[1]))
    line = shapely.LineString(s[:, None] * d + off[:, None] * nrm)
    band = shapely.intersection(shapely.buffer(line, width / 2), outline, grid_size=GRID_SIZE)
    parts = shapely.get_parts(band)
    band = shapely.multipolygons(parts[shapely.get_type_id(parts) == 3])  # drop touching slivers
    banks = shapely.get_parts(shapely.difference(outline, shapely.buffer(line, width / 2 + 1)))
    return line, band, banks[np.argsort(-shapely.area(banks))][:2]


def _oldness(rng: np.random.Generator, radius: float, river):
    """A smooth field: 1 in the old town (grown along the river), 0 in new areas."""
    core = shapely.line_interpolate_point(river, rng.uniform(0.35, 0.65), normalized=True)
    cx, cy = core.x + rng.normal(0, 0.1 * radius), core.y + rng.normal(0, 0.1 * radius)
    sigma = 0.42 * radius
    waves = [(rng.normal(0, 1, 2) / radius * 3.0, rng.uniform(0, 2 * np.pi)) for _ in range(3)]

    def field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        d2 = (x - cx) ** 2 + (y - cy) ** 2
        v = np.exp(-d2 / (2 * sigma**2))
        for k, ph in waves:
            v = v + 0.08 * np.sin(k[0] * x + k[1] * y + ph)
        return np.clip(v, 0.0, 1.0)

    return field


def _random_points_in(rng: np.random.Generator, poly, n: int) -> np.ndarray:
    x0, y0, x1, y1 = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        c = np.column_stack([rng.uniform(x0, x1, 4 * n), rng.uniform(y0, y1, 4 * n)])
        out = np.vstack([out, c[shapely.contains_xy(poly, c[:, 0], c[:, 1])]])
    return out[:n]


def _voronoi(seeds: np.ndarray, outline) -> np.ndarray:
    """Voronoi cells of ``seeds`` (in seed order) clipped to ``outline``."""
    env = shapely.buffer(shapely.envelope(outline), 2000.0)
    coll = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=env, ordered=True)
    cells = shapely.get_parts(coll)
    return shapely.intersection(cells, outline, grid_size=GRID_SIZE)


def _seeds(rng, scale: Scale, outline, old, water) -> tuple[np.ndarray, np.ndarray]:
    """Jittered lattice seeds per neighbourhood patch; returns seeds and their patch angle."""
    n_target = scale.grids
    n_patch = int(np.clip(n_target // 55, 3, 40))
    centres = _random_points_in(rng, outline, n_patch)
    patches = _voronoi(centres, outline)
    base_angle = rng.uniform(0, np.pi / 2)
    angle = base_angle + rng.normal(0, 0.3, n_patch)
    aspect = rng.uniform(1.0, 1.6, n_patch)
    stagger = rng.random(n_patch) < 0.1  # brick pattern: T-junctions instead of crossings
    # old town: blocks ~40 % smaller in linear size (denser households per m²)
    rel = 1.0 - 0.4 * old(centres[:, 0], centres[:, 1])
    area = shapely.area(patches)
    k = np.sqrt((area / rel**2).sum() / (n_target * 1.05))
    for _ in range(30):
        pts, ang = [], []
        for p in range(n_patch):
            s = k * rel[p]
            dx, dy = s * np.sqrt(aspect[p]), s / np.sqrt(aspect[p])
            ca, sa = np.cos(angle[p]), np.sin(angle[p])
            c = shapely.get_coordinates(patches[p]) - centres[p]
            u, v = (c @ np.array([[ca, -sa], [sa, ca]])).T  # into the patch frame
            ii, jj = np.meshgrid(np.arange(np.floor(u.min() / dx) - 1, np.ceil(u.max() / dx) + 2),
                                 np.arange(np.floor(v.min() / dy) - 1, np.ceil(v.max() / dy) + 2))
            lu = (ii + (0.5 * (jj % 2) if stagger[p] else 0.0)).ravel() * dx
            lv = jj.ravel() * dy
            lu = lu + rng.uniform(-0.12, 0.12, lu.size) * dx
            lv = lv + rng.uniform(-0.12, 0.12, lv.size) * dy
            x = centres[p, 0] + lu * ca - lv * sa
            y = centres[p, 1] + lu * sa + lv * ca
            inside = shapely.contains_xy(patches[p], x, y) & ~shapely.contains_xy(water, x, y)
            pts.append(np.column_stack([x[inside], y[inside]]))
            ang.append(np.full(inside.sum(), angle[p]))
        seeds, seed_angle = np.vstack(pts), np.concatenate(ang)
        if len(seeds) >= n_target:
            break
        k *= 0.985
    # drop surplus seeds at random: their neighbours merge into larger, odd blocks
    keep = np.sort(rng.choice(len(seeds), n_target, replace=False))
    return seeds[keep], np.mod(seed_angle[keep], np.pi)


def _order(xy: np.ndarray, band: float) -> np.ndarray:
    """Indices sorted north to south in bands of ``band`` metres, west to east within a band."""
    row = np.floor((xy[:, 1].max() - xy[:, 1]) / band)
    return np.lexsort((xy[:, 0], row))


def _crossings(grid_geom: np.ndarray, grid_comm: np.ndarray):
    """Vertices where three or more grids meet: the road crossings of the block network."""
    rings = shapely.get_exterior_ring(grid_geom)
    xy, idx = shapely.get_coordinates(rings, return_index=True)
    key = np.round(xy, 2)
    # one entry per (grid, vertex): drops each ring's closing vertex
    _, first = np.unique(np.column_stack([idx, key]), axis=0, return_index=True)
    xy, idx, key = xy[first], idx[first], key[first]
    uniq, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    inv = inv.ravel()
    many = counts[inv] >= 3
    sel = np.flatnonzero(many)
    order = sel[np.argsort(inv[sel], kind="stable")]
    vert = inv[order]
    starts = np.flatnonzero(np.r_[True, vert[1:] != vert[:-1]])
    comm = grid_comm[idx[order]]
    cmin = np.minimum.reduceat(comm, starts)
    cmax = np.maximum.reduceat(comm, starts)
    return uniq[vert[starts]], idx[order][starts], cmin != cmax


def build_tiling(rng: np.random.Generator, scale: Scale) -> Tiling:
    """Generate the district outline and the street/community/grid tiling."""
    outline = _outline(rng, scale.area_km2 * 1e6)
    radius = np.sqrt(outline.area / np.pi)
    river, water, banks = _river(rng, outline, radius, RIVER_WIDTH_M)
    old = _oldness(rng, radius, river)
    seeds, seed_angle = _seeds(rng, scale, outline, old, shapely.buffer(water, 15.0))
    for _ in range(1):  # Lloyd relaxation: rounder cells, lattice interiors stay put
        cells = _voronoi(seeds, outline)
        cen = shapely.centroid(cells)
        bad = ~shapely.contains(outline, cen)
        cen[bad] = shapely.point_on_surface(cells[bad])
        seeds = shapely.get_coordinates(cen)
    cells = _voronoi(seeds, outline)
    cells = _single_parts(_split_by_river(cells, water))

    n = len(cells)
    nbrs = neighbours(cells)
    reps = shapely.get_coordinates(shapely.point_on_surface(cells))
    # the bank as a third coordinate: communities and streets do not straddle the river
    bank = shapely.contains_xy(banks[0], reps[:, 0], reps[:, 1]) * 4.0 * radius
    comm_sizes = group_targets(rng, n, scale.communities, 0.22, cap=85)
    comm = balanced_kmeans(np.column_stack([reps, bank]), comm_sizes, rng)
    lo = max(2, int(0.3 * n / scale.communities))
    for _ in range(5):  # 2-digit grid numbers: at most 99 grids per community
        comm, comm_geom = make_contiguous(cells, comm, scale.communities, nbrs)
        size = np.bincount(comm, minlength=scale.communities)
        if size.max() <= MAX_GRIDS_PER_COMMUNITY and size.min() >= lo:
            break
        comm = rebalance(comm, scale.communities, nbrs, lo, MAX_GRIDS_PER_COMMUNITY - 2)

    comm_reps = shapely.get_coordinates(shapely.point_on_surface(comm_geom))
    street_sizes = group_targets(rng, scale.communities, scale.streets, 0.3)
    c_bank = shapely.contains_xy(banks[0], comm_reps[:, 0], comm_reps[:, 1]) * 4.0 * radius
    street = balanced_kmeans(np.column_stack([comm_reps, c_bank]), street_sizes, rng)
    comm_nbrs = neighbours(comm_geom)
    street, street_geom = make_contiguous(comm_geom, street, scale.streets, comm_nbrs)

    # -- numbering: streets, then communities within a street, then grids --------
    s_reps = shapely.get_coordinates(shapely.point_on_surface(street_geom))
    s_order = _order(s_reps, np.sqrt(outline.area / scale.streets))
    street_rank = np.empty(scale.streets, int)
    street_rank[s_order] = np.arange(scale.streets)
    c_band = np.sqrt(outline.area / scale.communities)
    g_band = np.sqrt(outline.area / n)
    comm_order = []
    for s in s_order:
        members = np.flatnonzero(street == s)
        comm_order.extend(members[_order(comm_reps[members], c_band)].tolist())
    comm_order = np.array(comm_order)
    grid_order = []
    for c in comm_order:
        members = np.flatnonzero(comm == c)
        grid_order.extend(members[_order(reps[members], g_band)].tolist())
    grid_order = np.array(grid_order)
    comm_rank = np.empty(scale.communities, int)
    comm_rank[comm_order] = np.arange(scale.communities)

    if scale.name == "jinhua":
        street_roots = names.JINHUA_STREETS
    else:
        street_roots = names.HONGQIAO_STREETS
    picks = rng.permutation(len(street_roots))[: scale.streets] if scale.streets < len(
        street_roots) else np.arange(scale.streets)
    street_code = [f"{DISTRICT_CODE}{i + 1:03d}" for i in range(scale.streets)]
    street_name = [f"{street_roots[picks[i] % len(street_roots)]}街道"
                   for i in range(scale.streets)]
    comm_names_pool = names.community_names(rng, scale.communities)
    comm_street = street_rank[street[comm_order]]
    comm_code, counter = [], np.zeros(scale.streets, int)
    for s in comm_street:
        counter[s] += 1
        comm_code.append(f"{street_code[s]}{counter[s]:03d}")
    grid_comm = comm_rank[comm[grid_order]]
    grid_code, grid_name, counter = [], [], np.zeros(scale.communities, int)
    for c in grid_comm:
        counter[c] += 1
        grid_code.append(f"{comm_code[c]}{counter[c]:02d}")
        grid_name.append(f"{comm_names_pool[c]}第{counter[c]}网格")

    grid_geom = cells[grid_order]
    cx, cy = seeds[grid_order, 0], seeds[grid_order, 1]
    crossings, crossing_grid, crossing_major = _crossings(grid_geom, grid_comm)
    dry = ~shapely.contains_xy(shapely.buffer(water, 12.0), crossings[:, 0], crossings[:, 1])
    crossings, crossing_grid, crossing_major = crossings[dry], crossing_grid[dry], crossing_major[dry]
    return Tiling(
        outline=outline,
        grid_geom=grid_geom,
        grid_comm=grid_comm,
        grid_angle=seed_angle[grid_order],
        grid_old=old(cx, cy),
        comm_geom=comm_geom[comm_order],
        comm_street=comm_street,
        street_geom=street_geom[s_order],
        grid_code=grid_code,
        grid_name=grid_name,
        comm_code=comm_code,
        comm_name=comm_names_pool,
        street_code=street_code,
        street_name=street_name,
        district_name=scale.district_name,
        water=water,
        crossings=crossings,
        crossing_grid=crossing_grid,
        crossing_major=crossing_major,
    )


def _split_by_river(cells: np.ndarray, water) -> np.ndarray:
    """A cell reaching across the river keeps the water and its own bank; the pieces
    on the far bank join the cells there."""
    cells = cells.copy()
    fragments = []
    for i in np.flatnonzero(shapely.intersects(cells, water)).tolist():
        dry = shapely.get_parts(shapely.difference(cells[i], water, grid_size=GRID_SIZE))
        dry = dry[shapely.get_type_id(dry) == 3]
        if len(dry) < 2:
            continue
        far = np.delete(dry, int(np.argmax(shapely.area(dry))))
        cells[i] = shapely.difference(cells[i], shapely.union_all(far), grid_size=GRID_SIZE)
        fragments.extend((i, f) for f in far.tolist())
    return _merge_fragments(cells, fragments)


def _single_parts(cells: np.ndarray) -> np.ndarray:
    """Keep each cell's largest part; merge cut-off fragments into a touching cell."""
    multi = np.flatnonzero(shapely.get_type_id(cells) != 3)
    if len(multi) == 0:
        return cells
    cells = cells.copy()
    fragments = []
    for i in multi.tolist():
        parts = shapely.get_parts(cells[i])
        parts = parts[shapely.get_type_id(parts) == 3]
        big = int(np.argmax(shapely.area(parts)))
        cells[i] = parts[big]
        fragments.extend((i, p) for j, p in enumerate(parts) if j != big)
    return _merge_fragments(cells, fragments)


def _merge_fragments(cells: np.ndarray, fragments: list) -> np.ndarray:
    """Add each (source, fragment) to the other cell it shares the longest border with."""
    if not fragments:
        return cells
    tree = shapely.STRtree(cells)
    for src, frag in fragments:
        cand = tree.query(frag, predicate="intersects")
        cand = cand[cand != src]
        shared = shapely.length(shapely.intersection(frag.boundary, shapely.boundary(cells[cand]),
                                                     grid_size=GRID_SIZE))
        j = int(cand[np.argmax(shared)])
        cells[j] = shapely.union(cells[j], frag, grid_size=GRID_SIZE)
    return cells
