"""Whistles (街道吹哨、部门报到) and the streets' monthly appraisal (下考上).

Hongqiao blew 88 whistles in a year, all closed (seed 001): a street party
secretary or office director blows, one to three departments report in
within the limit, handle, feed back and are rated by the street.  A late
report-in puts the whistle under supervision (督办) by the supervision office;
an unsolved whistle leads to a second whistle (二次哨) that the district
leaders must answer too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from app.demo.cases import Cases
from app.demo.names import person_names
from app.demo.tiling import Tiling
from app.demo.worktime import DAY, add_work_hours, seconds
from app.domain.departments import DEPARTMENTS, LEADERSHIP, department_id

H = 3600.0

# title template, departments that answer it
_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{c}闲置空地垃圾堆积整治", ("CG", "HW", "YL")),
    ("{c}平楼旱厕改造", ("ZJ", "HW", "FG")),
    ("{c}大树倒伏应急处置", ("YL", "GD", "SZ")),
    ("{c}老旧小区雨污管道堵塞", ("PS", "ZLS", "SW")),
    ("{c}违法建设拆除", ("ZF", "GH", "ZJ")),
    ("{c}占道经营综合整治", ("ZF", "SJ", "JJ")),
    ("{c}楼道电动车充电隐患整治", ("XF", "YJ", "GD")),
    ("{c}供热管线漏水抢修", ("RL", "SZ")),
    ("{c}燃气管道老化隐患排查", ("RQ", "YJ", "ZJ")),
    ("{c}废品收购站扰民整治", ("ZF", "ST", "SJ")),
    ("{c}道路积水内涝处置", ("PS", "SZ", "SW")),
    ("{c}无主楼院物业托管", ("FG", "ZJ", "MZ")),
    ("{c}路灯大面积不亮", ("CG", "GD")),
    ("{c}餐饮油烟扰民整治", ("ST", "SJ", "ZF")),
    ("{c}小区停车秩序整治", ("JJ", "GA", "CG")),
    ("{c}幼儿园周边交通安全", ("JJ", "JY", "GA")),
    ("{c}独居老人安全隐患", ("MZ", "WJ")),
    ("{c}工地夜间施工扰民", ("ZJ", "ST", "ZF")),
)
_TITLES = ("科长", "副局长", "队长", "站长", "主任", "副主任")
_COMMENTS = {
    5: ("报到及时, 处置彻底, 群众满意", "响应迅速, 效果明显", "主动担当, 值得肯定"),
    4: ("处置较好, 个别细节待完善", "报到及时, 整改基本到位"),
    3: ("处置一般, 需加强沟通", "进度偏慢"),
    2: ("报到不及时, 问题未彻底解决", "推诿扯皮, 需督办"),
    1: ("未按时报到, 群众意见较大",),
}


@dataclass
class Whistles:
    rows: dict[str, list] = field(default_factory=dict)
    dept_rows: dict[str, list] = field(default_factory=dict)
    appraisal: dict[str, list] = field(default_factory=dict)


def _dt(s: float) -> datetime:
    return datetime(2000, 1, 3) + timedelta(seconds=round(float(s)))


def make_whistles(rng: np.random.Generator, now: datetime, t: Tiling, cases: Cases,
                  street_ids: list[int], grid_ids: list[int], n_total: int,
                  n_second: int, grid_xy: np.ndarray) -> Whistles:
    """``n_total`` whistles (of which ``n_second`` second whistles) over the past year."""
    now_s = seconds(now)
    n_first = n_total - n_second
    grid_street = t.comm_street[t.grid_comm]
    names = iter(person_names(rng, 8 * n_total + 10))
    w_cols = {k: [] for k in ("id", "code", "street_id", "grid_id", "case_id", "parent_whistle_id",
                              "round", "title", "description", "x", "y", "blown_by_role",
                              "blown_at", "report_deadline", "finish_deadline", "status",
                              "closed_at", "supervised", "supervised_at",
                              "accountability")}
    d_cols = {k: [] for k in ("whistle_id", "department_id", "reported_at", "reported_by",
                              "handled_at", "fed_back_at", "rating", "rating_comment", "rated_at")}
    # blow times: working hours, at least 40 days ago so that every whistle is closed
    day0 = seconds(now) - 365 * DAY
    blown = np.sort(day0 + rng.uniform(0, 320, n_first) * DAY)
    blown = add_work_hours(blown, rng.uniform(0, 2, n_first))
    # second whistles follow early first ones, so that they too are closed long before now
    early = max(n_second, n_first // 2)
    seconds_for = set(rng.choice(early, n_second, replace=False).tolist()) if n_second else set()
    case_grid_order = np.argsort(cases.grid, kind="stable")
    case_grid_sorted = cases.grid[case_grid_order]

    def blow(wid, street, grid, topic, title, blown_at, depts, rnd, parent, case_id, unsolved):
        urgent = rng.random() < 0.6
        rep_dl = add_work_hours(np.array([blown_at]), np.array([2.0 if urgent else 8.0]))[0]
        fin_days = int(rng.integers(3, 21))
        fin_dl = add_work_hours(np.array([blown_at]), np.array([fin_days * 9.0]))[0]
        late_any = False
        last_fb = blown_at
        for d in depts:
            late = rng.random() < 0.08 or (unsolved and rng.random() < 0.5)
            rep = blown_at + (rep_dl - blown_at) * rng.uniform(0.1, 0.9)
            if late:
                rep = rep_dl + rng.uniform(0.5, 6) * H
            handled = add_work_hours(np.array([rep]), np.array([rng.uniform(4, fin_days * 9 * 0.8)]))[0]
            if rng.random() < 0.05:
                handled = fin_dl + rng.uniform(2, 48) * H
                late = True
            fed = handled + rng.uniform(0.5, 24) * H
            rating = int(rng.choice([5, 4, 3, 2, 1], p=[0.55, 0.3, 0.1, 0.04, 0.01]))
            if late or unsolved:
                rating = min(rating, int(rng.integers(2, 4)))
            comments = _COMMENTS[rating]
            late_any |= late
            last_fb = max(last_fb, fed)
            d_cols["whistle_id"].append(wid)
            d_cols["department_id"].append(department_id(d))
            d_cols["reported_at"].append(rep)
            d_cols["reported_by"].append(f"{next(names)}({_TITLES[int(rng.integers(len(_TITLES)))]})")
            d_cols["handled_at"].append(handled)
            d_cols["fed_back_at"].append(fed)
            d_cols["rating"].append(rating)
            d_cols["rating_comment"].append(comments[int(rng.integers(len(comments)))])
            d_cols["rated_at"].append(fed + rng.uniform(2, 72) * H)
        # closed after the street's last rating (下考上 comes before 结案), yet in the past
        last_rated = max(d_cols["rated_at"][-len(depts):])
        closed = max(last_rated, min(last_rated + rng.uniform(1, 48) * H, now_s - 3 * DAY))
        xy = grid_xy[grid] + rng.normal(0, 5, 2)
        comm_name = t.comm_name[t.grid_comm[grid]]
        w_cols["id"].append(wid)
        w_cols["code"].append(f"CS{_dt(blown_at):%Y%m%d}{wid:03d}")
        w_cols["street_id"].append(street_ids[street])
        w_cols["grid_id"].append(grid_ids[grid])
        w_cols["case_id"].append(case_id)
        w_cols["parent_whistle_id"].append(parent)
        w_cols["round"].append(rnd)
        w_cols["title"].append(title)
        w_cols["description"].append(
            f"{comm_name}居民多次反映, 街道现场查看后启动吹哨报到机制: {title}, "
            f"请{'、'.join(DEPARTMENTS[department_id(d) - 1].short_name for d in depts)}按时报到处置。")
        w_cols["x"].append(xy[0])
        w_cols["y"].append(xy[1])
        w_cols["blown_by_role"].append("street_secretary" if rng.random() < 0.55 else "street_director")
        w_cols["blown_at"].append(blown_at)
        w_cols["report_deadline"].append(rep_dl)
        w_cols["finish_deadline"].append(fin_dl)
        w_cols["status"].append("closed")
        w_cols["closed_at"].append(closed)
        w_cols["supervised"].append(late_any)
        w_cols["supervised_at"].append(np.nan)
        w_cols["accountability"].append(bool(late_any and rng.random() < 0.15))
        return last_fb

    wid = 0
    for i in range(n_first):
        wid += 1
        street = int(rng.integers(len(t.street_name)))
        grids = np.flatnonzero(grid_street == street)
        grid = int(rng.choice(grids))
        ti = int(rng.integers(len(_TOPICS)))
        template, pool = _TOPICS[ti]
        title = template.format(c=t.comm_name[t.grid_comm[grid]].removesuffix("社区"))
        k = int(rng.integers(1, min(3, len(pool)) + 1))
        depts = [pool[j] for j in sorted(rng.choice(len(pool), k, replace=False).tolist())]
        case_id = None
        if rng.random() < 0.35:
            lo = np.searchsorted(case_grid_sorted, grid, "left")
            hi = np.searchsorted(case_grid_sorted, grid, "right")
            cand = case_grid_order[lo:hi]
            cand = cand[(cases.reported[cand] < blown[i]) & (cases.reported[cand] > blown[i] - 60 * DAY)]
            if len(cand):
                case_id = int(rng.choice(cand)) + 1
        unsolved = i in seconds_for
        last_fb = blow(wid, street, grid, ti, title, float(blown[i]), depts, 1, None, case_id,
                       unsolved)
        if unsolved:  # 二次哨: the street blows again, district leaders report in as well
            parent = wid
            wid += 1
            again = add_work_hours(np.array([last_fb + rng.uniform(1, 5) * DAY]), np.array([1.0]))[0]
            blow(wid, street, grid, ti, f"二次哨: {title}", float(again),
                 depts + [LEADERSHIP], 2, parent, case_id, False)
    return Whistles(rows=w_cols, dept_rows=d_cols,
                    appraisal=_appraisal(rng, now, street_ids, d_cols))


def _appraisal(rng, now: datetime, street_ids: list[int], d_cols: dict) -> dict[str, list]:
    """Monthly 0-100 scores of every department by every street for the last 12 months."""
    rated = [i + 1 for i, d in enumerate(DEPARTMENTS) if d.kind in ("bureau", "utility")]
    base = {d: rng.uniform(80, 95) for d in rated}
    bias = {s: rng.normal(0, 2) for s in street_ids}
    # departments rated poorly on whistles lose points in that month
    penalty: dict[tuple[str, int], float] = {}
    for d, r, at in zip(d_cols["department_id"], d_cols["rating"], d_cols["rated_at"], strict=True):
        key = (f"{_dt(at):%Y-%m}", d)
        penalty[key] = penalty.get(key, 0.0) + max(0, 4 - r) * 2.0
    cols: dict[str, list] = {k: [] for k in ("period", "street_id", "department_id", "score",
                                             "comment", "rated_by_role", "rated_at")}
    y, m = now.year, now.month
    for back in range(12, 0, -1):
        mm = m - back
        yy = y + (mm - 1) // 12
        mm = (mm - 1) % 12 + 1
        period = f"{yy:04d}-{mm:02d}"
        ny, nm = (yy + 1, 1) if mm == 12 else (yy, mm + 1)
        rated_at = datetime(ny, nm, 3, 10, 0)
        for s in street_ids:
            for d in rated:
                score = base[d] + bias[s] + rng.normal(0, 3) - penalty.get((period, d), 0.0)
                score = float(np.clip(round(score, 1), 60, 100))
                cols["period"].append(period)
                cols["street_id"].append(s)
                cols["department_id"].append(d)
                cols["score"].append(score)
                cols["comment"].append(
                    "响应迅速, 群众满意" if score >= 95 else "配合较好" if score >= 90
                    else "基本满意" if score >= 80 else "响应不及时, 需改进")
                cols["rated_by_role"].append("street_secretary")
                cols["rated_at"].append(min(rated_at, now))
    return cols
