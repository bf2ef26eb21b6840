"""Local accounts (本地账户): salted scrypt hashes, lockout after failed logins.

MLPS 2.0 level 3 asks for unique accounts, lockout after failed logins and
tamper-protected records of every login: each login attempt goes to the audit
trail.  Passwords are hashed with ``hashlib.scrypt`` (n=2^14, r=8, p=1, 16-byte
salt); the parameters are stored with the hash so that they can be raised later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime

from app.audit import append as audit
from app.auth.permissions import ROLE_NAMES, ROLE_SCOPES, SCOPE_KIND_NAMES, Role, Scope
from app.changes import Change
from app.store import DistrictRepository
from app.store.sequences import next_id

MAX_FAILED_LOGINS = 5
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 8


class AuthError(Exception):
    """Login or account problem; the message is one line in Chinese fit for the user."""


#: a wrong password and an unknown user name read the same (no hint which one it was)
WRONG_PASSWORD = "用户名或密码错误"
#: who a failed login is recorded as when the name typed is no account: never the text
#: itself, which may be a password typed into the user-name field (no account can be
#: named this: account names are letters, digits, "_" and ".")
UNKNOWN_USER = "未知用户"


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) of ``password``."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time compare)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@dataclass(frozen=True)
class User:
    """A signed-in (or listed) account with its role and scope."""

    id: int
    username: str
    display_name: str
    role: Role
    scope: Scope
    locked: bool = False
    failed_logins: int = 0


_COLS = "id, username, display_name, role, scope_kind, scope_id, locked, failed_logins"


def _user(row, store: DistrictRepository) -> User:
    kind, sid = row[4], row[5]
    street = None
    if kind == "community" and sid is not None:
        street = store.scalar("SELECT parent_id FROM grid_units WHERE id = ?", [sid])
    return User(row[0], row[1], row[2], Role(row[3]),
                Scope(kind, sid, street), bool(row[6]), int(row[7]))


def get_user(store: DistrictRepository, username: str) -> User:
    rows = store.rows(f"SELECT {_COLS} FROM users WHERE username = ?", [username])
    if not rows:
        raise AuthError(f"没有名为“{username}”的账号")
    return _user(rows[0], store)


def list_users(store: DistrictRepository) -> list[User]:
    return [_user(r, store) for r in store.rows(f"SELECT {_COLS} FROM users ORDER BY id")]


def _check_scope(store: DistrictRepository, role: Role, scope: Scope) -> None:
    if scope.kind not in ROLE_SCOPES[role]:
        allowed = "或".join(SCOPE_KIND_NAMES[k] for k in ROLE_SCOPES[role])
        raise AuthError(f"{ROLE_NAMES[role]}的管辖范围须为{allowed}，"
                        f"不能是{SCOPE_KIND_NAMES[scope.kind]}")
    if scope.kind in ("street", "community"):
        level = 2 if scope.kind == "street" else 3
        if not store.scalar("SELECT count(*) FROM grid_units WHERE id = ? AND level = ?",
                            [scope.id, level]):
            raise AuthError(f"没有编号为 {scope.id} 的{SCOPE_KIND_NAMES[scope.kind]}")
    if scope.kind == "department" and not store.scalar(
            "SELECT count(*) FROM departments WHERE id = ?", [scope.id]):
        raise AuthError(f"没有编号为 {scope.id} 的部门")


def add_user(store: DistrictRepository, username: str, password: str, role: Role | str,
             scope: Scope, *, display_name: str | None = None, at: datetime,
             by: User | None = None, password_hash: str | None = None) -> User:
    """Create an account (admin only, checked by the caller); audited."""
    username = (username or "").strip()
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise AuthError(f"账号只能由字母、数字、“_”或“.”组成，“{username}”不行")
    try:
        role = Role(role)
    except ValueError:
        raise AuthError(f"没有“{role}”这个角色；可选：{', '.join(r.value for r in Role)}") \
            from None
    if password_hash is None and len(password) < MIN_PASSWORD:
        raise AuthError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    _check_scope(store, role, scope)
    with store.transaction():
        if store.scalar("SELECT count(*) FROM users WHERE username = ?", [username]):
            raise AuthError(f"账号“{username}”已存在")
        uid = next_id(store, "user_id")
        store.rows("INSERT INTO users (id, username, display_name, role, scope_kind, scope_id, "
                   "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [uid, username, display_name or username, role.value, scope.kind, scope.id,
                    password_hash or hash_password(password), at])
        _sync_server_login(store, username, None if password_hash else password)
        audit(store, at=at, username=by.username if by else "system",
              role=by.role.value if by else "system", action="user.add", entity="user",
              entity_id=username, after={"role": role.value, "scope": scope.label()})
        _changed(store, uid, "user.add", by, at)
    return get_user(store, username)


def set_locked(store: DistrictRepository, username: str, locked: bool, *, at: datetime,
               by: User | None = None) -> User:
    """Lock or unlock an account (unlock also clears the failed-login count); audited."""
    user = get_user(store, username)
    with store.transaction():
        store.rows("UPDATE users SET locked = ?, failed_logins = CASE WHEN ? THEN failed_logins "
                   "ELSE 0 END WHERE id = ?", [locked, locked, user.id])
        audit(store, at=at, username=by.username if by else "system",
              role=by.role.value if by else "system",
              action="user.lock" if locked else "user.unlock", entity="user",
              entity_id=username, before={"locked": user.locked}, after={"locked": locked})
        _sync_server_login(store, username)
        _changed(store, user.id, "user.lock" if locked else "user.unlock", by, at)
    return get_user(store, username)


def _on_server(store: DistrictRepository) -> bool:
    """A server district where accounts are login roles (app/auth/server_accounts.py)."""
    from app.auth.server_accounts import security_installed

    return security_installed(store)


def _sync_server_login(store: DistrictRepository, username: str,
                       password: str | None = None) -> None:
    """On a server: the account's login role follows its row (same transaction)."""
    from app.auth.server_accounts import sync_account

    sync_account(store, username, password)


