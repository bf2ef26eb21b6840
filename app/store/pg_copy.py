"""Move a district from a DuckDB file to a PostgreSQL server, table by table with COPY.

Used by ``migrate --from district.duckdb --to postgresql://…`` and by
``demo --db postgresql://…`` (the demo is generated into a temporary DuckDB file, then
copied).  DuckDB writes each table as CSV (blobs as ``\\x`` hex, which is PostgreSQL's
bytea text form; NULL unquoted-empty, an empty string quoted), the server reads it
with ``COPY … FROM STDIN (FORMAT csv)``: the fastest path both ends have.  Everything
goes in one server transaction: a failure (a dropped connection, a full disk, a kill)
leaves the server district as it was.  The audit trail is copied row for row with its
hashes, so ``audit verify`` passes on the server.
"""

from __future__ import annotations

import os
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
    PostgresStore whose district tables are empty); returns rows per table."""
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
            cols = _dst_columns(dst, table)
            src_cols = {r[0] for r in src.rows(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ?", [table])}
            cols = [(c, t) for c, t in cols if c in src_cols]
            if not cols:
                continue
            where = " WHERE key <> 'schema_version'" if table == "meta" else ""
            exprs = ", ".join(f"'\\x' || hex(\"{c}\")" if t == "bytea" else f'"{c}"'
                              for c, t in cols)
            csv = Path(tmp) / f"{table}.csv"
            src.rows(f"COPY (SELECT {exprs} FROM {table}{where}) TO '{csv}' (HEADER false)")
            names = ", ".join(f'"{c}"' for c, _ in cols)
            if table == "meta":
                dst._raw("CREATE TEMP TABLE _meta_in (LIKE meta) ON COMMIT DROP")
                _copy_file(dst, f"COPY _meta_in ({names}) FROM STDIN (FORMAT csv)", csv)
                dst._raw("INSERT INTO meta SELECT * FROM _meta_in ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value")
            else:
                _copy_file(dst, f"COPY {table} ({names}) FROM STDIN (FORMAT csv)", csv)
            counts[table] = int(dst.scalar(f"SELECT count(*) FROM {table}"))
            os.unlink(csv)
            if progress:
                progress(f"{table}: {counts[table]:,} rows ({time.perf_counter() - t0:.1f} s)")
        _sequences_after_copy(dst)
    return counts


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
