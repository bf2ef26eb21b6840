"""``python -m app users …``: local accounts (the audit trail: app/commands/audit.py)."""

from __future__ import annotations

import getpass
import os
import sys

from app.auth.accounts import add_user, list_users, set_locked
from app.auth.permissions import ROLE_NAMES, SCOPE_KIND_NAMES, Role, Scope, require
from app.commands.workflow import _user_error, common_args, emit, session
from app.workflow.places import PlaceNames, WorkflowError, department_ids

NEW_PASSWORD_ENV = "GRIDCC_NEW_PASSWORD"


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("users", help="local accounts (administrator)")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("add", help=f"add an account (password from ${NEW_PASSWORD_ENV} or a prompt)")
    common_args(q, add_db_arg)
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=[r.value for r in Role])
    q.add_argument("--scope", default="district",
                   help="district | street:ID | community:ID | department:CODE")
    q.add_argument("--display-name")
    q = ops.add_parser("list", help="all accounts")
    common_args(q, add_db_arg)
    for name in ("lock", "unlock"):
        q = ops.add_parser(name, help=f"{name} an account")
        common_args(q, add_db_arg)
        q.add_argument("name")
    return {"users": cmd_users}


def _scope(store, text: str) -> Scope:
    kind, _, value = text.partition(":")
    if kind == "district" and not value:
        return Scope()
    if kind == "department" and value:
        return Scope("department", department_ids(store, [value.upper()])[0])
    if kind in ("street", "community") and value.isdigit():
        street = None
        if kind == "community":
            street = store.scalar("SELECT parent_id FROM grid_units WHERE id = ?", [int(value)])
        return Scope(kind, int(value), street)
    raise WorkflowError(f"scope must be district, street:ID, community:ID or department:CODE, "
                        f"not {text!r}")


def cmd_users(args) -> int:
    with session(args) as (store, user, now):
        require(user.role, user.scope, "users.manage")
        if args.op == "list":
            users = list_users(store)
            data = [{"username": u.username, "display_name": u.display_name, "role": u.role.value,
                     "scope": u.scope.label(), "locked": u.locked,
                     "failed_logins": u.failed_logins} for u in users]
            names = PlaceNames(store)
            text = "\n".join(f"{u.username:<14} {ROLE_NAMES[u.role]:<10} "
                             f"{_scope_name(names, u.scope):<12} "
                             f"{'已锁定' if u.locked else ''} {u.display_name}" for u in users)
            return emit(args, data, text)
        if args.op == "add":
            password = os.environ.get(NEW_PASSWORD_ENV)
            if password is None:
                if not sys.stdin.isatty():
                    raise _user_error(f"no password for the new account: set ${NEW_PASSWORD_ENV}")
                password = getpass.getpass(f"password for the new account {args.name}: ")
            new = add_user(store, args.name, password, args.role, _scope(store, args.scope),
                           display_name=args.display_name, at=now, by=user)
            return emit(args, {"username": new.username, "role": new.role.value,
                               "scope": new.scope.label()},
                        f"已添加账号 {new.username}：{ROLE_NAMES[new.role]}，"
                        f"{_scope_name(PlaceNames(store), new.scope)}")
        u = set_locked(store, args.name, args.op == "lock", at=now, by=user)
        return emit(args, {"username": u.username, "locked": u.locked},
                    f"账号 {u.username} {'已锁定' if u.locked else '已解锁'}")


def _scope_name(names: PlaceNames, scope: Scope) -> str:
    """A scope as the user reads it: 全区, or the street's, community's or department's
    name (never its id)."""
    if scope.kind == "district":
        return SCOPE_KIND_NAMES["district"]
    return names.name(scope.kind, scope.id) or SCOPE_KIND_NAMES[scope.kind]
