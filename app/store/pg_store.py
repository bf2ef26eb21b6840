"""PostgreSQL implementation of :class:`DistrictRepository` (many seats, one server).

How writers are ordered
-----------------------
Every :meth:`PostgresStore.transaction` takes the district's transaction-level advisory
lock first (``pg_advisory_xact_lock``), so writers from every seat run one after the
other, each starting from the last committed state (the audit chain's head and the
daily numbers never race; a stale caller is still refused by the workflow's version
check).  Readers take no lock.  The changes staged inside a transaction are written to
the numbered ``change_log`` in the same transaction and announced by ``NOTIFY`` at
commit (see app/store/pg_changes.py for the seats that listen); this process hears
about its own at once, after the commit, as with DuckDB.

A connection lost while COMMIT was under way is resolved, not guessed: the
transaction's id was read before COMMIT, and after reconnecting
``pg_xact_status`` says whether it committed (then it counts as done) or not
(then the caller gets :class:`StoreDisconnected`: nothing was written).
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import numpy as np
import psycopg
from psycopg import errors as pge

from app.changes import Change, ChangeFeed
from app.store.errors import (
    SchemaTooNewError,
    StoreConflict,
    StoreDisconnected,
    StoreError,
    StoreInterrupted,
    StoreMissingError,
    StoreWriteError,
)
from app.store.pg_dialect import translate
from app.store.schema import MIGRATIONS, Step, latest_version, refuse_tampering
from app.store.sequences import TABLE_SEQUENCES
from app.store.target import DbTarget, parse_db

#: this process's name in the change log (its own changes are not heard twice)
ORIGIN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
#: each opened store (a seat) writes ``ORIGIN/<n>``: two seats in one process hear each other
_SEAT_NUMBERS = itertools.count(1)
#: the NOTIFY channel of committed changes (payload: the last change_log seq)
CHANNEL = "gridcc_changes"
#: the advisory lock key that orders writers (one per database)
_WRITER_LOCK = "SELECT pg_advisory_xact_lock(hashtext('gridcc.writer:' || current_database()))"
WRITE_WAIT_S = 30.0
#: how long a commit whose connection dropped is looked up before it is called unknown
COMMIT_LOOKUP_S = 10.0
_CONFLICT_MESSAGE = "数据已被他人同时修改，本次操作未保存，请刷新后重试"
_READ_RE = re.compile(r"\s*(?:SELECT|WITH)\b", re.IGNORECASE)
_WRITE_RE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|COPY|"
                       r"nextval|setval|pg_notify)\b", re.IGNORECASE)


def _is_read(sql: str) -> bool:
    """Whether ``sql`` only reads (safe to run again after a lost connection)."""
    return bool(_READ_RE.match(sql)) and not _WRITE_RE.search(sql)


# PostgreSQL type oid -> numpy dtype of a column without NULLs (as DuckDB's fetchnumpy)
_DTYPES = {21: np.int16, 23: np.int32, 20: np.int64, 700: np.float32, 701: np.float64,
           1700: np.float64, 16: np.bool_, 1114: "datetime64[us]", 1082: "datetime64[us]",
           1184: "datetime64[us]"}
_FILL = {np.int16: 0, np.int32: 0, np.int64: 0, np.float32: np.nan, np.float64: np.nan,
         np.bool_: False}


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else text


def connect_error(target: DbTarget, exc: Exception) -> StoreError:
    """A failed connection, said in one line an operator can act on."""
    text = str(exc)
    where = target.display()
    if "password authentication failed" in text or "no password supplied" in text:
        return StoreError(f"用户名或密码错误，服务器拒绝登录（{where}）")
    if "does not exist" in text and "database" in text:
        return StoreMissingError(
            f"服务器上没有这个区库（{where}）：先由管理员运行 "
            f"`python -m app server init --db {where}`")
    if "role" in text and "does not exist" in text:
        return StoreError(f"服务器上没有这个账号（{where}）")
    if any(s in text for s in ("Connection refused", "could not translate host name",
                               "No such file or directory", "timeout expired",
                               "Network is unreachable", "No route to host")):
        return StoreDisconnected(f"无法连接服务器（{where}）：{_first_line(text)}")
    return StoreError(f"无法连接服务器（{where}）：{_first_line(text)}")


#: rows converted at a time: psycopg holds the GIL while it turns rows into Python values,
#: and one fetchall() of 14k cases held it 35 ms (a million: seconds) against the GUI thread
FETCH_CHUNK = 2_000


def _fetch_all(cur) -> list[tuple]:
    """Every row of ``cur``, converted a chunk at a time (the GIL is let go in between)."""
    rows: list[tuple] = []
    while chunk := cur.fetchmany(FETCH_CHUNK):
        rows.extend(chunk)
    return rows


def _columns_of(cur) -> dict[str, np.ndarray]:
    desc = cur.description or []
    rows = _fetch_all(cur)
    out: dict[str, np.ndarray] = {}
    if not rows:
        for d in desc:
            dt = _DTYPES.get(d.type_code, object)
            out[d.name] = np.array([], dtype=dt)
        return out
    cols = list(zip(*rows, strict=True))
    for d, values in zip(desc, cols, strict=True):
        out[d.name] = _to_numpy(values, _DTYPES.get(d.type_code, object))
    return out


def _to_numpy(values: tuple, dtype) -> np.ndarray:
    nulls = [v is None for v in values]
    has_null = any(nulls)
    if dtype is object:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return np.ma.MaskedArray(arr, mask=nulls) if has_null else arr
    if dtype == "datetime64[us]":
        filled = [np.datetime64("NaT") if v is None else _naive(v) for v in values]
        arr = np.array(filled, dtype="datetime64[us]")
    else:
        fill = _FILL.get(dtype, 0)
        arr = np.array([fill if v is None else v for v in values], dtype=dtype)
    return np.ma.MaskedArray(arr, mask=nulls) if has_null else arr


def _naive(v):
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    return v


def _py(v):
    """A numpy scalar or array element as the Python value psycopg adapts."""
    if isinstance(v, np.generic):
        return v.item()
    return v


class PostgresStore:
    """One district database on a PostgreSQL server."""

    dialect = "postgres"

    def __init__(self, conn: psycopg.Connection, target: DbTarget, read_only: bool,
                 changes: ChangeFeed | None = None, origin: str | None = None):
        self._conn = conn
        #: this seat's name in change_log.origin (its feed hears its own changes locally)
        self.origin = origin or f"{ORIGIN}/{next(_SEAT_NUMBERS)}"
        self.target = target
        self.path = target.display()
        self.read_only = read_only
        self._in_tx = False
        self._in_snapshot = False
        self._interrupted = False
        self._lock = threading.RLock()  # one statement at a time on this connection
        self.changes = changes if changes is not None else ChangeFeed()
        self._staged: list[Change] = []
        #: the logged-in role (``current_user``)
        self.user = conn.info.user

    # -- opening ---------------------------------------------------------------------
    @staticmethod
    def connect(target: DbTarget, *, autocommit: bool = True) -> psycopg.Connection:
        try:
            return psycopg.connect(target.conninfo, autocommit=autocommit,
                                   application_name="gridcc", connect_timeout=10)
        except psycopg.Error as exc:
            raise connect_error(target, exc) from None

    @classmethod
    def open(cls, target: DbTarget | str, *, read_only: bool = False, create: bool = False,
             migrations: dict[int, list[Step]] | None = None) -> PostgresStore:
        target = parse_db(target)
        migrations = migrations or MIGRATIONS
        conn = cls.connect(target)
        store = cls(conn, target, read_only)
        try:
            version = store._stored_version()
            want = latest_version(migrations)
            if version > want:
                raise SchemaTooNewError(
                    f"服务器上的区库是第 {version} 版结构，本 GridCC 只认到第 {want} 版："
                    f"请升级 GridCC（{store.path}）")
            if version < want:
                if not create:
                    if version == 0:
                        raise StoreMissingError(
                            f"服务器上的库尚未初始化（{store.path}）：先由管理员运行 "
                            f"`python -m app server init --db {store.path}`")
                    if read_only or not store._is_owner():
                        raise StoreError(
                            f"服务器上的区库是第 {version} 版结构，需升级到第 {want} 版："
                            f"请管理员运行 `python -m app server init --db {store.path}`")
                from app.store.pg_schema import migrate

                migrate(store, version, want, migrations)
        except BaseException:
            conn.close()
            raise
        return store

    def _is_owner(self) -> bool:
        return bool(self.scalar(
            "SELECT pg_catalog.has_database_privilege(current_database(), 'CREATE')"))

    def _stored_version(self) -> int:
        if not self.scalar("SELECT to_regclass('public.meta') IS NOT NULL"):
            return 0
        try:
            rows = self.rows("SELECT value FROM meta WHERE key = 'schema_version'")
        except StoreError:
            return 0
        if not rows:
            raise StoreError(f"{self.path}: meta 表中没有 schema_version")
        return int(rows[0][0])

    # -- the repository interface ----------------------------------------------------
    def schema_version(self) -> int:
        return self._stored_version()

    def meta(self) -> dict[str, str]:
        return dict(self.rows("SELECT key, value FROM meta"))

    def set_meta(self, values: Mapping[str, str]) -> None:
        with self.transaction():
            for k, v in values.items():
                self._execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) "
                              "DO UPDATE SET value = excluded.value", [k, str(v)])

    def stage_change(self, change: Change) -> None:
        if self._in_tx and not self._in_snapshot:
            self._staged.append(change)
        else:
            with self.transaction():
                self._staged.append(change)

    @contextmanager
    def transaction(self):
        if self._in_snapshot:
            raise StoreError("a snapshot is for reading: no write transaction inside it")
        if self._in_tx:
            yield
            return
        with self._lock:
            self._ensure_connection()
            staged: list[Change] = []
            try:
                self._begin("BEGIN")
                self._in_tx = True
                self._staged = []
                self._raw(f"SET LOCAL lock_timeout = '{int(WRITE_WAIT_S * 1000)}ms'")
                self._raw(_WRITER_LOCK)
                try:
                    yield
                    staged = self._staged
                    if staged:
                        self._log_changes(staged)
                    xid = self._raw("SELECT pg_current_xact_id()::text").fetchone()[0]
                except BaseException:
                    self._rollback_quietly()
                    raise
                self._commit(xid)
            finally:
                self._in_tx = False
                self._staged = []
        self.changes.publish(staged)

    def _begin(self, sql: str) -> None:
        """BEGIN, on a new connection if the server dropped this one since its last use
        (nothing was done yet, so nothing can be done twice)."""
        try:
            self._conn.execute(sql)
        except psycopg.OperationalError as exc:
            if not self._conn.broken:
                raise self._error(exc) from None
            self._reconnect()
            self._raw(sql)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _commit(self, xid: str) -> None:
        try:
            self._conn.execute("COMMIT")  # (not _raw: its StoreError would skip the lookup)
        except psycopg.OperationalError as exc:
            if not self._conn.closed and not self._conn.broken:
                self._rollback_quietly()
                raise self._error(exc) from None
            status = self._xact_status(xid)
            if status == "committed":
                return
            if status == "aborted":
                raise StoreDisconnected(
                    f"与服务器的连接在提交时断开，本次操作未执行（{self.path}）") from None
            raise StoreDisconnected(
                f"与服务器的连接在提交时断开，且服务器一直未恢复，无法确认本次操作是否已保存："
                f"请在恢复后查看再操作（{self.path}）") from None
        except psycopg.Error as exc:
            self._rollback_quietly()
            raise self._error(exc) from None

    def _xact_status(self, xid: str) -> str | None:
        """After a lost connection: did transaction ``xid`` commit?  "committed" or
        "aborted"; asked again (the server restarting, the old backend still ending)
        for up to :data:`COMMIT_LOOKUP_S`, then None: unknown."""
        deadline = time.monotonic() + COMMIT_LOOKUP_S
        wait = 0.1
        while True:
            try:
                self._reconnect()
                status = self._conn.execute("SELECT pg_xact_status(%s::xid8)",
                                            [xid]).fetchone()[0]
                if status in ("committed", "aborted"):
                    return status
            except (psycopg.Error, StoreError):
                pass
            if time.monotonic() + wait > deadline:
                return None
            time.sleep(wait)
            wait = min(wait * 2, 1.0)

    def _log_changes(self, staged: list[Change]) -> None:
        """The staged changes into the change log and one NOTIFY (delivered at commit)."""
        if not self._has_change_log():
            return
        last = None
        for c in staged:
            last = self._raw(
                "INSERT INTO change_log (entity, ids, action, actor, at, origin) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING seq",
                [c.entity, list(c.ids), c.action, c.actor, c.at, self.origin]).fetchone()[0]
        self._raw("SELECT pg_notify(%s, %s)", [CHANNEL, str(last)])

    def _has_change_log(self) -> bool:
        flag = getattr(self, "_change_log_known", None)
        if flag is None:
            flag = bool(self._raw("SELECT to_regclass('public.change_log') IS NOT NULL")
                        .fetchone()[0])
            self._change_log_known = flag
        return flag

    @contextmanager
    def snapshot(self):
        if self._in_tx:
            yield
            return
        with self._lock:
            self._ensure_connection()
            self._begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._in_tx = self._in_snapshot = True
            try:
                yield
            finally:
                self._in_tx = self._in_snapshot = False
                self._rollback_quietly()

    def _rollback_quietly(self) -> None:
        try:
            self._conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def bulk_insert(self, table: str, columns: Mapping[str, Sequence | np.ndarray]) -> int:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise ValueError(f"bad table name {table!r}")
        names = list(columns)
        data = [_as_list(columns[n]) for n in names]
        n = len(data[0]) if data else 0
        if n == 0:
            return 0
        with self.transaction():
            cols = ", ".join(f'"{c}"' for c in names)
            try:
                if self._raw("SELECT row_security_active(%s)", [table]).fetchone()[0]:
                    # COPY FROM is refused where row-level security applies (a seat's
                    # login, app/store/pg_security.py): COPY into a temporary table, then
                    # one INSERT … SELECT, whose rows the policies check
                    self._raw(f"CREATE TEMP TABLE _bulk_{table} (LIKE {table} INCLUDING DEFAULTS) "
                              "ON COMMIT DROP")
                    with self._conn.cursor() as cur, \
                            cur.copy(f"COPY _bulk_{table} ({cols}) FROM STDIN") as cp:
                        for row in zip(*data, strict=True):
                            cp.write_row(row)
                    self._raw(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _bulk_{table}")
                    self._raw(f"DROP TABLE _bulk_{table}")
                else:
                    with self._conn.cursor() as cur, \
                            cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                        for row in zip(*data, strict=True):
                            cp.write_row(row)
                if table in TABLE_SEQUENCES and "id" in names:
                    ids = [v for v in data[names.index("id")] if v is not None]
                    if ids:
                        self._sequence_after(TABLE_SEQUENCES[table], int(max(ids)))
            except psycopg.Error as exc:
                raise self._error(exc) from None
        return n

    def _sequence_after(self, name: str, largest: int) -> None:
        """Move sequence ``name`` past ``largest`` if rows were written with explicit ids
        beyond it; ids taken from the sequence itself need nothing (and a seat's role
        may use the sequence but not set it)."""
        last = self._raw("SELECT coalesce(pg_sequence_last_value(%s::regclass), 0)",
                         [name]).fetchone()[0]
        if largest > last:
            self._raw("SELECT setval(%s, %s)", [name, largest])

    def columns(self, sql: str, params: Sequence[Any] = ()) -> dict[str, np.ndarray]:
        refuse_tampering(sql)
        with self._lock:
            cur = self._execute(sql, params)
            return _columns_of(cur)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        refuse_tampering(sql)
        with self._lock:
            cur = self._execute(sql, params)
            return _fetch_all(cur) if cur.description else []

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        refuse_tampering(sql)
        with self._lock:
            cur = self._execute(sql, params)
            row = cur.fetchone() if cur.description else None
            return row[0] if row else None

    def iter_batches(self, sql: str, batch_rows: int = 100_000) -> Iterator[dict[str, np.ndarray]]:
        refuse_tampering(sql)
        # a cursor of its own connection: the rows stream while this store is used
        conn = self.connect(self.target) if not self._in_tx else None
        try:
            c = conn or self._conn
            with c.transaction() if conn else _nothing(), \
                    c.cursor(name=f"gridcc_iter_{uuid.uuid4().hex[:8]}") as cur:
                cur.execute(translate(sql, False)[-1])
                while True:
                    rows = cur.fetchmany(batch_rows)
                    if not rows:
                        break
                    cols = list(zip(*rows, strict=True))
                    yield {d.name: _to_numpy(v, _DTYPES.get(d.type_code, object))
                           for d, v in zip(cur.description, cols, strict=True)}
        except psycopg.Error as exc:
            raise self._error(exc) from None
        finally:
            if conn is not None:
                conn.close()

    def checkpoint(self) -> None:
        """Nothing to do: the server checkpoints on its own."""

    # -- running statements -------------------------------------------------------------
    def _raw(self, sql: str, params: Sequence[Any] | None = None):
        try:
            return self._conn.execute(sql, params)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _execute(self, sql: str, params: Sequence[Any] = ()):
        if self._interrupted:
            raise self._interrupt_error()
        if not self._in_tx:
            self._ensure_connection()
        params = [_py(p) for p in params]
        statements = translate(sql, bool(params))
        try:
            return self._run(statements, params)
        except psycopg.OperationalError as exc:
            # A read on a connection the server dropped (a restart, an outage now over)
            # is tried once more on a new connection; a write is not: its fate is unknown.
            if self._in_tx or not self._conn.broken or not _is_read(sql):
                raise self._error(exc) from None
            try:
                self._reconnect()
                return self._run(statements, params)
            except psycopg.Error as again:
                raise self._error(again) from None
            except StoreError:
                raise self._error(exc) from None
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _run(self, statements: tuple[str, ...], params: list):
        cur = None
        for i, stmt in enumerate(statements):
            last = i == len(statements) - 1
            cur = self._conn.execute(stmt, params if last and params else None)
        return cur

    def _error(self, exc: Exception) -> StoreError:
        if isinstance(exc, pge.QueryCanceled) and self._interrupted:
            return self._interrupt_error()
        if isinstance(exc, pge.SerializationFailure | pge.DeadlockDetected
                      | pge.LockNotAvailable):
            return StoreConflict(_CONFLICT_MESSAGE)
        if isinstance(exc, pge.QueryCanceled):
            return StoreError(f"服务器取消了查询（超时或被管理员终止）：{_first_line(str(exc))}")
        if isinstance(exc, pge.InsufficientPrivilege):
            return StoreError(f"权限不足，服务器拒绝了这项操作：{_first_line(str(exc))}")
        if isinstance(exc, pge.DiskFull):
            return StoreWriteError(f"服务器磁盘已满，本次写入未保存（{self.path}）")
        if isinstance(exc, pge.RaiseException) and "append-only" in str(exc):
            return StoreError("审计日志只能追加：记录不能修改或删除")
        if isinstance(exc, psycopg.OperationalError) and (self._conn.closed or self._conn.broken):
            return StoreDisconnected(f"与服务器断开（{self.path}）：{_first_line(str(exc))}")
        if isinstance(exc, psycopg.errors.UniqueViolation):
            return StoreConflict(f"编号冲突，本次操作未保存：{_first_line(str(exc))}")
        return StoreError(f"{self.path}: {_first_line(str(exc))}")

    # -- the connection -----------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return not (self._conn.closed or self._conn.broken)

    def _ensure_connection(self) -> None:
        if self._conn.closed or self._conn.broken:
            self._reconnect()

    def _reconnect(self) -> None:
        try:
            self._conn.close()
        except psycopg.Error:
            pass
        self._conn = self.connect(self.target)
        for attr in ("_change_log_known", "_appraisal_workdays", "_appraisal_facts_fingerprint"):
            self.__dict__.pop(attr, None)  # temp tables went with the old session

    # -- stopping a query from another thread ------------------------------------------
    def interrupt(self) -> None:
        self._interrupted = True
        try:
            self._conn.cancel_safe(timeout=2.0)
        except psycopg.Error:
            pass

    def reset_interrupt(self) -> None:
        self._interrupted = False

    def _interrupt_error(self) -> StoreInterrupted:
        return StoreInterrupted(f"{self.path}: query interrupted (its result is no longer wanted)")

    def cursor(self) -> PostgresStore:
        """A store on a connection of its own to the same server (for another thread)."""
        return PostgresStore(self.connect(self.target), self.target, self.read_only, self.changes,
                             self.origin)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def _nothing():
    yield


def _as_list(values) -> list:
    if isinstance(values, np.ma.MaskedArray):
        return [None if m else _py(v) for v, m in zip(values.data, np.ma.getmaskarray(values),
                                                      strict=True)]
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "M":
            return [None if np.isnat(v) else v.astype("datetime64[us]").item() for v in values]
        return values.tolist()
    if hasattr(values, "to_pylist"):
        return values.to_pylist()
    return [_py(v) for v in values]

