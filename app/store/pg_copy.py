"""Move a district from a DuckDB file to a PostgreSQL server, table by table with COPY.

Used by ``migrate --from district.duckdb --to postgresql://…`` and by
``demo --db postgresql://…`` (the demo is generated into a temporary DuckDB file, then
copied).  DuckDB writes each table as CSV (blobs as ``\\x`` hex, which is PostgreSQL's
bytea text form; NULL unquoted-empty, an empty string quoted), the server reads it
with ``COPY … FROM STDIN (FORMAT csv)``: the fastest path both ends have.  Everything
goes in one server transaction: a failure (a dropped connection, a full disk, a kill)
leaves the server district as it was.  The audit trail is copied row for row with its
hashes, so ``audit verify`` passes on the server.

Before that transaction commits, the copy is checked inside it: every table holds as
many rows as the source, the settings (``meta``) are the source's, and the audit chain
verifies on the server (timestamps, text and the hashes over them came through
unchanged).  A copy that does not check out is rolled back, never left half-right.

What the CSV carries exactly: doubles are written in their shortest round-trip form
(checked: 20,000 random coordinates come back bit for bit), timestamps with their
microseconds, text with quotes, commas and line breaks quoted, blobs in hex.
Generated columns on the server (PostGIS ``shape``, app/store/pg_geometry.py) are
not copied: the server computes them from the copied columns.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.store.errors import StoreError

#: tables never copied (the server has its own)
_SKIP = {"change_log"}
_CHUNK = 1 << 20


def _src_tables(src) -> list[str]:
    rows = src.rows("SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1")
    return [r[0] for r in rows if r[0] not in _SKIP]


def _dst_columns(dst, table: str) -> list[tuple[str, str]]:
    """(name, data type) of the server table's ordinary (not generated) columns."""
    return dst.rows(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = ? AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position", [table])


def copy_district(src, dst, *, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Copy every table of ``src`` (a DuckDBStore at the latest schema) into ``dst`` (a
    PostgresStore whose district tables are empty); returns rows per table.  Raises
    StoreError (nothing written on the server) when the copy fails or does not check
    out."""
    if src.schema_version() != dst.schema_version():
        raise StoreError(f"结构版本不同：源 {src.schema_version()}，服务器 {dst.schema_version()}")
    tables = _src_tables(src)
    nonempty = [t for t in tables if t != "meta" and _dst_has_rows(dst, t)]
    if nonempty:
        raise StoreError(f"服务器上的区库已有数据（{', '.join(nonempty[:4])} …）："
                         "只能迁移到新初始化的库")
    counts: dict[str, int] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gridcc-copy-") as tmp, dst.transaction():
        for table in tables:
            try:
                n = _copy_table(src, dst, table, Path(tmp))
            except StoreError as exc:
                raise StoreError(f"复制表 {table} 失败，服务器上的区库未作任何改动：{exc}") from None
            if n is None:
                continue
            counts[table] = n
            if progress:
                progress(f"{table}: {n:,} rows ({time.perf_counter() - t0:.1f} s)")
        _sequences_after_copy(dst)
        _check_copy(src, dst, counts)
        if progress:
            progress(f"checked: row counts, settings and the audit chain "
                     f"({time.perf_counter() - t0:.1f} s)")
    return counts


def _copy_table(src, dst, table: str, tmp: Path) -> int | None:
    """One table through a CSV file; its row count on the server (None: nothing to copy)."""
    cols = _dst_columns(dst, table)
    src_cols = {r[0] for r in src.rows(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ?", [table])}
    cols = [(c, t) for c, t in cols if c in src_cols]
    if not cols:
        return None
    exprs = ", ".join(f"'\\x' || hex(\"{c}\")" if t == "bytea" else f'"{c}"'
                      for c, t in cols)
    csv = tmp / f"{table}.csv"
    src.rows(f"COPY (SELECT {exprs} FROM {table}{_where(table)}) TO '{csv}' (HEADER false)")
    names = ", ".join(f'"{c}"' for c, _ in cols)
    try:
        if table == "meta":
            dst._raw("CREATE TEMP TABLE _meta_in (LIKE meta) ON COMMIT DROP")
            _copy_file(dst, f"COPY _meta_in ({names}) FROM STDIN (FORMAT csv)", csv)
            dst._raw("INSERT INTO meta SELECT * FROM _meta_in ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value")
        else:
            _copy_file(dst, f"COPY {table} ({names}) FROM STDIN (FORMAT csv)", csv)
    finally:
        csv.unlink(missing_ok=True)
    return int(dst.scalar(f"SELECT count(*) FROM {table}"))


def _where(table: str) -> str:
    return " WHERE key <> 'schema_version'" if table == "meta" else ""


def _check_copy(src, dst, counts: dict[str, int]) -> None:
    """Inside the copy's transaction: the server holds what the source holds."""
    from app.audit.log import verify_log

    for table, n in counts.items():
        if table == "meta":
            continue
        want = int(src.scalar(f"SELECT count(*) FROM {table}"))
        if n != want:
            raise StoreError(f"复制后核对失败：表 {table} 源有 {want:,} 行，服务器上 {n:,} 行；"
                             "服务器上的区库未作任何改动")
    src_meta = {k: v for k, v in src.meta().items() if k != "schema_version"}
    dst_meta = dst.meta()
    differ = sorted(k for k, v in src_meta.items() if dst_meta.get(k) != v)
    if differ:
        raise StoreError(f"复制后核对失败：设置 {', '.join(differ[:4])} 与源不同；"
                         "服务器上的区库未作任何改动")
    result = verify_log(dst)
    if not result.ok:
        raise StoreError(f"复制后核对失败：服务器上的审计日志校验不通过（第 {result.first_bad_seq} "
                         f"条：{result.problem}）；服务器上的区库未作任何改动")


def _dst_has_rows(dst, table: str) -> bool:
    if not dst.scalar("SELECT to_regclass(?) IS NOT NULL", [f"public.{table}"]):
        raise StoreError(f"服务器上的区库没有表 {table}")
    return bool(dst.scalar(f"SELECT EXISTS (SELECT 1 FROM {table})"))


def _copy_file(dst, sql: str, path: Path) -> None:
    import psycopg

    try:
        with dst._conn.cursor() as cur, cur.copy(sql) as cp, open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                cp.write(chunk)
    except psycopg.Error as exc:
        raise dst._error(exc) from None


def _sequences_after_copy(dst) -> None:
    from app.store.sequences import ID_SEQUENCES

    for name, (table, col) in ID_SEQUENCES.items():
        dst._raw(f"SELECT setval('{name}', (SELECT coalesce(max({col}), 0) + 1 FROM {table}), "
                 "false)")
