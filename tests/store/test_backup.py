"""Backups of a DuckDB district and the restore drill (app/store/backup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from app.audit.log import HEAD_KEY, verify_log
from app.audit.log import append as audit
from app.store import StoreError, open_store
from app.store.backup import (
    BackupError,
    Manifest,
    backup_store,
    clean_unfinished,
    last_backup_at,
    list_backups,
    manifest_path,
    sha256_of,
    verify_backup,
)
from app.store.restore import restore_backup
from app.store.schema import latest_version

AT = datetime(2026, 11, 20, 10, 30)


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Every table's row count and order-free hash of its rows (read-only)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()]
        return {t: tuple(con.execute(f'SELECT count(*), coalesce(sum(hash(t)), 0) FROM "{t}" t')
                         .fetchone()) for t in tables}
    finally:
        con.close()


def make_backup(db: Path, dest: Path, **kw):
    store = open_store(db, read_only=True)
    try:
        return backup_store(store, dest, **kw)
    finally:
        store.close()


def change_things(db: Path) -> None:
    """What happens after a backup: a case edited, fixes deleted, an account added, an
    audit record appended."""
    store = open_store(db)
    try:
        with store.transaction():
            store.rows("UPDATE cases SET status = 'closed', version = version + 1 "
                       "WHERE id = (SELECT min(id) FROM cases)")
            store.rows("DELETE FROM gps_fixes WHERE worker_id = (SELECT min(worker_id) FROM gps_fixes)")
            store.rows("INSERT INTO meta VALUES ('after_backup', 'yes')")
            audit(store, at=AT, username="admin", role="administrator", action="test.change",
                  entity="district")
        store.checkpoint()
    finally:
        store.close()


def test_backup_is_a_verified_copy_with_its_manifest(small_db_copy, tmp_path):
    before = sha256_of(small_db_copy)
    result = make_backup(small_db_copy, tmp_path / "b")
    m = Manifest.read(result.path)
    assert m.sha256 == sha256_of(result.path) and m.size == result.path.stat().st_size
    assert m.schema_version == latest_version() and m.backend == "duckdb"
    with open_store(small_db_copy, read_only=True) as src:
        assert m.audit_head == src.meta()[HEAD_KEY]
        assert m.audit_records == src.scalar("SELECT count(*) FROM audit_log") > 0
        assert m.tables["cases"] == src.scalar("SELECT count(*) FROM cases") > 0
        assert m.district_code == src.meta()["district_code"]
    assert fingerprint(result.path) == fingerprint(small_db_copy)
    assert sha256_of(small_db_copy) == before, "a backup changed the district file"
    # verifying reads the backup without changing it
    assert verify_backup(result.path) == m
    assert sha256_of(result.path) == m.sha256
    assert not list(result.path.parent.glob(".gridcc-backup-*"))


def test_restore_drill(small_db_copy, tmp_path):
    """Back up, change things, restore: everything as it was, the audit chain intact with
    the restore recorded, the replaced file aside with the changes in it."""
    as_backed_up = fingerprint(small_db_copy)
    backup = make_backup(small_db_copy, tmp_path / "b").path
    change_things(small_db_copy)
    changed = fingerprint(small_db_copy)
    assert changed != as_backed_up

    result = restore_backup(backup, small_db_copy, at=AT + timedelta(hours=1), actor="ops")

    after = fingerprint(small_db_copy)
    assert {t: v for t, v in after.items() if t not in ("audit_log", "meta")} == \
        {t: v for t, v in as_backed_up.items() if t not in ("audit_log", "meta")}
    with open_store(small_db_copy, read_only=True) as store:
        check = verify_log(store)
        assert check.ok, check.problem
        last = store.rows("SELECT seq, username, role, action, after FROM audit_log "
                          "ORDER BY seq DESC LIMIT 1")[0]
        assert last[0] == result.manifest.audit_records + 1
        assert last[1:4] == ("ops", "system", "district.restore")
        assert backup.name in last[4]
        before_restore = json.loads(store.scalar(
            "SELECT before FROM audit_log ORDER BY seq DESC LIMIT 1"))
        assert before_restore["replaced"] == result.replaced.name
        # the replaced file's head: one record past the backup (the change made after it)
        assert before_restore["audit_head"].startswith(f"{result.manifest.audit_records + 1}:")
        assert "after_backup" not in store.meta()
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'test.change'") == 0
    assert result.replaced is not None and fingerprint(result.replaced) == changed
    assert not list(small_db_copy.parent.glob(f".{small_db_copy.name}.restore-*"))


def test_a_restore_sets_the_wal_aside_with_the_replaced_file(small_db_copy, tmp_path):
    backup = make_backup(small_db_copy, tmp_path / "b").path
    wal = small_db_copy.with_name(small_db_copy.name + ".wal")
    wal.write_bytes(b"stale wal of the replaced file")
    result = restore_backup(backup, small_db_copy, at=AT)
    assert not wal.exists() or wal.read_bytes() != b"stale wal of the replaced file"
    assert result.replaced.with_name(result.replaced.name + ".wal").read_bytes() == \
        b"stale wal of the replaced file"
    with open_store(small_db_copy, read_only=True) as store:
        assert verify_log(store).ok


def test_a_lost_district_is_restored(small_db_copy, tmp_path):
    backup = make_backup(small_db_copy, tmp_path / "b").path
    expected = fingerprint(small_db_copy)
    small_db_copy.unlink()
    result = restore_backup(backup, small_db_copy, at=AT)
    assert result.replaced is None
    assert fingerprint(small_db_copy)["cases"] == expected["cases"]


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "no manifest",
                                    "manifest edited", "garbage manifest"])
def test_a_damaged_backup_is_refused_and_nothing_replaced(small_db_copy, tmp_path, damage):
    backup = make_backup(small_db_copy, tmp_path / "b").path
    if damage == "flipped byte":
        with open(backup, "r+b") as f:
            f.seek(backup.stat().st_size // 2)
            b = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([b[0] ^ 0xFF]))
        expect = "SHA-256"
    elif damage == "truncated":
        with open(backup, "r+b") as f:
            f.truncate(backup.stat().st_size - 4096)
        expect = "截断"
    elif damage == "no manifest":
        manifest_path(backup).unlink()
        expect = "没有清单"
    elif damage == "manifest edited":  # checksum recomputed by a forger, the count not
        m = Manifest.read(backup)
        m.tables["cases"] += 1
        manifest_path(backup).write_text(m.to_json(), encoding="utf-8")
        expect = "表 cases"
    else:
        manifest_path(backup).write_text("{not json", encoding="utf-8")
        expect = "无法读取"
    before = sha256_of(small_db_copy)
    with pytest.raises(BackupError, match=expect):
        restore_backup(backup, small_db_copy, at=AT)
    assert sha256_of(small_db_copy) == before
    assert sorted(p.name for p in small_db_copy.parent.iterdir() if p.is_file()) == \
        [small_db_copy.name]


def test_a_restore_that_fails_its_verification_puts_the_district_back(
        small_db_copy, tmp_path, monkeypatch):
    import app.store.restore as restore_mod

    backup = make_backup(small_db_copy, tmp_path / "b").path
    change_things(small_db_copy)
    before = sha256_of(small_db_copy)
    real = restore_mod._verify_duckdb_file

    def failing(path, manifest, what):
        if what == "恢复后的区库":
            raise BackupError("恢复后的区库校验失败（测试）")
        return real(path, manifest, what)

    monkeypatch.setattr(restore_mod, "_verify_duckdb_file", failing)
    with pytest.raises(BackupError, match="测试"):
        restore_backup(backup, small_db_copy, at=AT)
    assert sha256_of(small_db_copy) == before
    assert sorted(p.name for p in small_db_copy.parent.iterdir() if p.is_file()) == \
        [small_db_copy.name]


def test_a_restore_is_refused_while_a_gridcc_holds_the_district(small_db_copy, tmp_path):
    backup = make_backup(small_db_copy, tmp_path / "b").path
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
         "sys.stdin.read()", str(small_db_copy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        before = sha256_of(small_db_copy)
        with pytest.raises(BackupError, match=f"正被另一个 GridCC（PID {holder.pid}）打开"):
            restore_backup(backup, small_db_copy, at=AT)
        assert sha256_of(small_db_copy) == before
        assert not list(small_db_copy.parent.glob("*.replaced-*"))
    finally:
        holder.stdin.close()
        holder.wait()
        holder.stdout.close()


def test_automatic_backups_rotate_apart_from_manual_ones(small_db_copy, tmp_path):
    dest = tmp_path / "b"
    manual = make_backup(small_db_copy, dest, at=AT).path
    made = [make_backup(small_db_copy, dest, auto=True, at=AT + timedelta(days=d), keep=3)
            for d in range(1, 6)]
    kept = list_backups(dest, small_db_copy.stem, auto=True)
    assert kept == [r.path for r in made[-3:]]
    assert last_backup_at(dest, small_db_copy.stem, auto=True) == AT + timedelta(days=5)
    assert last_backup_at(dest, small_db_copy.stem, auto=False) == AT
    assert last_backup_at(dest, "another") is None
    assert made[-1].removed == (made[1].path,)
    assert manual.exists() and manifest_path(manual).exists()
    for r in made[:2]:
        assert not r.path.exists() and not manifest_path(r.path).exists()


def test_what_an_interrupted_backup_left_is_cleaned_up(small_db_copy, tmp_path):
    dest = tmp_path / "b"
    dest.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    leftover = dest / f".gridcc-backup-{dead}.tmp"
    leftover.write_bytes(b"half a backup")
    leftover.with_name(leftover.name + ".wal").write_bytes(b"x")
    assert clean_unfinished(dest) == [leftover]
    assert not list(dest.iterdir())
    result = make_backup(small_db_copy, dest)
    assert sorted(dest.iterdir()) == [result.path, manifest_path(result.path)]


def test_a_backup_in_the_centre_neither_waits_for_a_writer_nor_copies_its_uncommitted_rows(
        small_db_copy, tmp_path):
    """In the command centre's own process a backup runs beside the writers: one with its
    transaction open (not committed) neither blocks the copy nor gets into it."""
    store = open_store(small_db_copy)
    inside, copied = threading.Event(), threading.Event()
    errors = []

    def writer():
        cur = store.cursor()
        try:
            with cur.transaction():
                audit(cur, at=AT, username="admin", role="administrator",
                      action="test.write", entity="district")
                inside.set()
                copied.wait()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            inside.set()
            cur.close()

    try:
        committed = store.scalar("SELECT count(*) FROM audit_log")
        t = threading.Thread(target=writer)
        t.start()
        inside.wait()
        try:
            result = backup_store(store, tmp_path / "b")
        finally:
            copied.set()
            t.join()
        assert not errors
        assert store.scalar("SELECT count(*) FROM audit_log") == committed + 1
    finally:
        store.close()
    m = verify_backup(result.path)
    assert m.audit_records == committed and m.audit_head.startswith(f"{committed}:")


def test_a_damaged_district_is_not_backed_up(small_db_copy, tmp_path):
    """A block whose checksum fails is read by the copy and stops it: no backup of damage
    appears (nor a half-written file)."""
    con = duckdb.connect(str(small_db_copy), read_only=True)
    try:
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        block = con.execute("SELECT max(block_id) FROM pragma_storage_info('case_transitions') "
                            "WHERE block_id >= 0").fetchone()[0]
    finally:
        con.close()
    with open(small_db_copy, "r+b") as f:  # 3 header pages of 4 KiB, then the blocks
        f.seek(3 * 4096 + block * block_size + 1000)
        f.write(b"\xff" * 16)
    dest = tmp_path / "b"
    with pytest.raises(StoreError):
        make_backup(small_db_copy, dest)
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize("damage", ["garbage", "empty"])
def test_a_ruined_district_is_restored_without_being_read(small_db_copy, tmp_path, damage):
    backup = make_backup(small_db_copy, tmp_path / "b").path
    expected = fingerprint(small_db_copy)
    small_db_copy.write_bytes(b"" if damage == "empty" else os.urandom(300_000))
    result = restore_backup(backup, small_db_copy, at=AT)
    assert fingerprint(small_db_copy)["cases"] == expected["cases"]
    with open_store(small_db_copy, read_only=True) as store:
        assert verify_log(store).ok
        before = json.loads(store.scalar("SELECT before FROM audit_log ORDER BY seq DESC LIMIT 1"))
    assert before == {"replaced": result.replaced.name, "audit_head": None}


def test_a_killed_backup_never_leaves_one_that_looks_finished(small_db_copy, tmp_path):
    """SIGKILL at different points of a backup (copy, verification, renaming): what is
    listed as a backup always verifies; what a killed one left is cleaned up by the next."""
    import time

    dest = tmp_path / "b"
    root = Path(__file__).resolve().parents[2]
    for i in range(6):
        p = subprocess.Popen([sys.executable, "-m", "app", "backup", "--db", str(small_db_copy),
                              "--to", str(dest)], cwd=root, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        while p.poll() is None and not list(dest.glob(".gridcc-backup-*.tmp")):
            time.sleep(0.002)  # until the copy has begun
        time.sleep(i * 0.06)  # then a little later each time
        p.kill()
        p.wait()
    for backup in list_backups(dest):
        verify_backup(backup)
    final = make_backup(small_db_copy, dest)
    left = {p.name for p in dest.iterdir()} - {b.name for b in list_backups(dest)} \
        - {manifest_path(b).name for b in list_backups(dest)}
    assert not {n for n in left if n.startswith(".")}, left
    assert final.path in list_backups(dest)
