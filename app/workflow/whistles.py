"""Whistles in the store (街道吹哨、部门报到): blow, report in, feed back, verify, rate,
supervise (督办), second whistle (二次哨), accountability (问责) — permission-checked,
audited, and every step on the whistle's timeline (whistle_events).

Each step is one transaction: load the whistle, check it, update the whistle row with
a version check (``version = version + 1 … AND version = ?``) and *only the acting
department's* row of whistle_departments (two departments reporting in at once both
stay), add the event (``seq`` = ``max(seq) + 1`` after the version-checked UPDATE, safe
for the reason given in app/workflow/cases.py), audit, and stage the change.  A caller
that passes ``expected_version`` (``Whistle.version`` as shown) and finds the whistle
moved on gets :class:`~app.store.StoreConflict`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from app.audit import append as audit
from app.auth.accounts import User
from app.auth.permissions import MATRIX, ROLE_NAMES, PermissionDenied, Target, require
from app.changes import Change
from app.domain.worktime import DEFAULT_CALENDAR, WorkCalendar
from app.store import DistrictRepository
from app.store.sequences import next_id
from app.workflow import whistle_machine as wm
from app.workflow.conflicts import whistle_conflict
from app.workflow.places import (
    PlaceNames,
    WorkflowError,
    grid_place,
    leadership_id,
    scope_filter,
)

#: deadline presets (working hours): report in, finish
PRESETS: dict[str, tuple[float, float]] = {"urgent": (2, 27), "normal": (8, 45),
                                           "complex": (16, 90)}
_DCOLS = "department_id, reported_at, reported_by, fed_back_at, verified_at, rating"


def load_whistle(store: DistrictRepository, ref: str | int) -> tuple[int, wm.Whistle]:
    """(row id, machine state) of a whistle by code (CS…) or id."""
    text = str(ref).strip()
    where, param = ("id = ?", int(text)) if text.isdigit() else ("code = ?", text)
    rows = store.rows("SELECT id, street_id, blown_at, report_deadline, finish_deadline, round, "
                      "supervised, accountability, closed_at, version FROM whistles WHERE " + where,
                      [param])
    if not rows:
        raise WorkflowError(f"没有编号为“{text}”的哨令")
    r = rows[0]
    tasks = []
    for d in store.rows(f"SELECT {_DCOLS} FROM whistle_departments WHERE whistle_id = ? "
                        "ORDER BY department_id", [r[0]]):
        state = ("rated" if d[5] is not None else "verified" if d[4] is not None
                 else "fed_back" if d[3] is not None else "reported" if d[1] is not None
                 else "blown")
        tasks.append(wm.DeptTask(int(d[0]), state, d[1], d[2], d[3], d[4], d[5]))
    seconded = bool(store.scalar("SELECT count(*) FROM whistles WHERE parent_whistle_id = ?",
                                 [r[0]]))
    last = store.scalar("SELECT max(occurred_at) FROM whistle_events WHERE whistle_id = ?",
                        [r[0]])
    return int(r[0]), wm.Whistle(int(r[1]), r[2], r[3], r[4], tuple(tasks), int(r[5]),
                                 bool(r[6]), bool(r[7]), seconded, r[8], last or r[2],
                                 version=int(r[9]))


def view_target(w: wm.Whistle) -> Target:
    """What seeing or acting on the whistle touches: its street and its departments."""
    return Target(w.street_id, None, frozenset(t.department_id for t in w.tasks))


_target = view_target


def _event(store, wid: int, action: str, at: datetime, user: User, *, dept: int | None = None,
           note: str | None = None, attachments: list[str] | None = None) -> None:
    seq = int(store.scalar("SELECT coalesce(max(seq), 0) + 1 FROM whistle_events "
                           "WHERE whistle_id = ?", [wid]))
    store.rows("INSERT INTO whistle_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [wid, seq, action, dept, at, user.username, user.role.value, note,
                json.dumps(attachments, ensure_ascii=False) if attachments else None])


def _require_version(store, wid: int, w: wm.Whistle, expected: int | None,
                     at: datetime) -> None:
    if expected is not None and w.version != expected:
        raise whistle_conflict(store, wid, at)


def _save(store, wid: int, old: wm.Whistle, new: wm.Whistle, dept: int | None, at: datetime,
          **also) -> None:
    """The whistle row (version-checked) and, for a department's step, that department's
    row only.  ``also``: more columns of the whistle row (e.g. supervised_at)."""
    sets = {"status": wm.whistle_status(new), "closed_at": new.closed_at,
            "supervised": new.supervised, "accountability": new.accountability, **also}
    cols = ", ".join(f"{k} = ?" for k in sets)
    if not store.rows(f"UPDATE whistles SET {cols}, version = version + 1 "
                      "WHERE id = ? AND version = ? RETURNING id",
                      [*sets.values(), wid, old.version]):
        raise whistle_conflict(store, wid, at)
    if dept is not None:
        t = new.task(dept)
        store.rows("UPDATE whistle_departments SET reported_at = ?, reported_by = ?, "
                   "handled_at = ?, fed_back_at = ?, verified_at = ?, rating = ? "
                   "WHERE whistle_id = ? AND department_id = ?",
                   [t.reported_at, t.reported_by, t.fed_back_at, t.fed_back_at, t.verified_at,
                    t.rating, wid, dept])


def _snap(w: wm.Whistle) -> dict[str, Any]:
    return {"status": wm.whistle_status(w), "supervised": w.supervised,
            "accountability": w.accountability,
            "departments": {t.department_id: t.state for t in w.tasks}}


def _insert(store, w: wm.Whistle, *, title: str, description: str, lon: float, lat: float,
            grid_id: int | None, case_id: int | None, parent: int | None, role: str) -> int:
    wid = next_id(store, "whistle_id")
    code = f"CS{w.blown_at:%Y%m%d}{wid:03d}"
    store.rows("INSERT INTO whistles (id, code, street_id, grid_id, case_id, parent_whistle_id, "
               "round, title, description, lon, lat, blown_by_role, blown_at, report_deadline, "
               "finish_deadline, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [wid, code, w.street_id, grid_id, case_id, parent, w.round, title, description,
                lon, lat, role, w.blown_at, w.report_deadline, w.finish_deadline,
                wm.whistle_status(w)])
    for t in w.tasks:
        store.rows("INSERT INTO whistle_departments (whistle_id, department_id) VALUES (?, ?)",
                   [wid, t.department_id])
    return wid


def blow(store: DistrictRepository, user: User, *, grid_id: int, department_ids: list[int],
         title: str, description: str, lon: float, lat: float, at: datetime,
         report_hours: float, finish_hours: float, case_id: int | None = None,
         attachments: list[str] | None = None,
         calendar: WorkCalendar = DEFAULT_CALENDAR) -> int:
    """街道吹哨 from a place (its grid) or a case; only the street's 书记/主任."""
    if not title.strip():
        raise WorkflowError("请填写哨令标题（用几个字说明问题）")
    _, street = grid_place(store, grid_id)
    require(user.role, user.scope, "whistle.blow",
            Target(street, None, frozenset(department_ids)), PlaceNames(store))
    w = wm.blow(street, department_ids, at, report_hours, finish_hours, calendar=calendar)
    with store.transaction():
        wid = _insert(store, w, title=title.strip(), description=description.strip() or title,
                      lon=lon, lat=lat, grid_id=grid_id, case_id=case_id, parent=None,
                      role=user.role.value)
        _event(store, wid, "blow", at, user, note=title.strip(), attachments=attachments)
        audit(store, at=at, username=user.username, role=user.role.value, action="whistle.blow",
              entity="whistle", entity_id=wid, after=_snap(w))
        store.stage_change(Change("whistle", (wid,), "whistle.blow", user.username, at))
    return wid


