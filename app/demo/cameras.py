"""Video points (技防设施) of the five owning departments.

Hongqiao connected 4,500 video and sensor points from 公安, 教育, 卫健, 安监 and
民政, among them 2,000 kindergarten cameras (DOMAIN.md section 6).  Police
cameras watch road crossings of the block network; the others hang on the
walls of kindergartens, schools, hospitals, care homes and high-hazard firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.demo.buildings import Buildings
from app.demo.merchants import Merchants
from app.demo.scales import Scale
from app.demo.tiling import Tiling
from app.domain.departments import (
    CIVIL_AFFAIRS,
    EDUCATION,
    EMERGENCY,
    HEALTH,
    POLICE,
    department_id,
)

KINDERGARTEN_SHARE = 2000 / 4500
_SPOTS = {
    "kindergarten": ("大门", "教室", "操场", "走廊", "午睡室", "厨房", "楼梯口"),
    "school": ("校门", "操场", "教学楼走廊", "食堂", "围墙"),
    "hospital": ("门诊大厅", "急诊", "药房", "住院部走廊", "停车场"),
    "care_home": ("大厅", "餐厅", "走廊", "活动室"),
    "enterprise": ("出入口", "库房", "作业区"),
}
_OWNER = {"kindergarten": EDUCATION, "school": EDUCATION, "hospital": HEALTH,
          "care_home": CIVIL_AFFAIRS, "enterprise": EMERGENCY, "street": POLICE}
_PER_SITE = {"school": (8, 14), "hospital": (18, 32), "care_home": (5, 10)}
_DIRS = ("北向", "东向", "南向", "西向")
#: the demo clip (app/video/demo_media.py SCENES) that fits a camera of a kind at a spot:
#: a kindergarten corridor camera shows a corridor, not a school gate
_SPOT_SCENES = {
    "kindergarten": {"大门": "kindergarten_gate", "走廊": "kindergarten_corridor",
                     "楼梯口": "kindergarten_corridor"},
    "school": {"校门": "school", "操场": "school_yard", "教学楼走廊": "school_corridor",
               "食堂": "school_corridor", "围墙": "street"},
}
_KIND_SCENE = {"kindergarten": "kindergarten", "school": "school", "hospital": "hospital",
               "care_home": "care_home", "enterprise": "enterprise"}
#: crossings in the grids with the most shops (this share of them) look onto a market street
MARKET_GRID_SHARE = 0.15


@dataclass
class Cameras:
    code: list[str]
    name: list[str]
    kind: list[str]
    department_id: np.ndarray
    grid: np.ndarray
    building: np.ndarray  # -1 where none
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    fov: np.ndarray
    online: np.ndarray
    #: the demo clip's scene that fits where the camera hangs (see :data:`_SPOT_SCENES`)
    scene: list[str]


def _split(rng, total: int, sites: int) -> np.ndarray:
    """``total`` cameras over ``sites`` sites, roughly even."""
    if sites == 0:
        return np.zeros(0, int)
    w = rng.uniform(0.7, 1.3, sites)
    base = np.floor(w / w.sum() * total).astype(int)
    base[: total - base.sum()] += 1
    return base


def _on_walls(rng, geoms: np.ndarray):
    """Points just inside each footprint's outline, looking outwards."""
    u = rng.random(len(geoms))
    p = shapely.line_interpolate_point(shapely.boundary(geoms), u, normalized=True)
    c = shapely.centroid(geoms)
    pxy, cxy = shapely.get_coordinates(p), shapely.get_coordinates(c)
    d = pxy - cxy
    xy = pxy - 0.8 * d / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)[:, None]
    heading = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360  # compass bearing
    return xy, heading


