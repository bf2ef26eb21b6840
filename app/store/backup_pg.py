"""Backups of a district on a PostgreSQL server: ``pg_dump``/``pg_restore`` wrapped with
the same manifest and verification as a file district (app/store/backup.py).

Backup
    The district's state (schema version, audit head, row counts) is read in one
    REPEATABLE READ transaction whose snapshot is exported to ``pg_dump --snapshot``:
    the dump and its manifest describe exactly the same committed state, while seats go
    on writing.  The dump (custom format, ``-Fc``) is then verified by restoring it into
    a scratch database on the same server (``<db>_gridcc_check_<pid>``, dropped after):
    row counts, schema version, audit chain and head as the manifest says.
Restore
    The backup is checked (SHA-256) and restored into a new database beside the district,
    verified there, and only then swapped in: the district is renamed
    ``<db>_replaced_<time>`` (kept aside; its sessions are ended first) and the restored
    database takes its name, so the group roles and grants named after it apply again.
    The restore is recorded in the restored district's audit trail.
Needs the server's administrator (CREATEDB and the right to end sessions) and the
PostgreSQL client programs of the server's major version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from app.store.backup import (
    BackupError,
    BackupResult,
    Manifest,
    _compare,
    _remove,
    _usable_dir,
    _verify_chain,
    _write_atomically,
    backup_path,
    clean_unfinished,
    district_state,
    manifest_path,
    rotate,
    sha256_of,
    verify_backup,
)
from app.store.restore import RestoreResult, _os_user
from app.store.target import DbTarget


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    from app.store.pg_local import BIN

    if (BIN / name).exists():
        return str(BIN / name)
    raise BackupError(f"找不到 PostgreSQL 客户端程序 {name}（apt-get install postgresql-client-15）")


def _run(cmd: list[str], what: str) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        msg = (r.stderr.strip().splitlines() or ["(无输出)"])[-1]
        raise BackupError(f"{what}失败：{msg}")


def _dbname(conninfo: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(conninfo).get("dbname")
    if not name:
        raise BackupError("服务器地址中没有库名（postgresql://用户@主机:端口/库名）")
    return str(name)


def _with_db(conninfo: str, dbname: str) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(conninfo, dbname=dbname)


def _admin(conninfo: str):
    import psycopg

    return psycopg.connect(_with_db(conninfo, "postgres"), autocommit=True)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- backup -------------------------------------------------------------------------------
def backup_server(target: DbTarget, dest_dir: Path, *, auto: bool = False,
                  at: datetime | None = None, keep: int | None = None) -> BackupResult:
    """``pg_dump -Fc`` of the server district ``target`` into ``dest_dir`` with its
    manifest, verified by a restore into a scratch database before the manifest appears."""
    from app.store import open_store

    t0 = time.perf_counter()
    dest_dir = Path(dest_dir).expanduser()
    _usable_dir(dest_dir)
    at = at or datetime.now()
    dbname = _dbname(target.conninfo)
    final = backup_path(dest_dir, dbname, at, auto=auto, ext="dump")
    clean_unfinished(dest_dir)
    tmp = dest_dir / f".gridcc-backup-{os.getpid()}.tmp"
    _remove(tmp)
    try:
        store = open_store(target, read_only=True)
        try:
            with store.snapshot():
                snap = store.scalar("SELECT pg_export_snapshot()")
                state = district_state(store)
                _run([_tool("pg_dump"), "-Fc", "--snapshot", snap, "-f", str(tmp),
                      "-d", target.conninfo], "pg_dump")
        finally:
            store.close()
        manifest = Manifest(file=final.name, backend="postgres", sha256=sha256_of(tmp),
                            size=tmp.stat().st_size,
                            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            auto=auto, source=target.display(), **state)
        scratch = f"{dbname}_gridcc_check_{os.getpid()}"
        try:
            _restore_into(tmp, target.conninfo, scratch)
            _verify_database(_with_db(target.conninfo, scratch), manifest, "新备份")
        finally:
            _drop(target.conninfo, scratch)
        os.replace(tmp, final)
        _write_atomically(manifest_path(final), manifest.to_json())
    except BaseException:
        _remove(tmp)
        raise
    removed = rotate(dest_dir, dbname, keep, auto=auto) if keep is not None else ()
    return BackupResult(final, manifest, time.perf_counter() - t0, tuple(removed))


def _restore_into(dump: Path, conninfo: str, dbname: str) -> None:
    with _admin(conninfo) as con:
        con.execute(f"DROP DATABASE IF EXISTS {_quote(dbname)} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {_quote(dbname)}")
    _run([_tool("pg_restore"), "--exit-on-error", "-d", _with_db(conninfo, dbname),
          str(dump)], "pg_restore")


def _drop(conninfo: str, dbname: str) -> None:
    with _admin(conninfo) as con:
        con.execute(f"DROP DATABASE IF EXISTS {_quote(dbname)} WITH (FORCE)")


def _verify_database(conninfo: str, manifest: Manifest, what: str) -> None:
    from app.store import open_store

    store = open_store(conninfo, read_only=True)
    try:
        with store.snapshot():
            state = district_state(store)
        _compare(state, manifest, what)
        _verify_chain(store, what)
    finally:
        store.close()


# -- restore ------------------------------------------------------------------------------
def restore_server(backup: Path, target: DbTarget, *, at: datetime | None = None,
                   actor: str | None = None, progress=None) -> RestoreResult:
    """Replace the server district ``target`` by the dump ``backup`` (see the module doc)."""
    from app.audit.log import append
    from app.clock import store_clock
    from app.store import open_store

    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    backup = Path(backup).expanduser()
    say(f"校验备份 {backup.name}")
    manifest = verify_backup(backup)
    if manifest.backend != "postgres":
        raise BackupError(f"{backup.name} 是单机区库文件的备份，不能恢复到服务器 "
                          f"{target.display()}（单机区库用 migrate 迁到服务器）")
    stamp = datetime.now()
    dbname = _dbname(target.conninfo)
    incoming = f"{dbname}_restore_{stamp:%Y%m%d%H%M%S}"
    say(f"恢复到新库 {incoming} 并校验")
    try:
        _restore_into(backup, target.conninfo, incoming)
        _verify_database(_with_db(target.conninfo, incoming), manifest, "恢复后的区库")
    except BaseException:
        _drop(target.conninfo, incoming)
        raise
    replaced = f"{dbname}_replaced_{stamp:%Y%m%d%H%M%S}"
    say(f"替换 {dbname}（原库改名为 {replaced}）")
    with _admin(target.conninfo) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [dbname]).fetchone()
        if exists:
            con.execute(f"ALTER DATABASE {_quote(dbname)} ALLOW_CONNECTIONS false")
            con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", [dbname])
            con.execute(f"ALTER DATABASE {_quote(dbname)} RENAME TO {_quote(replaced)}")
            con.execute(f"ALTER DATABASE {_quote(replaced)} ALLOW_CONNECTIONS true")
        con.execute(f"ALTER DATABASE {_quote(incoming)} RENAME TO {_quote(dbname)}")
    store = open_store(target)
    try:
        _verify_chain(store, "恢复后的区库")
        append(store, at=at or store_clock(store).now(), username=actor or _os_user(),
               role="system",
               action="district.restore", entity="district",
               entity_id=manifest.district_code,
               before={"replaced": replaced if exists else None},
               after={"backup": backup.name, "sha256": manifest.sha256,
                      "backup_created_at": manifest.created_at,
                      "audit_head": manifest.audit_head})
    finally:
        store.close()
    return RestoreResult(target.display(), backup, replaced if exists else None, manifest,
                         time.perf_counter() - t0)
