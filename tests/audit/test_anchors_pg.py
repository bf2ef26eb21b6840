"""Anchors on a PostgreSQL district: a superuser who switches the append-only triggers
off (``session_replication_role = replica``), re-hashes the chain or cuts off its tail
and moves the head passes the chain alone, and not the anchors."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
import pytest

from app.audit import append, verify_log
from app.audit.anchors import append_anchor, verify_anchors
from app.audit.keys import generate, load_private, load_public
from app.audit.log import FIELDS, GENESIS, HEAD_KEY, record_hash
from app.store import open_store
from tests.backends import empty_district

N = 20
T0 = datetime(2026, 11, 20, 9, 0)


@pytest.fixture(params=["postgres"])
def pg_anchored(request, tmp_path):
    url = empty_district(request, tmp_path)
    key = tmp_path / "auditor" / "audit-key.pem"
    generate(key)
    anchors = tmp_path / "anchors.jsonl"
    with open_store(url, create=True) as s:
        for i in range(N):
            append(s, at=T0 + timedelta(minutes=i), username=f"user{i % 3}", role="operator",
                   action="case.register", entity="case", entity_id=f"AJ{i:05d}")
            if i + 1 in (8, N):
                append_anchor(s, anchors, load_private(key))
    return url, anchors, key


def _forge(url, keep: int, edit_seq: int | None) -> None:
    """As a superuser: keep the first ``keep`` records, edit one, re-hash, move the head."""
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("SET session_replication_role = replica")
        cols = ", ".join("occurred_at" if f == "at" else f for f in FIELDS)
        rows = con.execute(f"SELECT {cols} FROM audit_log WHERE seq <= %s ORDER BY seq",
                           [keep]).fetchall()
        con.execute("DELETE FROM audit_log WHERE seq > %s", [keep])
        prev = GENESIS
        for row in rows:
            rec = dict(zip(FIELDS, row, strict=True))
            if rec["seq"] == edit_seq:
                rec["username"] = "mallory"
            rec["at"] = row[1].isoformat(sep=" ")
            h = record_hash(prev, rec)
            con.execute("UPDATE audit_log SET username = %s, prev_hash = %s, hash = %s "
                        "WHERE seq = %s", [rec["username"], prev, h, rec["seq"]])
            prev = h
        con.execute("UPDATE meta SET value = %s WHERE key = %s", [f"{keep}:{prev}", HEAD_KEY])


@pytest.mark.parametrize("keep, edit_seq, said", [
    (N, 5, "哈希被重算过"),      # forger re-hash
    (N - 3, None, "末尾被截去"),  # tail cut, head moved
])
def test_server_forgery_passes_the_chain_but_not_the_anchors(pg_anchored, keep, edit_seq, said):
    url, anchors, key = pg_anchored
    with open_store(url, read_only=True) as s:
        assert verify_anchors(s, anchors, load_public(key)).ok
    _forge(url, keep, edit_seq)
    with open_store(url, read_only=True) as s:
        assert verify_log(s).ok
        report = verify_anchors(s, anchors, load_public(key))
    assert not report.ok and any(said in p for p in report.problems), report.problems
