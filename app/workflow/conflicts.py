"""A stale action refused (乐观锁冲突): say who changed the record, what they did, when.

The workflow checks the version a caller read (``expected_version``) against the row's
version inside the writing transaction; when they differ the action is refused with a
:class:`~app.store.StoreConflict` built here from the record's last step
(case_transitions / whistle_events), e.g. "案件 AJ2026112000012W 已由 张三 于 10:32 派遣，
请刷新后重试".
"""

from __future__ import annotations

from datetime import datetime

from app.store import DistrictRepository, StoreConflict
from app.workflow import case_machine as cm
from app.workflow import whistle_machine as wm


def _when(at: datetime | None, now: datetime | None) -> str:
    if at is None:
        return ""
    if now is not None and at.date() == now.date():
        return f"{at:%H:%M}"
    return f"{at.month}月{at.day}日 {at:%H:%M}"


def _display_name(store: DistrictRepository, username: str | None) -> str | None:
    if not username:
        return None
    name = store.scalar("SELECT display_name FROM users WHERE username = ?", [username])
    return name or username


def _message(what: str, who: str | None, at: datetime | None, verb: str | None,
             now: datetime | None) -> str:
    if verb is None:
        return f"{what} 已被他人修改，请刷新后重试"
    by = f"由 {who} " if who else ""
    when = f"于 {_when(at, now)} " if at is not None else ""
    return f"{what} 已{by}{when}{verb}，请刷新后重试"


def case_conflict(store: DistrictRepository, case_id: int, code: str,
                  now: datetime | None = None) -> StoreConflict:
    """The conflict of a stale action on case ``code``, naming its last step."""
    rows = store.rows("SELECT action, occurred_at, actor_name FROM case_transitions "
                      "WHERE case_id = ? ORDER BY seq DESC LIMIT 1", [case_id])
    action, at, username = rows[0] if rows else (None, None, None)
    who = _display_name(store, username)
    verb = cm.ACTION_NAMES.get(action, action) if action else None
    return StoreConflict(_message(f"案件 {code}", who, at, verb, now), entity="case",
                         ref=code, actor=who, action=action, at=at)


def whistle_conflict(store: DistrictRepository, whistle_id: int,
                     now: datetime | None = None) -> StoreConflict:
    """The conflict of a stale action on a whistle, naming its last step (and, for a
    department's step, the department)."""
    code = store.scalar("SELECT code FROM whistles WHERE id = ?", [whistle_id]) or str(whistle_id)
    rows = store.rows("SELECT e.action, e.occurred_at, e.actor, d.short_name "
                      "FROM whistle_events e LEFT JOIN departments d ON d.id = e.department_id "
                      "WHERE e.whistle_id = ? ORDER BY e.seq DESC LIMIT 1", [whistle_id])
    action, at, username, dept = rows[0] if rows else (None, None, None, None)
    who = _display_name(store, username)
    if who and dept and action in ("report_in", "feed_back") and dept not in who:
        who = f"{who}（{dept}）"
    verb = wm.ACTION_NAMES.get(action, action) if action else None
    return StoreConflict(_message(f"哨令 {code}", who, at, verb, now), entity="whistle",
                         ref=code, actor=who, action=action, at=at)