def _user_department(store: DistrictRepository, user: User, department_id: int | None) -> int:
    if department_id is not None:
        return department_id
    if user.scope.kind == "department":
        return int(user.scope.id)
    raise WorkflowError("请指明这一步是哪个部门的（--dept）")


def _step(store, user: User, ref, perm: str, at: datetime, fn, *, dept: int | None,
          action: str, note: str | None = None, attachments: list[str] | None = None,
          extra=None, expected_version: int | None = None) -> int:
    with store.transaction():
        wid, w = load_whistle(store, ref)
        _require_version(store, wid, w, expected_version, at)
        target = _target(w)
        if perm in ("whistle.report_in", "whistle.feed_back"):
            dept = _user_department(store, user, dept)
            target = Target(w.street_id, None, frozenset({dept}) & target.department_ids)
        names = PlaceNames(store)
        require(user.role, user.scope, perm, target, names)
        try:
            new = fn(w, dept)
        except wm.IllegalWhistleStep as exc:  # say which department, by its name
            who = names.name("department", dept) if dept is not None else None
            if who and str(exc).startswith("该部门"):
                raise wm.IllegalWhistleStep(who + str(exc)[3:]) from None
            raise
        _save(store, wid, w, new, dept, at)
        if extra is not None:
            extra(wid)
        _event(store, wid, action, at, user, dept=dept, note=note, attachments=attachments)
        audit(store, at=at, username=user.username, role=user.role.value,
              action=f"whistle.{action}", entity="whistle", entity_id=wid, before=_snap(w),
              after={**_snap(new), "department_id": dept, "note": note})
        store.stage_change(Change("whistle", (wid,), f"whistle.{action}", user.username, at))
    return wid