def place_cameras(rng: np.random.Generator, t: Tiling, b: Buildings, m: Merchants,
                  scale: Scale) -> Cameras:
    """All ``scale.cameras`` video points."""
    b_idx, kinds = [], []
    kg = np.flatnonzero(b.use == "kindergarten")
    for i, k in zip(kg, _split(rng, round(scale.cameras * KINDERGARTEN_SHARE), len(kg)), strict=True):
        b_idx.extend([i] * k)
        kinds.extend(["kindergarten"] * k)
    for use, (lo, hi) in _PER_SITE.items():
        for i in np.flatnonzero(b.use == use).tolist():
            k = int(rng.integers(lo, hi + 1))
            b_idx.extend([i] * k)
            kinds.extend([use] * k)
    # high-hazard firms (安监): industrial sheds and class-1 merchants' buildings
    firms = np.unique(np.concatenate([np.flatnonzero(b.use == "industrial"),
                                      m.building[m.hazard == 1]]))
    n_ent = min(len(firms) * 2, round(scale.cameras * 0.065))
    ent = rng.choice(firms, n_ent, replace=len(firms) < n_ent) if len(firms) else []
    b_idx.extend(np.asarray(ent).tolist())
    kinds.extend(["enterprise"] * n_ent)

    b_idx = np.array(b_idx, dtype=np.int64)
    xy, heading = _on_walls(rng, b.geom[b_idx])
    fov = rng.uniform(70, 110, len(b_idx))

    # police cameras at crossings, major crossings first, two directions where needed
    n_street = max(0, scale.cameras - len(b_idx))
    order = np.argsort(~t.crossing_major + rng.random(len(t.crossings)) * 0.8, kind="stable")
    cross = np.resize(order, n_street)
    gi = t.crossing_grid[cross]
    target = shapely.get_coordinates(shapely.point_on_surface(t.grid_geom[gi]))
    d = target - t.crossings[cross]
    nudge = t.crossings[cross] + 4.0 * d / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)[:, None]
    # a concave grid may not hold the nudged point: take a spot of the grid near the crossing
    bad = np.flatnonzero(~shapely.contains_xy(t.grid_geom[gi], nudge[:, 0], nudge[:, 1]))
    if len(bad):
        near = shapely.intersection(t.grid_geom[gi[bad]],
                                    shapely.buffer(shapely.points(t.crossings[cross[bad]]), 6.0))
        nudge[bad] = shapely.get_coordinates(shapely.point_on_surface(near))
    ang = t.grid_angle[gi] + rng.integers(0, 4, n_street) * np.pi / 2 + rng.normal(0, 0.05, n_street)
    s_heading = (90.0 - np.degrees(ang)) % 360  # math angle -> compass bearing

    n = len(b_idx) + n_street
    kind = kinds + ["street"] * n_street
    dept = np.array([department_id(_OWNER[k]) for k in kind], dtype=np.int64)
    seq: dict[str, int] = {}
    code, name = [], []
    bnames = b.name
    spots = rng.integers(0, 1000, n)
    street_of_grid = t.comm_street[t.grid_comm]
    shops = np.bincount(m.grid, minlength=len(t.grid_geom))
    market = shops >= np.quantile(shops, 1 - MARKET_GRID_SHARE) if len(shops) else shops > 0
    scene = []
    for i, k in enumerate(kind):
        owner = _OWNER[k]
        seq[owner] = seq.get(owner, 0) + 1
        code.append(f"{owner}{seq[owner]:05d}")
        if k == "street":
            g = int(gi[i - len(b_idx)])
            c = int(cross[i - len(b_idx)])
            name.append(f"{t.street_name[street_of_grid[g]]}路口{c + 1:04d}"
                        f"{_DIRS[spots[i] % 4]}")
            scene.append("market" if market[g] else
                         "crossing" if t.crossing_major[c] else "street")
        else:
            bi = int(b_idx[i])
            where = bnames[bi] or ("企业" if k == "enterprise" else "")
            pool = _SPOTS[k]
            spot = pool[spots[i] % len(pool)]
            name.append(f"{where}{spot}{spots[i] % 7 + 1}号")
            scene.append(_SPOT_SCENES.get(k, {}).get(spot, _KIND_SCENE[k]))
    return Cameras(
        code=code, name=name, kind=kind, department_id=dept,
        grid=np.concatenate([b.grid[b_idx], gi]).astype(np.int64),
        building=np.concatenate([b_idx, np.full(n_street, -1)]),
        x=np.concatenate([xy[:, 0], nudge[:, 0]]), y=np.concatenate([xy[:, 1], nudge[:, 1]]),
        heading=np.concatenate([heading, s_heading]).astype(np.float32),
        fov=np.concatenate([fov, rng.uniform(50, 90, n_street)]).astype(np.float32),
        online=rng.random(n) < 0.97, scene=scene,
    )


def demo_streams(codes: list[str], scenes: list[str]) -> dict[str, list[str]]:
    """The stream addresses of demo cameras: a main stream and a sub-stream (辅码流), both
    played from the demo clips of the camera's scene (app.video.streams resolves
    ``demo://camera/<code>?scene=<scene>``)."""
    return {"stream_url": [f"demo://camera/{c}?scene={s}" for c, s in zip(codes, scenes,
                                                                         strict=True)],
            "substream_url": [f"demo://camera/{c}?scene={s}&stream=sub"
                              for c, s in zip(codes, scenes, strict=True)]}
