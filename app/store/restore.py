"""Restoring a district file from a backup (恢复), app/store/backup.py's other half.

A restore (:func:`restore_backup`) verifies the backup first, copies it next to the
district, moves the district's file (and its WAL, never to be replayed into the
restored file) aside as ``NAME.replaced-<time>``, puts the copy in its place, verifies
the result, and records the restore in the audit trail.  If the restored file fails
its verification the replaced one is put back.  The replaced file stays aside (the
data written after the backup is in it) until an administrator removes it.
"""

from __future__ import annotations

import fcntl
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from app.store.backup import (
    BackupError,
    Manifest,
    _copy_file,
    _fsync_dir,
    _remove,
    _usable_dir,
    _verify_chain,
    _verify_duckdb_file,
    sha256_of,
    verify_backup,
)


@dataclass(frozen=True)
class RestoreResult:
    db: Path | str  # a file, or a server database's address
    backup: Path
    replaced: Path | str | None  # the file set aside, or the server database renamed
    manifest: Manifest
    seconds: float


def restore_backup(backup: Path, db: Path, *, at: datetime | None = None,
                   actor: str | None = None,
                   progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Replace district file ``db`` by backup ``backup`` (see the module doc).  The backup
    is verified first; the replaced file is kept aside; the restored file is verified and
    the restore is recorded in its audit trail (actor: the operating-system account; at
    ``at``, else the district clock's now)."""
    import time

    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    backup, db = Path(backup).expanduser(), Path(db).expanduser()
    say(f"校验备份 {backup.name}")
    manifest = verify_backup(backup)
    if manifest.backend != "duckdb":
        raise BackupError(f"{backup.name} 是服务器区库的备份，不能恢复为单机区库文件 {db}")
    if db.exists() and not db.is_file():
        raise BackupError(f"{db} 不是普通文件，不能用备份替换")
    _usable_dir(db.parent)
    incoming = db.with_name(f".{db.name}.restore-{os.getpid()}")
    _remove(incoming)
    _copy_file(backup, incoming)
    try:
        if sha256_of(incoming) != manifest.sha256:
            raise BackupError(f"复制到 {incoming} 的备份与清单不符（磁盘错误？），未替换任何文件")
        with _exclusive(db):
            replaced = _set_aside(db, datetime.now())
            os.replace(incoming, db)
            _fsync_dir(db.parent)
        say(f"校验恢复后的区库 {db.name}")
        try:
            _verify_duckdb_file(db, manifest, "恢复后的区库")
            _record_restore(db, backup, manifest, replaced, at, actor)
        except BaseException:
            _put_back(db, replaced)
            raise
    finally:
        _remove(incoming)
    return RestoreResult(db, backup, replaced, manifest, time.perf_counter() - t0)


def _record_restore(db: Path, backup: Path, manifest: Manifest, replaced: Path | None,
                    at: datetime | None, actor: str | None) -> None:
    from app.audit.log import append
    from app.clock import store_clock
    from app.store import open_store

    store = open_store(db)
    try:
        _verify_chain(store, "恢复后的区库")
        append(store, at=at or store_clock(store).now(), username=actor or _os_user(), role="system",
               action="district.restore", entity="district",
               entity_id=manifest.district_code,
               before={"replaced": replaced.name if replaced else None,
                       "audit_head": _audit_head_of(replaced)},
               after={"backup": backup.name, "sha256": manifest.sha256,
                      "backup_created_at": manifest.created_at,
                      "audit_head": manifest.audit_head})
        store.checkpoint()
    finally:
        store.close()


def _audit_head_of(path: Path | None) -> str | None:
    """The audit head of a replaced file when it can still be read (the records after
    the backup are in it), else None (damaged, not a district)."""
    if path is None:
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def _set_aside(db: Path, at: datetime) -> Path | None:
    """Move ``db`` and its WAL to ``NAME.replaced-<time>`` (+ ``.wal``); the new name."""
    if not db.exists():
        return None
    aside = db.with_name(f"{db.name}.replaced-{at:%Y%m%d-%H%M%S}")
    n = 1
    while aside.exists():
        aside = db.with_name(f"{db.name}.replaced-{at:%Y%m%d-%H%M%S}-{n}")
        n += 1
    os.replace(db, aside)
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside


def _put_back(db: Path, replaced: Path | None) -> None:
    """Undo a restore whose result failed verification."""
    wal = db.with_name(db.name + ".wal")
    _remove(wal)
    if replaced is None:
        _remove(db)
        return
    os.replace(replaced, db)
    rwal = replaced.with_name(replaced.name + ".wal")
    if rwal.exists():
        os.replace(rwal, wal)


class _exclusive:
    """Hold the district file's lock (the fcntl lock DuckDB takes) while it is replaced:
    refused when a GridCC has it open."""

    def __init__(self, db: Path):
        self.db = db
        self.fd: int | None = None

    def __enter__(self):
        if not self.db.exists():
            return self
        self.fd = os.open(self.db, os.O_RDWR)
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            pid = _holder(self.db)
            who = f"（PID {pid}）" if pid else " "
            raise BackupError(f"区库 {self.db} 正被另一个 GridCC{who}打开：先关闭它再恢复") \
                from None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock


def _holder(db: Path) -> int | None:
    """The PID holding ``db``'s lock (F_GETLK: the lock's owner), or None."""
    import struct

    fmt = "hhqqi"  # struct flock on Linux x86-64/arm64: type, whence, start, len, pid
    try:
        fd = os.open(db, os.O_RDONLY)
    except OSError:
        return None
    try:
        probe = struct.pack(fmt, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _w, _s, _l, pid = struct.unpack(fmt, fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    except OSError:
        return None
    finally:
        os.close(fd)
    return pid if kind != fcntl.F_UNLCK and pid > 0 else None
