"""Whistles in progress at the demo's "now" (进行中的吹哨).

The year's whistles are all closed (Hongqiao, seed 001); an inspection team watching
the live district also wants to see the mechanism at work today: one just blown that
no department has reported in to yet, one where a department is late to report in
(overdue and taken on the supervision list, 督办), one being handled for a few days,
and one that went past its finish limit, was supervised and led to a second whistle
(二次哨) that the district leaders are now reporting in to.  Added to the year's
whistles (same ids and codes), with their timelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.demo.whistles import Whistles
from app.demo.worktime import seconds, to_datetime64, wall_time, work_position
from app.domain.departments import DEPARTMENTS, LEADERSHIP, department_id

H = 3600.0
#: scenes in progress per scale (the small test district keeps only closed whistles;
#: tests that want live ones set it); the last scene adds two whistles (the first and
#: its second whistle)
LIVE_WHISTLES = {"hongqiao": 4, "jinhua": 4}


@dataclass(frozen=True)
class Scene:
    """One whistle in progress; every time is in working hours: ``ago`` before now, the
    rest after the blow, so that whatever the day and hour of "now" the story holds."""

    title: str
    depts: tuple[str, ...]
    ago: float
    report_h: float  # report-in limit
    finish_h: float  # finish limit
    reports: tuple[float | None, ...]  # per department (None: not yet)
    feedbacks: tuple[float | None, ...]
    supervised: float | None = None  # 督办 by the supervision office
    #: 二次哨 at this hour, with the second whistle's limits, report-ins and feedbacks
    second: tuple[float, float, float, tuple, tuple] | None = None


_SCENES = (
    Scene("{c}燃气管道泄漏隐患紧急排查", ("RQ", "YJ", "XF"), 0.4, 2.0, 27.0,
          (None, None, None), (None, None, None)),
    Scene("{c}老旧小区雨污管道堵塞", ("PS", "ZLS"), 3.5, 2.0, 27.0, (1.0, None), (None, None),
          supervised=2.5),
    Scene("{c}占道经营综合整治", ("ZF", "SJ", "JJ"), 27.0, 8.0, 45.0, (3.0, 5.0, 2.5),
          (20.0, None, None)),
    Scene("{c}违法建设拆除", ("ZF", "GH", "ZJ"), 53.0, 8.0, 45.0, (2.0, 3.0, 6.0),
          (None, None, 30.0), supervised=46.0,
          second=(50.0, 2.0, 27.0, (0.5, 1.0, 1.5, 0.8), (None, None, None, None))),
)
_SECRETARY = ("街道党工委书记", "street_secretary")
_SUPERVISOR = ("区委督查室", "supervision_office")


def add_live_whistles(seed: int, now: datetime, wh: Whistles, n: int, *,
                      street_ids: list[int], grid_ids: list[int], grid_street: np.ndarray,
                      grid_names: list[str], grid_xy: np.ndarray) -> dict[str, list]:
    """Append the whistles of ``n`` scenes in progress at ``now`` to ``wh`` (rows and
    departments); returns their timeline (whistle_events columns).  Deterministic from
    ``seed``."""
    rng = np.random.default_rng(seed)
    events: dict[str, list] = {k: [] for k in ("whistle_id", "seq", "action", "department_id",
                                               "occurred_at", "actor", "actor_role", "note")}
    now_w = float(work_position(np.array([seconds(now)]))[0])
    wid = max(wh.rows["id"], default=0)
    for k in range(n):
        sc = _SCENES[k % len(_SCENES)]
        street = k % len(street_ids)
        grid = int(rng.choice(np.flatnonzero(grid_street == street)))
        place = dict(street_id=street_ids[street], grid_id=grid_ids[grid],
                     xy=grid_xy[grid] + rng.normal(0, 5, 2))
        title = sc.title.format(c=grid_names[grid].removesuffix("社区"))
        blown_w = now_w - sc.ago * H
        wid += 1
        steps = _whistle(wh, wid, None, 1, title, blown_w, sc.depts, sc.report_h, sc.finish_h,
                         sc.reports, sc.feedbacks, sc.supervised, place)
        if sc.second is not None:
            at, rep_h, fin_h, reports, feedbacks = sc.second
            parent = wid
            wid += 1
            code = _code(float(wall_time(np.array([blown_w + at * H]))[0]), wid)
            steps.append((_after(blown_w, at), "second", None, *_SECRETARY, f"→ {code}"))
            _timeline(events, parent, steps)
            steps = _whistle(wh, wid, parent, 2, f"二次哨: {title}", blown_w + at * H,
                             (*sc.depts, LEADERSHIP), rep_h, fin_h, reports, feedbacks, None,
                             place)
        _timeline(events, wid, steps)
    return events


def _whistle(wh: Whistles, wid: int, parent: int | None, rnd: int, title: str, blown_w: float,
             depts: tuple[str, ...], rep_h: float, fin_h: float, reports: tuple,
             feedbacks: tuple, supervised: float | None, place: dict) -> list[tuple]:
    """One whistle's row and department rows; returns its steps (time, action, …)."""
    blown, rep_dl, fin_dl = (float(v) for v in wall_time(
        np.array([blown_w, blown_w + rep_h * H, blown_w + fin_h * H])))
    names = "、".join(DEPARTMENTS[department_id(d) - 1].short_name for d in depts)
    sup_at = _after(blown_w, supervised)
    for key, value in (("id", wid), ("code", _code(blown, wid)),
                       ("street_id", place["street_id"]), ("grid_id", place["grid_id"]),
                       ("case_id", None), ("parent_whistle_id", parent), ("round", rnd),
                       ("title", title),
                       ("description", f"街道现场查看后启动吹哨报到机制: {title}, 请{names}按时报到处置。"),
                       ("x", place["xy"][0]), ("y", place["xy"][1]),
                       ("blown_by_role", "street_secretary"), ("blown_at", blown),
                       ("report_deadline", rep_dl), ("finish_deadline", fin_dl),
                       ("status", _status(reports, feedbacks)), ("closed_at", np.nan),
                       ("supervised", supervised is not None), ("supervised_at", sup_at),
                       ("accountability", False)):
        wh.rows[key].append(value)
    steps = [(blown, "blow", None, *_SECRETARY, title if rnd == 1 else "二次哨")]
    for d, rep, fed in zip(depts, reports, feedbacks, strict=True):
        dept = department_id(d)
        by = f"{DEPARTMENTS[dept - 1].short_name}值班员" if rep is not None else None
        rep_at, fed_at = _after(blown_w, rep), _after(blown_w, fed)
        for key, value in (("whistle_id", wid), ("department_id", dept),
                           ("reported_at", rep_at), ("reported_by", by),
                           ("handled_at", fed_at), ("fed_back_at", fed_at), ("rating", 0),
                           ("rating_comment", None), ("rated_at", np.nan)):
            wh.dept_rows[key].append(value)
        if rep is not None:
            steps.append((rep_at, "report_in", dept, by, "department_handler", by))
        if fed is not None:
            steps.append((fed_at, "feed_back", dept, by, "department_handler", "已处置完毕"))
    if supervised is not None:
        steps.append((sup_at, "supervise", None, *_SUPERVISOR, "逾期, 列入督办"))
    return steps


def _timeline(events: dict[str, list], wid: int, steps: list[tuple]) -> None:
    for seq, (at, action, dept, actor, role, note) in enumerate(sorted(steps, key=_at), 1):
        for key, value in (("whistle_id", wid), ("seq", seq), ("action", action),
                           ("department_id", dept), ("occurred_at", at), ("actor", actor),
                           ("actor_role", role), ("note", note)):
            events[key].append(value)


def _code(blown: float, wid: int) -> str:
    """A whistle's code: CS, the day it was blown, its number."""
    return f"CS{to_datetime64(np.array([blown]))[0].astype(datetime):%Y%m%d}{wid:03d}"


def _after(blown_w: float, hours: float | None) -> float:
    """The wall time ``hours`` working hours after the blow (NaN: not yet)."""
    return float(wall_time(np.array([blown_w + hours * H]))[0]) if hours is not None else np.nan


def _at(step: tuple) -> float:
    return step[0]


def _status(reports: tuple, feedbacks: tuple) -> str:
    """The whistle's status from its departments (as app.workflow.whistle_machine says)."""
    if all(f is not None for f in feedbacks):
        return "fed_back"
    if all(r is not None for r in reports):
        return "handling"
    return "reported" if any(r is not None for r in reports) else "blown"
