"""Reports from the street become cases (上报入案): a grid worker's field report as 网格巡查
(``patrol``), a citizen's Open311 request as 群众反映 (``public``), accepted through the
same :func:`~app.workflow.cases.new_case` the command centre uses (numbered, audited,
announced on the change feed), with the photos stored beside the case.

Once per sender's id (``intake_reports.ref``): a report sent again returns the case it
already made.  Open311 ``requests/{id}.json`` reads the case's status from here.
"""

from __future__ import annotations

from datetime import datetime

from app.auth.accounts import User
from app.auth.permissions import PermissionDenied, Role, Scope
from app.domain.statuses import ENDED_STATUSES
from app.intake.messages import Refusal, Report
from app.workflow.case_machine import STATUS_NAMES
from app.workflow.places import WorkflowError, grid_at

#: Open311 ``status``: open until the case's loop has ended (结案 or 作废)
_CLOSED = ENDED_STATUSES


def intake_user(actor: str) -> User:
    """The account the intake accepts cases as (the district centre's, by name)."""
    return User(0, actor, "移动终端接入", Role.OPERATOR, Scope())


def open_case(store, rep: Report, now: datetime, actor: str
              ) -> tuple[int | None, Refusal | None]:
    """The case of ``rep`` (made now, or the one made when it came before), or why not.
    Runs inside the caller's transaction."""
    from app.workflow.cases import new_case

    done = store.rows("SELECT case_id FROM intake_reports WHERE ref = ?", [rep.ref])
    if done:
        return int(done[0][0]), None
    worker = None
    if rep.source == "patrol":
        rows = store.rows("SELECT worker_id FROM devices WHERE key = ?", [rep.device])
        worker = rows[0][0] if rows else None
    try:
        grid = grid_at(store, rep.lon, rep.lat)
    except WorkflowError as exc:
        return None, Refusal("outside_district", str(exc))
    at = min(rep.t, now)
    description = rep.description if not rep.address else f"{rep.description}（{rep.address}）"
    try:
        with store.transaction():
            case = new_case(store, intake_user(actor), category_code=rep.category,
                            source=rep.source, description=description, grid_id=grid,
                            lon=rep.lon, lat=rep.lat, at=at)
            if worker is not None:
                store.rows("UPDATE cases SET reporter_worker_id = ? WHERE id = ?",
                           [int(worker), case.id])
            for seq, photo in enumerate(rep.photos, 1):
                store.rows("INSERT INTO case_photos VALUES (?, ?, ?, ?, ?)",
                           [case.id, seq, photo.content_type, photo.data, now])
            dev = store.rows("SELECT id FROM devices WHERE key = ?", [rep.device])
            store.rows("INSERT INTO intake_reports VALUES (?, ?, ?, ?)",
                       [rep.ref, case.id, dev[0][0] if dev else None, now])
    except (WorkflowError, PermissionDenied) as exc:
        reason = "unknown_category" if "类别" in str(exc) else "refused"
        return None, Refusal(reason, str(exc))
    return case.id, None


def case_status(store, case_id: int) -> dict | None:
    """An Open311 service request of ``case_id``: its status follows the case."""
    rows = store.rows(
        "SELECT c.id, c.code, c.status, c.category_code, k.name, c.description, c.lon, c.lat, "
        "c.reported_at, (SELECT max(occurred_at) FROM case_transitions t WHERE t.case_id = c.id)"
        ", c.source FROM cases c JOIN categories k ON k.code = c.category_code WHERE c.id = ?",
        [int(case_id)])
    if not rows:
        return None
    cid, code, status, cat, name, desc, lon, lat, reported, updated, _ = rows[0]
    return {"service_request_id": str(cid), "status": "closed" if status in _CLOSED else "open",
            "status_notes": STATUS_NAMES.get(status, status), "service_name": name, "service_code": cat,
            "description": desc, "requested_datetime": reported.isoformat(),
            "updated_datetime": (updated or reported).isoformat(), "lat": lat, "long": lon,
            "agency_responsible": "", "service_notice": code}
