"""Backups of a district and restoring one (备份与恢复).

A backup of a DuckDB district is a new DuckDB file written by ``COPY FROM DATABASE``
inside one transaction on a cursor of the district's own store: one committed state
(DuckDB's snapshot isolation; the manifest's counts and audit head are read in the same
transaction), while the command centre's writers go on instead of waiting for the copy
(Hongqiao: ~4 s).  Why not a copy of the file's bytes: DuckDB reads every block it copies
through its checksums, so a damaged block fails the backup instead of being copied into
it; a half-written file or an unfinished WAL is never copied (the copy is of what the
store reads, the WAL's committed part included); and the result is compact (no free
blocks).  Another process cannot be writing meanwhile: DuckDB allows one read-write
process per file, and a read-only open is refused while one holds it.

Beside each backup ``NAME.duckdb`` lies ``NAME.duckdb.manifest.json``: SHA-256 and size
of the file, the schema version, the audit head (``seq:hash``), the number of audit
records, every table's row count, the district's code and name.  It is written last:
a backup without its manifest is unfinished and is never restored nor counted.  Every
backup is verified after writing (:func:`verify_backup`: checksum, opened read-only,
schema version, audit chain and head, row counts), before its manifest appears.

Restoring one: app/store/restore.py.  PostgreSQL districts: app/store/backup_pg.py (``pg_dump``/``pg_restore``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from app.store.errors import StoreError

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "gridcc-backup/1"
#: automatic backups kept by ``backup --auto`` unless told otherwise
DEFAULT_KEEP = 14
_aliases = itertools.count(1)  # each copy attaches its backup under a name of its own
_NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<at>\d{8}-\d{6})(?:-(?P<n>\d+))?(?P<auto>-auto)?"
                      r"\.(?P<ext>duckdb|dump)$")


class BackupError(StoreError):
    """A backup could not be made, verified or restored (one line, in Chinese)."""


@dataclass
class Manifest:
    """What a backup holds, written beside it (``NAME.manifest.json``)."""

    file: str
    backend: str  # duckdb | postgres
    sha256: str
    size: int
    created_at: str  # UTC, ISO 8601
    schema_version: int
    audit_head: str | None
    audit_records: int
    tables: dict[str, int]
    district_code: str | None = None
    district_name: str | None = None
    auto: bool = False
    source: str = ""
    format: str = MANIFEST_FORMAT
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest of backup ``path`` (BackupError if missing or unreadable)."""
        mpath = manifest_path(path)
        try:
            data = json.loads(mpath.read_text(encoding="utf-8", errors="surrogateescape"))
            if data.get("format") != MANIFEST_FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return cls(**data)
        except FileNotFoundError:
            raise BackupError(f"备份 {path} 没有清单文件 {mpath.name}：备份未完成或不是 "
                              "GridCC 备份，不能用于恢复") from None
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"备份清单 {mpath} 无法读取：{exc}") from None


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    seconds: float
    removed: tuple[Path, ...] = ()


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def backup_path(dest_dir: Path, stem: str, at: datetime, *, auto: bool,
                ext: str = "duckdb") -> Path:
    """A new backup's path, ``district-20261120-103000[-N][-auto].duckdb``: sorts by time,
    says how it was made; ``-2``, ``-3`` … for more than one in the same second."""
    kind = "-auto" if auto else ""
    n = 1
    while True:
        path = dest_dir / f"{stem}-{at:%Y%m%d-%H%M%S}{f'-{n}' if n > 1 else ''}{kind}.{ext}"
        if not path.exists() and not manifest_path(path).exists():
            return path
        n += 1


# -- state of a district: what a manifest records and a verification compares ----------
def district_state(store) -> dict:
    """Schema version, audit head and count, table row counts, district code and name of
    an open store (call inside one transaction or snapshot for a consistent answer)."""
    from app.audit.log import HEAD_KEY

    meta = store.meta()
    tables = sorted(r[0] for r in store.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        + ("'public'" if store.dialect == "postgres" else "'main'")
        + " AND table_type = 'BASE TABLE'"))
    counts = {t: int(store.scalar(f'SELECT count(*) FROM "{t}"')) for t in tables}
    return {"schema_version": int(meta.get("schema_version", 0)),
            "audit_head": meta.get(HEAD_KEY), "audit_records": counts.get("audit_log", 0),
            "tables": counts, "district_code": meta.get("district_code"),
            "district_name": meta.get("district_name")}


