"""``python -m app case …`` and ``python -m app whistle …``: the closed loop and the
whistle from the command line, signed in with ``--user`` (password from
$GRIDCC_PASSWORD or a prompt), at the district clock's now (``--now`` or $GRIDCC_NOW
fix it, for scripts and tests)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from app.audit import append as audit
from app.auth.accounts import AuthError, User, authenticate
from app.auth.permissions import PermissionDenied, require
from app.clock import ClockError, is_live, parse_now, store_clock
from app.store import open_store
from app.workflow import case_machine as cm
from app.workflow import cases, whistles
from app.workflow import whistle_machine as wm
from app.workflow.places import (
    PlaceNames,
    WorkflowError,
    department_ids,
    department_names,
    grid_at,
    grid_by_code,
)

PASSWORD_ENV = "GRIDCC_PASSWORD"
APPROVER_PASSWORD_ENV = "GRIDCC_APPROVER_PASSWORD"
USER_ENV = "GRIDCC_USER"
_USER_MISTAKES = (AuthError, PermissionDenied, WorkflowError, cm.IllegalTransition,
                  wm.IllegalWhistleStep)


def _user_error(msg: str) -> Exception:
    from app.cli import UserError

    return UserError(msg)


def now_arg(text: str) -> datetime:
    """``--now``: an ISO date-time (argparse type)."""
    try:
        return parse_now(text)
    except ClockError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def common_args(p: argparse.ArgumentParser, add_db_arg, *, user_required: bool = True) -> None:
    add_db_arg(p)
    p.add_argument("--user", default=os.environ.get(USER_ENV),
                   help=f"account to act as (default ${USER_ENV}); password from "
                        f"${PASSWORD_ENV} or a prompt" + ("" if user_required else "; optional"))
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--now", type=now_arg, default=None,
                   help="act at this moment (default $GRIDCC_NOW, else the district's "
                        "wall clock)")


@contextmanager
def session(args, *, need_user: bool = True):
    """Open the store read-write, sign the user in; (store, user or None, now).

    On the live clock a stale demo district's timeline is first brought to now (as the
    command centre does when it opens): what is done now must not land a week after
    the rest of the demo.  A fixed ``--now`` is the moment of this one action and moves
    nothing."""
    from app.demo.reanchor import reanchor

    if args.db.is_postgres and args.user:
        # on a server the account is a login role: the command runs on its own
        # connection, with exactly the rights the server gives that account
        store, user, now = _server_session(args)
    else:
        store, user, now = open_store(args.db), None, None
    try:
        if now is None:
            clock = store_clock(store, override=args.now)
            now = clock.now()
            if is_live(clock):
                reanchor(store, now)
            if args.user:
                try:
                    user = authenticate(store, args.user, _password(args), at=now)
                except AuthError as exc:
                    raise _user_error(str(exc)) from None
        if user is None and need_user:
            raise _user_error(f"sign in with --user NAME (or ${USER_ENV})")
        pseudonyms = _no_personal_data_for(user)
        try:
            yield store, user, now
        except _USER_MISTAKES as exc:
            raise _user_error(str(exc)) from None
        finally:
            if pseudonyms:  # for this command only
                from app.privacy.demo import set_demo_mode

                set_demo_mode(None)
    finally:
        store.close()


def _no_personal_data_for(user) -> bool:
    """A wall account's outputs show people as demonstration mode does: under pseudonyms,
    without phone numbers (app/privacy/wall.py).  True when the mode was turned on here."""
    from app.privacy.demo import demo_mode, set_demo_mode
    from app.privacy.wall import sees_no_personal_data

    if sees_no_personal_data(user) and not demo_mode():
        set_demo_mode(True)
        return True
    return False


def _password(args) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise _user_error(f"no password: set ${PASSWORD_ENV} or run in a terminal")
        password = getpass.getpass(f"password for {args.user}: ")
    return password


def _server_session(args):
    """(store connected as ``args.user``, that user, now) on a server district."""
    from app.auth.server_accounts import server_login
    from app.clock import district_clock

    password = _password(args)
    try:
        store, user = server_login(args.db, args.user, password,
                                   at=district_clock(override=args.now).now())
    except AuthError as exc:
        raise _user_error(str(exc)) from None
    return store, user, store_clock(store, override=args.now).now()


def emit(args, data, text: str) -> int:
    """Print ``data`` as JSON (--json) or ``text``; phone and ID numbers typed into
    descriptions, notes or names are masked either way (PIPL Art. 28)."""
    from app.privacy.demo import pseudonymize_json
    from app.privacy.masking import mask_json, mask_text

    if args.json:  # (people under pseudonyms in demonstration mode)
        print(json.dumps(mask_json(pseudonymize_json(data)), ensure_ascii=False, indent=2,
                         default=str))
    else:
        print(mask_text(text))
    return 0


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace("，", ",").split(",") if c.strip()]


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("case", help="cases of the closed loop (事件闭环)")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("new", help="accept a new case (受理)")
    common_args(q, add_db_arg)
    q.add_argument("--category", required=True, help="4-digit category code, e.g. 0101")
    q.add_argument("--source", default="public", choices=cases.SOURCES)
    q.add_argument("--text", required=True, help="what the problem is")
    _place_args(q)
    q = ops.add_parser("show", help="one case with its steps")
    common_args(q, add_db_arg)
    q.add_argument("ref", help="case code or id")
    q = ops.add_parser("list", help="the case queue you may see")
    common_args(q, add_db_arg)
    q.add_argument("--status", choices=cm.STATUSES)
    q.add_argument("--street", type=int)
    q.add_argument("--category")
    q.add_argument("--dept", help="department code")
    q.add_argument("--overdue", action="store_true")
    q.add_argument("--limit", type=int, default=50)
    q = ops.add_parser("advance", help="move a case one step (" + ", ".join(cm.ACTIONS) + ")")
    common_args(q, add_db_arg)
    q.add_argument("ref")
    q.add_argument("action", choices=cm.ACTIONS)
    q.add_argument("--reason")
    q.add_argument("--approver", help="user name of the approver (审批人); password from "
                                      f"${APPROVER_PASSWORD_ENV} or a prompt")
    q.add_argument("--dept", help="department code (dispatch)")
    q.add_argument("--hours", type=float, help="extra working hours (extend)")
    q.add_argument("--satisfaction", type=int, help="1-5 (evaluate)")

    p = sub.add_parser("whistle", help="street whistles (街道吹哨、部门报到)")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("blow", help="blow a whistle (street secretary/director)")
    common_args(q, add_db_arg)
    _place_args(q)
    q.add_argument("--case", help="raise it from this case (its place)")
    q.add_argument("--dept", required=True, help="department codes, comma-separated: CG,HW")
    q.add_argument("--title", required=True)
    q.add_argument("--text", default="")
    _deadline_args(q)
    q.add_argument("--attach", action="append", default=[], help="photo/attachment path")
    for name, helptext in (("report-in", "a department reports in (报到)"),
                           ("feedback", "a department feeds back (反馈)"),
                           ("verify", "the street verifies a department's work (核查)"),
                           ("rate", "the street rates a department 1-5 (评价)"),
                           ("second", "blow a second whistle (二次哨)"),
                           ("supervise", "put an overdue whistle under supervision (督办)"),
                           ("accountability", "flag for accountability (问责)"),
                           ("show", "one whistle and its timeline")):
        q = ops.add_parser(name, help=helptext)
        common_args(q, add_db_arg)
        q.add_argument("ref", help="whistle code or id")
        if name in ("report-in", "feedback", "verify", "rate"):
            q.add_argument("--dept", help="department code (default: your department)")
        if name == "report-in":
            q.add_argument("--by", help="who reports in (default: your display name)")
        if name in ("feedback", "verify", "second", "supervise", "accountability"):
            q.add_argument("--text", default="")
        if name == "feedback":
            q.add_argument("--attach", action="append", default=[])
        if name == "verify":
            q.add_argument("--fail", action="store_true", help="not passed: back to work (返工)")
        if name == "rate":
            q.add_argument("--rating", type=int, required=True, choices=range(1, 6))
            q.add_argument("--comment", default="")
        if name == "second":
            _deadline_args(q)
    q = ops.add_parser("list", help="whistles you may see")
    common_args(q, add_db_arg)
    q.add_argument("--open", action="store_true", help="only whistles not closed")
    q.add_argument("--supervision", action="store_true",
                   help="the supervision list (督办清单): open whistles with something overdue")
    q.add_argument("--limit", type=int, default=50)
    return {"case": cmd_case, "whistle": cmd_whistle}


def _place_args(q) -> None:
    q.add_argument("--lon", type=float)
    q.add_argument("--lat", type=float)
    q.add_argument("--grid", help="base grid code instead of --lon/--lat")


def _deadline_args(q) -> None:
    q.add_argument("--preset", choices=tuple(whistles.PRESETS), default="normal",
                   help="report/finish limits: urgent 2/27 h, normal 8/45 h, complex 16/90 h")
    q.add_argument("--report-hours", type=float, help="working hours to report in")
    q.add_argument("--finish-hours", type=float, help="working hours to finish")


def _limits(args) -> tuple[float, float]:
    rep, fin = whistles.PRESETS[args.preset]
    return args.report_hours or rep, args.finish_hours or fin


def _place(store, args) -> tuple[int, float, float]:
    if args.grid:
        gid = grid_by_code(store, args.grid)
        lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?",
                              [gid])[0]
        return gid, float(lon), float(lat)
    if args.lon is None or args.lat is None:
        raise WorkflowError("give the place: --lon and --lat, or --grid CODE")
    return grid_at(store, args.lon, args.lat), args.lon, args.lat


def _dept(store, code: str | None) -> int | None:
    return department_ids(store, [code.upper()])[0] if code else None


def cmd_case(args) -> int:
    with session(args) as (store, user, now):
        if args.op == "new":
            gid, lon, lat = _place(store, args)
            rec = cases.new_case(store, user, category_code=args.category, source=args.source,
                                 description=args.text, grid_id=gid, lon=lon, lat=lat, at=now)
            return emit(args, rec.as_dict(), f"case {rec.code} accepted (受理) in grid {gid}")
        if args.op == "show":
            rec = cases.load_case(store, args.ref)
            require(user.role, user.scope, "case.view", cases.case_target(store, rec),
                    PlaceNames(store))
            steps = cases.case_history(store, rec.id)
            data = {**rec.as_dict(), "overdue": cm.is_overdue(rec.state, now), "steps": steps,
                    "actions": cases.visible_actions(store, user, rec)}
            lines = [f"{rec.code}  {rec.state.status} ({cm.STATUS_NAMES[rec.state.status]})  "
                     f"category {rec.category_code}  deadline {rec.state.deadline_at or '-'}"
                     + ("  OVERDUE" if data["overdue"] else ""), f"  {rec.description}"]
            lines += [f"  {s['seq']:>2} {s['occurred_at']:%Y-%m-%d %H:%M} {s['action']:<9} "
                      f"→ {s['to_status']:<10} {s['actor_name'] or s['actor_role']}"
                      + (f"  ({s['note']})" if s["note"] else "") for s in steps]
            lines.append(f"  you may: {', '.join(data['actions']) or 'nothing'}")
            return emit(args, data, "\n".join(lines))
        if args.op == "list":
            rows = cases.list_cases(store, user, status=args.status, street_id=args.street,
                                    category=args.category, department_id=_dept(store, args.dept),
                                    overdue_at=now if args.overdue else None, limit=args.limit)
            _log_export(args, store, user, now, "cases", len(rows))
            text = "\n".join(f"{r['code']}  {r['status']:<10} {r['category']:<8} "
                             f"{r['street']}  {r['description'][:30]}" for r in rows)
            return emit(args, rows, text or "no cases")
        rec = cases.advance(store, user, args.ref, args.action, at=now, reason=args.reason,
                            approver=args.approver, department_id=_dept(store, args.dept),
                            extra_hours=args.hours, satisfaction=args.satisfaction,
                            approver_password=_approver_password(args, user))
        return emit(args, rec.as_dict(),
                    f"case {rec.code}: {args.action} → {rec.state.status} "
                    f"({cm.STATUS_NAMES[rec.state.status]})"
                    + (f", deadline {rec.state.deadline_at:%Y-%m-%d %H:%M}"
                       if rec.state.deadline_at else ""))


def _log_export(args, store, user: User, now: datetime, what: str, n: int) -> None:
    """Machine-readable output leaves the system: an export (导出), audited."""
    if args.json:
        audit(store, at=now, username=user.username, role=user.role.value, action="export",
              entity=what, after={"records": n})


def _approver_password(args, user: User) -> str | None:
    if not args.approver or args.approver == user.username or args.action not in cm.NEEDS_APPROVAL:
        return None
    password = os.environ.get(APPROVER_PASSWORD_ENV)
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(f"password of the approver {args.approver}: ")
    return password


def _attachments(paths: list[str]) -> list[str]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise WorkflowError(f"attachment not found: {missing[0]}")
    return [str(Path(p).resolve()) for p in paths]


def cmd_whistle(args) -> int:  # noqa: C901 - one branch per sub-command
    with session(args) as (store, user, now):
        op = args.op
        dept = _dept(store, getattr(args, "dept", None)) if op not in ("blow",) else None
        if op == "blow":
            if args.case:
                rec = cases.load_case(store, args.case)
                gid, lon, lat, case_id = rec.grid_id, rec.lon, rec.lat, rec.id
            else:
                (gid, lon, lat), case_id = _place(store, args), None
            rep, fin = _limits(args)
            wid = whistles.blow(store, user, grid_id=gid,
                                department_ids=department_ids(store, _codes(args.dept)),
                                title=args.title, description=args.text, lon=lon, lat=lat,
                                at=now, report_hours=rep, finish_hours=fin, case_id=case_id,
                                attachments=_attachments(args.attach))
            return _show(args, store, wid, now, f"whistle blown (吹哨): {wid}")
        if op == "list":
            if args.supervision:
                rows = whistles.supervision_list(store, now, user)
                text = "\n".join(f"{r['id']:>4}  late {r['late_hours']:.1f} h  "
                                 f"{'督办' if r['supervised'] else '未督办'}  "
                                 f"{'二次哨' if r['round'] == 2 else ''}" for r in rows)
                return emit(args, rows, text or "nothing overdue")
            rows = whistles.list_whistles(store, user, open_only=args.open, limit=args.limit)
            _log_export(args, store, user, now, "whistles", len(rows))
            text = "\n".join(f"{r['code']}  {r['status']:<9} {'二次哨 ' if r['round'] == 2 else ''}"
                             f"{r['title']}" for r in rows)
            return emit(args, rows, text or "no whistles")
        if op == "show":
            wid, w = whistles.load_whistle(store, args.ref)
            require(user.role, user.scope, "whistle.view", whistles.view_target(w),
                    PlaceNames(store))
            return _show(args, store, wid, now, None)
        if op == "report-in":
            wid = whistles.report_in(store, user, args.ref, at=now, by=args.by,
                                     department_id=dept)
        elif op == "feedback":
            wid = whistles.feed_back(store, user, args.ref, at=now, note=args.text,
                                     attachments=_attachments(args.attach), department_id=dept)
        elif op in ("verify", "rate"):
            if dept is None:
                raise WorkflowError(f"{op} needs --dept CODE (the department's work to {op})")
            if op == "verify":
                wid = whistles.verify(store, user, args.ref, at=now, department_id=dept,
                                      passed=not args.fail, note=args.text)
            else:
                wid = whistles.rate(store, user, args.ref, at=now, department_id=dept,
                                    rating=args.rating, comment=args.comment)
        elif op == "second":
            rep, fin = _limits(args)
            wid = whistles.second(store, user, args.ref, at=now, report_hours=rep,
                                  finish_hours=fin, note=args.text)
        elif op == "supervise":
            wid = whistles.supervise(store, user, args.ref, at=now, note=args.text)
        else:
            wid = whistles.accountability(store, user, args.ref, at=now, note=args.text)
        return _show(args, store, wid, now, f"whistle {wid}: {op} done")


def _show(args, store, wid: int, now: datetime, headline: str | None) -> int:
    _, w = whistles.load_whistle(store, wid)
    names = department_names(store)
    code, title = store.rows("SELECT code, title FROM whistles WHERE id = ?", [wid])[0]
    late = wm.overdue_items(w, now)
    events = whistles.timeline(store, wid)
    data = {"id": wid, "code": code, "title": title, "status": wm.whistle_status(w),
            "round": w.round, "street_id": w.street_id, "blown_at": w.blown_at,
            "report_deadline": w.report_deadline, "finish_deadline": w.finish_deadline,
            "supervised": w.supervised, "accountability": w.accountability,
            "seconded": w.seconded, "closed_at": w.closed_at,
            "departments": [{"id": t.department_id, "name": names.get(t.department_id),
                             "state": t.state, "reported_at": t.reported_at,
                             "reported_by": t.reported_by, "rating": t.rating} for t in w.tasks],
            "overdue": [{"department_id": o.department_id, "kind": o.kind,
                         "late_hours": round(o.late_s / 3600, 2)} for o in late],
            "timeline": events}
    lines = ([headline] if headline else []) + [
        f"{code} {title}  [{wm.STATUS_NAMES[data['status']]}]"
        + ("  二次哨" if w.round == 2 else "") + ("  督办" if w.supervised else "")
        + ("  问责" if w.accountability else ""),
        f"  report in by {w.report_deadline:%Y-%m-%d %H:%M}, finish by "
        f"{w.finish_deadline:%Y-%m-%d %H:%M}"]
    lines += [f"  {names.get(t.department_id, t.department_id)}: {t.state}"
              + (f" ({t.rating}分)" if t.rating else "") for t in w.tasks]
    lines += [f"  overdue: {names.get(o.department_id)} {o.kind} {o.late_s / 3600:.1f} h"
              for o in late]
    lines += [f"  {e['occurred_at']:%m-%d %H:%M} {wm.ACTION_NAMES.get(e['action'], e['action'])}"
              f" {names.get(e['department_id'], '') if e['department_id'] else ''}"
              f" {e['actor'] or ''}" for e in events]
    return emit(args, data, "\n".join(lines))


__all__ = ["USER_ENV", "PASSWORD_ENV", "User", "common_args", "emit", "register", "session"]
