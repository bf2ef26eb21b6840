"""DuckDB implementation of :class:`DistrictRepository`.

How writers are ordered
-----------------------
DuckDB runs the transactions of a connection's cursors concurrently with optimistic
concurrency: two transactions writing the same row (a case, the audit chain's head in
``meta``, a daily-number row) make the second fail with "Conflict on update".  GridCC
orders its writers instead of letting them race: every :meth:`DuckDBStore.transaction`
takes the database's write lock (one per database file in this process, shared by all
cursors and by every store opened on the same file) before BEGIN and lets it go after
COMMIT or ROLLBACK.  So a writer always starts from the last committed state, the
audit chain and the numbers never conflict spuriously, and a stale *caller* (one
acting on a version it read earlier) is still refused by the version check in the
workflow (:class:`StoreConflict`).  Readers take no lock (each read sees a committed
snapshot; :meth:`DuckDBStore.snapshot` keeps one for several reads).  A conflict DuckDB
still reports (a write outside ``transaction()``) surfaces as :class:`StoreConflict`.
Another process cannot write the file at all (one read-write process per file).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.changes import Change, ChangeFeed
from app.store import integrity
from app.store.errors import (
    SchemaTooNewError,
    SchemaTooOldError,
    StoreConflict,
    StoreError,
    StoreInterrupted,
    StoreMissingError,
    StoreNotDistrictError,
    StoreTornError,
    StoreWriteError,
)
from app.store.schema import MIGRATIONS, Step, latest_version, refuse_tampering
from app.store.sequences import TABLE_SEQUENCES

# A failed write surfaces as IOException, or as FatalException when it happens
# during the checkpoint at COMMIT (the database is then invalidated).
_WRITE_FAILURES = (duckdb.IOException, duckdb.FatalException)
#: how long a writer waits for the one before it (seconds)
WRITE_WAIT_S = 30.0
_CONFLICT_MESSAGE = "数据已被他人同时修改，本次操作未保存，请刷新后重试"

_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """The write lock of the database file at ``path`` (one per file in this process)."""
    key = os.path.realpath(path)
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.RLock())


def _is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def _write_error(path: str, exc: Exception) -> StoreWriteError:
    text = str(exc)
    if "No space left" in text or "ENOSPC" in text:
        reason = "the disk is full"
    elif "File too large" in text:
        reason = "the file-size limit was reached"
    else:
        reason = _first_line(text)
    return StoreWriteError(f"cannot write {path}: {reason}")



_first_line = integrity.first_line


class DuckDBStore:
    """One DuckDB file holding one district."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool,
                 changes: ChangeFeed | None = None):
        self._con = con
        self.path = str(path)
        self.read_only = read_only
        self._write_lock = _write_lock(path)
        self._in_tx = False
        self._in_snapshot = False
        self._interrupted = False
        #: committed changes of this database (shared by every cursor of it)
        self.changes = changes if changes is not None else ChangeFeed()
        self._staged: list[Change] = []
        #: tables written by the running transaction (their marks are updated at COMMIT)
        self._touched: set[str] = set()
        #: where a foreign WAL found beside the file was set aside on open, else None
        self.wal_set_aside: str | None = None

    # -- opening and migrations -------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path,
        *,
        read_only: bool = False,
        create: bool = False,
        migrations: dict[int, list[Step]] | None = None,
        before_migrate: Callable[[DuckDBStore, int, int], None] | None = None,
    ) -> DuckDBStore:
        """Open the district file at ``path``.  A file at an older schema version is
        migrated when opened read-write (``before_migrate(store, from, to)`` is called
        first: ``python -m app upgrade`` backs the file up there) and refused when opened
        read-only (SchemaTooOldError): read-only commands never change a file."""
        migrations = migrations or MIGRATIONS
        path = Path(path).expanduser()
        if not path.exists():
            if not create:
                raise StoreMissingError(
                    f"no database at {path}; create the demo district with "
                    f"`python -m app demo --db {path}`"
                )
            if read_only:
                raise StoreMissingError(f"no database at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        con, aside = integrity.connect(path, read_only)
        store = cls(con, path, read_only)
        store.wal_set_aside = aside
        try:
            version = store._stored_version()
            target = latest_version(migrations)
            if version > target:
                raise SchemaTooNewError(
                    f"database {path} has schema version {version}, but this GridCC "
                    f"understands up to {target}; upgrade GridCC to open it"
                )
            if version == 0 and store._has_foreign_tables():
                raise StoreError(f"{path} is a DuckDB file but not a GridCC database")
            if version == 0 and read_only:  # an empty DuckDB file: never made one here
                raise StoreNotDistrictError(path, "空的 DuckDB 数据库")
            if version == target:
                integrity.refuse_missing_tables(path, con)
            if version < target:
                if read_only:  # read-only commands never change a file
                    raise SchemaTooOldError(path, version, target)
                if before_migrate is not None:
                    before_migrate(store, version, target)
                store._migrate(version, target, migrations)
            if not read_only and integrity.stored_marks(con) is None:
                store._first_marks()
        except BaseException:
            con.close()
            raise
        return store

    def _first_marks(self) -> None:
        """A file written before the commit marks: refused if an older version's torn
        commit left its traces, else marked now (checked once per file)."""
        problems = integrity.legacy_problems(self._con)
        if problems:
            raise StoreTornError(Path(self.path), problems)
        with self.transaction():
            self._touched |= integrity.existing_tables(self._con)

    def _has_foreign_tables(self) -> bool:
        n = self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'")
        return n > 0

    def _stored_version(self) -> int:
        has_meta = self.scalar(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name = 'meta'")
        if not has_meta:
            return 0
        rows = self.rows("SELECT value FROM meta WHERE key = 'schema_version'")
        if not rows:
            raise StoreError(f"{self.path}: meta table has no schema_version")
        try:
            return int(rows[0][0])
        except ValueError:
            raise StoreError(f"{self.path}: unreadable schema_version {rows[0][0]!r}") from None

    def _migrate(self, current: int, target: int, migrations: dict[int, list[Step]]) -> None:
        for version in range(current + 1, target + 1):
            with self.transaction():
                for step in migrations[version]:
                    if callable(step):
                        step(self)
                    else:
                        self._con.execute(step)
                self._con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )

    # -- the repository interface --------------------------------------------------
    def schema_version(self) -> int:
        return self._stored_version()

    def meta(self) -> dict[str, str]:
        return dict(self._con.execute("SELECT key, value FROM meta WHERE key <> ?",
                                      [integrity.MARKS_KEY]).fetchall())

    def set_meta(self, values: Mapping[str, str]) -> None:
        for k, v in values.items():
            self._execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [k, str(v)])

    def stage_change(self, change: Change) -> None:
        """Publish ``change`` on :attr:`changes` once the running transaction commits
        (dropped if it rolls back); outside a transaction, at once."""
        if self._in_tx:
            self._staged.append(change)
        else:
            self.changes.publish([change])

    @contextmanager
    def transaction(self):
        """Writes inside commit together or not at all, after the writers before them
        (the database's write lock, see the module doc); the changes staged inside are
        published after the commit.  Nested: the outer transaction decides."""
        if self._in_snapshot:
            raise StoreError("a snapshot is for reading: no write transaction inside it")
        if self._in_tx:
            yield
            return
        if not self._write_lock.acquire(timeout=WRITE_WAIT_S):
            raise StoreError(f"数据库正忙：另一项写入 {WRITE_WAIT_S:.0f} 秒内未完成，请稍后重试"
                             f"（{self.path}）")
        staged: list[Change] = []
        try:
            self._con.execute("BEGIN TRANSACTION")
            self._in_tx = True
            self._staged = []
            self._touched = set()
            try:
                yield
                if self._touched and not self.read_only:
                    integrity.record_marks(self._con, self._touched)
            except BaseException:
                self._rollback_quietly()
                raise
            try:
                self._con.execute("COMMIT")
            except (*_WRITE_FAILURES, duckdb.TransactionException) as exc:  # "Failed to commit"
                self._rollback_quietly()
                if _is_conflict(exc):
                    raise StoreConflict(_CONFLICT_MESSAGE) from None
                raise _write_error(self.path, exc) from None
            staged = self._staged
        finally:
            self._in_tx = False
            self._staged = []
            self._touched = set()
            self._write_lock.release()
        self.changes.publish(staged)

    @contextmanager
    def snapshot(self):
        """Reads inside all see one committed state (a read transaction, rolled back at
        the end; no write lock, so writers go on meanwhile)."""
        if self._in_tx:
            yield
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_tx = self._in_snapshot = True
        try:
            yield
        finally:
            self._in_tx = self._in_snapshot = False
            self._rollback_quietly()

    def _rollback_quietly(self) -> None:
        try:
            self._con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the transaction is already gone (e.g. aborted by an I/O error)

    def bulk_insert(self, table: str, columns: Mapping[str, Sequence | np.ndarray]) -> int:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"bad table name {table!r}")
        arrow = pa.table({k: _to_arrow(v) for k, v in columns.items()})
        if arrow.num_rows == 0:
            return 0
        if not self._in_tx and not self.read_only:  # every write commits with its marks
            with self.transaction():
                return self.bulk_insert(table, {n: arrow.column(n) for n in arrow.column_names})
        self._touched.add(table)
        names = ", ".join(f'"{c}"' for c in arrow.column_names)
        view = f"_bulk_{table}"
        self._con.complete()
        self._con.register(view, arrow)
        try:
            self._con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
            if table in TABLE_SEQUENCES and "id" in arrow.column_names:
                self._sequence_after(TABLE_SEQUENCES[table], pc.max(arrow["id"]).as_py())
        except _WRITE_FAILURES as exc:
            raise _write_error(self.path, exc) from None
        except duckdb.TransactionException as exc:
            if _is_conflict(exc):
                raise StoreConflict(_CONFLICT_MESSAGE) from None
            raise
        finally:
            try:
                self._con.unregister(view)
            except duckdb.TransactionException:
                pass  # DuckDB 2: not in an aborted transaction; the next register replaces it
        return arrow.num_rows

    def _sequence_after(self, name: str, largest: int | None) -> None:
        """Move sequence ``name`` past ``largest`` (rows written with explicit ids)."""
        if largest is None:
            return
        rows = self.rows("SELECT coalesce(last_value + increment_by, start_value) "
                         "FROM duckdb_sequences() WHERE sequence_name = ?", [name])
        if not rows or rows[0][0] > largest:
            return  # no sequence (an old schema mid-migration) or already past
        # DuckDB has no setval: recreate it (transactional, unlike nextval)
        self._con.execute(f"DROP SEQUENCE {name}")
        self._con.execute(f"CREATE SEQUENCE {name} START WITH {int(largest) + 1}")

    def columns(self, sql: str, params: Sequence[Any] = ()) -> dict[str, np.ndarray]:
        refuse_tampering(sql)
        self._check_interrupt()
        with self._damage_reported():
            try:
                return self._con.execute(sql, list(params)).fetchnumpy()
            except duckdb.InterruptException:
                raise self._interrupt_error() from None

    @contextmanager
    def _damage_reported(self):
        """A read that fails on a damaged block raises StoreDamagedError (one line naming
        the block and the way back), not DuckDB's exception."""
        try:
            yield
        except duckdb.Error as exc:
            damage = integrity.classify_read_error(self.path, exc)
            if damage is None:
                raise
            raise damage from None

    def _execute(self, sql: str, params: Sequence[Any]):
        self._check_interrupt()
        if not self.read_only and integrity.is_write(sql):
            if not self._in_tx:  # every write commits with its marks
                with self.transaction():
                    return _Fetched(self._execute(sql, params).fetchall())
            self._touched |= integrity.written_tables(sql)
        try:
            return self._con.execute(sql, list(params))
        except duckdb.InterruptException:
            raise self._interrupt_error() from None
        except _WRITE_FAILURES as exc:  # a write through SQL (UPDATE/INSERT) hit the disk
            damage = integrity.classify_read_error(self.path, exc)
            raise (damage or _write_error(self.path, exc)) from None
        except duckdb.TransactionException as exc:
            if _is_conflict(exc):  # another cursor wrote the same row meanwhile
                raise StoreConflict(_CONFLICT_MESSAGE) from None
            raise

    # -- stopping a query from another thread ------------------------------------
    def interrupt(self) -> None:
        """From another thread: stop the query running on this connection and refuse
        the ones after it (:class:`StoreInterrupted`) until :meth:`reset_interrupt`.
        A worker whose result is no longer wanted stops at once instead of finishing."""
        self._interrupted = True
        self._con.interrupt()

    def reset_interrupt(self) -> None:
        self._interrupted = False

    def _check_interrupt(self) -> None:
        if self._interrupted:
            raise self._interrupt_error()

    def _interrupt_error(self) -> StoreInterrupted:
        return StoreInterrupted(f"{self.path}: query interrupted (its result is no longer wanted)")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        refuse_tampering(sql)
        with self._damage_reported():
            return self._execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        refuse_tampering(sql)
        with self._damage_reported():
            rows = self._execute(sql, params).fetchmany(1)
        self._con.complete()  # DuckDB 2: an unfinished result blocks the connection
        return rows[0][0] if rows else None

    def iter_batches(self, sql: str, batch_rows: int = 100_000) -> Iterator[dict[str, np.ndarray]]:
        """Columns in batches.  Outside a transaction the query runs on its own cursor
        (DuckDB 2: an unfinished result blocks its connection), closed when the
        iteration ends or is abandoned; inside one, on the transaction's connection."""
        refuse_tampering(sql)
        con = self._con if self._in_tx else self._con.cursor()
        try:
            with self._damage_reported():
                reader = con.sql(sql).to_arrow_reader(batch_rows)
                batches = iter(reader)
            while True:
                with self._damage_reported():
                    batch = next(batches, None)
                if batch is None:
                    break
                yield {name: batch.column(i).to_numpy(zero_copy_only=False)
                       for i, name in enumerate(batch.schema.names)}
        finally:
            if con is self._con:
                con.complete()
            else:
                con.close()

    def read_every_block(self) -> list[str]:
        """``check --full``: read every column of every table (each block's checksum is
        verified as it is read); the damage found, one line per table."""
        return integrity.read_every_block(self._con, self.path)

    def torn_marks(self) -> list[str]:
        """``check --full``: where the tables disagree with the last commit's marks."""
        return integrity.mark_disagreements(self._con)

    def checkpoint(self) -> None:
        try:
            self._con.execute("CHECKPOINT")
        except _WRITE_FAILURES as exc:
            raise _write_error(self.path, exc) from None

    def cursor(self) -> DuckDBStore:
        """A store sharing this database for use on another thread."""
        return DuckDBStore(self._con.cursor(), Path(self.path), self.read_only, self.changes)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Fetched:
    """The rows of a statement run in a transaction of its own (fetched before COMMIT)."""

    def __init__(self, rows: list[tuple]):
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchmany(self, n: int = 1) -> list[tuple]:
        rows, self._rows = self._rows[:n], self._rows[n:]
        return rows


def _to_arrow(values) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    if isinstance(values, np.ndarray) and values.dtype != object:
        return pa.array(values)
    values = list(values)
    if values and isinstance(next((v for v in values if v is not None), None), bytes | bytearray):
        return pa.array(values, type=pa.binary())
    return pa.array(values)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
