"""The case closed loop (事件闭环), simulated for whole arrays of cases at once.

Every case follows a fixed list of possible steps (slots).  Flags switch the
optional ones on (return 回退, park 挂账, extend 延期, defer 缓办, rework 返工,
evaluation 评价); each present step gets a time after the previous one.  The
steps a case has actually taken are those that happened before ``now``, so
today's cases stop at open stages by themselves.  A few older cases stall
(they are the overdue ones on the big screen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.demo.worktime import add_work_hours

# slot: (action, from_status, to_status, actor_role)
SLOTS: tuple[tuple[str, str | None, str, str], ...] = (
    ("accept", None, "accepted", "operator"),  # 0 受理
    ("void", "accepted", "voided", "operator"),  # 1 作废
    ("register", "accepted", "registered", "operator"),  # 2 立案
    ("dispatch", "registered", "dispatched", "operator"),  # 3 派遣
    ("return", "dispatched", "returned", "department"),  # 4 回退
    ("dispatch", "returned", "dispatched", "operator"),  # 5 重新派遣
    ("park", "dispatched", "parked", "operator"),  # 6 挂账
    ("extend", "dispatched", "extended", "department"),  # 7 延期
    ("defer", "dispatched", "deferred", "department"),  # 8 缓办
    ("handle", "dispatched", "handled", "department"),  # 9 处置
    ("feed_back", "handled", "fed_back", "department"),  # 10 反馈
    ("rework", "fed_back", "dispatched", "grid_worker"),  # 11 核查不通过, 返工
    ("handle", "dispatched", "handled", "department"),  # 12
    ("feed_back", "handled", "fed_back", "department"),  # 13
    ("rework", "fed_back", "dispatched", "grid_worker"),  # 14
    ("handle", "dispatched", "handled", "department"),  # 15
    ("feed_back", "handled", "fed_back", "department"),  # 16
    ("verify", "fed_back", "verified", "grid_worker"),  # 17 核查
    ("close", "verified", "closed", "operator"),  # 18 结案
    ("evaluate", "closed", "evaluated", "public"),  # 19 评价
)
N_SLOTS = len(SLOTS)
ACTIONS = np.array([s[0] for s in SLOTS], dtype=object)
FROM = np.array([s[1] for s in SLOTS], dtype=object)
TO = np.array([s[2] for s in SLOTS], dtype=object)
ACTORS = np.array([s[3] for s in SLOTS], dtype=object)
NOTES = np.array([None, "重复上报, 作废", None, None, "非本部门职责, 申请回退", None,
                  "历史遗留问题, 暂不具备解决条件, 挂账", "需协调产权单位, 申请延期",
                  "纳入专项整治计划, 申请缓办", None, None, "核查未通过: 整改不到位",
                  None, None, "核查未通过: 问题反复", None, None, None, None, None], dtype=object)
HANDLE_SLOTS = (9, 12, 15)
FEEDBACK_SLOTS = (10, 13, 16)
MIN = 60.0
HOUR = 3600.0
DAY = 86_400.0


@dataclass
class Loop:
    """Outcome of the loop simulation (times: float seconds since worktime.EPOCH)."""

    taken: np.ndarray  # (N, N_SLOTS) bool
    times: np.ndarray  # (N, N_SLOTS) float, NaN where absent
    status: np.ndarray  # (N,) object
    deadline: np.ndarray  # (N,) float, NaN before dispatch
    rework_count: np.ndarray
    from_status_slot9: np.ndarray  # (N,) object: what 'handle' slot 9 starts from
    late: np.ndarray  # handled after the deadline


def _lognorm(rng, median: float | np.ndarray, sigma: float, n: int) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma, n))


def simulate(rng: np.random.Generator, reported: np.ndarray, limit_hours: np.ndarray,
             fast_intake: np.ndarray, now: float) -> Loop:
    """Run the loop for cases reported at ``reported`` (seconds) up to ``now``."""
    n = len(reported)
    u = rng.random((8, n))
    void = u[0] < 0.0025
    ret = ~void & (u[1] < 0.03)
    park = ~void & (u[2] < 0.0003)
    ext = ~void & ~park & (u[3] < 0.02)
    defer = ~void & ~park & ~ext & (u[3] > 1 - 0.004)
    rw1 = ~void & ~park & (u[4] < 0.05)
    rw2 = rw1 & (u[5] < 0.12)
    evaluate = u[6] < 0.55

    present = np.zeros((n, N_SLOTS), bool)
    present[:, 0] = True
    present[:, 1] = void
    rest = ~void
    present[:, 2] = present[:, 3] = rest
    present[:, 4] = present[:, 5] = ret
    present[:, 6] = park
    present[:, 7] = ext
    present[:, 8] = defer
    loop = rest & ~park
    for k in (9, 10, 17, 18):
        present[:, k] = loop
    present[:, 11] = present[:, 12] = present[:, 13] = rw1
    present[:, 14] = present[:, 15] = present[:, 16] = rw2
    present[:, 19] = loop & evaluate

    lim = limit_hours.astype(float)
    T = np.full((n, N_SLOTS), np.nan)
    # intake by the 24-hour duty desk: minutes (app/patrol reports arrive pre-filled)
    acc = reported + _lognorm(rng, np.where(fast_intake, 4.0, 25.0), 0.7, n) * MIN
    acc = np.where(acc > now, reported + (now - reported) * rng.random(n), acc)
    T[:, 0] = acc
    T[:, 1] = acc + rng.uniform(10, 120, n) * MIN
    T[:, 2] = acc + _lognorm(rng, 10.0, 0.7, n) * MIN
    T[:, 3] = T[:, 2] + _lognorm(rng, 15.0, 0.7, n) * MIN
    T[:, 4] = add_work_hours(T[:, 3], rng.uniform(0.5, 4.0, n))
    T[:, 5] = T[:, 4] + _lognorm(rng, 40.0, 0.6, n) * MIN
    last_dispatch = np.where(ret, T[:, 5], T[:, 3])
    T[:, 6] = add_work_hours(last_dispatch, rng.uniform(8, 80, n))
    T[:, 7] = add_work_hours(last_dispatch, lim * rng.uniform(0.3, 0.9, n))
    T[:, 8] = add_work_hours(last_dispatch, rng.uniform(2, 16, n))
    frac = rng.beta(2.0, 5.0, n) * 1.6  # about 6 % finish after the limit
    h1 = add_work_hours(last_dispatch, lim * frac)
    h1 = np.where(ext, add_work_hours(T[:, 7], lim * rng.uniform(0.2, 1.0, n)), h1)
    h1 = np.where(defer, T[:, 8] + rng.uniform(10, 60, n) * DAY, h1)
    T[:, 9] = h1
    T[:, 10] = h1 + _lognorm(rng, 20.0, 0.7, n) * MIN
    for rw, fb in ((11, 10), (14, 13)):
        T[:, rw] = add_work_hours(T[:, fb], rng.uniform(1, 8, n))
        T[:, rw + 1] = add_work_hours(T[:, rw], lim * rng.uniform(0.1, 0.6, n))
        T[:, rw + 2] = T[:, rw + 1] + _lognorm(rng, 20.0, 0.7, n) * MIN
    last_fb = np.where(rw2, T[:, 16], np.where(rw1, T[:, 13], T[:, 10]))
    T[:, 17] = add_work_hours(last_fb, np.minimum(_lognorm(rng, 2.5, 0.8, n), 24.0))
    T[:, 18] = T[:, 17] + _lognorm(rng, 30.0, 0.8, n) * MIN
    T[:, 19] = T[:, 18] + _lognorm(rng, 8.0, 1.0, n) * HOUR
    T[~present] = np.nan

    deadline = add_work_hours(T[:, 3], lim + np.where(ext, lim, 0.0))
    deadline[void] = np.nan

    # stalled cases: a few older ones got stuck and are now overdue (超期)
    age = now - reported
    stall = rest & ~park & ~defer & (age > 3 * DAY) & (age < 120 * DAY) & (u[7] < 0.003)
    cut = np.full(n, N_SLOTS)
    cut[stall] = rng.choice([5, 9, 10, 17], stall.sum(), p=[0.1, 0.55, 0.15, 0.2])
    cut[stall & ~ret & (cut == 5)] = 9
    taken = present & (T <= now) & (np.arange(N_SLOTS)[None, :] < cut[:, None])
    # a case is a prefix of its present steps: once one is missing, all later ones are
    taken &= np.cumprod(taken | ~present, axis=1).astype(bool)
    T[~taken] = np.nan
    last = N_SLOTS - 1 - np.argmax(taken[:, ::-1], axis=1)
    status = TO[last]
    from9 = np.where(ext, "extended", np.where(defer, "deferred", "dispatched")).astype(object)
    late = T[:, 9] > deadline
    rework = taken[:, 11].astype(np.int8) + taken[:, 14].astype(np.int8)
    deadline[np.isnan(T[:, 3])] = np.nan
    deadline[status == "parked"] = np.nan  # 挂账 stops the clock, as the workflow does
    return Loop(taken=taken, times=T, status=status, deadline=deadline, rework_count=rework,
                from_status_slot9=from9, late=late)


def last_of(T: np.ndarray, slots: tuple[int, ...]) -> np.ndarray:
    """Per case, the latest time among ``slots`` (NaN if none taken)."""
    sub = T[:, list(slots)]
    out = np.full(len(T), np.nan)
    for k in range(sub.shape[1]):  # slots are in time order: later ones win
        out = np.where(np.isnan(sub[:, k]), out, sub[:, k])
    return out
