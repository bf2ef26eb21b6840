"""``migrate --from district.duckdb --to postgresql://…`` and ``demo --db postgresql://…``
on the session's real server: every table and the audit chain arrive intact, every bad
input is one line, and a copy that fails or is killed midway leaves the server district
empty."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from app.store import open_store

ROOT = Path(__file__).resolve().parents[2]

@functools.cache
def district_tables() -> tuple[str, ...]:
    """The tables of a district file at the latest schema (the server has more of its own:
    change_log, PostGIS's spatial_ref_sys, derived appraisal facts)."""
    con = duckdb.connect()
    try:
        from app.store.schema import MIGRATIONS

        for version in sorted(MIGRATIONS):
            for step in MIGRATIONS[version]:
                if isinstance(step, str):
                    con.execute(step)
        return tuple(r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE'").fetchall())
    finally:
        con.close()


def run_app(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GRIDCC_DB"}  # every --db is named
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env)


def one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("gridcc: error: "), r.stderr
    return lines[0]


@pytest.fixture
def fresh_db(pg_cluster, request):
    """An empty database (as after ``createdb``) and its admin URL."""
    name = "mig_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    url = pg_cluster.create_db(name)
    yield name, url
    pg_cluster.drop_db(name)


def server_counts(pg_cluster, name: str) -> dict[str, int]:
    """Rows per district table on the server ({} when it has no district tables)."""
    with pg_cluster.admin(name) as con:
        tables = {r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in district_tables() if t in tables}


def source_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def district_rows(pg_cluster, name: str) -> int:
    return sum(n for t, n in server_counts(pg_cluster, name).items() if t != "meta")


def test_migrate_moves_every_table_and_the_audit_chain(pg_cluster, fresh_db, small_db_path):
    """As the README has it: `server init`, then `migrate` (the other tests migrate into a
    bare database, which migrate initialises itself)."""
    name, url = fresh_db
    init = run_app("server", "init", "--db", url)
    assert init.returncode == 0, init.stderr
    r = run_app("migrate", "--from", str(small_db_path), "--to", url)
    assert r.returncode == 0, r.stderr
    assert "审计日志" in r.stdout and pg_cluster.password not in r.stdout

    src, dst = source_counts(small_db_path), server_counts(pg_cluster, name)
    assert set(dst) == set(src) == set(district_tables())
    con = duckdb.connect(str(small_db_path), read_only=True)
    src_meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    with pg_cluster.admin(name) as con:
        dst_meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert {k: dst_meta[k] for k in src_meta} == src_meta
    assert {t: n for t, n in dst.items() if t != "meta"} == \
        {t: n for t, n in src.items() if t != "meta"}
    assert src["audit_log"] > 0 and src["cases"] > 0

    v = run_app("audit", "verify", "--db", url)
    assert v.returncode == 0, v.stderr
    assert f"{src['audit_log']} 条记录" in v.stdout
    # the server's layers are there, and the district reads as a district
    with pg_cluster.admin(name) as con:
        assert con.execute("SELECT count(*) FROM geometry_columns WHERE srid = 4490")\
            .fetchone()[0] == 7
    info = run_app("info", "--db", url, "--json")
    assert info.returncode == 0, info.stderr


def test_every_value_comes_through_exactly(pg_cluster, fresh_db, small_db_path, tmp_path):
    """Row for row, value for value (doubles to the bit, timestamps to the microsecond,
    text with quotes, commas, line breaks, backslashes and COPY's ``\\.``, NULL apart from
    ''), and the audit chain verified over the server store."""
    from app.audit.log import verify_log

    name, url = fresh_db
    path = tmp_path / "odd.duckdb"
    shutil.copy(small_db_path, path)
    con = duckdb.connect(str(path))
    first = con.execute("SELECT min(id) FROM cases").fetchone()[0]
    con.execute("UPDATE cases SET description = ?, lon = lon + 1e-13, "
                "reported_at = reported_at + INTERVAL 123457 MICROSECONDS WHERE id = ?",
                ['他说："好,\n明天"\\ 到 \\x41 ;', first])
    con.execute("UPDATE cases SET description = '' WHERE id = ?", [first + 1])
    # COPY's end-of-data marker, alone on a line of a value and as a whole value
    con.execute("UPDATE cases SET description = ? WHERE id = ?", ["a\n\\.\nb", first + 2])
    con.execute("UPDATE cases SET description = ? WHERE id = ?", ["\\.", first + 3])
    con.execute("UPDATE buildings SET name = NULL WHERE id = (SELECT min(id) FROM buildings)")
    con.close()

    r = run_app("migrate", "--from", str(path), "--to", url)
    assert r.returncode == 0, r.stderr
    src = duckdb.connect(str(path), read_only=True)
    with pg_cluster.admin(name) as dst:
        for (table,) in src.execute("SELECT table_name FROM information_schema.tables "
                                    "WHERE table_schema = 'main' AND table_name <> 'meta'").fetchall():
            cols = [c for (c,) in src.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()]
            types = dict(dst.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s", [table]).fetchall())
            order = ", ".join(f'"{c}"' for c in cols if types[c] != "bytea")
            listed = ", ".join(f'"{c}"::float8' if types[c] == "real" else f'"{c}"'
                               for c in cols)
            want = src.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} "
                               f"FROM {table} ORDER BY {order}").fetchall()
            got = dst.execute(f"SELECT {listed} FROM {table} ORDER BY {order}").fetchall()
            assert len(got) == len(want), table
            assert [tuple(row) for row in got] == want, table
    src.close()
    with open_store(url, read_only=True) as store:
        result = verify_log(store)
    assert result.ok and result.records > 0, result.problem


def test_refusals_are_one_line_and_write_nothing(pg_cluster, fresh_db, small_db_path,
                                                 tmp_path):
    name, url = fresh_db
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("这不是数据库\n")
    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    newer = tmp_path / "newer.duckdb"
    shutil.copy(small_db_path, newer)
    con = duckdb.connect(str(newer))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    cases = [
        (tmp_path, "是一个目录"),
        (tmp_path / "missing.duckdb", "找不到源文件"),
        (not_duckdb, "不是 DuckDB 区库文件"),
        (foreign, "不是 GridCC 区库"),
        (newer, "第 99 版结构"),
    ]
    for source, said in cases:
        line = one_line_error(run_app("migrate", "--from", str(source), "--to", url))
        assert said in line, line
    line = one_line_error(run_app("migrate", "--from", str(small_db_path), "--to",
                                  str(tmp_path / "x.duckdb")))
    assert "postgresql://" in line
    assert server_counts(pg_cluster, name) == {}  # not even initialised
    assert newer.exists() and not (tmp_path / "x.duckdb").exists()

    # a server district that already holds data is never added to
    assert run_app("migrate", "--from", str(small_db_path), "--to", url).returncode == 0
    before = server_counts(pg_cluster, name)
    line = one_line_error(run_app("migrate", "--from", str(small_db_path), "--to", url))
    assert "不是空的" in line and pg_cluster.password not in line
    assert server_counts(pg_cluster, name) == before


def test_a_source_with_another_gridcc_writing_is_refused(fresh_db, small_db_path, tmp_path):
    _name, url = fresh_db
    path = tmp_path / "busy.duckdb"
    shutil.copy(small_db_path, path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        line = one_line_error(run_app("migrate", "--from", str(path), "--to", url))
        assert "正被另一个 GridCC 打开" in line
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def test_a_copy_failing_midway_leaves_the_server_empty(pg_cluster, fresh_db, small_db_path,
                                                       tmp_path):
    """A doctored source whose last table breaks a server constraint (a duplicated id):
    the tables copied before it are rolled back with it."""
    name, url = fresh_db
    path = tmp_path / "doctored.duckdb"
    shutil.copy(small_db_path, path)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE w AS SELECT * FROM workers")
    con.execute("DROP TABLE workers")
    con.execute("CREATE TABLE workers AS SELECT * FROM w UNION ALL (SELECT * FROM w LIMIT 1)")
    con.execute("DROP TABLE w")
    con.close()
    r = run_app("migrate", "--from", str(path), "--to", url, "--progress")
    assert r.returncode == 1
    assert "cases: 15,000 rows" in r.stderr  # the copy was well under way
    line = [ln for ln in r.stderr.splitlines() if ln.startswith("gridcc: error: ")]
    assert len(line) == 1 and "复制表 workers 失败" in line[0] and "未作任何改动" in line[0]
    counts = server_counts(pg_cluster, name)
    assert counts["cases"] == 0
    assert district_rows(pg_cluster, name) == 0, counts
    # and the same server database takes the good file afterwards
    assert run_app("migrate", "--from", str(small_db_path), "--to", url).returncode == 0
    assert server_counts(pg_cluster, name)["workers"] == source_counts(small_db_path)["workers"]


def _wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_copy_killed_midway_leaves_the_server_empty(pg_cluster, fresh_db, small_db_path):
    """The migrate process is killed while its copy transaction holds most tables: the
    server rolls it back.  (The test holds a SHARE lock on ``merchants``, so the copy
    stops there, deterministically, with the tables before it already sent.)"""
    name, url = fresh_db
    holder = pg_cluster.admin(name)
    proc = None
    try:
        from app.commands.migrate import init_destination
        from app.store.target import parse_db

        init_destination(parse_db(url)).close()  # what migrate does first; idempotent
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE merchants IN SHARE MODE")
        proc = subprocess.Popen([sys.executable, "-m", "app", "migrate", "--from",
                                 str(small_db_path), "--to", url], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with pg_cluster.admin(name) as watch:
            def blocked_at_merchants():
                return watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND "
                    "wait_event_type = 'Lock' AND query LIKE 'COPY merchants%%'",
                    [name]).fetchone()

            pid = _wait_for(blocked_at_merchants, "the copy to reach merchants")[0]
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            holder.execute("ROLLBACK")  # the backend now reads its dead client's socket

            def gone():
                return not watch.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                         [pid]).fetchone()

            _wait_for(gone, "the killed copy's backend to end")
        assert proc.returncode == -signal.SIGKILL
        counts = server_counts(pg_cluster, name)
        assert district_rows(pg_cluster, name) == 0, counts
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        holder.close()


def test_demo_loads_into_a_fresh_server_database(pg_cluster, fresh_db):
    name, url = fresh_db
    r = run_app("demo", "--db", url, "--scale", "small", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert "loaded into" in r.stdout and pg_cluster.password not in r.stdout
    counts = server_counts(pg_cluster, name)
    assert counts["grid_units"] > 0 and counts["cases"] > 0
    info = run_app("info", "--db", url)
    assert info.returncode == 0, info.stderr
    assert f"{counts['cases']:,}" in info.stdout
    again = run_app("demo", "--db", url, "--scale", "small")
    assert "已有数据" in one_line_error(again)
    assert server_counts(pg_cluster, name) == counts



def test_a_dump_restores_with_the_audit_chain_intact(pg_cluster, fresh_db, small_db_path,
                                                     tmp_path):
    """The README's backup: ``pg_dump -Fc``, the database dropped, ``pg_restore`` into a
    new one of the same name: every table, the layers, and ``audit verify`` pass."""
    from app.store.pg_local import BIN

    name, url = fresh_db
    assert run_app("migrate", "--from", str(small_db_path), "--to", url).returncode == 0
    before = server_counts(pg_cluster, name)
    dump = tmp_path / "district.dump"
    subprocess.run([str(BIN / "pg_dump"), "-Fc", "-f", str(dump), "-d", url], check=True,
                   capture_output=True, timeout=300)
    pg_cluster.drop_db(name)
    pg_cluster.create_db(name)
    r = subprocess.run([str(BIN / "pg_restore"), "--exit-on-error", "-d", url, str(dump)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert server_counts(pg_cluster, name) == before
    with pg_cluster.admin(name) as con:
        assert con.execute("SELECT count(*) FROM geometry_columns WHERE srid = 4490")\
            .fetchone()[0] == 7
        assert con.execute("SELECT count(*) FROM cases WHERE shape IS NULL").fetchone()[0] == 0
    v = run_app("audit", "verify", "--db", url)
    assert v.returncode == 0, v.stderr
    assert f"{before['audit_log']} 条记录" in v.stdout


def test_an_older_source_is_upgraded_in_a_copy_never_in_place(pg_cluster, fresh_db,
                                                                tmp_path):
    from app.store.duckdb_store import DuckDBStore
    from app.store.schema import MIGRATIONS, latest_version

    name, url = fresh_db
    old = latest_version(MIGRATIONS) - 1
    path = tmp_path / "old.duckdb"
    DuckDBStore.open(path, create=True,
                     migrations={v: s for v, s in MIGRATIONS.items() if v <= old}).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO meta VALUES ('district_name', '旧版区库')")
    con.close()
    stamp = path.read_bytes()
    r = run_app("migrate", "--from", str(path), "--to", url)
    assert r.returncode == 0, r.stderr
    assert path.read_bytes() == stamp  # the source file was only read
    with pg_cluster.admin(name) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["district_name"] == "旧版区库"
    assert int(meta["schema_version"]) == latest_version(MIGRATIONS)
