"""The store: migrations, refusal of bad files, locking (DuckDB files); transactions,
sequences, snapshots and the change feed (on DuckDB and on a PostgreSQL server)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import date, datetime

import duckdb
import numpy as np
import pytest

from app.changes import Change
from app.store import (
    SchemaTooNewError,
    SchemaTooOldError,
    StoreConflict,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    open_store,
)
from app.store.duckdb_store import DuckDBStore
from app.store.schema import DOMAIN_TABLES, MIGRATIONS, latest_version
from app.store.sequences import next_daily_number, next_id, next_ids
from tests.backends import BACKENDS, empty_district


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path) -> str:
    """A new empty district on each backend (open it with ``create=True``)."""
    return empty_district(request, tmp_path)


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


def test_read_only_open_of_older_file_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "old.duckdb"
    DuckDBStore.open(path, create=True, migrations={1: MIGRATIONS[1]}).close()
    before = path.read_bytes()
    newer = {1: MIGRATIONS[1], 2: ["CREATE TABLE extra (x INTEGER)"]}
    with pytest.raises(SchemaTooOldError, match=r"第 1 版.*第 2 版.*python -m app upgrade "
                                                r"--db .*old\.duckdb") as refused:
        DuckDBStore.open(path, read_only=True, migrations=newer)
    assert (refused.value.version, refused.value.target) == (1, 2)
    assert path.read_bytes() == before and not (tmp_path / "old.duckdb.wal").exists()
    with DuckDBStore.open(path, migrations=newer) as s:  # read-write still upgrades
        assert s.schema_version() == 2


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


def test_transaction_rolls_back_everything_on_error(fresh):
    with open_store(fresh, create=True) as s:
        with pytest.raises((duckdb.ConstraintException, StoreError)):
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


def test_bulk_insert_takes_large_numpy_batches(fresh):
    n = 200_000
    with open_store(fresh, create=True) as s:
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


def _v4_file_with(path, case_id: int, code: str, whistle_id: int) -> None:
    """A schema-4 file (before sequences) holding one case and one whistle."""
    DuckDBStore.open(path, create=True, migrations={v: MIGRATIONS[v] for v in range(1, 5)}
                     ).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO cases (id, code, category_code, source, status, description, lon, "
                "lat, grid_id, reported_at) VALUES (?, ?, '0301', 'patrol', 'accepted', 'x', "
                "117.1, 39.1, 1, TIMESTAMP '2026-11-20 09:00')", [case_id, code])
    con.execute("INSERT INTO whistles (id, code, street_id, title, description, lon, lat, "
                "blown_by_role, blown_at, report_deadline, finish_deadline, status) VALUES "
                "(?, 'CS1', 1, 't', 'd', 117.1, 39.1, 'x', TIMESTAMP '2026-11-20 09:00', "
                "TIMESTAMP '2026-11-20 11:00', TIMESTAMP '2026-11-21 11:00', 'blown')",
                [whistle_id])
    con.close()


def test_sequences_of_an_old_file_start_after_its_ids(tmp_path):
    path = tmp_path / "v4.duckdb"
    _v4_file_with(path, 41, "AJ2026112000007W", 9)
    with open_store(path) as s:  # migration 5 reads the largest ids
        assert s.schema_version() == latest_version()
        assert next_id(s, "case_id") == 42 and next_id(s, "whistle_id") == 10
        assert next_ids(s, "case_id", 3) == [43, 44, 45]
        assert next_id(s, "user_id") == 1
        # the day's case numbers go on after the W code already there; a new day starts at 1
        with s.transaction():
            assert next_daily_number(s, "case", date(2026, 11, 20)) == 8
            assert next_daily_number(s, "case", date(2026, 11, 21)) == 1
        with pytest.raises(ValueError):
            next_id(s, "cases; DROP TABLE cases")


def test_rows_loaded_with_their_ids_move_the_sequence_on(fresh):
    with open_store(fresh, create=True) as s:
        with s.transaction():
            s.bulk_insert("users", {"id": [5, 17], "username": ["a", "b"],
                                    "display_name": ["甲", "乙"], "role": ["admin"] * 2,
                                    "scope_kind": ["district"] * 2, "password_hash": ["x"] * 2,
                                    "created_at": [datetime(2026, 11, 20)] * 2})
        assert next_id(s, "user_id") == 18


def test_daily_number_of_a_rolled_back_transaction_is_given_again(fresh):
    with open_store(fresh, create=True) as s:
        day = date(2026, 11, 20)
        with pytest.raises(RuntimeError), s.transaction():
            assert next_daily_number(s, "case", day) == 1
            raise RuntimeError("refused")
        with s.transaction():
            assert next_daily_number(s, "case", day) == 1


def test_writers_on_two_cursors_take_turns(fresh):
    """The second cursor's transaction begins only after the first one committed, so it
    reads the committed value instead of conflicting with it."""
    with open_store(fresh, create=True) as s:
        s.set_meta({"n": "0"})
        inside = threading.Event()
        seen = []

        def second_writer():
            cur = s.cursor()
            inside.wait(timeout=10)
            with cur.transaction():  # waits for the first writer
                n = int(cur.meta()["n"])
                seen.append(n)
                cur.set_meta({"n": str(n + 1)})
            cur.close()

        t = threading.Thread(target=second_writer)
        t.start()
        with s.transaction():
            s.set_meta({"n": str(int(s.meta()["n"]) + 1)})
            inside.set()
            t.join(timeout=0.3)
            assert t.is_alive()  # still waiting for the lock
        t.join(timeout=10)
        assert not t.is_alive()
        assert seen == [1] and s.meta()["n"] == "2"


def test_duckdb_write_conflict_is_a_store_conflict(tmp_path):
    """Two transactions writing the same row (here: one thread nesting a second cursor's
    transaction in its own) end in StoreConflict with a Chinese message, not a traceback."""
    with open_store(tmp_path / "d.duckdb", create=True) as s:
        s.set_meta({"k": "0"})
        other = s.cursor()
        with pytest.raises(StoreConflict, match="请刷新后重试") as err:
            with s.transaction():
                s.set_meta({"k": "1"})
                with other.transaction():
                    other.set_meta({"k": "2"})
        assert isinstance(err.value, StoreError)
        assert s.meta()["k"] == "0"
        with s.transaction():  # both cursors are usable again
            s.set_meta({"k": "3"})
        assert other.meta()["k"] == "3"
        other.close()


def test_snapshot_reads_one_committed_state(fresh):
    with open_store(fresh, create=True) as s:
        s.set_meta({"a": "1", "b": "1"})
        writer = s.cursor()
        with s.snapshot():
            first = s.meta()["a"]
            with writer.transaction():
                writer.set_meta({"a": "2", "b": "2"})
            assert (first, s.meta()["b"]) == ("1", "1")
            with pytest.raises(StoreError, match="for reading"):  # never a silent rollback
                with s.transaction():
                    s.set_meta({"a": "3"})
        assert s.meta()["b"] == "2"
        writer.close()


def test_changes_are_published_after_commit_and_never_for_a_rollback(fresh):
    with open_store(fresh, create=True) as s:
        reader = s.cursor()
        heard = []
        s.changes.subscribe(lambda batch: heard.append((batch, reader.meta().get("x"))))
        change = Change("case", (1,), "case.dispatch", "dispatcher", datetime(2026, 11, 20))
        with pytest.raises(RuntimeError), s.transaction():
            s.set_meta({"x": "1"})
            s.stage_change(change)
            raise RuntimeError
        assert heard == []
        with s.transaction():
            s.set_meta({"x": "2"})
            s.stage_change(change)
            assert heard == []  # not before the commit
        assert heard == [([change], "2")]  # once, and the subscriber sees the new state
        reader.close()


def test_abandoned_batches_leave_the_connection_usable(fresh):
    with open_store(fresh, create=True) as s:
        rows = ("SELECT * FROM range(?)" if s.dialect == "duckdb"
                else "SELECT generate_series(0, ? - 1) AS range")
        batches = s.iter_batches(rows.replace("?", "100000"), batch_rows=1000)
        assert len(next(batches)["range"]) == 1000
        s.bulk_insert("departments", {"id": [1], "code": ["CG"], "name": ["城管委"],
                                      "short_name": ["城管"], "kind": ["bureau"]})
        batches.close()
        assert s.scalar("SELECT count(*) FROM departments") == 1
        assert sum(len(b["range"]) for b in s.iter_batches(rows.replace("?", "2500"),
                                                           batch_rows=1000)) == 2500
