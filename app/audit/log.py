"""The audit trail (审计日志): append-only and hash-chained.

Every state change of cases and whistles, every login and every export is one
record: who, role, when, what, before/after.  Each record's
``hash = SHA-256(prev_hash ‖ canonical record)``, the canonical record being
its fields (sequence number included) as sorted, compact JSON.  The newest
sequence number and hash are also kept in ``meta`` (``audit_head``), so that
removing records at the end is detected too.

The store refuses UPDATE and DELETE on ``audit_log`` (app/store); this module
only ever inserts.  :func:`verify_log` finds the first record that is broken
(edited), missing (deleted) or out of place (reordered).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.store import DistrictRepository

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
FIELDS = ("seq", "at", "username", "role", "action", "entity", "entity_id", "before", "after")


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def record_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the canonical JSON of ``record``."""
    body = json.dumps({k: record[k] for k in FIELDS}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def append(
    store: DistrictRepository,
    *,
    at: datetime,
    username: str,
    role: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one record; returns its sequence number.  Runs inside the caller's
    transaction, so a refused or failed change leaves no record behind.  The chain's
    head is read and written inside that transaction, which the store runs after every
    writer before it (its write lock): two appends never take the same head."""
    with store.transaction():
        last = store.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        seq, prev = (last[0][0] + 1, last[0][1]) if last else (1, GENESIS)
        rec = {"seq": int(seq), "at": at.replace(microsecond=0).isoformat(sep=" "),
               "username": username, "role": role, "action": action, "entity": entity,
               "entity_id": None if entity_id is None else str(entity_id),
               "before": _canonical(before), "after": _canonical(after)}
        h = record_hash(prev, rec)
        store.rows(
            "INSERT INTO audit_log (seq, occurred_at, username, role, action, entity, entity_id, "
            "before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [rec["seq"], at.replace(microsecond=0), username, role, action, entity,
             rec["entity_id"], rec["before"], rec["after"], prev, h])
        store.set_meta({HEAD_KEY: f"{seq}:{h}"})
    return int(seq)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_log`: ``ok``, how many records, the first problem."""

    ok: bool
    records: int
    first_bad_seq: int | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "first_bad_seq": self.first_bad_seq,
                "problem": self.problem}


def verify_log(store: DistrictRepository) -> VerifyResult:
    """Walk the chain in sequence order; report the first broken or missing record.

    The sequence number is part of every hash, so records swapped around (reordered)
    break the chain at the first one moved.  The log and its head are read in one
    snapshot: a record committed meanwhile is in both or in neither (no false alarm)."""
    with store.snapshot():
        rows = store.rows(
            "SELECT seq, occurred_at, username, role, action, entity, entity_id, before, "
            "after, prev_hash, hash FROM audit_log ORDER BY seq")
        head = store.meta().get(HEAD_KEY)
    prev = GENESIS
    expected = 1
    for n, row in enumerate(rows):
        seq = row[0]
        rec = dict(zip(FIELDS, row[:9], strict=True))
        rec["at"] = row[1].isoformat(sep=" ") if isinstance(row[1], datetime) else str(row[1])
        if seq != expected:
            if seq > expected:
                what = (f"record {expected} is missing" if seq == expected + 1
                        else f"records {expected}–{seq - 1} are missing")
                return VerifyResult(False, n, expected, f"{what} (next found: {seq})")
            return VerifyResult(False, n, seq, f"record {seq} is out of order "
                                               f"(expected {expected})")
        if row[9] != prev:
            return VerifyResult(False, n, seq, f"record {seq} does not follow record "
                                               f"{seq - 1} (chain link broken)")
        if record_hash(prev, rec) != row[10]:
            return VerifyResult(False, n, seq, f"record {seq} was altered (hash mismatch)")
        prev = row[10]
        expected += 1
    if head:
        head_seq, _, head_hash = head.partition(":")
        if int(head_seq) != expected - 1 or head_hash != prev:
            missing = expected
            return VerifyResult(False, len(rows), missing,
                                f"records from {missing} to {head_seq} are missing "
                                f"(the log ends early)" if int(head_seq) >= missing
                                else f"the log head does not match record {expected - 1}")
    elif rows:
        return VerifyResult(False, len(rows), 1, "the log head (meta audit_head) is missing")
    return VerifyResult(True, len(rows))


def read_log(store: DistrictRepository, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` records, newest first."""
    cols = ("seq", "occurred_at", "username", "role", "action", "entity", "entity_id", "before",
            "after", "hash")
    rows = store.rows(f"SELECT {', '.join(cols)} FROM audit_log ORDER BY seq DESC LIMIT ?",
                      [int(limit)])
    return [dict(zip(cols, r, strict=True)) for r in rows]
