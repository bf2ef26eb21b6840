"""Blocks (街坊) and building footprints (建筑) inside the base grids.

A block is its grid cell shrunk by half a road width; roads are wider along
community borders and widest along street borders and the district edge, so
the road hierarchy shows between the blocks.  Each block gets one urban form:

* ``old``: dense one-storey courtyard houses (平房), Hongqiao's old town;
* ``walkup``: rows of five- to seven-storey slabs (老六层) with shop rows;
* ``highrise``: widely spaced 11-18 storey slabs of newer estates;
* ``industrial``: sheds with an office row.

Candidates are laid out in rows in the block's own frame (its orientation
from the minimum rotated rectangle), so no two footprints of a block overlap,
and only footprints lying inside the block's setback line are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.demo.names import chinese_number
from app.demo.scales import Scale
from app.demo.tiling import Tiling

ROAD_HALF_LOCAL = 3.5  # 7 m local road (支路)
ROAD_HALF_COMMUNITY = 5.5  # 11 m secondary road (次干路)
ROAD_HALF_STREET = 7.5  # 15 m arterial (主干路)
SETBACK = 2.0  # footprints keep 2 m from the kerb

FORMS = ("old", "walkup", "highrise", "industrial")
# special buildings: (use, length range, depth range, floors range)
SPECIAL = {
    "kindergarten": ((26, 40), (15, 20), (2, 3)),
    "school": ((55, 80), (16, 20), (4, 5)),
    "hospital": ((45, 70), (20, 28), (5, 12)),
    "care_home": ((30, 45), (13, 17), (3, 6)),
}


@dataclass
class Buildings:
    """Footprints in local metres with their attributes (one entry per building)."""

    geom: np.ndarray
    grid: np.ndarray
    use: np.ndarray  # object array of str
    floors: np.ndarray
    height: np.ndarray
    entrances: np.ndarray
    name: list
    road_dist: np.ndarray  # metres from the footprint to the block edge (kerb)
    blocks: np.ndarray  # (G,) block polygons
    block_angle: np.ndarray  # (G,)
    form: np.ndarray  # (G,) index into FORMS


def make_blocks(t: Tiling, local_half: float = ROAD_HALF_LOCAL) -> tuple[np.ndarray, np.ndarray]:
    """Blocks (cells minus half roads) and their orientation angle."""
    comm_inner = shapely.buffer(t.comm_geom, -ROAD_HALF_COMMUNITY, join_style="mitre")
    street_inner = shapely.buffer(t.street_geom, -ROAD_HALF_STREET, join_style="mitre")
    cell_inner = shapely.buffer(t.grid_geom, -local_half, join_style="mitre")
    blocks = shapely.intersection(cell_inner, comm_inner[t.grid_comm])
    blocks = shapely.intersection(blocks, street_inner[t.comm_street[t.grid_comm]])
    # riverside roads (滨河路) along both banks
    blocks = shapely.difference(blocks, shapely.buffer(t.water, ROAD_HALF_STREET + 4.0))
    # keep each block's largest piece (a narrow neck may be cut by a road)
    for i in np.flatnonzero(shapely.get_type_id(blocks) != 3).tolist():
        parts = shapely.get_parts(blocks[i])
        parts = parts[shapely.get_type_id(parts) == 3]
        blocks[i] = parts[np.argmax(shapely.area(parts))] if len(parts) else shapely.Polygon()
    mrr = shapely.minimum_rotated_rectangle(blocks)
    angle = np.array(t.grid_angle, dtype=float)
    ok = shapely.get_type_id(mrr) == 3
    xy = shapely.get_coordinates(shapely.get_exterior_ring(mrr[ok])).reshape(-1, 5, 2)
    e = xy[:, 1] - xy[:, 0]
    a1 = np.arctan2(e[:, 1], e[:, 0])
    # of the rectangle's two axes, take the one nearest the neighbourhood's street grid
    cand = np.column_stack([a1, a1 + np.pi / 2])
    diff = np.abs(((cand - angle[ok, None]) + np.pi / 2) % np.pi - np.pi / 2)
    angle[ok] = cand[np.arange(len(cand)), diff.argmin(1)]
    return blocks, angle


def _forms(rng: np.random.Generator, t: Tiling, scale: Scale) -> np.ndarray:
    n = len(t.grid_geom)
    score = t.grid_old + rng.normal(0, 0.12, n)
    rank = np.argsort(np.argsort(-score)) / n  # 0 = oldest
    form = np.where(rank < scale.old_town_share, 0, np.where(rank < 0.72, 1, 2))
    industrial = (form != 0) & (rng.random(n) < 0.04)
    form[industrial] = 3
    return form


def _span(ring_u, ring_v, v_lo: float, v_hi: float) -> tuple[float, float]:
    """The u-interval where the band v_lo..v_hi lies inside a convex ring (block frame)."""
    u1, v1, u2, v2 = ring_u[:-1], ring_v[:-1], ring_u[1:], ring_v[1:]
    lo, hi = -np.inf, np.inf
    for v in (v_lo, v_hi):
        cross = (v1 - v) * (v2 - v) <= 0
        dv = np.where(v2 != v1, v2 - v1, 1.0)
        u = (u1 + (v - v1) * (u2 - u1) / dv)[cross & (v2 != v1)]
        if len(u) < 2:
            return 0.0, 0.0
        lo, hi = max(lo, u.min()), min(hi, u.max())
    return lo, hi


def _row(rng, span, length, gap):
    """Centres and lengths of footprints packed along one row within ``span``."""
    u0, u1 = span
    if u1 - u0 < length[0]:
        return np.empty(0), np.empty(0)
    m = int((u1 - u0) / (length[0] + gap[0])) + 2
    lens = rng.uniform(*length, m)
    gaps = rng.uniform(*gap, m)
    ends = u0 + rng.uniform(0, 0.5 * gap[0]) + np.cumsum(lens + gaps) - gaps
    keep = ends <= u1
    if keep.sum() == 0:  # a short span still takes one shorter footprint
        return np.array([(u0 + u1) / 2]), np.array([u1 - u0 - 0.2])
    return ends[keep] - lens[keep] / 2, lens[keep]


def _layout(rng, form: int, ring_u, ring_v):
    """Row layout of one block in its frame: (cu, cv, length, depth, role)."""
    cu, cv, ll, dd, role = [], [], [], [], []
    v0, v1 = ring_v.min(), ring_v.max()

    def add(c, lens, v, depth, r):
        cu.append(c)
        ll.append(lens)
        cv.append(np.full(len(c), v) if np.isscalar(v) else v)
        dd.append(np.full(len(c), depth) if np.isscalar(depth) else depth)
        role.append(np.full(len(c), r))

    v = v0 + rng.uniform(0, 3)
    if form == 0:  # courtyard houses, narrow lanes (胡同)
        while v + 5 < v1:
            c, lens = _row(rng, _span(ring_u, ring_v, v, v + 8.5), (6.0, 11.0), (1.2, 2.5))
            depth = rng.uniform(5.0, 8.5, len(c))
            add(c, lens, v + depth / 2 + rng.uniform(0, 8.5 - depth), depth, 0)
            v += 8.5 + rng.uniform(2.0, 3.5)
    else:
        if form in (1, 2) and rng.random() < (0.7 if form == 1 else 0.5):
            c, lens = _row(rng, _span(ring_u, ring_v, v, v + 9), (10.0, 24.0), (2.0, 6.0))
            add(c, lens, v + 4.5, 9.0, 1)  # street-front shops (门面房)
            v += 9 + rng.uniform(6, 10)
        if form == 1:
            depth, spacing, length, gap, r = rng.uniform(10, 13), rng.uniform(14, 20), (24, 66), (6, 14), 2
        elif form == 2:
            depth, spacing, length, gap, r = rng.uniform(12, 16), rng.uniform(24, 36), (26, 55), (12, 22), 3
        else:
            c, lens = _row(rng, _span(ring_u, ring_v, v, v + 12), (14.0, 30.0), (4.0, 10.0))
            add(c, lens, v + 6, 12.0, 4)  # office / dormitory row
            v += 12 + rng.uniform(8, 12)
            depth, spacing, length, gap, r = rng.uniform(18, 32), rng.uniform(10, 18), (30, 80), (8, 15), 5
        while v + depth < v1:
            c, lens = _row(rng, _span(ring_u, ring_v, v, v + depth), length, gap)
            add(c, lens, v + depth / 2, depth, r)
            v += depth + spacing
            if form in (1, 2) and v + 8 < v1 and rng.random() < 0.35:
                # bicycle sheds, boiler houses and garages between the slabs (附属用房)
                c, lens = _row(rng, _span(ring_u, ring_v, v - spacing / 2 - 3, v - spacing / 2 + 3),
                               (6.0, 14.0), (10.0, 30.0))
                add(c, lens, v - spacing / 2, 5.0, 6)
    if not cu:
        return (np.empty(0),) * 4 + (np.empty(0, int),)
    return (np.concatenate(cu), np.concatenate(cv), np.concatenate(ll), np.concatenate(dd),
            np.concatenate(role))


def _rects(cx, cy, length, depth, angle) -> np.ndarray:
    """Rotated rectangles (vectorised) as shapely polygons."""
    ca, sa = np.cos(angle), np.sin(angle)
    hu = np.array([-0.5, 0.5, 0.5, -0.5, -0.5])
    hv = np.array([-0.5, -0.5, 0.5, 0.5, -0.5])
    du = length[:, None] * hu
    dv = depth[:, None] * hv
    x = cx[:, None] + du * ca[:, None] - dv * sa[:, None]
    y = cy[:, None] + du * sa[:, None] + dv * ca[:, None]
    return shapely.polygons(np.stack([x, y], axis=-1))


def _place_specials(rng, scale: Scale, inner, angle, form):
    """Schools, kindergartens, hospitals and care homes: one per chosen block."""
    n = len(inner)
    area = shapely.area(inner)
    ok_blocks = (form != 3) & (area > 3000)
    wanted = [("kindergarten", scale.kindergartens), ("school", scale.schools),
              ("hospital", scale.hospitals), ("care_home", scale.care_homes)]
    total = sum(k for _, k in wanted)
    p = np.where(ok_blocks, area, 0.0)
    order = rng.choice(n, size=min(int(ok_blocks.sum()), total * 3), replace=False, p=p / p.sum())
    uses = [u for u, k in wanted for _ in range(k)]
    cen = shapely.get_coordinates(shapely.point_on_surface(inner))
    out_geom, out_grid, out_use = [], [], []
    cursor = 0
    for use in uses:
        (l0, l1), (d0, d1), _ = SPECIAL[use]
        while cursor < len(order):
            g = int(order[cursor])
            cursor += 1
            trials = 16
            f = np.repeat([1.0, 0.85, 0.7, 0.6], 4)
            ln = rng.uniform(l0, l1, trials) * f
            dp = rng.uniform(d0, d1, trials) * np.sqrt(f)
            off = rng.normal(0, 12, (trials, 2)) * (np.arange(trials) % 4 > 0)[:, None]
            rect = _rects(cen[g, 0] + off[:, 0], cen[g, 1] + off[:, 1], ln, dp,
                          np.full(trials, angle[g]))
            fits = np.flatnonzero(shapely.contains(inner[g], rect))
            if len(fits):
                out_geom.append(rect[fits[0]])
                out_grid.append(g)
                out_use.append(use)
                break
    return np.array(out_geom, dtype=object), np.array(out_grid, dtype=np.int64), out_use


def build_buildings(rng: np.random.Generator, t: Tiling, scale: Scale) -> Buildings:
    """Lay out all footprints; every grid gets at least one residential building."""
    blocks, angle = make_blocks(t, scale.local_road_half_m)
    inner = shapely.buffer(blocks, -SETBACK, join_style="mitre")
    form = _forms(rng, t, scale)
    shapely.prepare(inner)
    sp_geom, sp_grid, sp_use = _place_specials(rng, scale, inner, angle, form)

    # -- regular rows, block by block (one small numpy layout per block) ---------
    ca, sa = np.cos(angle), np.sin(angle)
    cen = shapely.get_coordinates(shapely.centroid(inner))
    parts = []
    for g in range(len(inner)):
        if shapely.is_empty(inner[g]):
            continue
        xy = shapely.get_coordinates(shapely.get_exterior_ring(inner[g])) - cen[g]
        u = xy[:, 0] * ca[g] + xy[:, 1] * sa[g]
        v = -xy[:, 0] * sa[g] + xy[:, 1] * ca[g]
        cu, cv, ln, dp, role = _layout(rng, int(form[g]), u, v)
        if len(cu):
            parts.append((np.full(len(cu), g), cu, cv, ln, dp, role))
    grid, cu, cv, ln, dp, role = (np.concatenate(c) for c in zip(*parts, strict=True))
    x = cen[grid, 0] + cu * ca[grid] - cv * sa[grid]
    y = cen[grid, 1] + cu * sa[grid] + cv * ca[grid]
    rects = _rects(x, y, ln, dp, angle[grid])
    keep = shapely.contains(inner[grid], rects)
    if len(sp_geom):
        clear = np.full(len(inner), None, dtype=object)
        clear[sp_grid] = shapely.buffer(sp_geom, 8.0)
        keep &= ~shapely.intersects(clear[grid], rects)
    grid, rects, ln, dp, role = grid[keep], rects[keep], ln[keep], dp[keep], role[keep]
    grid, rects, ln, dp, role = _fill_empty(t, inner, angle, sp_grid, sp_geom, grid, rects, ln,
                                            dp, role)

    uses, floors, per_floor = _uses_and_floors(rng, role, ln)
    n_sp = len(sp_geom)
    geom = np.concatenate([sp_geom, rects])
    grid = np.concatenate([sp_grid, grid])
    use = np.array(list(sp_use) + uses.tolist(), dtype=object)
    fl_sp = np.array([rng.integers(SPECIAL[u][2][0], SPECIAL[u][2][1] + 1) for u in sp_use],
                     dtype=np.int64)
    floors = np.concatenate([fl_sp, floors])
    per_floor = np.concatenate([np.full(n_sp, 3.6), per_floor])
    length = np.concatenate([np.full(n_sp, 40.0), ln])
    _ensure_residential(use, floors, grid, len(inner), geom)

    height = (floors * per_floor * rng.uniform(0.97, 1.03, len(floors))).astype(np.float32)
    res = use == "residential"
    entrances = np.where(res & (length > 20), np.maximum(1, np.round(length / 15)), 1)
    entrances = np.where(~res & (length > 40), 2, entrances).astype(np.int16)
    road_dist = shapely.distance(geom, shapely.boundary(blocks[grid]))
    name = _names(rng, use, grid, t)
    return Buildings(geom=geom, grid=grid, use=use, floors=floors.astype(np.int16),
                     height=height, entrances=entrances, name=name, road_dist=road_dist,
                     blocks=blocks, block_angle=angle, form=form)


def _fill_empty(t, inner, angle, sp_grid, sp_geom, grid, rects, ln, dp, role):
    """Tiny or awkward blocks without a home get one small house (beside a school if any)."""
    have = np.zeros(len(inner), bool)
    have[grid] = True
    empty = np.flatnonzero(~have)
    if len(empty) == 0:
        return grid, rects, ln, dp, role
    special_of = dict(zip(sp_grid.tolist(), sp_geom.tolist(), strict=True))
    add_g, add_r, add_l, add_d = [], [], [], []
    for g in empty.tolist():
        area = inner[g] if not shapely.is_empty(inner[g]) else t.grid_geom[g]
        if g in special_of:
            area = shapely.difference(area, shapely.buffer(special_of[g], 3.0))
            if shapely.area(area) < 4.0:
                continue  # the school fills the block: a grid without homes
        p = shapely.point_on_surface(area)
        sizes = np.array([[14.0, 11.0], [10.0, 8.0], [7.0, 6.0], [5.0, 4.0], [3.0, 3.0], [1.5, 1.5]])
        cand = _rects(np.full(6, p.x), np.full(6, p.y), sizes[:, 0], sizes[:, 1], np.full(6, angle[g]))
        fits = np.flatnonzero(shapely.contains(area, cand))
        j = int(fits[0]) if len(fits) else 5
        add_g.append(g)
        add_r.append(cand[j])
        add_l.append(sizes[j, 0])
        add_d.append(sizes[j, 1])
    return (np.concatenate([grid, add_g]), np.concatenate([rects, np.array(add_r, dtype=object)]),
            np.concatenate([ln, add_l]), np.concatenate([dp, add_d]),
            np.concatenate([role, np.full(len(add_g), 2)]))


_ROLE_USES = {
    # role: (uses, probabilities, floors range, metres per floor)
    0: (("residential", "commercial", "industrial", "public"), (0.91, 0.05, 0.025, 0.015)),
    1: (("commercial", "public", "office"), (0.8, 0.12, 0.08)),
    2: (("residential", "office", "commercial", "public"), (0.9, 0.04, 0.04, 0.02)),
    3: (("residential", "office", "commercial"), (0.88, 0.08, 0.04)),
    4: (("office", "residential", "public"), (0.6, 0.3, 0.1)),
    5: (("industrial",), (1.0,)),
    6: (("public", "commercial", "industrial"), (0.5, 0.3, 0.2)),
}


def _uses_and_floors(rng, role, length):
    n = len(role)
    use = np.empty(n, dtype=object)
    for r, (names, p) in _ROLE_USES.items():
        idx = np.flatnonzero(role == r)
        use[idx] = np.array(names, dtype=object)[rng.choice(len(names), len(idx), p=p)]
    floors = np.ones(n, dtype=np.int64)
    per_floor = np.full(n, 3.0)
    old = role == 0
    floors[old] = rng.choice([1, 2, 3], old.sum(), p=[0.75, 0.22, 0.03])
    shop = role == 1
    floors[shop] = rng.choice([1, 2, 3], shop.sum(), p=[0.5, 0.4, 0.1])
    per_floor[shop] = 3.8
    walk = role == 2
    floors[walk] = rng.choice([4, 5, 6, 7], walk.sum(), p=[0.1, 0.25, 0.55, 0.1])
    tall = role == 3
    floors[tall] = np.where(rng.random(tall.sum()) < 0.1, rng.integers(20, 31, tall.sum()),
                            rng.integers(11, 19, tall.sum()))
    office = (use == "office") & ~tall
    floors[office] = rng.integers(3, 9, office.sum())
    row4 = role == 4
    floors[row4] = rng.integers(3, 6, row4.sum())
    ind = use == "industrial"
    floors[ind] = rng.choice([1, 2], ind.sum(), p=[0.7, 0.3])
    per_floor[ind] = np.where(role[ind] == 5, rng.uniform(5.5, 8.0, ind.sum()), 3.5)
    per_floor[use == "commercial"] = 3.8
    return use, floors, per_floor


def _ensure_residential(use, floors, grid, n_grids, geom) -> None:
    """A grid without homes would hold no households: convert its largest building."""
    has = np.zeros(n_grids, bool)
    has[grid[use == "residential"]] = True
    areas = shapely.area(geom)
    for g in np.flatnonzero(~has).tolist():
        idx = np.flatnonzero((grid == g) & ~np.isin(use, list(SPECIAL)))
        if len(idx):
            i = idx[np.argmax(areas[idx])]
            use[i] = "residential"
            floors[i] = max(int(floors[i]), 5)


_SPECIAL_NAMES = {
    "kindergarten": ("幼儿园", ("阳光", "童心", "小太阳", "蓓蕾", "育苗", "启明", "爱弥", "彩虹",
                             "春芽", "欣苗", "七色花", "小天使")),
    "school": ("学校", ()),
    "hospital": ("医院", ()),
    "care_home": ("养老院", ("康乐", "颐和", "福寿", "安康", "夕阳红", "松鹤", "椿萱", "怡年")),
}


def _names(rng, use, grid, t: Tiling) -> list:
    """Residential blocks are numbered per grid (N号楼); special buildings get names."""
    name: list = [None] * len(use)
    counters = np.zeros(len(t.grid_geom), int)
    k_school = k_hosp = 0
    comm_roots = [c.removesuffix("社区") for c in t.comm_name]
    for i, u in enumerate(use.tolist()):
        g = int(grid[i])
        root = comm_roots[t.grid_comm[g]]
        if u == "residential":
            counters[g] += 1
            name[i] = f"{root}{counters[g]}号楼"
        elif u == "kindergarten":
            pool = _SPECIAL_NAMES[u][1]
            name[i] = f"{root}{pool[int(rng.integers(len(pool)))]}幼儿园"
        elif u == "school":
            k_school += 1
            name[i] = (f"第{chinese_number(k_school // 3)}中学" if k_school % 3 == 0
                       else f"{root}小学")
        elif u == "hospital":
            k_hosp += 1
            name[i] = (f"{root}社区卫生服务中心" if k_hosp % 3
                       else f"第{chinese_number(k_hosp // 3)}人民医院")
        elif u == "care_home":
            pool = _SPECIAL_NAMES[u][1]
            name[i] = f"{root}{pool[int(rng.integers(len(pool)))]}养老院"
    return name
