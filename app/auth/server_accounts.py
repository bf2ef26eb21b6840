"""Accounts on a PostgreSQL server (服务器账户): each GridCC account is a login role.

On a district whose security ``server init`` installed (app/store/pg_security.py):

* ``add_user`` also creates the account's login role, ``set_locked`` turns its LOGIN
  off and on (:func:`sync_account`); the password goes to the server only as a
  SCRAM-SHA-256 verifier computed here by libpq, never in clear and never logged.
* Signing in is connecting: :func:`server_login` opens the district as that role, so
  the server checks the password (SCRAM) and every later statement runs with that
  account's rights and row-level scope.  The login is audited through that new
  connection, as the user.
* A failed login cannot write as the user it failed for.  It is counted (five in a row
  lock the account, as with a file) and audited only through a connection that may
  manage accounts (an administrator's, e.g. the command line's ``--db`` URL); a seat
  with no such connection leaves it to the server's log ("password authentication
  failed for user …", with ``log_connections``).
"""

from __future__ import annotations

from datetime import datetime

from app.store.errors import StoreDisconnected, StoreError
from app.store.target import DbTarget, parse_db

WRONG_PASSWORD = "用户名或密码错误"


def security_installed(store) -> bool:
    """Whether ``store`` is a server district with accounts as login roles."""
    if getattr(store, "dialect", "") != "postgres":
        return False
    from app.store.pg_security import installed

    return installed(store)


def sync_account(store, username: str, password: str | None = None) -> None:
    """Bring ``username``'s login role in step with its ``users`` row (inside the
    caller's transaction, so that a refused role leaves no account behind)."""
    if not security_installed(store):
        return
    from app.store.pg_security import sync_login

    sync_login(store, username, password)


def user_target(target: DbTarget | str, username: str, password: str) -> DbTarget:
    """``target`` with its user and password replaced by the account's."""
    from psycopg.conninfo import make_conninfo  # here: a file's sign-in needs no psycopg

    target = parse_db(target)
    return DbTarget("postgres", conninfo=make_conninfo(target.conninfo or "", user=username,
                                                       password=password))


def server_login(target: DbTarget | str, username: str, password: str, *, at: datetime,
                 record_failure_on=None):
    """Open the district at ``target`` as ``username``; (store, User).  The store runs
    with that account's rights.  ``record_failure_on``: a store through which a failed
    attempt is counted and audited if it may (see the module docstring).

    Raises AuthError (wrong password, locked, not an account of this district) or
    StoreError (the server cannot be reached: StoreDisconnected)."""
    from app.auth.accounts import AuthError, get_user
    from app.store.pg_store import PostgresStore

    username = (username or "").strip()
    if not username or not password:
        raise AuthError(WRONG_PASSWORD)
    mine = user_target(target, username, password)
    try:
        store = PostgresStore.open(mine)
    except StoreDisconnected:
        raise
    except StoreError as exc:
        text = str(exc)
        if "用户名或密码错误" in text or "没有这个账号" in text:
            counted = _record_failure(record_failure_on, username, at)
            raise AuthError(_failure_text(username, counted)) from None
        if "not permitted to log in" in text:  # the right password of a locked account
            _record_refused(record_failure_on, username, at)
            raise AuthError(locked_text(username)) from None
        if "permission denied for database" in text:
            raise AuthError(f"账号 {username} 不是这个区库的账号（没有连接权限）") from None
        raise
    try:
        user = get_user(store, username)
        _record_login(store, user, at)
    except AuthError:
        store.close()
        raise AuthError(f"账号 {username} 不是这个区库的账号") from None
    except BaseException:
        store.close()
        raise
    return store, user


def _record_login(store, user, at: datetime) -> None:
    from app.audit import append as audit
    from app.auth.accounts import _changed

    with store.transaction():
        store.rows("UPDATE users SET failed_logins = 0, last_login_at = ? WHERE id = ?",
                   [at, user.id])
        audit(store, at=at, username=user.username, role=user.role.value, action="login",
              entity="user", entity_id=user.username, after={"server": True})
        _changed(store, user.id, "user.login", user.username, at)


def _may_manage(store) -> bool:
    if store is None or getattr(store, "read_only", True) or not security_installed(store):
        return False
    try:
        return bool(store.scalar("SELECT gridcc_is_admin()"))
    except StoreError:
        return False


def _record_refused(store, username: str, at: datetime) -> None:
    """Audit a locked account's attempt through an administrator's ``store`` (if any)."""
    if not _may_manage(store):
        return
    from app.audit import append as audit

    role = store.scalar("SELECT role FROM users WHERE username = ?", [username])
    if role is not None:
        audit(store, at=at, username=username, role=role, action="login.refused",
              entity="user", entity_id=username, after={"reason": "locked", "server": True})


def locked_text(username: str) -> str:
    from app.auth.accounts import MAX_FAILED_LOGINS

    return (f"账号 {username} 因连续 {MAX_FAILED_LOGINS} 次登录失败已被锁定，"
            "请联系系统管理员解锁")


def _failure_text(username: str, counted: tuple[int, bool | None] | None) -> str:
    """What a failed login says: as a file district does when the failure was counted
    (locked None: the account was locked before this attempt)."""
    from app.auth.accounts import MAX_FAILED_LOGINS

    if counted is None:
        return WRONG_PASSWORD
    failed, locked = counted
    if locked is None:
        return locked_text(username)
    if locked:
        return (f"密码错误，已连续 {MAX_FAILED_LOGINS} 次；账号 {username} 已被锁定，"
                "请联系系统管理员解锁")
    return f"{WRONG_PASSWORD}（还可再试 {MAX_FAILED_LOGINS - failed} 次）"


def _record_failure(store, username: str, at: datetime) -> tuple[int, bool | None] | None:
    """Count and audit a failed login through an administrator's ``store`` (nothing
    otherwise); the fifth in a row locks the account and its login.  (failed logins in a
    row, locked now — None if it was locked before) of an account, None when nothing was
    counted."""
    if not _may_manage(store):
        return None
    from app.audit import append as audit
    from app.auth.accounts import MAX_FAILED_LOGINS, _changed

    with store.transaction():
        rows = store.rows("UPDATE users SET failed_logins = failed_logins + 1, "
                          "locked = failed_logins + 1 >= ? WHERE username = ? AND NOT locked "
                          "RETURNING id, failed_logins, locked, role",
                          [MAX_FAILED_LOGINS, username])
        if not rows:
            known = store.rows("SELECT role FROM users WHERE username = ?", [username])
            if known:  # locked already: refused as such, as on a file district
                audit(store, at=at, username=username, role=known[0][0],
                      action="login.refused", entity="user", entity_id=username,
                      after={"reason": "locked", "server": True})
                return MAX_FAILED_LOGINS, None
            audit(store, at=at, username=username or "?", role="unknown", action="login.fail",
                  entity="user", entity_id=username, after={"reason": "no such account"})
            return None
        uid, failed, locked, role = rows[0]
        audit(store, at=at, username=username, role=role,
              action="login.lock" if locked else "login.fail", entity="user",
              entity_id=username, after={"failed_logins": int(failed), "server": True})
        if locked:
            sync_account(store, username)
        _changed(store, int(uid), "user.lockout" if locked else "user.login_fail", username, at)
    return int(failed), bool(locked)


def authenticate_on_server(store, username: str, password: str, *, at: datetime):
    """``authenticate`` on a server: the password is checked by connecting as the
    account (then closed again); failures are recorded through ``store`` if it may."""
    conn_store, user = server_login(store.target, username, password, at=at,
                                    record_failure_on=store)
    conn_store.close()
    return user
