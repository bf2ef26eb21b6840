"""``python -m app backup`` and ``python -m app restore`` as an administrator and a
schedule run them: exit codes, one-line errors, rotation from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.store.backup import list_backups, sha256_of

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("GRIDCC_DB", "GRIDCC_BACKUP_DIR", "GRIDCC_BACKUP_KEEP")}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**base, **(env or {})})


def one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith("  … ")]
    assert len(lines) == 1 and lines[0].startswith("gridcc: error: "), r.stderr
    return lines[0]


def test_backup_verify_restore_and_audit_verify(small_db_copy, tmp_path):
    dest = tmp_path / "backups"
    r = run_app("backup", "--db", str(small_db_copy), "--to", str(dest), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    backup = Path(out["path"])
    assert backup.parent == dest and out["manifest"]["sha256"] == sha256_of(backup)

    r = run_app("restore", str(backup), "--verify-only")
    assert r.returncode == 0, r.stderr
    assert "校验通过" in r.stdout and "120106" in r.stdout

    r = run_app("restore", str(backup), "--db", str(small_db_copy))
    assert r.returncode == 0, r.stderr
    assert "被替换的区库保留为" in r.stdout
    r = run_app("audit", "verify", "--db", str(small_db_copy))
    assert r.returncode == 0, r.stderr


def test_a_scheduled_backup_rotates_as_the_environment_says(small_db_copy, tmp_path):
    dest = tmp_path / "auto"
    env = {"GRIDCC_DB": str(small_db_copy), "GRIDCC_BACKUP_DIR": str(dest),
           "GRIDCC_BACKUP_KEEP": "2"}
    manual = run_app("backup", env=env)
    assert manual.returncode == 0, manual.stderr
    for _ in range(3):
        r = run_app("backup", "--auto", env=env)
        assert r.returncode == 0, r.stderr
    assert "已轮换删除旧备份" in r.stdout
    assert len(list_backups(dest, small_db_copy.stem, auto=True)) == 2
    assert len(list_backups(dest, small_db_copy.stem, auto=False)) == 1
    # by default a backup lands beside the district file
    r = run_app("backup", "--db", str(small_db_copy))
    assert r.returncode == 0, r.stderr
    assert len(list_backups(small_db_copy.parent / "backups")) == 1


def test_what_cannot_be_done_is_one_line_and_a_failure(small_db_copy, tmp_path):
    assert "no database" in one_line_error(
        run_app("backup", "--db", str(tmp_path / "none.duckdb"), "--to", str(tmp_path)))
    assert "找不到备份文件" in one_line_error(
        run_app("restore", str(tmp_path / "none.duckdb"), "--db", str(small_db_copy)))
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert "不是目录" in one_line_error(
        run_app("backup", "--db", str(small_db_copy), "--to", str(not_a_dir)))
    assert "GRIDCC_BACKUP_KEEP" in one_line_error(
        run_app("backup", "--auto", "--db", str(small_db_copy), "--to", str(tmp_path / "b"),
                env={"GRIDCC_BACKUP_KEEP": "many"}))
    r = run_app("backup", "--db", str(small_db_copy), "--keep", "0")
    assert r.returncode == 2 and "至少保留 1 份" in r.stderr
    # a district file is not a backup: no manifest beside it
    before = sha256_of(small_db_copy)
    other = tmp_path / "other.duckdb"
    other.write_bytes(small_db_copy.read_bytes())
    assert "没有清单" in one_line_error(run_app("restore", str(other), "--db",
                                                str(small_db_copy)))
    assert sha256_of(small_db_copy) == before


def test_backup_and_restore_of_a_server_district(pg_cluster, pg_small_url, tmp_path):
    assert "--to DIR" in one_line_error(run_app("backup", "--db", pg_small_url))
    r = run_app("backup", "--db", pg_small_url, "--to", str(tmp_path), "--json")
    assert r.returncode == 0, r.stderr
    dump = Path(json.loads(r.stdout)["path"])
    assert dump.suffix == ".dump"
    r = run_app("restore", str(dump), "--db", pg_small_url)
    assert r.returncode == 0, r.stderr
    replaced = r.stdout.split("被替换的区库保留为 ")[1].split("（")[0]
    r = run_app("audit", "verify", "--db", pg_small_url)
    assert r.returncode == 0, r.stderr
    pg_cluster.drop_db(replaced)
    # a server's dump does not become a district file
    assert "服务器区库的备份" in one_line_error(
        run_app("restore", str(dump), "--db", str(tmp_path / "district.duckdb")))
    assert not (tmp_path / "district.duckdb").exists()
