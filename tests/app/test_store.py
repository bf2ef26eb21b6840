"""The DuckDB store: migrations, refusal of bad files, locking, transactions."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import numpy as np
import pytest

from app.store import (
    SchemaTooNewError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    open_store,
)
from app.store.duckdb_store import DuckDBStore
from app.store.schema import DOMAIN_TABLES, MIGRATIONS, latest_version


def test_new_database_has_every_domain_table(tmp_path):
    with open_store(tmp_path / "d.duckdb", create=True) as s:
        assert s.schema_version() == latest_version()
        tables = {r[0] for r in s.rows("SELECT table_name FROM information_schema.tables")}
    assert set(DOMAIN_TABLES) <= tables


def test_older_file_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    DuckDBStore.open(path, create=True, migrations={1: MIGRATIONS[1]}).close()
    newer = {1: MIGRATIONS[1], 2: ["ALTER TABLE cases ADD COLUMN priority TINYINT DEFAULT 0"]}
    with DuckDBStore.open(path, migrations=newer) as s:
        assert s.schema_version() == 2
        cols = {r[0] for r in s.rows("DESCRIBE cases")}
    assert "priority" in cols


def test_read_only_open_of_older_file_upgrades_it(tmp_path):
    path = tmp_path / "old.duckdb"
    DuckDBStore.open(path, create=True, migrations={1: MIGRATIONS[1]}).close()
    newer = {1: MIGRATIONS[1], 2: ["CREATE TABLE extra (x INTEGER)"]}
    with DuckDBStore.open(path, read_only=True, migrations=newer) as s:
        assert s.read_only and s.schema_version() == 2


def test_failed_migration_leaves_the_file_at_its_old_version(tmp_path):
    path = tmp_path / "old.duckdb"
    DuckDBStore.open(path, create=True, migrations={1: MIGRATIONS[1]}).close()
    broken = {1: MIGRATIONS[1], 2: ["CREATE TABLE ok_table (x INTEGER)", "THIS IS NOT SQL"]}
    with pytest.raises(duckdb.Error):
        DuckDBStore.open(path, migrations=broken)
    with DuckDBStore.open(path, migrations={1: MIGRATIONS[1]}) as s:
        assert s.schema_version() == 1
        assert not s.rows("SELECT * FROM information_schema.tables WHERE table_name='ok_table'")


def test_newer_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "new.duckdb"
    with open_store(path, create=True) as s:
        s.set_meta({"schema_version": "99"})
    with pytest.raises(SchemaTooNewError, match=r"schema version 99.*upgrade GridCC"):
        open_store(path)


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(StoreMissingError, match=r"python -m app demo --db"):
        open_store(tmp_path / "nope.duckdb")


def test_garbage_file_is_not_a_database(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 1000)
    with pytest.raises(StoreError, match="junk.duckdb"):
        open_store(path)
    assert path.read_bytes().startswith(b"this is not a database")  # untouched


def test_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a GridCC database"):
        open_store(path)


def test_second_process_gets_already_open_by_pid(tmp_path):
    path = tmp_path / "locked.duckdb"
    open_store(path, create=True).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from app.store import open_store
            s = open_store({str(path)!r})
            print("open", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreLockedError) as info:
            open_store(path)
        assert info.value.pid == holder.pid
        assert f"already open by PID {holder.pid}" in str(info.value)
    finally:
        holder.communicate("\n", timeout=30)
    open_store(path).close()  # free again once the holder is gone


def test_transaction_rolls_back_everything_on_error(tmp_path):
    with open_store(tmp_path / "t.duckdb", create=True) as s:
        with pytest.raises(duckdb.ConstraintException):
            with s.transaction():
                s.bulk_insert("departments", {
                    "id": np.array([1, 2], dtype=np.int32), "code": ["a", "b"],
                    "name": ["甲", "乙"], "short_name": ["甲", "乙"], "kind": ["bureau"] * 2,
                })
                # level 7 violates the CHECK: the whole transaction must go
                s.bulk_insert("grid_units", {
                    "id": [1], "code": ["x"], "name": ["x"], "level": [7], "area_m2": [1.0],
                    "label_lon": [117.0], "label_lat": [39.0], "min_lon": [117.0],
                    "min_lat": [39.0], "max_lon": [117.0], "max_lat": [39.0], "geom": [b"\x00"],
                })
        assert s.scalar("SELECT count(*) FROM departments") == 0


def test_bulk_insert_takes_large_numpy_batches(tmp_path):
    n = 200_000
    with open_store(tmp_path / "f.duckdb", create=True) as s:
        s.bulk_insert("gps_fixes", {
            "worker_id": np.arange(n, dtype=np.int32) % 1000,
            "t": np.datetime64("2026-11-20T08:00:00") + np.arange(n).astype("timedelta64[s]"),
            "lon": np.full(n, 117.16), "lat": np.full(n, 39.17),
        })
        assert s.scalar("SELECT count(*) FROM gps_fixes") == n
        assert s.scalar("SELECT max(t) FROM gps_fixes").isoformat() == "2026-11-22T15:33:19"


def test_bulk_insert_rejects_a_bad_table_name(tmp_path):
    with open_store(tmp_path / "b.duckdb", create=True) as s, pytest.raises(ValueError):
        s.bulk_insert("cases; DROP TABLE cases", {"id": [1]})
