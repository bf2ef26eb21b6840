"""``python -m app upgrade`` (issue 13): an older district file, refused by read-only
commands, is upgraded after a verified backup beside it; a current file is left alone."""

from __future__ import annotations

from app.store import open_store
from app.store.backup import list_backups, verify_backup
from app.store.duckdb_store import DuckDBStore
from app.store.schema import MIGRATIONS, latest_version
from tests.app.test_cli import run_cli


def _older_file(path, version: int):
    DuckDBStore.open(path, create=True,
                     migrations={v: s for v, s in MIGRATIONS.items() if v <= version}).close()
    return path


def test_a_read_only_command_refuses_an_older_file_and_upgrade_upgrades_it(tmp_path):
    old = latest_version() - 1
    path = _older_file(tmp_path / "district.duckdb", old)
    before = path.read_bytes()

    r = run_cli("info", "--db", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"第 {old} 版" in r.stderr and f"python -m app upgrade --db {path}" in r.stderr
    assert path.read_bytes() == before  # read-only commands never change a file

    r = run_cli("upgrade", "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert f"第 {old} 版 → 第 {latest_version()} 版" in r.stdout
    [backup] = list_backups(tmp_path / "backups")
    assert str(backup) in r.stdout
    assert verify_backup(backup).schema_version == old  # the file as it was, verified
    with open_store(path, read_only=True) as s:
        assert s.schema_version() == latest_version()


def test_upgrade_of_a_current_file_changes_nothing(tmp_path):
    path = _older_file(tmp_path / "district.duckdb", latest_version())
    before = path.read_bytes()
    r = run_cli("upgrade", "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert "无需升级" in r.stdout
    assert path.read_bytes() == before and not (tmp_path / "backups").exists()


def test_a_version_1_file_without_an_audit_log_is_backed_up_and_upgraded(tmp_path):
    path = _older_file(tmp_path / "v1.duckdb", 1)
    r = run_cli("upgrade", "--db", str(path), "--to", str(tmp_path / "saved"))
    assert r.returncode == 0, r.stderr
    [backup] = list_backups(tmp_path / "saved")
    assert verify_backup(backup).schema_version == 1
    with open_store(path, read_only=True) as s:
        assert s.schema_version() == latest_version()


def test_upgrade_refuses_what_is_not_a_district_file(tmp_path):
    r = run_cli("upgrade", "--db", str(tmp_path / "missing.duckdb"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "missing.duckdb").exists()