def report_in(store, user: User, ref, *, at: datetime, by: str | None = None,
              department_id: int | None = None, expected_version: int | None = None) -> int:
    """部门报到 (who and when)."""
    who = by or user.display_name
    return _step(store, user, ref, "whistle.report_in", at,
                 lambda w, d: wm.report_in(w, d, at, who), dept=department_id,
                 action="report_in", note=who, expected_version=expected_version)


def feed_back(store, user: User, ref, *, at: datetime, note: str = "",
              attachments: list[str] | None = None, department_id: int | None = None,
              expected_version: int | None = None) -> int:
    """结果反馈 with text and photos."""
    return _step(store, user, ref, "whistle.feed_back", at,
                 lambda w, d: wm.feed_back(w, d, at), dept=department_id, action="feed_back",
                 note=note or None, attachments=attachments, expected_version=expected_version)


def verify(store, user: User, ref, *, at: datetime, department_id: int, passed: bool = True,
           note: str = "", expected_version: int | None = None) -> int:
    """街道核查 of one department's work (failed: 返工)."""
    return _step(store, user, ref, "whistle.verify", at,
                 lambda w, d: wm.verify(w, d, at, passed), dept=department_id,
                 action="verify" if passed else "reject", note=note or None,
                 expected_version=expected_version)


def rate(store, user: User, ref, *, at: datetime, department_id: int, rating: int,
         comment: str = "", expected_version: int | None = None) -> int:
    """评价 1–5 with a comment (下考上)."""
    def remember_comment(wid: int) -> None:
        store.rows("UPDATE whistle_departments SET rating_comment = ?, rated_at = ? "
                   "WHERE whistle_id = ? AND department_id = ?",
                   [comment or None, at, wid, department_id])

    return _step(store, user, ref, "whistle.rate", at,
                 lambda w, d: wm.rate(w, d, at, rating), dept=department_id, action="rate",
                 note=f"{rating}分 {comment}".strip(), extra=remember_comment,
                 expected_version=expected_version)


