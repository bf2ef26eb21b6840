"""Integrity of a district file (区库完整性): what is at the path before DuckDB opens it,
what an open error means, the WAL beside it, and torn commits after a crash.

Before opening
    :func:`inspect_path` looks at the path without opening it for reading data: a FIFO,
    a directory or a device is refused at once (opening a FIFO would block forever), a
    file this user may not read is named so, an empty file or one without DuckDB's magic
    bytes is "not a district file".
Open errors
    :func:`classify_open_error` turns DuckDB's message into one of the errors of
    app/store/errors.py by its cause: a lock held by PID n, a checksum error in block …,
    a WAL that does not match the file, a file that is not a database.
The WAL
    DuckDB 2 refuses to replay a WAL written for another file ("WAL does not match
    database file").  :func:`set_aside_wal` renames such a WAL to
    ``<file>.wal.foreign-<time>`` (never applied, never deleted); :func:`replace_database`
    moves a file into place together with its WAL, so a replaced file's WAL never meets
    the new one.
Torn commits (撕裂提交)
    Every write transaction of :class:`~app.store.duckdb_store.DuckDBStore` records, in
    the same transaction, the row count of each table it wrote (and the sum of the row
    versions of ``cases`` and ``whistles``, which every workflow update bumps) under the
    meta key :data:`MARKS_KEY`.  A crash that replays only part of a transaction leaves
    counts that disagree with the marks (the marks came back without a table's rows, or
    the rows without the marks).  The marks are checked when a file is opened with a WAL
    beside it (the only way a partial replay can happen) and by ``check --full``.  Cost:
    one ``count(*)`` per table written at each commit (DuckDB answers it from row-group
    metadata: well under a millisecond), one ``sum(version)`` when cases or whistles
    were written, and after an unclean shutdown one count per table on open.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from datetime import datetime
from pathlib import Path

from app.store.errors import (
    StoreDamagedError,
    StoreError,
    StoreForeignWalError,
    StoreLockedError,
    StoreNotDistrictError,
    StoreNotRegularFileError,
    StoreTornError,
    StoreUnreadableError,
)

log = logging.getLogger(__name__)

#: every DuckDB database file carries this at byte 8
DUCKDB_MAGIC = b"DUCK"
#: a DuckDB file starts with its main header and two database headers
HEADER_BYTES = 3 * 4096
#: meta key of the per-table marks written by every write transaction
MARKS_KEY = "store_marks"
#: tables whose marks also carry sum(version) (updates bump it; counts alone miss them)
VERSIONED_TABLES = ("cases", "whistles")
#: tables never marked: the marks live in meta itself
UNMARKED_TABLES = ("meta",)

_PID_RE = re.compile(r"\(PID (\d+)\)")
_BLOCK_RE = re.compile(r"in block at location (\d+)")
# the table a write statement changes (INSERT [OR …] INTO t, UPDATE t, DELETE FROM t …);
# COPY FROM DATABASE (a backup) writes another database, never this one
_WRITE_TARGET_RE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|"
    r"COPY(?!\s+FROM\s+DATABASE\b))\s+(?:\"?main\"?\.)?\"?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_WRITE_STATEMENT_RE = re.compile(
    r"^\s*(?:WITH\b.*?\)\s*)?(?:INSERT|UPDATE|DELETE|TRUNCATE|COPY(?!\s+FROM\s+DATABASE\b)|"
    r"CREATE|ALTER|DROP)\b",
    re.IGNORECASE | re.DOTALL)


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def has_wal(path: Path) -> bool:
    """A non-empty WAL beside ``path``: the last writer did not close it cleanly."""
    try:
        return wal_path(path).stat().st_size > 0
    except OSError:
        return False


# -- opening ---------------------------------------------------------------------------
def connect(path: Path, read_only: bool):
    """Connect to ``path``, refusing a torn state left by a crash; returns the connection
    and the name a foreign WAL was set aside under (read-write only), else None.

    With a WAL beside the file (an unclean shutdown) the marks are checked on a read-only
    connection first: a read-write one would checkpoint a torn state into the file."""
    aside = None
    if has_wal(path):
        try:
            probe = _connect(path, read_only=True)
        except StoreForeignWalError:
            if read_only:
                raise
            aside = str(set_aside_wal(path))
            log.warning("区库 %s 旁的日志文件不属于它，未应用，已改名为 %s", path, aside)
        else:
            try:
                if "meta" in existing_tables(probe):
                    refuse_torn(path, probe)
            finally:
                probe.close()
    return _connect(path, read_only), aside


def _connect(path: Path, read_only: bool):
    """Connect to ``path``, every refusal classified by its cause."""
    import duckdb

    inspect_path(path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise classify_open_error(path, exc) from None


# -- before opening -------------------------------------------------------------------
def inspect_path(path: Path) -> None:
    """Refuse what is at ``path`` if it cannot be a district file, without blocking (a
    FIFO is never opened).  A missing path passes (the caller decides about creating)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreUnreadableError(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreNotRegularFileError(path, "目录")
    if not stat.S_ISREG(st.st_mode):
        kind = ("命名管道（FIFO）" if stat.S_ISFIFO(st.st_mode) else
                "设备文件" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "套接字" if stat.S_ISSOCK(st.st_mode) else "特殊文件")
        raise StoreNotRegularFileError(path, kind)
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except PermissionError:
        raise StoreUnreadableError(path, "没有读取权限") from None
    except OSError as exc:
        raise StoreUnreadableError(path, exc.strerror or str(exc)) from None
    if not head:
        raise StoreNotDistrictError(path, "文件为空")
    if len(head) < 12 or head[8:12] == DUCKDB_MAGIC and st.st_size < HEADER_BYTES:
        raise StoreDamagedError(path, f"文件被截断（只有 {st.st_size} 字节）")
    if sum(a != b for a, b in zip(head[8:12], DUCKDB_MAGIC, strict=True)) in (1, 2):
        raise StoreDamagedError(path, "文件头已损坏（DuckDB 标识不完整）")
    if head[8:12] != DUCKDB_MAGIC:
        raise StoreNotDistrictError(path, "不是 DuckDB 数据库文件")


def classify_open_error(path: Path, exc: Exception) -> StoreError:
    """The StoreError naming the cause of DuckDB's refusal to open ``path``."""
    text = str(exc)
    low = text.lower()
    if "wal does not match" in low:
        return StoreForeignWalError(path, wal_path(path))
    if "checkpoint iteration does not match" in low:
        return StoreForeignWalError(path, wal_path(path), stale=True)
    block = _BLOCK_RE.search(text)
    if "checksum" in low or "corrupt" in low or block:
        where = f"位置 {block.group(1)} 的数据块" if block else "文件"
        return StoreDamagedError(path, f"{where}校验和错误")
    if "could not set lock" in low or "conflicting lock" in low:
        m = _PID_RE.search(text)
        return StoreLockedError(str(path), int(m.group(1)) if m else None)
    if "permission denied" in low:
        return StoreUnreadableError(path, "没有读写权限")
    if "could not read enough bytes" in low:
        return StoreDamagedError(path, "文件被截断（数据块超出文件末尾）")
    if "not a valid duckdb database" in low:
        return StoreNotDistrictError(path, "不是有效的 DuckDB 数据库文件")
    if "failure while replaying wal" in low:
        return StoreDamagedError(path, f"日志文件 {wal_path(path).name} 无法重放（{first_line(text)}）")
    return StoreDamagedError(path, first_line(text))


def classify_read_error(path: str | Path, exc: Exception) -> StoreError | None:
    """A StoreDamagedError when a read failed on damage, else None (a different error)."""
    text = str(exc)
    if "could not read enough bytes" in text.lower():
        return StoreDamagedError(Path(path), "文件被截断（数据块超出文件末尾）")
    block = _BLOCK_RE.search(text)
    if block or "checksum" in text.lower() or "corrupt" in text.lower():
        where = f"位置 {block.group(1)} 的数据块" if block else "文件"
        return StoreDamagedError(Path(path), f"{where}校验和错误")
    return None


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


# -- the WAL ----------------------------------------------------------------------------
def set_aside_wal(path: Path) -> Path:
    """Rename the WAL beside ``path`` to ``<file>.wal.foreign-<time>``; returns the new name."""
    wal = wal_path(path)
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    aside = wal.with_name(f"{wal.name}.foreign-{stamp}")
    n = 1
    while aside.exists():
        aside = wal.with_name(f"{wal.name}.foreign-{stamp}-{n}")
        n += 1
    os.replace(wal, aside)
    return aside


def replace_database(src: Path, dst: Path) -> None:
    """Move the database ``src`` onto ``dst`` with its WAL: ``dst``'s old WAL goes (it
    belonged to the file replaced), ``src``'s WAL, if any, comes along."""
    src_wal, dst_wal = wal_path(src), wal_path(dst)
    if dst_wal.exists():
        dst_wal.unlink()
    os.replace(src, dst)
    if src_wal.exists():
        os.replace(src_wal, dst_wal)


# -- torn commits ---------------------------------------------------------------------------
def is_write(sql: str) -> bool:
    """Whether ``sql`` changes the database (it must then run inside a transaction)."""
    return bool(_WRITE_STATEMENT_RE.match(sql))


def written_tables(sql: str) -> set[str]:
    """The tables ``sql`` may write (names only; the caller keeps the ones that exist)."""
    return {m.group(1).lower() for m in _WRITE_TARGET_RE.finditer(sql)}


def measure(con, tables) -> dict[str, list[int]]:
    """The marks of ``tables`` as they are now on ``con``: [rows] or [rows, sum(version)]."""
    out: dict[str, list[int]] = {}
    versioned = set()
    if set(tables) & set(VERSIONED_TABLES):  # a file before schema 5 has no versions
        versioned = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'main' AND "
            "column_name = 'version' AND table_name IN ('cases', 'whistles')").fetchall()}
    for t in sorted(tables):
        if t in versioned:
            n, v = con.execute(f"SELECT count(*), coalesce(sum(version), 0) FROM {t}").fetchall()[0]
            out[t] = [int(n), int(v)]
        else:
            out[t] = [int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])]
    return out


