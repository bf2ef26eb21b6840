"""Cases in the store: accept (受理) and advance through the loop, permission-checked
and audited.

Every change runs in one transaction that loads the case, checks it, updates the row
with a version check (``UPDATE … SET version = version + 1 WHERE id = ? AND version =
?``), writes the step and its audit record and stages the change for the change feed.
A caller that passes ``expected_version`` (the version it showed the user) and finds
the case moved on gets :class:`~app.store.StoreConflict` naming who did what and when.

Step numbers (``case_transitions.seq``) stay ``max(seq) + 1``, read in the same
transaction *after* the version-checked UPDATE of the case row: with DuckDB the store
orders writers (one transaction at a time), and with PostgreSQL that UPDATE holds the
row's lock until commit, so a second writer of the same case waits, then fails its
version check and never reaches its own ``max(seq) + 1``.  A sequence per case would
add nothing but gaps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from app.audit import append as audit
from app.auth.accounts import AuthError, User, authenticate, get_user
from app.auth.permissions import MATRIX, ROLE_NAMES, PermissionDenied, Target, decide, require
from app.changes import Change
from app.domain.sources import SOURCES
from app.domain.worktime import DEFAULT_CALENDAR, WorkCalendar
from app.store import DistrictRepository
from app.store.sequences import next_daily_number, next_id
from app.workflow import case_machine as m
from app.workflow.conflicts import case_conflict
from app.workflow.places import PlaceNames, WorkflowError, grid_target, scope_filter

#: case action -> permission actions, any of which allows it
ACTION_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "register": ("case.register",), "dispatch": ("case.dispatch",),
    "handle": ("case.handle",), "feed_back": ("case.handle",),
    "return": ("case.request", "case.approve"), "extend": ("case.request", "case.approve"),
    "defer": ("case.request", "case.approve"), "void": ("case.approve",),
    "park": ("case.approve",), "resume": ("case.handle", "case.approve"),
    "verify": ("case.verify",), "rework": ("case.verify",), "close": ("case.close",),
    "evaluate": ("case.evaluate",),
}
_STAMP = {"accepted": "accepted_at", "registered": "registered_at", "dispatched": "dispatched_at",
          "handled": "handled_at", "fed_back": "fed_back_at", "verified": "verified_at",
          "closed": "closed_at", "evaluated": "evaluated_at"}


@dataclass(frozen=True)
class CaseRecord:
    """A case as the workflow sees it."""

    id: int
    code: str
    category_code: str
    source: str
    description: str
    grid_id: int
    lon: float
    lat: float
    reported_at: datetime
    state: m.CaseState
    #: the row's version: pass it back as ``expected_version`` to act on what was shown
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(d.pop("state"))
        return d


_SELECT = ("SELECT c.id, c.code, c.category_code, c.source, c.description, c.grid_id, c.lon, "
           "c.lat, c.reported_at, c.status, k.limit_hours, c.department_id, c.deadline_at, "
           "c.paused_at, c.remaining_s, c.rework_count, c.satisfaction, "
           "(SELECT max(occurred_at) FROM case_transitions t WHERE t.case_id = c.id), c.version "
           "FROM cases c JOIN categories k ON k.code = c.category_code")


def _record(r) -> CaseRecord:
    state = m.CaseState(r[9], float(r[10]), r[11], r[12], r[13], r[14], int(r[15] or 0), r[16],
                        r[17])
    return CaseRecord(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), float(r[6]), float(r[7]),
                      r[8], state, int(r[18]))


def load_case(store: DistrictRepository, ref: str | int) -> CaseRecord:
    """A case by code (e.g. AJ…) or numeric id."""
    text = str(ref).strip()
    where, param = ("c.id = ?", int(text)) if text.isdigit() else ("c.code = ?", text)
    rows = store.rows(f"{_SELECT} WHERE {where}", [param])
    if not rows:
        raise WorkflowError(f"没有编号为“{text}”的案件")
    return _record(rows[0])


def case_target(store: DistrictRepository, rec: CaseRecord) -> Target:
    depts = {rec.state.department_id} if rec.state.department_id else set()
    return grid_target(store, rec.grid_id, depts)


def visible_actions(store: DistrictRepository, user: User, rec: CaseRecord) -> list[str]:
    """Loop actions possible now that the user's role allows on this case."""
    target = case_target(store, rec)
    return [a for a in m.allowed_actions(rec.state)
            if any(decide(user.role, user.scope, p, target) for p in ACTION_PERMISSIONS[a])]