def supervise(store, user: User, ref, *, at: datetime, note: str = "",
              expected_version: int | None = None) -> int:
    """督办: the supervision office takes an overdue whistle on its list."""
    with store.transaction():
        wid, w = load_whistle(store, ref)
        _require_version(store, wid, w, expected_version, at)
        require(user.role, user.scope, "whistle.supervise", _target(w), PlaceNames(store))
        new = wm.supervise(w, at)
        _save(store, wid, w, new, None, at, supervised_at=at)
        _event(store, wid, "supervise", at, user, note=note or None)
        audit(store, at=at, username=user.username, role=user.role.value,
              action="whistle.supervise", entity="whistle", entity_id=wid, before=_snap(w),
              after=_snap(new))
        store.stage_change(Change("whistle", (wid,), "whistle.supervise", user.username, at))
    return wid


def accountability(store, user: User, ref, *, at: datetime, note: str = "",
                   expected_version: int | None = None) -> int:
    """问责: flag a supervised whistle for discipline inspection."""
    with store.transaction():
        wid, w = load_whistle(store, ref)
        _require_version(store, wid, w, expected_version, at)
        require(user.role, user.scope, "whistle.accountability", _target(w),
                PlaceNames(store))
        new = wm.flag_accountability(w, at)
        _save(store, wid, w, new, None, at)
        _event(store, wid, "accountability", at, user, note=note or None)
        audit(store, at=at, username=user.username, role=user.role.value,
              action="whistle.accountability", entity="whistle", entity_id=wid,
              before=_snap(w), after=_snap(new))
        store.stage_change(Change("whistle", (wid,), "whistle.accountability", user.username,
                                  at))
    return wid


def second(store, user: User, ref, *, at: datetime, report_hours: float, finish_hours: float,
           note: str = "", calendar: WorkCalendar = DEFAULT_CALENDAR,
           expected_version: int | None = None) -> int:
    """二次哨: blow again; district leaders must report in too.  Returns the new whistle id."""
    with store.transaction():
        wid, w = load_whistle(store, ref)
        _require_version(store, wid, w, expected_version, at)
        require(user.role, user.scope, "whistle.second", _target(w), PlaceNames(store))
        first, new = wm.second_whistle(w, at, leadership_id(store), report_hours, finish_hours,
                                       calendar=calendar)
        row = store.rows("SELECT title, description, lon, lat, grid_id, case_id FROM whistles "
                         "WHERE id = ?", [wid])[0]
        _save(store, wid, w, first, None, at)  # the first whistle is now seconded
        nid = _insert(store, new, title=f"二次哨: {row[0].removeprefix('二次哨: ')}",
                      description=note or row[1], lon=row[2], lat=row[3], grid_id=row[4],
                      case_id=row[5], parent=wid, role=user.role.value)
        code = store.scalar("SELECT code FROM whistles WHERE id = ?", [nid])
        _event(store, wid, "second", at, user, note=f"→ {code}")  # its code, not its row id
        _event(store, nid, "blow", at, user, note=note or "二次哨")
        audit(store, at=at, username=user.username, role=user.role.value,
              action="whistle.second", entity="whistle", entity_id=nid,
              before=_snap(first), after={**_snap(new), "parent": wid})
        store.stage_change(Change("whistle", (wid, nid), "whistle.second", user.username, at))
    return nid


def supervision_list(store: DistrictRepository, now: datetime, user: User | None = None,
                     calendar: WorkCalendar = DEFAULT_CALENDAR) -> list[dict[str, Any]]:
    """督办清单: open whistles with something overdue, how late, most late first.
    With ``user``: only the whistles that user may see (a street sees its own)."""
    ids = [r[0] for r in store.rows("SELECT id FROM whistles WHERE closed_at IS NULL ORDER BY id")]
    if user is not None:
        visible = {w["id"] for w in list_whistles(store, user, open_only=True, limit=1_000_000)}
        ids = [i for i in ids if i in visible]
    out = []
    for wid in ids:
        _, w = load_whistle(store, wid)
        items = wm.overdue_items(w, now, calendar)
        if items:
            out.append({"id": wid, "supervised": w.supervised, "round": w.round,
                        "accountability": w.accountability,
                        "late_hours": round(max(i.late_s for i in items) / 3600, 2),
                        "items": [{"department_id": i.department_id, "kind": i.kind,
                                   "late_hours": round(i.late_s / 3600, 2)} for i in items]})
    out.sort(key=lambda d: -d["late_hours"])
    return out


