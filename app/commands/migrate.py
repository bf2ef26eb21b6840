"""``python -m app migrate --from district.duckdb --to postgresql://…``: a single-seat
district moves onto a server (单机区库迁移到服务器).

The destination database must hold no district yet (it is created if missing); it is
initialised here as ``server init`` does (schema, PostGIS layers, security), then every table
is copied in one server transaction and checked before it commits (app/store/pg_copy.py):
row counts, settings and the audit chain.  A failure anywhere leaves the server district
empty.  The copied accounts then get their login roles (``server init`` does the same; an
account copied from a file has no password on the server until one is set).  The source file is only read: one at an older schema is upgraded in a temporary
copy, never in place.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from app.store.errors import StoreError, StoreMissingError
from app.store.target import DbTarget, parse_db


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("migrate", help="move a single-seat district (DuckDB file) to a "
                                       "PostgreSQL server")
    p.add_argument("--from", dest="source", required=True, metavar="PATH",
                   help="the district's DuckDB file")
    p.add_argument("--to", dest="target", required=True, type=parse_db, metavar="URL",
                   help="the server database, as its administrator: "
                        "postgresql://admin@host:port/dbname (created if missing; must be empty)")
    p.add_argument("--progress", action="store_true", help="report each table on stderr")
    return {"migrate": cmd_migrate}


def cmd_migrate(args) -> int:
    target: DbTarget = args.target
    if not target.is_postgres:
        raise StoreError(f"--to 须是服务器地址（postgresql://用户@主机:端口/库名），"
                         f"而不是文件 {target.display()}")
    progress = _progress if args.progress else None
    source = Path(args.source).expanduser()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gridcc-migrate-") as tmp:
        src = open_source(source, Path(tmp))
        try:
            _refuse_nonempty(target, _district_tables(src))
            dst = init_destination(target, progress)
            try:
                counts = _copy(src, dst, progress)
                no_password = _create_logins(dst)
                _build_facts(dst, progress)
            finally:
                dst.close()
        finally:
            src.close()
    rows = sum(n for t, n in counts.items() if t != "meta")
    print(f"已迁移 {source} → {target.display()}：{len(counts)} 张表，共 {rows:,} 行，"
          f"审计日志 {counts.get('audit_log', 0):,} 条校验通过，用时 "
          f"{time.perf_counter() - t0:.1f} 秒")
    if no_password:
        print(f"以下账号的服务器登录尚无密码，请管理员逐个设置（python -m app server password 账号）："
              f"{', '.join(no_password)}")
    return 0


def _copy(src, dst, progress):
    from app.store.pg_copy import copy_district

    return copy_district(src, dst, progress=progress)


def open_source(path: Path, tmp: Path):
    """The source district, opened read-only after checks that each say in one line what
    is wrong; a file at an older schema is upgraded in a copy under ``tmp``."""
    from app.store import open_store
    from app.store.schema import MIGRATIONS, latest_version

    if not path.exists():
        raise StoreError(f"找不到源文件 {path}")
    if path.is_dir():
        raise StoreError(f"{path} 是一个目录，不是 DuckDB 区库文件")
    version = _source_version(path)
    want = latest_version(MIGRATIONS)
    if version > want:
        raise StoreError(f"源文件 {path} 是第 {version} 版结构，本 GridCC 只认到第 {want} 版："
                         "请先升级 GridCC")
    if version < want:
        copy = tmp / "source.duckdb"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        open_store(copy).close()  # upgrades the copy
        path = copy
    return open_store(path, read_only=True)


def _source_version(path: Path) -> int:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(f"{path} 正被另一个 GridCC 打开（单机区库同时只能有一个写入者）："
                             "先关闭它再迁移") from None
        raise StoreError(f"{path} 不是 DuckDB 区库文件，无法读取") from None
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        if "meta" not in tables or "grid_units" not in tables:
            raise StoreError(f"{path} 是 DuckDB 文件，但不是 GridCC 区库")
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(row[0]) if row else 0
        except ValueError:
            raise StoreError(f"{path} 的结构版本无法识别（{row[0]!r}）") from None
    finally:
        con.close()


def _district_tables(src) -> list[str]:
    """The source's tables that hold the district (not its settings)."""
    return [r[0] for r in src.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' AND table_name <> 'meta' ORDER BY 1")]


def _refuse_nonempty(target: DbTarget, tables: list[str]) -> None:
    """Before anything is written: the destination holds none of the district's rows
    (the server's own tables, e.g. derived appraisal facts, do not count)."""
    from app.store.pg_store import PostgresStore

    try:
        conn = PostgresStore.connect(target)
    except StoreMissingError:
        return  # no such database yet: server init creates it
    try:
        present = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
        full = [t for t in tables if t in present
                and conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]]
    finally:
        conn.close()
    if full:
        raise StoreError(f"服务器上的库不是空的（{', '.join(full[:4])} 已有数据，"
                         f"{target.display()}）：只能迁移到新建的空库")


def init_destination(target: DbTarget, progress=None):
    """The server district initialised as ``server init`` does (database, schema, PostGIS
    layers, security), opened as the administrator."""
    from app.store.pg_store import PostgresStore

    try:
        from app.store.pg_server import init_server
    except ImportError:
        init_server = None
    if init_server is not None:
        init_server(target, progress=progress)
        return PostgresStore.open(target)
    from app.store.pg_geometry import install_geometry

    store = PostgresStore.open(target, create=True)
    try:
        install_geometry(store)
    except BaseException:
        store.close()
        raise
    return store


def _build_facts(dst, progress) -> None:
    """The shared appraisal facts of the district just copied, built now (no seat pays
    for the first build)."""
    from app.appraisal.server_facts import prepare_server_facts

    if progress:
        progress("building the shared appraisal facts")
    prepare_server_facts(dst)


def _create_logins(dst) -> list[str]:
    """Login roles for the copied accounts (as ``server init`` gives them); the names of
    those left without a password."""
    try:
        from app.store.pg_server import create_logins
    except ImportError:
        return []
    return create_logins(dst)[1]


def _progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)
