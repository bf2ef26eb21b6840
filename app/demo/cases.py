"""A year of cases (案件) ending at ``now``, with their loop steps.

What: category mix of seed 002 by request type.  How reported: grid patrol
dominates, citizens use the 12345 hotline and the app, sensors raise a share of
hazards.  When: a seasonal year, fewer reports at weekends, office-hour peaks
(the hotline and the app run into the evening).  Where: inside the grid, next
to a building, more where people and shops are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from app.demo import lifecycle
from app.demo.buildings import Buildings
from app.demo.merchants import Merchants
from app.demo.population import Population
from app.demo.staff import Workers
from app.demo.tiling import Tiling
from app.demo.worktime import DAY, seconds
from app.domain.categories import CATEGORIES, KINDS, kind_shares
from app.domain.departments import department_id
from app.domain.sources import SOURCES

_SOURCE_BY_KIND = {  # patrol public hotline app instruction petition sensor
    "enquiry": (0.05, 0.25, 0.50, 0.18, 0.0, 0.02, 0.0),
    "suggestion": (0.10, 0.25, 0.35, 0.25, 0.03, 0.02, 0.0),
    "hardship": (0.35, 0.25, 0.25, 0.08, 0.03, 0.04, 0.0),
    "sanitation": (0.72, 0.06, 0.08, 0.06, 0.01, 0.0, 0.07),
    "dispute": (0.35, 0.30, 0.20, 0.05, 0.03, 0.07, 0.0),
    "hazard": (0.55, 0.10, 0.12, 0.08, 0.03, 0.01, 0.11),
}
_OFFICE = np.array([0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.4, 1.8, 1.8, 1.3,
                    0.6, 0.9, 1.5, 1.6, 1.4, 0.8, 0.3, 0.1, 0.05, 0, 0, 0])
_EVENING = np.array([0.05, 0.02, 0.01, 0.01, 0.02, 0.05, 0.2, 0.6, 1.2, 1.5, 1.5, 1.3,
                     0.9, 1.0, 1.2, 1.2, 1.1, 1.0, 1.0, 1.1, 1.0, 0.7, 0.4, 0.15])
_FLAT = np.array([0.5] * 6 + [0.8] * 2 + [1.2] * 10 + [0.9] * 4 + [0.6] * 2)
_HOURS = {"patrol": _OFFICE, "public": _OFFICE, "hotline": _EVENING, "app": _EVENING,
          "instruction": _OFFICE, "petition": _OFFICE, "sensor": _FLAT}
_WEEKDAY = {"patrol": (1, 1, 1, 1, 1, 0.45, 0.35), "sensor": (1,) * 7}
_WEEKDAY_DEFAULT = (1, 1, 1, 1, 0.95, 0.7, 0.6)
_DETAIL = {
    "sanitation": ("需尽快清理", "影响居民出行", "有异味, 居民反映强烈", "多次出现, 请加强巡查"),
    "hazard": ("存在安全隐患, 请尽快处置", "易造成人员伤害", "居民担心出事, 请现场查看"),
    "enquiry": ("居民询问办理流程", "咨询相关政策规定", "询问所需材料"),
    "suggestion": ("居民建议加以改进", "建议加强日常管理", "建议增设相关设施"),
    "hardship": ("居民生活困难, 请求帮助", "家中老人独居需关照", "问题影响日常生活"),
    "dispute": ("双方发生争执, 需调解", "矛盾反复出现, 请介入", "居民情绪激动"),
}


@dataclass
class Cases:
    category: np.ndarray  # object array of codes
    source: np.ndarray
    grid: np.ndarray
    x: np.ndarray
    y: np.ndarray
    department: np.ndarray
    reporter: np.ndarray  # worker index, -1 where none
    verifier: np.ndarray  # worker index of the grid's worker
    reported: np.ndarray  # float seconds (worktime.EPOCH)
    description: list[str]
    code: list[str]
    loop: lifecycle.Loop
    satisfaction: np.ndarray  # 0 where none


def _exact_counts(total: int, shares: np.ndarray) -> np.ndarray:
    raw = shares * total
    out = np.floor(raw).astype(int)
    out[np.argsort(-(raw - out))[: total - out.sum()]] += 1
    return out


def _times(rng, src: np.ndarray, now: datetime) -> np.ndarray:
    """Report times (seconds) over the year up to ``now``, by source-specific profiles."""
    n_days = 366
    first = datetime(now.year, now.month, now.day) - timedelta(days=n_days - 1)
    day0 = seconds(first)
    doy = np.array([(first + timedelta(days=d)).timetuple().tm_yday for d in range(n_days)])
    wday = np.array([(first + timedelta(days=d)).weekday() for d in range(n_days)])
    season = 1 + 0.22 * np.sin(2 * np.pi * (doy - 100) / 365)  # busier in summer
    day_w = season * rng.lognormal(0, 0.12, n_days)
    out = np.empty(len(src))
    for k, s in enumerate(SOURCES):
        idx = np.flatnonzero(src == k)
        if len(idx) == 0:
            continue
        wk = np.array(_WEEKDAY.get(s, _WEEKDAY_DEFAULT))[wday]
        w = (day_w * wk)[:, None] * _HOURS[s][None, :]
        w[-1, now.hour + 1:] = 0.0
        w[-1, now.hour] *= now.minute / 60
        cell = rng.choice(w.size, len(idx), p=(w / w.sum()).ravel())
        d, h = np.divmod(cell, 24)
        frac = rng.random(len(idx))
        today_now = (d == n_days - 1) & (h == now.hour)
        frac[today_now] *= now.minute / 60
        out[idx] = day0 + d * DAY + (h + frac) * 3600.0
    return np.floor(out)


def _workers_per_grid(w: Workers, n_grid: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last full-time grid worker of each grid (the same when there is one)."""
    idx = np.flatnonzero(w.role == "grid_worker")
    g = w.grid[idx]
    first = np.full(n_grid, -1)
    last = np.full(n_grid, -1)
    first[g[::-1]] = idx[::-1]
    last[g] = idx
    return first, last


