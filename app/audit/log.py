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

from app.store import DistrictRepository, StoreError

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
    writer before it (its write lock): two appends never take the same head.  A log
    table that is gone or re-typed refuses the change with a :class:`StoreError` that
    says so (nothing can be done unrecorded)."""
    try:
        return _append(store, at, username, role, action, entity, entity_id, before, after)
    except Exception as exc:
        if type(exc).__name__ not in _DAMAGED_TABLE:
            raise
        raise StoreError(f"审计日志写不进去（{first_line(exc)}）：审计表缺失或已被改动，"
                         "此操作未执行；请运行 python -m app audit verify 查明，并从最近的"
                         "备份恢复") from None


#: database errors (DuckDB's, psycopg's) of a table or column that is not as the schema made
#: it - never those of a conflict between writers, which the store retries or reports itself
_DAMAGED_TABLE = frozenset({
    "CatalogException", "BinderException", "ConversionException",
    "UndefinedTable", "UndefinedColumn", "DatatypeMismatch", "InvalidTextRepresentation"})


def _append(store, at, username, role, action, entity, entity_id, before, after) -> int:
    with store.transaction():
        last = store.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        if last and not (isinstance(last[0][0], int) and isinstance(last[0][1], str)):
            raise StoreError("审计日志的最后一条记录无法识别：审计表已被改动，此操作未执行；"
                             "请运行 python -m app audit verify 查明，并从最近的备份恢复")
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
    snapshot: a record committed meanwhile is in both or in neither (no false alarm).
    Garbage — a table gone, a record number that is not a number, a head that names
    nothing — is a finding like any other, never an exception."""
    try:
        with store.snapshot():
            if not _has_table(store, "audit_log"):
                return VerifyResult(False, 0, None, "审计日志表（audit_log）不存在")
            rows = store.rows(
                "SELECT seq, occurred_at, username, role, action, entity, entity_id, before, "
                "after, prev_hash, hash FROM audit_log ORDER BY seq NULLS FIRST")
            head = store.meta().get(HEAD_KEY) if _has_table(store, "meta") else None
    except Exception as exc:  # unreadable (damaged blocks, wrong column types)  # noqa: BLE001
        return VerifyResult(False, 0, None, f"审计日志读不出来：{first_line(exc)}")
    prev = GENESIS
    expected = 1
    for n, row in enumerate(rows):
        seq = row[0]
        if not isinstance(seq, int) or isinstance(seq, bool):
            return VerifyResult(False, n, None, f"有一条审计记录的编号无效（{seq!r}）")
        rec = dict(zip(FIELDS, row[:9], strict=True))
        rec["at"] = row[1].isoformat(sep=" ") if isinstance(row[1], datetime) else str(row[1])
        if seq != expected:
            if seq > expected:
                what = (f"第 {expected} 条审计记录缺失" if seq == expected + 1
                        else f"第 {expected}–{seq - 1} 条审计记录缺失")
                return VerifyResult(False, n, expected, f"{what}（其后见到的是第 {seq} 条）")
            return VerifyResult(False, n, seq, f"第 {seq} 条审计记录顺序错乱（此处应为第 "
                                               f"{expected} 条）")
        if row[9] != prev:
            return VerifyResult(False, n, seq, f"第 {seq} 条审计记录接不上第 {seq - 1} 条"
                                               "（链断开）")
        if record_hash(prev, rec) != row[10]:
            return VerifyResult(False, n, seq, f"第 {seq} 条审计记录被篡改（哈希不符）")
        prev = row[10]
        expected += 1
    last = expected - 1
    if head is None:
        if rows:
            return VerifyResult(False, len(rows), 1, "审计日志的链头（meta audit_head）缺失")
        return VerifyResult(True, 0)
    head_seq, sep, head_hash = str(head).partition(":")
    if not sep or not head_seq.isdigit() or len(head_seq) > 18:
        return VerifyResult(False, len(rows), None,
                            f"审计日志的链头（meta audit_head）无法识别：{str(head)[:40]!r}")
    if int(head_seq) > last:
        return VerifyResult(False, len(rows), expected,
                            f"第 {expected}–{head_seq} 条审计记录缺失（日志提前结束）")
    if int(head_seq) != last or head_hash != prev:
        return VerifyResult(False, len(rows), last or None,
                            f"审计日志的链头与第 {last} 条记录不符")
    return VerifyResult(True, len(rows))


def _has_table(store: DistrictRepository, name: str) -> bool:
    return bool(store.scalar("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_name = ?", [name]))


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def read_log(store: DistrictRepository, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` records, newest first."""
    cols = ("seq", "occurred_at", "username", "role", "action", "entity", "entity_id", "before",
            "after", "hash")
    rows = store.rows(f"SELECT {', '.join(cols)} FROM audit_log ORDER BY seq DESC LIMIT ?",
                      [int(limit)])
    return [dict(zip(cols, r, strict=True)) for r in rows]
