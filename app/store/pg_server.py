"""``python -m app server init``: make a district database on a PostgreSQL server.

:func:`init_server` connects with the administrator's URL and, each step only if it
is not done yet: creates the database (through the maintenance database ``postgres``
of the same server), runs the schema migrations, installs PostGIS geometry
(app/store/pg_geometry.py), sets up the appraisal's shared facts
(app/appraisal/server_facts.py), installs the security (app/store/pg_security.py:
groups, grants, row-level security, the append-only audit log) and gives every
account in ``users`` its login role.  Running it again changes nothing and says so.

An account's login gets a password only where the server can know it: a demo
account whose stored hash matches its documented demo password (app/demo/accounts.py)
gets that password, so the demo logins work on a server as in a file; any other
account copied from a file (``migrate``) keeps a login without a password until the
administrator sets one (``server password NAME``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app.store.errors import StoreError
from app.store.target import DbTarget, parse_db

log = logging.getLogger(__name__)


def _say(progress: Callable[[str], None] | None, text: str) -> None:
    log.info("%s", text)
    if progress:
        progress(text)


def _dbname(target: DbTarget) -> str:
    try:
        params = conninfo_to_dict(target.conninfo or "")
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"服务器地址写得不对（{target.display()}）：{exc}") from None
    name = params.get("dbname")
    if not name:
        raise StoreError(f"服务器地址中没有区库名（{target.display()}）："
                         "写成 postgresql://用户@主机:端口/库名")
    return name


def ensure_database(target: DbTarget) -> bool:
    """Create the database ``target`` names if the server has none of that name
    (through the maintenance database ``postgres``); True if it was created."""
    from app.store.pg_store import PostgresStore

    try:
        PostgresStore.connect(target).close()
        return False
    except StoreError as exc:
        if "没有这个区库" not in str(exc):
            raise
    name = _dbname(target)
    maintenance = DbTarget("postgres", conninfo=make_conninfo(target.conninfo or "",
                                                              dbname="postgres"))
    conn = PostgresStore.connect(maintenance)
    try:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.InsufficientPrivilege:
        raise StoreError(f"账号 {conn.info.user} 没有建库权限，无法创建区库 {name}：请用有 "
                         f"CREATEDB 权限的管理员账号运行 server init，或由数据库管理员先 "
                         f"`createdb {name}`") from None
    except psycopg.errors.DuplicateDatabase:
        return False  # created meanwhile by someone else: fine
    except psycopg.Error as exc:
        raise StoreError(f"无法创建区库 {name}：{str(exc).strip().splitlines()[0]}") from None
    finally:
        conn.close()
    return True


def init_server(target: DbTarget | str, *, progress: Callable[[str], None] | None = None
                ) -> dict[str, Any]:
    """Create or bring up to date the district database at ``target`` (an
    administrator's URL); returns what was done (``changed`` False: nothing to do)."""
    from app.store.pg_security import install_security
    from app.store.pg_store import PostgresStore

    target = parse_db(target)
    if not target.is_postgres:
        raise StoreError(f"server init 需要 PostgreSQL 地址（postgresql://…），不是文件 "
                         f"{target.display()}")
    done: dict[str, Any] = {"database": target.display(), "database_created": False,
                            "migrated": None, "geometry": None, "security": False,
                            "logins_created": [], "logins_without_password": []}
    done["database_created"] = ensure_database(target)
    if done["database_created"]:
        _say(progress, f"created database {_dbname(target)}")
    probe = PostgresStore.connect(target)
    try:
        before = _schema_version(probe)
    finally:
        probe.close()
    store = PostgresStore.open(target, create=True)
    try:
        after = store.schema_version()
        if after != before:
            done["migrated"] = [before, after]
            _say(progress, f"schema migrated from version {before} to {after}")
        done["geometry"] = _geometry(store, progress)
        done["facts"] = _facts(store, progress)
        done["security"] = install_security(store)
        _say(progress, "security installed (groups, grants, row-level security, "
                       "append-only audit log)" if done["security"]
             else "security already installed")
        created, nopw = create_logins(store)
        done["logins_created"], done["logins_without_password"] = created, nopw
        if created:
            _say(progress, f"login roles created: {', '.join(created)}")
        if nopw:
            _say(progress, "accounts whose login has no password yet (set one with "
                           f"`server password NAME`): {', '.join(nopw)}")
    finally:
        store.close()
    done["changed"] = bool(done["database_created"] or done["migrated"]
                           or done["geometry"] == "installed" or done["security"]
                           or done["logins_created"])
    if not done["changed"]:
        _say(progress, "nothing to do: the district database is up to date")
    return done


def _schema_version(conn: psycopg.Connection) -> int:
    if not conn.execute("SELECT to_regclass('public.meta') IS NOT NULL").fetchone()[0]:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def _geometry(store, progress) -> str:
    """Install PostGIS geometry (another module's work); 'installed', 'present' or
    'skipped' when that module is not there."""
    try:
        from app.store.pg_geometry import has_geometry, install_geometry
    except ImportError:
        _say(progress, "PostGIS geometry skipped: app/store/pg_geometry.py is not available")
        return "skipped"
    if _postgis_present(store) and has_geometry(store):
        return "present"
    install_geometry(store)
    _say(progress, "PostGIS geometry installed")
    return "installed"


def _facts(store, progress) -> bool:
    """The appraisal's shared per-case facts set up and built now (app/appraisal/
    server_facts.py), so that no seat pays for the first build; before the security, so
    that its grants cover their tables."""
    try:
        from app.appraisal.server_facts import prepare_server_facts
    except ImportError:
        return False
    return bool(prepare_server_facts(store))


def _postgis_present(store) -> bool:
    return bool(store._raw("SELECT EXISTS (SELECT 1 FROM pg_extension "
                           "WHERE extname = 'postgis')").fetchone()[0])


def create_logins(store) -> tuple[list[str], list[str]]:
    """A login role for every account in ``users`` that has none; (created, created
    without a password).  Demo accounts get their demo password (when their stored
    hash still matches it); existing logins are brought in step (groups, locked)."""
    from app.auth.accounts import check_password
    from app.auth.permissions import Role
    from app.demo.accounts import DEMO_PASSWORDS
    from app.store.pg_security import sync_login

    rows = store._raw("SELECT u.username, u.role, u.password_hash, "
                      "EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = u.username) "
                      "FROM users u ORDER BY u.id").fetchall()
    created: list[str] = []
    nopw: list[str] = []
    with store.transaction():
        for username, role, stored, exists in rows:
            if exists:
                sync_login(store, username)
                continue
            try:
                demo = DEMO_PASSWORDS.get(Role(role))
            except ValueError:
                demo = None
            password = demo if demo and check_password(demo, stored) else None
            sync_login(store, username, password)
            created.append(username)
            if password is None:
                nopw.append(username)
    return created, nopw


def server_status(target: DbTarget | str) -> dict[str, Any]:
    """Versions, groups and their members, and the seats connected (``server status``)."""
    from app.store.pg_security import group_names, installed
    from app.store.pg_store import PostgresStore

    target = parse_db(target)
    store = PostgresStore.open(target, read_only=True)
    try:
        conn = store._conn
        out: dict[str, Any] = {"database": target.display(), "user": conn.info.user,
                               "server": store.scalar("SELECT version()"),
                               "schema_version": store.schema_version()}
        out["postgis"] = store.scalar(
            "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        out["security"] = installed(store)
        groups = group_names(conn.info.dbname)
        out["groups"] = {g: [r[0] for r in store.rows(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ? "
            "AND m.rolname <> ALL(?) ORDER BY 1", [name, list(groups.values())])]
            for g, name in groups.items()}
        out["seats"] = [{"user": r[0], "client": r[1], "since": str(r[2])} for r in store.rows(
            "SELECT usename, coalesce(client_addr::text, 'local'), backend_start "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'gridcc' AND pid <> pg_backend_pid() ORDER BY 3")]
        return out
    finally:
        store.close()


def set_password(store, username: str, password: str) -> None:
    """Give ``username``'s login a new password (administrators; the password is
    turned into a SCRAM verifier here and never sent)."""
    from app.auth.accounts import MIN_PASSWORD
    from app.store.pg_security import sync_login

    if len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    if not store.scalar("SELECT count(*) FROM users WHERE username = ?", [username]):
        raise StoreError(f"区库中没有账号 {username}")
    with store.transaction():
        sync_login(store, username, password)