def list_whistles(store: DistrictRepository, user: User, *, open_only: bool = False,
                  limit: int = 200) -> list[dict[str, Any]]:
    """Whistles the user may see, newest first."""
    if user.role not in MATRIX["whistle.view"]:
        raise PermissionDenied(f"{ROLE_NAMES[user.role]}无权查看哨令")
    # a community sees its street's whistles
    where, params = scope_filter(user.scope, {
        "street": ("w.street_id = ?", "id"),
        "community": ("w.street_id = ?", "street_id"),
        "department": ("w.id IN (SELECT whistle_id FROM whistle_departments "
                       "WHERE department_id = ?)", "id")})
    if open_only:
        where.append("w.closed_at IS NULL")
    cols = ("id", "code", "title", "status", "round", "street_id", "blown_at",
            "report_deadline", "finish_deadline", "closed_at", "supervised", "accountability",
            "parent_whistle_id", "lon", "lat")
    rows = store.rows(f"SELECT {', '.join('w.' + c for c in cols)} FROM whistles w "
                      f"WHERE {' AND '.join(where)} ORDER BY w.blown_at DESC, w.id DESC LIMIT ?",
                      [*params, int(limit)])
    return [dict(zip(cols, r, strict=True)) for r in rows]


def timeline(store: DistrictRepository, ref) -> list[dict[str, Any]]:
    """哨令时间线: every step of one whistle in time order (derived for old demo whistles)."""
    wid, w = load_whistle(store, ref)
    cols = ("occurred_at", "action", "department_id", "actor", "actor_role", "note",
            "attachments")
    ev = [dict(zip(cols, r, strict=True)) for r in store.rows(
        f"SELECT {', '.join(cols)} FROM whistle_events WHERE whistle_id = ? ORDER BY seq",
        [wid])]
    if ev:
        return ev
    role = store.scalar("SELECT blown_by_role FROM whistles WHERE id = ?", [wid])
    out = [{"occurred_at": w.blown_at, "action": "blow", "department_id": None, "actor": "",
            "actor_role": role, "note": None, "attachments": None}]
    for t in w.tasks:
        for at, action, who in ((t.reported_at, "report_in", t.reported_by),
                                (t.fed_back_at, "feed_back", ""),
                                (t.verified_at, "verify", ""),
                                (store.scalar("SELECT rated_at FROM whistle_departments WHERE "
                                              "whistle_id = ? AND department_id = ?",
                                              [wid, t.department_id]), "rate",
                                 f"{t.rating}分" if t.rating else "")):
            if at is not None:
                out.append({"occurred_at": at, "action": action, "department_id": t.department_id,
                            "actor": who or "", "actor_role": "", "note": None,
                            "attachments": None})
    if w.closed_at:
        out.append({"occurred_at": w.closed_at, "action": "close", "department_id": None,
                    "actor": "", "actor_role": "", "note": None, "attachments": None})
    return sorted(out, key=lambda e: e["occurred_at"])


def with_deadline_preset(preset: str) -> tuple[float, float]:
    if preset not in PRESETS:
        raise WorkflowError(f"没有“{preset}”这种时限预设；可选：{'、'.join(PRESETS)}")
    return PRESETS[preset]


__all__ = ["PRESETS", "accountability", "blow", "feed_back", "list_whistles", "load_whistle",
           "rate", "report_in", "second", "supervise", "supervision_list", "timeline",
           "verify"]