def new_case(store: DistrictRepository, user: User, *, category_code: str, source: str,
             description: str, grid_id: int, lon: float, lat: float, at: datetime) -> CaseRecord:
    """受理: accept a new case in a grid (the grid's community must be the user's area)."""
    if source not in SOURCES:
        raise WorkflowError(f"没有“{source}”这种案源；可选：{'、'.join(SOURCES)}")
    if not description.strip():
        raise WorkflowError("请填写问题描述")
    cat = store.rows("SELECT limit_hours, department_id FROM categories WHERE code = ?",
                     [category_code])
    if not cat:
        raise WorkflowError(f"没有“{category_code}”这个案件类别（2 位大类 + 2 位小类）")
    require(user.role, user.scope, "case.new", grid_target(store, grid_id), PlaceNames(store))
    state, step = m.new_case(at, float(cat[0][0]))
    with store.transaction():
        cid = next_id(store, "case_id")
        code = _new_code(store, at)
        store.rows("INSERT INTO cases (id, code, category_code, source, status, description, lon, "
                   "lat, grid_id, department_id, reported_at, accepted_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [cid, code, category_code, source, state.status, description.strip(), lon,
                    lat, grid_id, int(cat[0][1]), at, at])
        _write_step(store, cid, step, user)
        audit(store, at=at, username=user.username, role=user.role.value, action="case.accept",
              entity="case", entity_id=code, after=_snapshot(state))
        store.stage_change(Change("case", (cid,), "case.accept", user.username, at))
        done = load_case(store, cid)
    return done


def _new_code(store: DistrictRepository, at: datetime) -> str:
    """案件编号 AJ + date + the day's number (5 digits) + W (entered in GridCC), unique:
    the number comes from the day's counter row; one already taken (an imported case
    with such a code) is skipped."""
    while True:
        code = f"AJ{at:%Y%m%d}{next_daily_number(store, 'case', at.date()):05d}W"
        if not store.scalar("SELECT count(*) FROM cases WHERE code = ?", [code]):
            return code


def _require_version(store: DistrictRepository, rec: CaseRecord, expected: int | None,
                     at: datetime) -> None:
    if expected is not None and rec.version != expected:
        raise case_conflict(store, rec.id, rec.code, at)


def _permit(store: DistrictRepository, user: User, rec: CaseRecord, action: str,
            department_id: int | None) -> Target:
    """The step's target, once the user's role may take ``action`` there."""
    target = case_target(store, rec)
    if action == "dispatch" and department_id:
        target = Target(target.street_id, target.community_id, frozenset({department_id}))
    names = PlaceNames(store)
    decisions = [decide(user.role, user.scope, p, target, names)
                 for p in ACTION_PERMISSIONS[action]]
    if not any(decisions):
        raise PermissionDenied(decisions[0].reason)
    return target


def advance(store: DistrictRepository, user: User, ref: str | int, action: str, *,
            at: datetime, reason: str | None = None, approver: str | None = None,
            department_id: int | None = None, extra_hours: float | None = None,
            satisfaction: int | None = None, approver_password: str | None = None,
            calendar: WorkCalendar = DEFAULT_CALENDAR,
            expected_version: int | None = None) -> CaseRecord:
    """Move a case one step along the loop; refused (PermissionDenied, IllegalTransition,
    WorkflowError) without any change when not allowed, and with StoreConflict when
    ``expected_version`` is given and the case has changed since."""
    if action not in ACTION_PERMISSIONS:
        raise m.IllegalTransition(f"没有“{action}”这一步；可选：{'、'.join(m.ACTIONS)}")
    kw = dict(calendar=calendar, reason=reason, department_id=department_id,
              extra_hours=extra_hours, satisfaction=satisfaction)
    approver_name = None
    if action in m.NEEDS_APPROVAL:
        # The approver signs with a password before the write (a failed attempt is
        # recorded even though the step is refused), for the version seen now.
        rec = load_case(store, ref)
        _require_version(store, rec, expected_version, at)
        target = _permit(store, user, rec, action, department_id)
        m.apply(rec.state, action, at, approver="?", **kw)  # the loop must allow it first
        approver_name = _approver(store, user, approver, target, approver_password, at)
        expected_version = rec.version
    with store.transaction():
        rec = load_case(store, ref)
        _require_version(store, rec, expected_version, at)
        _permit(store, user, rec, action, department_id)
        new, step = m.apply(rec.state, action, at, approver=approver_name, **kw)
        sets = {"status": new.status, "department_id": new.department_id,
                "deadline_at": new.deadline_at, "paused_at": new.paused_at,
                "remaining_s": new.remaining_s, "rework_count": new.rework_count,
                "satisfaction": new.satisfaction}
        if new.status in _STAMP:
            sets[_STAMP[new.status]] = at
        if action == "rework":  # back to 派遣: the next 处置 and 反馈 are stamped anew
            sets["handled_at"] = None
            sets["fed_back_at"] = None
        cols = ", ".join(f"{k} = ?" for k in sets)
        if not store.rows(f"UPDATE cases SET {cols}, version = version + 1 "
                          "WHERE id = ? AND version = ? RETURNING id",
                          [*sets.values(), rec.id, rec.version]):
            raise case_conflict(store, rec.id, rec.code, at)
        _write_step(store, rec.id, step, user)
        audit(store, at=at, username=user.username, role=user.role.value,
              action=f"case.{action}", entity="case", entity_id=rec.code,
              before=_snapshot(rec.state),
              after={**_snapshot(new), "reason": step.reason, "approver": step.approver})
        store.stage_change(Change("case", (rec.id,), f"case.{action}", user.username, at))
        # as this step left it (read after the commit, another seat's next step could
        # already be in it)
        done = load_case(store, rec.id)
    return done