def _changed(store: DistrictRepository, uid: int, action: str, by: User | str | None,
             at: datetime) -> None:
    actor = by.username if isinstance(by, User) else (by or "system")
    store.stage_change(Change("user", (uid,), action, actor, at))


def authenticate(store: DistrictRepository, username: str, password: str, *,
                 at: datetime) -> User:
    """Sign in; 5 wrong passwords in a row lock the account.  Every attempt is audited
    (except on a read-only database, which cannot record anything).

    The count is atomic: a wrong password bumps ``failed_logins`` with one
    ``UPDATE … RETURNING`` in the transaction that audits it, and only while the account
    is unlocked, so parallel attempts cannot get past the lockout; a right password
    signs in only if the account is still unlocked at that moment."""
    if _on_server(store):
        from app.auth.server_accounts import authenticate_on_server

        return authenticate_on_server(store, username, password, at=at)
    rows = store.rows("SELECT id, password_hash, locked, role FROM users WHERE username = ?",
                      [username])
    writable = not store.read_only
    if not rows:
        if writable:  # what was typed is not a name: perhaps a password in the wrong field
            audit(store, at=at, username=UNKNOWN_USER, role="unknown", action="login.fail",
                  entity="user", after={"reason": "no such account"})
        raise AuthError(WRONG_PASSWORD)
    uid, stored, locked, role = rows[0]
    if locked:
        _refuse_locked(store, username, role, at, writable)
    if not check_password(password, stored):  # slow (scrypt): outside the transaction
        if not writable:
            raise AuthError(WRONG_PASSWORD)
        with store.transaction():
            bumped = store.rows(
                "UPDATE users SET failed_logins = failed_logins + 1, "
                "locked = failed_logins + 1 >= ? WHERE id = ? AND NOT locked "
                "RETURNING failed_logins, locked", [MAX_FAILED_LOGINS, uid])
            if bumped:
                failed, now_locked = int(bumped[0][0]), bool(bumped[0][1])
                audit(store, at=at, username=username, role=role,
                      action="login.lock" if now_locked else "login.fail", entity="user",
                      entity_id=username, after={"failed_logins": failed})
                _changed(store, uid, "user.lockout" if now_locked else "user.login_fail",
                         username, at)
        if not bumped:  # another attempt locked it meanwhile
            _refuse_locked(store, username, role, at, writable)
        if now_locked:
            raise AuthError(f"密码错误，已连续 {MAX_FAILED_LOGINS} 次；账号 {username} 已被锁定，"
                            "请联系系统管理员解锁")
        raise AuthError(f"{WRONG_PASSWORD}（还可再试 {MAX_FAILED_LOGINS - failed} 次）")
    if writable:
        with store.transaction():
            signed_in = store.rows("UPDATE users SET failed_logins = 0, last_login_at = ? "
                                   "WHERE id = ? AND NOT locked RETURNING id", [at, uid])
            if signed_in:
                audit(store, at=at, username=username, role=role, action="login",
                      entity="user", entity_id=username)
                _changed(store, uid, "user.login", username, at)
        if not signed_in:
            _refuse_locked(store, username, role, at, writable)
    return get_user(store, username)


def _refuse_locked(store: DistrictRepository, username: str, role: str, at: datetime,
                   writable: bool) -> None:
    if writable:
        audit(store, at=at, username=username, role=role, action="login.refused",
              entity="user", entity_id=username, after={"reason": "locked"})
    raise AuthError(f"账号 {username} 因连续 {MAX_FAILED_LOGINS} 次登录失败已被锁定，"
                    "请联系系统管理员解锁")
