"""Schema version 2 (accounts, audit log, whistle timeline, paused clock) upgrades an
older district file in place, keeping its rows."""

from __future__ import annotations

from app.store import open_store
from app.store.duckdb_store import DuckDBStore
from app.store.schema import MIGRATIONS


def test_version_1_file_upgrades_to_2_with_its_data(tmp_path):
    path = tmp_path / "v1.duckdb"
    with DuckDBStore.open(path, create=True, migrations={1: MIGRATIONS[1]}) as s:
        s.rows("INSERT INTO case_transitions VALUES (1, 1, 'accept', NULL, 'accepted', "
               "TIMESTAMP '2026-01-05 09:00', 'operator', NULL, NULL)")
        assert s.schema_version() == 1
    with open_store(path) as s:
        assert s.schema_version() >= 2
        tables = {r[0] for r in s.rows("SELECT table_name FROM information_schema.tables")}
        assert {"users", "audit_log", "whistle_events"} <= tables
        cols = {r[0] for r in s.rows("DESCRIBE case_transitions")}
        assert {"approver", "actor_name"} <= cols
        assert {"paused_at", "remaining_s"} <= {r[0] for r in s.rows("DESCRIBE cases")}
        assert s.rows("SELECT action, approver FROM case_transitions") == [("accept", None)]