def _approver(store: DistrictRepository, user: User, approver: str | None, target: Target,
              password: str | None, at: datetime) -> str:
    """审批人: the user if the role may approve here, else the named approver, who
    confirms with their own password (a signed approval, audited as a login)."""
    if not approver or approver == user.username:
        if decide(user.role, user.scope, "case.approve", target):
            return user.username
        raise m.IllegalTransition("这一步需要审批人：请填写派遣员或区委督查室的账号")
    try:
        who = get_user(store, approver)
    except AuthError as exc:
        raise WorkflowError(str(exc)) from None
    d = decide(who.role, who.scope, "case.approve", target, PlaceNames(store))
    if not d:
        raise PermissionDenied(f"审批人 {approver}：{d.reason}")
    if password is None:
        raise WorkflowError(f"审批人 {approver} 须输入本人密码确认")
    try:
        authenticate(store, approver, password, at=at)
    except AuthError as exc:
        raise WorkflowError(f"审批人 {approver}：{exc}") from None
    return who.username


def _write_step(store: DistrictRepository, case_id: int, step: m.Step, user: User) -> None:
    seq = int(store.scalar("SELECT coalesce(max(seq), 0) + 1 FROM case_transitions "
                           "WHERE case_id = ?", [case_id]))
    store.rows("INSERT INTO case_transitions (case_id, seq, action, from_status, to_status, "
               "occurred_at, actor_role, note, approver, actor_name) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [case_id, seq, step.action, step.from_status, step.to_status, step.at,
                user.role.value, step.reason, step.approver, user.username])


def _snapshot(s: m.CaseState) -> dict[str, Any]:
    return {"status": s.status, "department_id": s.department_id,
            "deadline_at": s.deadline_at, "remaining_s": s.remaining_s,
            "rework_count": s.rework_count}


def case_history(store: DistrictRepository, case_id: int) -> list[dict[str, Any]]:
    cols = ("seq", "action", "from_status", "to_status", "occurred_at", "actor_role",
            "actor_name", "approver", "note")
    rows = store.rows(f"SELECT {', '.join(cols)} FROM case_transitions WHERE case_id = ? "
                      "ORDER BY seq", [case_id])
    return [dict(zip(cols, r, strict=True)) for r in rows]


def list_cases(store: DistrictRepository, user: User, *, status: str | None = None,
               street_id: int | None = None, category: str | None = None,
               department_id: int | None = None, overdue_at: datetime | None = None,
               limit: int = 200) -> list[dict[str, Any]]:
    """The case queue the user may see, newest first, with the given filters."""
    if user.role not in MATRIX["case.view"]:
        raise PermissionDenied(f"{ROLE_NAMES[user.role]}无权查看案件")
    where, params = scope_filter(user.scope, {"street": ("s.id = ?", "id"),
                                              "community": ("g.parent_id = ?", "id"),
                                              "department": ("c.department_id = ?", "id")})
    for cond, val in (("c.status = ?", status), ("s.id = ?", street_id),
                      ("c.category_code LIKE ?", f"{category}%" if category else None),
                      ("c.department_id = ?", department_id)):
        if val is not None:
            where.append(cond)
            params.append(val)
    if overdue_at is not None:
        where.append("c.status = 'dispatched' AND c.deadline_at < ?")
        params.append(overdue_at)
    sql = ("SELECT c.id, c.code, c.status, c.category_code, k.name, c.description, "
           "c.department_id, c.deadline_at, c.reported_at, s.id, s.name, c.lon, c.lat "
           "FROM cases c JOIN categories k ON k.code = c.category_code "
           "JOIN grid_units g ON g.id = c.grid_id JOIN grid_units cm ON cm.id = g.parent_id "
           "JOIN grid_units s ON s.id = cm.parent_id "
           f"WHERE {' AND '.join(where)} ORDER BY c.reported_at DESC, c.id DESC LIMIT ?")
    cols = ("id", "code", "status", "category_code", "category", "description", "department_id",
            "deadline_at", "reported_at", "street_id", "street", "lon", "lat")
    return [dict(zip(cols, r, strict=True)) for r in store.rows(sql, [*params, int(limit)])]
