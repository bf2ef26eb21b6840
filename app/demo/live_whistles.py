"""Whistles in progress at the demo's "now" (进行中的吹哨).

The year's whistles are all closed (Hongqiao, seed 001); an inspection team watching
the live district also wants to see the mechanism at work today: one just blown that
no department has reported in to yet, one where a department is late to report in
(it turns up on the supervision list), and one being handled for a few days.  Added
to the year's whistles (same ids and codes), with their timelines.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from app.demo.whistles import Whistles
from app.demo.worktime import seconds, to_datetime64, wall_time, work_position
from app.domain.departments import DEPARTMENTS, department_id

H = 3600.0
#: whistles in progress per scale (the small test district keeps only closed ones)
LIVE_WHISTLES = {"hongqiao": 3, "jinhua": 4}

# (title, departments, when it was blown, its report-in and finish limits, when each
#  department reported in and fed back (None: not yet)); all in working hours, blown
#  that long before now and the steps that long after the blow, so that whatever the
#  day and hour of "now" the second whistle is late to be reported in to
_SCENES = (
    ("{c}燃气管道泄漏隐患紧急排查", ("RQ", "YJ", "XF"), 0.4, 2.0, 27.0,
     (None, None, None), (None, None, None)),
    ("{c}老旧小区雨污管道堵塞", ("PS", "ZLS"), 3.5, 2.0, 27.0, (1.0, None), (None, None)),
    ("{c}占道经营综合整治", ("ZF", "SJ", "JJ"), 27.0, 8.0, 45.0, (3.0, 5.0, 2.5),
     (20.0, None, None)),
)


def add_live_whistles(seed: int, now: datetime, wh: Whistles, n: int, *,
                      street_ids: list[int], grid_ids: list[int], grid_street: np.ndarray,
                      grid_names: list[str], grid_xy: np.ndarray) -> dict[str, list]:
    """Append ``n`` whistles in progress at ``now`` to ``wh`` (rows and departments);
    returns their timeline (whistle_events columns).  Deterministic from ``seed``."""
    rng = np.random.default_rng(seed)
    events: dict[str, list] = {k: [] for k in ("whistle_id", "seq", "action", "department_id",
                                               "occurred_at", "actor", "actor_role", "note")}
    now_w = float(work_position(np.array([seconds(now)]))[0])
    wid = max(wh.rows["id"], default=0)
    for k in range(n):
        title, depts, ago, rep_h, fin_h, reports, feedbacks = _SCENES[k % len(_SCENES)]
        wid += 1
        street = k % len(street_ids)
        grids = np.flatnonzero(grid_street == street)
        grid = int(rng.choice(grids))
        blown_w = now_w - ago * H
        blown, rep_dl, fin_dl = (float(v) for v in wall_time(
            np.array([blown_w, blown_w + rep_h * H, blown_w + fin_h * H])))
        title = title.format(c=grid_names[grid].removesuffix("社区"))
        xy = grid_xy[grid] + rng.normal(0, 5, 2)
        day = to_datetime64(np.array([blown]))[0].astype(datetime)
        r = wh.rows
        for key, value in (("id", wid), ("code", f"CS{day:%Y%m%d}{wid:03d}"),
                           ("street_id", street_ids[street]), ("grid_id", grid_ids[grid]),
                           ("case_id", None), ("parent_whistle_id", None), ("round", 1),
                           ("title", title),
                           ("description", f"街道现场查看后启动吹哨报到机制: {title}, 请"
                            f"{'、'.join(DEPARTMENTS[department_id(d) - 1].short_name for d in depts)}"
                            f"按时报到处置。"),
                           ("x", xy[0]), ("y", xy[1]), ("blown_by_role", "street_secretary"),
                           ("blown_at", blown), ("report_deadline", rep_dl),
                           ("finish_deadline", fin_dl), ("status", _status(reports, feedbacks)),
                           ("closed_at", np.nan), ("supervised", False),
                           ("accountability", False)):
            r[key].append(value)
        steps = [(blown, "blow", None, "街道党工委书记", "street_secretary", title)]
        for d, rep, fed in zip(depts, reports, feedbacks, strict=True):
            dept = department_id(d)
            by = f"{DEPARTMENTS[dept - 1].short_name}值班员" if rep is not None else None
            rep_at = _after(blown_w, rep)
            fed_at = _after(blown_w, fed)
            for key, value in (("whistle_id", wid), ("department_id", dept),
                               ("reported_at", rep_at), ("reported_by", by),
                               ("handled_at", fed_at), ("fed_back_at", fed_at), ("rating", 0),
                               ("rating_comment", None), ("rated_at", np.nan)):
                wh.dept_rows[key].append(value)
            if rep is not None:
                steps.append((rep_at, "report_in", dept, by, "department_handler", by))
            if fed is not None:
                steps.append((fed_at, "feed_back", dept, by, "department_handler", "已处置完毕"))
        for seq, (at, action, dept, actor, role, note) in enumerate(sorted(steps, key=_at), 1):
            for key, value in (("whistle_id", wid), ("seq", seq), ("action", action),
                               ("department_id", dept), ("occurred_at", at), ("actor", actor),
                               ("actor_role", role), ("note", note)):
                events[key].append(value)
    return events


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