def _compare(state: dict, manifest: Manifest, what: str) -> None:
    for key in ("schema_version", "audit_head", "audit_records"):
        if state[key] != getattr(manifest, key):
            raise BackupError(f"{what}与清单不符：{_KEY_NAMES[key]} 为 {state[key]}，"
                              f"清单记为 {getattr(manifest, key)}")
    if state["tables"] != manifest.tables:
        diff = sorted(t for t in set(state["tables"]) | set(manifest.tables)
                      if state["tables"].get(t) != manifest.tables.get(t))
        t = diff[0]
        raise BackupError(f"{what}与清单不符：表 {t} 有 {state['tables'].get(t, '（无）')} 行，"
                          f"清单记为 {manifest.tables.get(t, '（无）')} 行")


_KEY_NAMES = {"schema_version": "结构版本", "audit_head": "审计链头",
              "audit_records": "审计记录数"}


def _verify_chain(store, what: str) -> None:
    from app.audit.log import verify_log

    result = verify_log(store)
    if not result.ok:
        raise BackupError(f"{what}的审计日志校验失败（第 {result.first_bad_seq} 条）："
                          f"{result.problem}")


# -- DuckDB: backup -----------------------------------------------------------------------
def backup_store(store, dest_dir: Path, *, auto: bool = False, at: datetime | None = None,
                 keep: int | None = None) -> BackupResult:
    """Back up the open DuckDB district ``store`` into ``dest_dir``; verified before its
    manifest is written.  ``keep``: afterwards remove the oldest backups of the same kind
    (automatic or not) of this district beyond the newest ``keep``."""
    import time

    t0 = time.perf_counter()
    dest_dir = Path(dest_dir).expanduser()
    _usable_dir(dest_dir)
    at = at or datetime.now()
    stem = Path(store.path).stem
    final = backup_path(dest_dir, stem, at, auto=auto)
    clean_unfinished(dest_dir)
    tmp = dest_dir / f".gridcc-backup-{os.getpid()}.tmp"
    _remove(tmp)
    try:
        try:
            state = _copy_into(store, tmp)
        except duckdb.Error as exc:  # the store names damage itself; anything else here
            raise BackupError(f"备份 {store.path} 失败：{str(exc).strip().splitlines()[0]}") \
                from None
        _fsync(tmp)
        manifest = Manifest(file=final.name, backend="duckdb", sha256=sha256_of(tmp),
                            size=tmp.stat().st_size,
                            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            auto=auto, source=str(store.path), **state)
        _verify_duckdb_file(tmp, manifest, "新备份")
        os.replace(tmp, final)
        _write_atomically(manifest_path(final), manifest.to_json())
    except BaseException:
        _remove(tmp)
        raise
    removed = rotate(dest_dir, stem, keep, auto=auto) if keep is not None else ()
    return BackupResult(final, manifest, time.perf_counter() - t0, tuple(removed))


def _copy_into(store, tmp: Path) -> dict:
    """Copy the district into a new DuckDB file ``tmp`` in one read transaction of its own
    cursor; the state the copy holds (read in that same transaction)."""
    if store.dialect != "duckdb":
        raise BackupError("该区库在服务器上：服务器区库的备份用 pg_dump（见 backup_pg）")
    alias = f"gridcc_backup_{next(_aliases)}"
    literal = str(tmp).replace("'", "''")
    cur = store.cursor()  # its own transaction: the store's other users go on meanwhile
    try:
        name = cur.scalar("SELECT current_database()")
        cur.rows(f"ATTACH '{literal}' AS {alias} (READ_ONLY false)")
        try:
            cur.rows("BEGIN TRANSACTION")
            try:
                state = district_state(cur)
                # writes the attached backup only, never the district (so none of the
                # district's integrity marks, app/store/integrity.py, are due for it)
                cur.rows(f'COPY FROM DATABASE "{name}" TO {alias}')
                cur.rows("COMMIT")
            except BaseException:
                cur.rows("ROLLBACK")
                raise
            cur.rows(f"CHECKPOINT {alias}")
        finally:
            cur.rows(f"DETACH DATABASE IF EXISTS {alias}")
    finally:
        cur.close()
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():  # everything is checkpointed at DETACH; a WAL here is not ours to keep
        raise BackupError(f"备份文件 {tmp} 留有未合并的日志 {wal.name}")
    return state


def _verify_duckdb_file(path: Path, manifest: Manifest, what: str) -> None:
    """Open ``path`` read-only (no migration, nothing written) and compare it with
    ``manifest``: schema version, audit chain and head, every table's row count."""
    from app.store.duckdb_store import DuckDBStore

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(f"{what} {path.name} 无法打开：{str(exc).strip().splitlines()[0]}") \
            from None
    store = DuckDBStore(con, path, read_only=True)
    try:
        with store.snapshot():
            state = district_state(store)
        _compare(state, manifest, what)
        if manifest.schema_version >= 2:  # the audit log came with schema version 2
            _verify_chain(store, what)
    except duckdb.Error as exc:
        raise BackupError(f"{what} {path.name} 读取出错：{str(exc).strip().splitlines()[0]}") \
            from None
    finally:
        store.close()


