"""The audit trail: append-only in the store, and any edit, deletion or reordering of
records in a real database (a DuckDB file or a PostgreSQL server) is found and named by
``audit verify``."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import duckdb
import psycopg
import pytest

from app.audit import append, verify_log
from app.cli import main
from app.store import StoreError, open_store
from app.store.target import parse_db
from tests.backends import BACKENDS, empty_district

T0 = datetime(2026, 11, 20, 9, 0)
N = 25


@pytest.fixture(params=BACKENDS)
def log_db(request, tmp_path):
    path = empty_district(request, tmp_path)
    with open_store(path, create=True) as s:
        for i in range(N):
            append(s, at=T0 + timedelta(minutes=i), username=f"user{i % 3}", role="operator",
                   action="case.register", entity="case", entity_id=f"AJ{i:05d}",
                   before={"status": "accepted"}, after={"status": "registered", "n": i})
        assert verify_log(s).ok
    return path


class _Outside:
    """A connection of the database's own client, outside GridCC: a forger's tools (on
    the server a superuser who switches the append-only trigger off)."""

    def __init__(self, db):
        self.pg = parse_db(db).is_postgres
        if self.pg:
            self.con = psycopg.connect(db, autocommit=True)
            self.con.execute("SET session_replication_role = replica")
        else:
            self.con = duckdb.connect(str(db))

    def execute(self, sql, params=()):
        if self.pg:
            return self.con.execute(sql.replace("?", "%s"), list(params) or None)
        return self.con.execute(sql, list(params))

    def close(self):
        self.con.close()


def _raw(path, sql, params=()):
    """Tamper outside the app (the store itself refuses)."""
    con = _Outside(path)
    try:
        con.execute(sql, params)
    finally:
        con.close()


def _verify(path):
    with open_store(path, read_only=True) as s:
        return verify_log(s)


def test_intact_log_verifies_and_cli_says_so(log_db, capsys):
    assert main(["audit", "verify", "--db", str(log_db)]) == 0
    assert f"{N} 条记录" in capsys.readouterr().out


@pytest.mark.parametrize("seed", range(8))
def test_random_edit_is_named(log_db, seed):
    rng = random.Random(seed)
    seq = rng.randint(1, N)
    column, value = rng.choice([("username", "'mallory'"), ("after", "'{\"status\":\"closed\"}'"),
                                ("occurred_at", "occurred_at + INTERVAL '1 minute'"),
                                ("action", "'case.void'"), ("before", "NULL")])
    _raw(log_db, f"UPDATE audit_log SET {column} = {value} WHERE seq = ?", [seq])
    r = _verify(log_db)
    assert not r.ok and r.first_bad_seq == seq and "篡改" in r.problem


@pytest.mark.parametrize("seed", range(6))
def test_random_deletion_is_named(log_db, seed):
    seq = random.Random(seed).randint(1, N - 1)
    _raw(log_db, "DELETE FROM audit_log WHERE seq = ?", [seq])
    r = _verify(log_db)
    assert not r.ok and r.first_bad_seq == seq and "缺失" in r.problem


def test_deleting_the_newest_records_is_detected(log_db, capsys):
    _raw(log_db, "DELETE FROM audit_log WHERE seq > ?", [N - 3])
    r = _verify(log_db)
    assert not r.ok and r.first_bad_seq == N - 2 and "缺失" in r.problem
    assert main(["audit", "verify", "--db", str(log_db)]) == 1
    assert f"第 {N - 2} 条" in capsys.readouterr().err


@pytest.mark.parametrize("seed", range(6))
def test_random_reorder_is_named(log_db, seed):
    rng = random.Random(seed)
    a, b = sorted(rng.sample(range(1, N + 1), 2))
    _raw(log_db, "UPDATE audit_log SET seq = -1 WHERE seq = ?", [a])
    _raw(log_db, "UPDATE audit_log SET seq = ? WHERE seq = ?", [a, b])
    _raw(log_db, "UPDATE audit_log SET seq = ? WHERE seq = -1", [b])
    r = _verify(log_db)
    assert not r.ok and r.first_bad_seq == a


def test_rehashing_a_forged_record_still_breaks_the_head(log_db):
    """A forger who recomputes every hash after an edit still mismatches meta's head."""
    from app.audit.log import FIELDS, GENESIS, record_hash

    _raw(log_db, "UPDATE audit_log SET username = 'mallory' WHERE seq = 5")
    con = _Outside(log_db)
    rows = con.execute(f"SELECT {', '.join(f if f != 'at' else 'occurred_at' for f in FIELDS)}"
                       " FROM audit_log ORDER BY seq").fetchall()
    prev = GENESIS
    for row in rows:
        rec = dict(zip(FIELDS, row, strict=True))
        rec["at"] = row[1].isoformat(sep=" ")
        h = record_hash(prev, rec)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, h, row[0]])
        prev = h
    con.close()
    r = _verify(log_db)
    assert not r.ok and "链头" in r.problem


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET username = 'x'",
    "delete from audit_log where seq = 1",
    "DROP TABLE audit_log",
    "TRUNCATE audit_log",
    'UPDATE {schema}."audit_log" SET role = 1',
])
def test_store_refuses_to_change_the_log(log_db, sql):
    with open_store(log_db) as s:
        schema = "public" if s.dialect == "postgres" else "main"
        with pytest.raises(StoreError, match="append-only"):
            s.rows(sql.format(schema=schema))
        assert s.scalar("SELECT count(*) FROM audit_log") == N
    assert _verify(log_db).ok


def test_demo_database_log_verifies(small_db_path):
    with open_store(small_db_path, read_only=True) as s:
        r = verify_log(s)
        assert r.ok and r.records >= 20


def test_appends_from_many_writers_chain_and_verify_never_false_alarms(log_db):
    """Two writer threads append while verify runs again and again on a third cursor:
    every append takes the head in turn (no two records share a number) and no verify
    sees a log and a head from different moments."""
    per_writer = 150
    with open_store(log_db) as s:
        errors = []

        def write(k):
            cur = s.cursor()
            try:
                for i in range(per_writer):
                    append(cur, at=T0 + timedelta(hours=1, seconds=i), username=f"writer{k}",
                           role="operator", action="case.dispatch", entity="case",
                           entity_id=f"AJ{k}{i:05d}")
            except Exception as exc:
                errors.append(exc)
            finally:
                cur.close()

        writers = [threading.Thread(target=write, args=(k,)) for k in range(2)]
        for t in writers:
            t.start()
        reader = s.cursor()
        verified = 0
        while any(t.is_alive() for t in writers) or verified < 3:
            result = verify_log(reader)
            assert result.ok, result.problem
            verified += 1
        for t in writers:
            t.join(timeout=60)
        reader.close()
        assert not errors and not any(t.is_alive() for t in writers)
        final = verify_log(s)
        assert final.ok and final.records == N + 2 * per_writer