def existing_tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE'").fetchall()}


def stored_marks(con) -> dict[str, list[int]] | None:
    """The marks kept in meta, None when the file has none yet (written before them)."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [MARKS_KEY]).fetchall()
    if not rows:
        return None
    try:
        marks = json.loads(rows[0][0])
    except ValueError:
        return {"?": [-1]}  # unreadable marks disagree with any table
    return marks if isinstance(marks, dict) else {"?": [-1]}


def record_marks(con, touched: set[str]) -> None:
    """Inside the writing transaction: update the marks of the ``touched`` tables."""
    tables = existing_tables(con)
    if "meta" not in tables:
        return
    marks = stored_marks(con) or {}
    marks = {t: v for t, v in marks.items() if t in tables}  # dropped tables
    marks.update(measure(con, (touched & tables) - set(UNMARKED_TABLES)))
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [MARKS_KEY, json.dumps(marks, sort_keys=True, separators=(",", ":"))])


def mark_disagreements(con) -> list[str]:
    """What disagrees with the marks (empty when all agree or there are none), in
    Chinese, e.g. ``表 cases 有 15000 行，提交记录为 35000 行``."""
    marks = stored_marks(con)
    if not marks:
        return []
    tables = existing_tables(con)
    problems = []
    for table, expected in sorted(marks.items()):
        if table not in tables:
            problems.append(f"表 {table} 缺失，提交记录中有它")
            continue
        now = measure(con, [table])[table]
        if now[0] != expected[0]:
            problems.append(f"表 {table} 有 {now[0]} 行，最后一次提交记录为 {expected[0]} 行")
        elif len(expected) > 1 and len(now) > 1 and now[1] != expected[1]:
            problems.append(f"表 {table} 的修改未完整写入（版本合计 {now[1]}，提交记录为 "
                            f"{expected[1]}）")
    return problems


def refuse_torn(path: Path, con) -> None:
    """StoreTornError when the marks disagree with the tables (a partly replayed commit)."""
    problems = mark_disagreements(con)
    if problems:
        raise StoreTornError(path, problems)


#: what a transaction torn by an older GridCC (DuckDB 1.5) leaves: steps without their
#: record, an audit head ahead of or behind its log
_LEGACY_PROBES = (
    ("case_transitions", "cases",
     "SELECT count(*) FROM case_transitions t WHERE NOT EXISTS "
     "(SELECT 1 FROM cases c WHERE c.id = t.case_id)", "条案件流转记录没有对应的案件"),
    ("whistle_events", "whistles",
     "SELECT count(*) FROM whistle_events e WHERE NOT EXISTS "
     "(SELECT 1 FROM whistles w WHERE w.id = e.whistle_id)", "条哨令记录没有对应的哨令"),
)


def legacy_problems(con) -> list[str]:
    """For a file without marks (written before them), once: the traces a torn commit of
    an older version leaves.  Empty when none."""
    tables = existing_tables(con)
    problems = []
    for child, owner, sql, what in _LEGACY_PROBES:
        if child in tables and owner in tables:
            n = int(con.execute(sql).fetchall()[0][0])
            if n:
                problems.append(f"{n} {what}")
    if "audit_log" in tables:
        head = con.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchall()
        last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
        stored = head[0][0] if head else None
        actual = f"{last[0][0]}:{last[0][1]}" if last else None
        if stored != actual and (stored or actual):
            problems.append(f"审计日志头 {stored or '（无）'} 与最后一条记录 "
                            f"{(actual or '（无）').split(':')[0]} 不一致")
    return problems


def refuse_missing_tables(path: Path, con) -> None:
    """StoreDamagedError when a table of the domain is gone (a half-built or tampered
    file): said at once, instead of a window waiting for data that cannot come."""
    from app.store.schema import DOMAIN_TABLES

    missing = sorted(set(DOMAIN_TABLES) - existing_tables(con))
    if missing:
        raise StoreDamagedError(path, f"缺少数据表 {'、'.join(missing)}")


# -- reading everything ------------------------------------------------------------------------
def read_every_block(con, path: str | Path) -> list[str]:
    """Read every column of every table (DuckDB verifies each block's checksum as it reads
    it); returns the damage found, one line per table, in Chinese."""
    problems = []
    for table in sorted(existing_tables(con)):
        try:
            con.execute(f'SELECT max(hash(COLUMNS(*))) FROM "{table}"').fetchall()
        except Exception as exc:  # noqa: BLE001 - any failure to read is damage to report
            damage = classify_read_error(path, exc)
            reason = damage.reason if damage is not None else first_line(str(exc))
            problems.append(f"表 {table} 无法完整读取：{reason}")
    return problems


# -- a read that failed while rendering ---------------------------------------------------------
class WatchedStore:
    """A store whose failed reads are remembered (:attr:`failures`), on any thread and
    through its cursors: a screenshot whose panels swallowed an error (a map without its
    cases) is then not reported as done."""

    _READS = frozenset({"rows", "columns", "scalar", "meta", "schema_version"})

    def __init__(self, store, failures: list[Exception] | None = None):
        self._store = store
        self.failures = failures if failures is not None else []

    def __getattr__(self, name):
        value = getattr(self._store, name)
        if name == "cursor":
            return lambda: WatchedStore(self._store.cursor(), self.failures)
        if name == "iter_batches":
            return self._watched_batches
        if name in self._READS:
            return self._watched(value)
        return value

    def _watched(self, method):
        def call(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                self._note(exc)
                raise
        return call

    def _watched_batches(self, *args, **kwargs):
        try:
            yield from self._store.iter_batches(*args, **kwargs)
        except Exception as exc:
            self._note(exc)
            raise

    def _note(self, exc: Exception) -> None:
        from app.store.errors import StoreInterrupted

        if not isinstance(exc, StoreInterrupted):  # a worker stopped on purpose
            self.failures.append(exc)