def verify_backup(path: Path) -> Manifest:
    """Check backup ``path`` against its manifest without changing it: present, the size
    and SHA-256 recorded, and (DuckDB) opened read-only with the schema version, audit
    chain and head and row counts recorded.  Returns the manifest; BackupError if not."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}" if not path.exists()
                          else f"{path} 不是普通文件，不是备份")
    manifest = Manifest.read(path)
    size = path.stat().st_size
    if size != manifest.size:
        raise BackupError(f"备份 {path.name} 大小 {size:,} 字节，清单记为 {manifest.size:,} "
                          "字节：文件已损坏或被截断")
    if sha256_of(path) != manifest.sha256:
        raise BackupError(f"备份 {path.name} 的 SHA-256 与清单不符：文件已损坏或被改动")
    if manifest.backend == "duckdb":
        _verify_duckdb_file(path, manifest, "备份")
    return manifest


# -- rotation -----------------------------------------------------------------------------
def list_backups(dest_dir: Path, stem: str | None = None, *, auto: bool | None = None
                 ) -> list[Path]:
    """Finished backups (with a manifest) in ``dest_dir``, oldest first; only those of
    district file ``stem`` and of the kind ``auto`` when given."""
    found = []
    for p in Path(dest_dir).iterdir() if Path(dest_dir).is_dir() else ():
        m = _NAME_RE.match(p.name)
        if not m or not manifest_path(p).exists():
            continue
        if stem is not None and m["stem"] != stem:
            continue
        if auto is not None and bool(m["auto"]) != auto:
            continue
        found.append((m["at"], int(m["n"] or 1), p))
    return [p for *_, p in sorted(found)]


def last_backup_at(dest_dir: Path, stem: str, *, auto: bool | None = None) -> datetime | None:
    """When the newest finished backup of ``stem`` in ``dest_dir`` was made (from its
    name), or None.  For a schedule inside the command centre, which holds the district
    file open so that ``backup --auto`` from another process cannot read it: every so
    often, if this is older than the interval, ``backup_store(store, dest_dir, auto=True,
    keep=…)`` on a worker thread (it copies on a cursor of its own; writers go on)."""
    found = list_backups(dest_dir, stem, auto=auto)
    if not found:
        return None
    return datetime.strptime(_NAME_RE.match(found[-1].name)["at"], "%Y%m%d-%H%M%S")


def rotate(dest_dir: Path, stem: str, keep: int, *, auto: bool = True) -> list[Path]:
    """Remove the oldest backups of ``stem`` of one kind beyond the newest ``keep``
    (each with its manifest); returns the removed backups."""
    if keep < 1:
        raise BackupError("--keep 至少为 1")
    old = list_backups(dest_dir, stem, auto=auto)[:-keep]
    for p in old:
        manifest_path(p).unlink(missing_ok=True)  # manifest first: never a finished-looking half
        p.unlink(missing_ok=True)
    return old


def clean_unfinished(dest_dir: Path) -> list[Path]:
    """Remove what interrupted backups left in ``dest_dir`` (``.gridcc-backup-PID.tmp``
    and half-written manifests ``.NAME.manifest.json.tmp-PID`` of processes no longer
    running)."""
    from app.store.duckdb_store import pid_alive

    removed = []
    for p in Path(dest_dir).glob(".*"):
        m = (re.fullmatch(r"\.gridcc-backup-(\d+)\.tmp", p.name)
             or re.fullmatch(r"\..+\.manifest\.json\.tmp-(\d+)", p.name))
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            _remove(p)
            removed.append(p)
    return removed


# -- files --------------------------------------------------------------------------------
def _usable_dir(d: Path) -> None:
    if d.exists() and not d.is_dir():
        raise BackupError(f"{d} 不是目录")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建目录 {d}：{exc.strerror}") from None
    if not os.access(d, os.W_OK | os.X_OK):
        raise BackupError(f"目录 {d} 不可写")


def _copy_file(src: Path, dst: Path) -> None:
    import shutil

    with open(src, "rb") as fi, open(dst, "wb") as fo:
        shutil.copyfileobj(fi, fo, 1 << 20)
        fo.flush()
        os.fsync(fo.fileno())


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:  # any file name
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(p: Path) -> None:
    for q in (p, p.with_name(p.name + ".wal")):
        try:
            q.unlink()
        except FileNotFoundError:
            pass