def make_cases(rng: np.random.Generator, now: datetime, n: int, t: Tiling, b: Buildings,
               pop: Population, m: Merchants, w: Workers) -> Cases:
    """``n`` cases over the year up to ``now``; ids are in report-time order."""
    n_grid = len(t.grid_geom)
    shares = kind_shares()
    kind = np.repeat(np.arange(len(KINDS)), _exact_counts(n, np.array([shares[k] for k in KINDS])))
    kind = rng.permutation(kind)
    cat = np.empty(n, dtype=np.int64)
    src = np.empty(n, dtype=np.int64)
    for k, name in enumerate(KINDS):
        idx = np.flatnonzero(kind == k)
        members = [i for i, c in enumerate(CATEGORIES) if c.kind == name]
        cw = np.array([CATEGORIES[i].weight for i in members])
        cat[idx] = np.array(members)[rng.choice(len(members), len(idx), p=cw / cw.sum())]
        sw = np.array(_SOURCE_BY_KIND[name])
        src[idx] = rng.choice(len(SOURCES), len(idx), p=sw / sw.sum())
    reported = _times(rng, src, now)
    order = np.argsort(reported, kind="stable")
    cat, src, reported, kind = cat[order], src[order], reported[order], kind[order]

    # where: grid by people and shops, then a building of the grid, then a spot beside it
    merchants_per_grid = np.bincount(m.grid, minlength=n_grid)
    gw = pop.grid_residents + 40.0 * merchants_per_grid + 50.0
    grid = rng.choice(n_grid, n, p=gw / gw.sum())
    area = shapely.area(b.geom)
    bord = np.lexsort((np.arange(len(b.grid)), b.grid))
    bw = np.sqrt(area[bord])
    cum = np.cumsum(bw)
    g_end = np.searchsorted(b.grid[bord], np.arange(n_grid), side="right")
    g_start = np.searchsorted(b.grid[bord], np.arange(n_grid), side="left")
    lo = np.where(g_start > 0, cum[np.maximum(g_start - 1, 0)], 0.0)
    hi = cum[np.maximum(g_end - 1, 0)]
    pick = np.searchsorted(cum, lo[grid] + rng.random(n) * (hi[grid] - lo[grid]), side="left")
    building = bord[np.clip(pick, g_start[grid], g_end[grid] - 1)]
    cen = shapely.get_coordinates(shapely.centroid(b.geom[building]))
    x = cen[:, 0] + rng.normal(0, 12, n)
    y = cen[:, 1] + rng.normal(0, 12, n)
    safe = shapely.buffer(t.grid_geom, -1.0)
    shapely.prepare(safe)
    bad = ~shapely.contains_xy(safe[grid], x, y)
    x[bad], y[bad] = cen[bad, 0], cen[bad, 1]

    dept_of_cat = np.array([department_id(c.department) for c in CATEGORIES])
    limit = np.array([c.limit_hours for c in CATEGORIES])[cat]
    first, last = _workers_per_grid(w, n_grid)
    pick_second = rng.random(n) < 0.5
    worker = np.where(pick_second, last[grid], first[grid])
    patrol = src == SOURCES.index("patrol")
    reporter = np.where(patrol, worker, -1)
    fast = np.isin(src, [SOURCES.index(s) for s in ("patrol", "app", "sensor")])
    loop = lifecycle.simulate(rng, reported, limit, fast, seconds(now))

    evaluated = loop.status == "evaluated"
    sat = rng.choice([1, 2, 3, 4, 5], n, p=[0.02, 0.03, 0.10, 0.30, 0.55])
    worse = (loop.late | (loop.rework_count > 0)) & (rng.random(n) < 0.5)
    sat = np.where(worse, np.maximum(sat - 1, 1), sat)
    sat = np.where(evaluated, sat, 0)

    code = _codes(reported)
    det = rng.integers(0, 12, n)
    description = []
    bname = b.name
    for i in range(n):
        c = CATEGORIES[cat[i]]
        place = bname[building[i]] or t.grid_name[grid[i]]
        details = _DETAIL[c.kind]
        description.append(f"{place}附近{c.name}, {details[det[i] % len(details)]}")
    return Cases(
        category=np.array([c.code for c in CATEGORIES], dtype=object)[cat],
        source=np.array(SOURCES, dtype=object)[src], grid=grid, x=x, y=y,
        department=dept_of_cat[cat], reporter=reporter, verifier=worker, reported=reported,
        description=description, code=code, loop=loop, satisfaction=sat,
    )


def _codes(reported: np.ndarray) -> list[str]:
    """AJ + report date + 6-digit sequence of the day (cases sorted by time)."""
    day = np.floor(reported / DAY).astype(np.int64)
    start = np.searchsorted(day, day, side="left")
    seq = np.arange(len(day)) - start + 1
    dates = (np.datetime64("2000-01-03", "D") + day.astype("timedelta64[D]")).astype(str)
    return [f"AJ{d.replace('-', '')}{s:06d}" for d, s in zip(dates.tolist(), seq.tolist(),
                                                             strict=True)]
