"""Backups of a district on a PostgreSQL server (app/store/backup_pg.py): pg_dump with the
manifest's state read in the dump's own snapshot, verified by a scratch restore; restore
into a new database, verified, swapped in, the replaced one kept aside."""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest

from app.audit.log import append as audit
from app.audit.log import verify_log
from app.auth.permissions import Role
from app.auth.server_accounts import server_login
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from app.store.backup import BackupError, Manifest, manifest_path, sha256_of
from app.store.backup_pg import backup_server, restore_server
from app.store.target import parse_db

AT = datetime(2026, 11, 20, 10, 30)


def state(url: str) -> dict[str, int]:
    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def dbnames(pg_cluster) -> set[str]:
    with pg_cluster.admin() as con:
        return {r[0] for r in con.execute("SELECT datname FROM pg_database").fetchall()}


def seen_by_a_street(url: str) -> int:
    """The cases a street secretary's own login sees (grants and row-level security)."""
    store, _user = server_login(url, "sec01", DEMO_PASSWORDS[Role.STREET_SECRETARY], at=AT)
    try:
        return int(store.scalar("SELECT count(*) FROM cases"))
    finally:
        store.close()


def test_server_restore_drill(pg_cluster, pg_small_url, tmp_path):
    target = parse_db(pg_small_url)
    street_saw = seen_by_a_street(pg_small_url)  # (its sign-in is audited)
    before = state(pg_small_url)
    assert 0 < street_saw < before["cases"]
    result = backup_server(target, tmp_path / "b", at=AT)
    m = Manifest.read(result.path)
    assert m.backend == "postgres" and m.sha256 == sha256_of(result.path)
    assert m.tables["cases"] == before["cases"] and m.audit_records == before["audit_log"] > 0
    assert not any("_gridcc_check_" in n for n in dbnames(pg_cluster))

    store = open_store(pg_small_url)
    try:
        with store.transaction():
            store.rows("DELETE FROM gps_fixes WHERE worker_id = (SELECT min(worker_id) "
                       "FROM gps_fixes)")
            audit(store, at=AT, username="admin", role="administrator", action="test.change",
                  entity="district")
    finally:
        store.close()
    assert state(pg_small_url)["gps_fixes"] < before["gps_fixes"]

    restored = restore_server(result.path, target, at=AT)
    after = state(pg_small_url)
    assert after["gps_fixes"] == before["gps_fixes"] and after["cases"] == before["cases"]
    assert after["audit_log"] == before["audit_log"] + 1  # the restore, recorded
    with open_store(pg_small_url, read_only=True) as s:
        assert verify_log(s).ok
        assert s.scalar("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == \
            "district.restore"
    assert seen_by_a_street(pg_small_url) == street_saw  # the seats sign in as before
    assert restored.replaced in dbnames(pg_cluster)
    pg_cluster.drop_db(restored.replaced)


def test_a_damaged_dump_is_refused_and_the_server_untouched(pg_cluster, pg_small_url,
                                                            tmp_path):
    target = parse_db(pg_small_url)
    result = backup_server(target, tmp_path / "b", at=AT)
    with open(result.path, "r+b") as f:
        f.seek(result.path.stat().st_size // 2)
        f.write(b"\0\0\0\0")
    names = dbnames(pg_cluster)
    with pytest.raises(BackupError, match="SHA-256"):
        restore_server(result.path, target, at=AT)
    assert dbnames(pg_cluster) == names
    manifest_path(result.path).unlink()
    with pytest.raises(BackupError, match="没有清单"):
        restore_server(result.path, target, at=AT)
