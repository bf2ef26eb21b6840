"""Store integrity: open errors by cause, foreign WALs, torn commits, check --full."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from app.cli import main
from app.demo_build import remove_stale_temporaries
from app.store import StoreError, open_store
from app.store.errors import (
    StoreDamagedError,
    StoreForeignWalError,
    StoreNotDistrictError,
    StoreNotRegularFileError,
    StoreTornError,
    StoreUnreadableError,
)
from app.store.integrity import (
    MARKS_KEY,
    classify_open_error,
    has_wal,
    replace_database,
    stored_marks,
    wal_path,
)


def _digest(path: Path) -> tuple:
    return tuple(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
                 for p in (path, wal_path(path)))


def _leave_wal(db: Path, sql: str) -> None:
    """``sql`` run by a process that exits without closing the file (its WAL stays)."""
    code = (f"import duckdb, os; c = duckdb.connect({str(db)!r}); c.execute({sql!r}); "
            "os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert has_wal(db)


def _data_block_offset(path: Path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        block = con.execute(f"SELECT min(block_id) FROM pragma_storage_info('{table}') "
                            "WHERE block_id >= 0").fetchone()[0]
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    finally:
        con.close()
    return 3 * 4096 + block * size + 4000


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))


# -- what is at the path ----------------------------------------------------------------
def test_fifo_is_refused_without_opening_it(tmp_path):
    path = tmp_path / "pipe.duckdb"
    os.mkfifo(path)
    with pytest.raises(StoreNotRegularFileError, match="命名管道"):
        open_store(path, read_only=True)


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreNotRegularFileError, match="目录"):
        open_store(tmp_path, read_only=True)


def test_empty_file_is_not_a_district_and_stays_empty(tmp_path):
    path = tmp_path / "empty.duckdb"
    path.write_bytes(b"")
    for read_only in (True, False):
        with pytest.raises(StoreNotDistrictError, match="文件为空"):
            open_store(path, read_only=read_only)
    assert path.read_bytes() == b""


def test_read_only_open_never_turns_an_empty_duckdb_file_into_a_district(tmp_path):
    path = tmp_path / "blank.duckdb"
    duckdb.connect(str(path)).close()
    before = _digest(path)
    with pytest.raises(StoreNotDistrictError, match="空的 DuckDB"):
        open_store(path, read_only=True)
    assert _digest(path) == before


def test_file_cut_inside_its_header_is_damaged(small_db_copy):
    os.truncate(small_db_copy, 5000)
    with pytest.raises(StoreDamagedError, match="截断"):
        open_store(small_db_copy, read_only=True)


def test_unreadable_file_is_named_so(tmp_path, monkeypatch):
    path = tmp_path / "locked-away.duckdb"
    path.write_bytes(b"x" * 100)
    real_open = open

    def no_permission(p, *a, **kw):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(p, *a, **kw)

    monkeypatch.setattr("builtins.open", no_permission)
    with pytest.raises(StoreUnreadableError, match="没有读取权限"):
        open_store(path, read_only=True)


@pytest.mark.parametrize(("message", "kind", "words"), [
    ('Corrupt database file: computed checksum 1 does not match stored checksum 2 in block '
     'at location 4206592', StoreDamagedError, "位置 4206592 的数据块校验和错误"),
    ('IO Error: Could not set lock on file "x": Conflicting lock is held in python (PID 77)',
     StoreError, "already open by PID 77"),
    ('IO Error: Failure while replaying WAL file "x.wal": WAL does not match database file.',
     StoreForeignWalError, "不属于"),
    ('IO Error: Cannot open file "x": Permission denied', StoreUnreadableError, "权限"),
    ('IO Error: Could not read enough bytes from file "x": attempted to read 262144 bytes',
     StoreDamagedError, "截断"),
])
def test_open_errors_are_classified_by_cause(message, kind, words):
    err = classify_open_error(Path("district.duckdb"), duckdb.IOException(message))
    assert isinstance(err, kind)
    assert words in str(err)
    if kind is StoreDamagedError:
        assert "already open" not in str(err) and "restore" in str(err)


# -- damage in a data block ---------------------------------------------------------------
def test_checksum_damage_is_named_and_found_by_check_full(small_db_copy, capsys):
    _flip(small_db_copy, _data_block_offset(small_db_copy, "case_transitions"))
    before = _digest(small_db_copy)
    with open_store(small_db_copy, read_only=True) as s:
        with pytest.raises(StoreDamagedError, match="校验和错误"):
            s.rows("SELECT max(hash(COLUMNS(*))) FROM case_transitions")
    assert main(["check", "--full", "--db", str(small_db_copy)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  storage" in out and "case_transitions" in out and "校验和错误" in out
    assert _digest(small_db_copy) == before


def test_screenshot_of_a_damaged_district_is_not_saved(small_db_copy, tmp_path, capsys):
    _flip(small_db_copy, _data_block_offset(small_db_copy, "cases"))
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(out), "--db", str(small_db_copy)]) == 1
    assert not out.exists()
    assert "已损坏" in capsys.readouterr().err


def test_check_full_passes_a_sound_district(small_db_copy, capsys):
    with open_store(small_db_copy) as s:  # a write: the marks are recorded
        s.set_meta({"probe": "1"})
    assert main(["check", "--full", "--db", str(small_db_copy)]) == 0
    out = capsys.readouterr().out
    assert "PASS  storage" in out and "PASS  commits" in out and "PASS  audit" in out


# -- WALs ---------------------------------------------------------------------------------------
def test_foreign_wal_is_refused_read_only_and_set_aside_read_write(small_db_path, tmp_path):
    other = tmp_path / "other.duckdb"  # another district (its own file identity)
    open_store(other, create=True).close()
    _leave_wal(other, "INSERT INTO meta VALUES ('from_other', 'x')")
    path = tmp_path / "district.duckdb"
    shutil.copy(small_db_path, path)
    shutil.copy(wal_path(other), wal_path(path))
    before = _digest(path)
    with pytest.raises(StoreForeignWalError, match="不属于"):
        open_store(path, read_only=True)
    assert _digest(path) == before
    with open_store(path) as s:
        aside = s.wal_set_aside
        assert "from_other" not in s.meta()  # never applied
    assert aside and Path(aside).exists() and not wal_path(path).exists()
    assert Path(aside).read_bytes() == wal_path(other).read_bytes()


def test_replacing_a_file_moves_its_wal_with_it(tmp_path):
    src, dst = tmp_path / "new.duckdb", tmp_path / "old.duckdb"
    src.write_bytes(b"new")
    wal_path(src).write_bytes(b"new wal")
    dst.write_bytes(b"old")
    wal_path(dst).write_bytes(b"old wal")
    replace_database(src, dst)
    assert dst.read_bytes() == b"new" and wal_path(dst).read_bytes() == b"new wal"
    assert not src.exists() and not wal_path(src).exists()


def test_demo_removes_the_temporaries_of_killed_runs(tmp_path):
    target = tmp_path / "district.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = [tmp_path / f".district.duckdb.tmp-{dead}", tmp_path / f".district.duckdb.tmp-{dead}.wal"]
    live = tmp_path / f".district.duckdb.tmp-{os.getppid()}"
    for p in [*stale, live]:
        p.write_bytes(b"x")
    assert sorted(remove_stale_temporaries(target)) == sorted(stale)
    assert live.exists() and not any(p.exists() for p in stale)


# -- torn commits ------------------------------------------------------------------------
def test_every_write_records_marks_in_its_transaction(small_db_copy):
    with open_store(small_db_copy) as s:
        n = s.scalar("SELECT count(*) FROM case_transitions")
        s.rows("INSERT INTO case_transitions SELECT case_id, seq + 1000, action, from_status, "
               "to_status, occurred_at, actor_role, actor_id, note, approver, actor_name "
               "FROM case_transitions LIMIT 3")  # outside a transaction: one of its own
        s.rows("UPDATE cases SET version = version + 1 WHERE id IN (SELECT id FROM cases "
               "LIMIT 2)")
        con = s._con
        marks = stored_marks(con)
        versions = s.scalar("SELECT sum(version) FROM cases")
        assert MARKS_KEY not in s.meta()  # not a setting: copies and listings leave it out
    assert marks["case_transitions"] == [n + 3]
    assert marks["cases"][1] == versions


def test_torn_state_after_a_crash_is_refused_and_the_file_left_alone(small_db_copy):
    with open_store(small_db_copy) as s:
        s.set_meta({"probe": "1"})  # marks of the last commit
        s.rows("INSERT INTO case_transitions SELECT * FROM case_transitions LIMIT 0")
    # rows of one table without the marks, as a partly replayed WAL leaves them
    _leave_wal(small_db_copy, "INSERT INTO case_transitions SELECT case_id, seq + 1000, "
                              "action, from_status, to_status, occurred_at, actor_role, "
                              "actor_id, note, approver, actor_name FROM case_transitions "
                              "LIMIT 50")
    before = _digest(small_db_copy)
    for read_only in (True, False, False):  # refused again: nothing was checkpointed
        with pytest.raises(StoreTornError, match="case_transitions") as info:
            open_store(small_db_copy, read_only=read_only)
        assert "restore" in str(info.value)
    assert _digest(small_db_copy) == before


def test_an_unclean_exit_after_whole_commits_opens(small_db_copy):
    code = (f"import os; from app.store import open_store; s = open_store({str(small_db_copy)!r}); "
            "s.rows(\"INSERT INTO meta VALUES ('a', '1')\"); "
            "s.rows('UPDATE cases SET version = version + 1 WHERE id < 50'); os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
    assert has_wal(small_db_copy)
    with open_store(small_db_copy) as s:
        assert s.meta()["a"] == "1" and not s.torn_marks()


def test_a_missing_table_is_damage_said_at_once(small_db_copy):
    con = duckdb.connect(str(small_db_copy))
    con.execute("DROP TABLE cases")
    con.close()
    with pytest.raises(StoreDamagedError, match="缺少数据表 cases"):
        open_store(small_db_copy, read_only=True)


def test_a_file_torn_by_an_older_version_is_refused_before_anything_is_written(small_db_copy):
    con = duckdb.connect(str(small_db_copy))  # an older GridCC's file: no marks, and a
    con.execute("DELETE FROM meta WHERE key = ?", [MARKS_KEY])  # commit that came back
    con.execute("DELETE FROM cases WHERE id IN (SELECT id FROM cases LIMIT 20)")  # in part
    con.close()
    before = _digest(small_db_copy)
    with pytest.raises(StoreTornError, match="条案件流转记录没有对应的案件"):
        open_store(small_db_copy)
    assert _digest(small_db_copy) == before


def test_a_sound_file_without_marks_is_marked_on_its_first_read_write_open(small_db_copy):
    con = duckdb.connect(str(small_db_copy))
    con.execute("DELETE FROM meta WHERE key = ?", [MARKS_KEY])
    con.close()
    open_store(small_db_copy).close()
    con = duckdb.connect(str(small_db_copy), read_only=True)
    try:
        marks = stored_marks(con)
        assert marks["cases"][0] == con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()


def test_a_flipped_byte_in_the_magic_is_damage_not_a_foreign_file(small_db_copy):
    _flip(small_db_copy, 9)
    with pytest.raises(StoreDamagedError, match="文件头已损坏"):
        open_store(small_db_copy, read_only=True)
