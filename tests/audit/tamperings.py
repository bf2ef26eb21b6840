"""Tamperings of an anchored audit trail, as a forger with the district file (and the
database's own client) but without the auditor's key would try them.

A base district holds 40 audit records anchored three times (after records 10, 25 and
40).  Each tampering works on a copy: naive ones (edit, delete, swap, insert) and a
forger's (the same, then every hash after the change re-computed and ``audit_head``
moved; the newest records cut off with the head moved back; the tail or the whole chain
replaced; the anchor file edited, a line taken out, or re-signed with the forger's own
key); and garbage (the table dropped or re-typed, a head that names nothing).  Each is
detected when ``verify_log`` or ``verify_anchors`` reports a problem; an exception is a
failure of the tool, counted apart.

Run ``python -m tests.audit.tamperings --count 150`` for the figures (soak, once);
tests/audit/test_tamperings.py runs every kind a few times in the suite.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from app.audit import append, verify_log
from app.audit.anchors import append_anchor, verify_anchors
from app.audit.keys import generate, load_private, load_public
from app.audit.log import FIELDS, GENESIS, HEAD_KEY, record_hash
from app.store import open_store

N = 40
ANCHOR_AFTER = (10, 25, 40)
T0 = datetime(2026, 11, 20, 9, 0)
_COLS = "seq, occurred_at, username, role, action, entity, entity_id, before, after"


def build_base(folder: Path) -> dict[str, Path]:
    """The anchored district, the auditor's key pair and a forger's key, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"db": folder / "base.duckdb", "anchors": folder / "anchors.jsonl",
             "key": folder / "auditor" / "audit-key.pem",
             "forger": folder / "forger" / "audit-key.pem"}
    generate(paths["key"])
    generate(paths["forger"])
    private = load_private(paths["key"])
    with open_store(paths["db"], create=True) as s:
        s.set_meta({"district_code": "110105001"})
        for i in range(N):
            append(s, at=T0 + timedelta(minutes=7 * i), username=f"user{i % 4}",
                   role="operator", action=("case.register", "case.dispatch", "login")[i % 3],
                   entity="case", entity_id=f"AJ20261120{i:05d}W",
                   before={"status": "accepted"}, after={"status": "registered", "n": i})
            if i + 1 in ANCHOR_AFTER:
                append_anchor(s, paths["anchors"], private, at=T0 + timedelta(hours=i))
    return paths


# --- a forger's tools: the file opened with DuckDB itself -------------------------------

def _records(con) -> list[dict]:
    rows = con.execute(f"SELECT {_COLS} FROM audit_log ORDER BY seq").fetchall()
    return [dict(zip(FIELDS, row, strict=True)) for row in rows]


def _write_chain(con, recs: list[dict], *, rehash: bool = True, move_head: bool = True) -> None:
    """Replace the log with ``recs`` numbered 1…n, hashes re-computed (a forger) or kept
    from the records' ``_hash``/``_prev`` (naive)."""
    con.execute("DELETE FROM audit_log")
    prev = GENESIS
    for i, rec in enumerate(recs, 1):
        rec = {**rec, "seq": i}
        canon = {**rec, "at": rec["at"].isoformat(sep=" ")}
        h = record_hash(prev, canon) if rehash else rec.get("_hash", "0" * 64)
        p = prev if rehash else rec.get("_prev", prev)
        con.execute("INSERT INTO audit_log (seq, occurred_at, username, role, action, entity, "
                    "entity_id, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [i, rec["at"], rec["username"], rec["role"], rec["action"], rec["entity"],
                     rec["entity_id"], rec["before"], rec["after"], p, h])
        prev = h
    if move_head:
        con.execute("UPDATE meta SET value = ? WHERE key = ?", [f"{len(recs)}:{prev}", HEAD_KEY])


def _with_hashes(con) -> list[dict]:
    rows = con.execute("SELECT prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
    return [{**r, "_prev": p, "_hash": h} for r, (p, h) in zip(_records(con), rows, strict=True)]


def _forged(rng: random.Random, at: datetime) -> dict:
    return {"seq": 0, "at": at, "username": rng.choice(["mallory", "user1", "admin"]),
            "role": "operator", "action": rng.choice(["case.close", "case.void", "login"]),
            "entity": "case", "entity_id": f"AJ2026112{rng.randint(0, 99999):05d}W",
            "before": None, "after": json.dumps({"status": "closed"})}


def _edit(rec: dict, rng: random.Random) -> dict:
    column = rng.choice(["username", "action", "after", "before", "at", "entity_id", "role"])
    changed = {"username": "mallory", "action": "case.void", "after": '{"status":"closed"}',
               "before": None, "at": rec["at"] + timedelta(minutes=rng.randint(1, 90)),
               "entity_id": "AJ2026112099999W", "role": "administrator"}[column]
    if rec[column] == changed:
        changed = "x" if column != "at" else rec["at"] + timedelta(seconds=1)
    return {**rec, column: changed}


def naive_edit(con, rng, ctx):
    seq = rng.randint(1, N)
    column, value = rng.choice([("username", "'mallory'"), ("action", "'case.void'"),
                                ("occurred_at", "occurred_at + INTERVAL '1 hour'"),
                                ("after", "'{\"status\":\"closed\"}'"), ("before", "NULL"),
                                ("entity_id", "'AJ2026112099999W'")])
    con.execute(f"UPDATE audit_log SET {column} = {value} WHERE seq = ?", [seq])


def naive_delete(con, rng, ctx):
    con.execute("DELETE FROM audit_log WHERE seq = ?", [rng.randint(1, N)])


def naive_swap(con, rng, ctx):
    recs = _with_hashes(con)
    a, b = rng.sample(range(N), 2)
    recs[a], recs[b] = recs[b], recs[a]
    _write_chain(con, recs, rehash=False, move_head=False)


def naive_insert(con, rng, ctx):
    recs = _with_hashes(con)
    k = rng.randint(0, N - 1)
    recs.insert(k, {**_forged(rng, recs[k]["at"]), "_prev": recs[k]["_prev"],
                    "_hash": recs[k]["_hash"]})
    _write_chain(con, recs, rehash=False, move_head=False)


def forger_edit(con, rng, ctx):
    recs = _records(con)
    k = rng.randint(0, len(recs) - 1)
    recs[k] = _edit(recs[k], rng)
    _write_chain(con, recs)


def forger_delete(con, rng, ctx):
    recs = _records(con)
    del recs[rng.randint(0, N - 1)]
    _write_chain(con, recs)


def forger_swap(con, rng, ctx):
    recs = _records(con)
    a, b = rng.sample(range(N), 2)
    recs[a], recs[b] = recs[b], recs[a]
    _write_chain(con, recs)


def forger_insert(con, rng, ctx):
    recs = _records(con)
    k = rng.randint(0, N - 1)
    recs.insert(k, _forged(rng, recs[k]["at"]))
    _write_chain(con, recs)


def forger_truncate_tail(con, rng, ctx):
    recs = _records(con)
    _write_chain(con, recs[:N - rng.randint(1, 8)])


def forger_replace_tail(con, rng, ctx):
    recs = _records(con)
    k = rng.randint(1, 8)
    _write_chain(con, recs[:N - k] + [_forged(rng, r["at"]) for r in recs[N - k:]])


def forger_replace_chain(con, rng, ctx):
    _write_chain(con, [_forged(rng, r["at"]) for r in _records(con)])


def forger_edit_and_anchor_line(con, rng, ctx):
    """The chain re-hashed, and the anchor lines edited to the forged heads."""
    forger_edit(con, rng, ctx)
    heads = dict(con.execute("SELECT seq, hash FROM audit_log").fetchall())
    lines = ctx["anchors"].read_text().splitlines()
    out = []
    for line in lines:
        body = json.loads(line)
        body["head"] = heads.get(body["seq"], body["head"])
        body["first"] = heads.get(1, body["first"])
        out.append(json.dumps(body, sort_keys=True, separators=(",", ":")))
    ctx["anchors"].write_text("\n".join(out) + "\n")


def forger_resigned_anchors(con, rng, ctx):
    """The chain re-hashed and a new anchor file signed with the forger's own key."""
    forger_edit(con, rng, ctx)
    ctx["anchors"].unlink()
    forger_key = load_private(ctx["forger"])
    con.close()
    with open_store(ctx["db"], read_only=True) as s:
        append_anchor(s, ctx["anchors"], forger_key)


def forger_drop_anchor_line(con, rng, ctx):
    """A middle anchor line taken out (and the chain re-hashed below it)."""
    lines = ctx["anchors"].read_text().splitlines()
    del lines[rng.randint(0, len(lines) - 2)]
    ctx["anchors"].write_text("\n".join(lines) + "\n")
    recs = _records(con)
    k = rng.randint(0, ANCHOR_AFTER[0] - 1)
    recs[k] = _edit(recs[k], rng)
    _write_chain(con, recs)


def garbage_head(con, rng, ctx):
    value = rng.choice(["garbage", "99999999999999999999999:00", ":", "12:", "-3:abc",
                        f"{N}:{'f' * 64}", "40:" + "0" * 64, "٣:abc"])
    con.execute("UPDATE meta SET value = ? WHERE key = ?", [value, HEAD_KEY])


def garbage_table(con, rng, ctx):
    how = rng.choice(["drop", "retype", "empty"])
    con.execute("DROP TABLE audit_log")
    if how == "retype":
        con.execute("CREATE TABLE audit_log (seq VARCHAR, occurred_at VARCHAR, username INTEGER, "
                    "role VARCHAR, action VARCHAR, entity VARCHAR, entity_id VARCHAR, "
                    "before VARCHAR, after VARCHAR, prev_hash VARCHAR, hash VARCHAR)")
        con.execute("INSERT INTO audit_log VALUES ('one', 'yesterday', 7, NULL, 'x', 'y', NULL, "
                    "NULL, NULL, 'p', 'h')")
    elif how == "empty":
        con.execute("CREATE TABLE audit_log AS SELECT 1 AS seq WHERE false")


KINDS = {
    "naive edit": naive_edit, "naive delete": naive_delete, "naive swap": naive_swap,
    "naive insert": naive_insert, "forger edit + re-hash": forger_edit,
    "forger delete + re-hash": forger_delete, "forger swap + re-hash": forger_swap,
    "forger insert + re-hash": forger_insert, "tail truncation, head moved": forger_truncate_tail,
    "tail replaced + re-hash": forger_replace_tail, "whole chain forged": forger_replace_chain,
    "re-hash + anchor lines edited": forger_edit_and_anchor_line,
    "re-hash + anchors re-signed by forger": forger_resigned_anchors,
    "re-hash + middle anchor line removed": forger_drop_anchor_line,
    "garbage head": garbage_head, "garbage table": garbage_table,
}


def newest_anchor_line_removed_and_tail_cut(con, rng, ctx):
    """Beyond what anchors can see: the newest anchor line deleted (the file was not kept
    append-only) and the log cut back to just after the anchor before it."""
    lines = ctx["anchors"].read_text().splitlines()
    ctx["anchors"].write_text("\n".join(lines[:-1]) + "\n")
    _write_chain(con, _records(con)[:ANCHOR_AFTER[-2] + 1])


#: what anchors cannot detect by design (reported apart, not tamperings of anchored history)
BLIND_SPOTS = {"newest anchor line removed + tail cut": newest_anchor_line_removed_and_tail_cut}


def tamper_once(base: dict[str, Path], work: Path, kind: str, seed: int) -> dict:
    """One tampering on a fresh copy; what the chain alone and the anchors each said."""
    work.mkdir(parents=True, exist_ok=True)
    ctx = {"db": work / "d.duckdb", "anchors": work / "anchors.jsonl", "forger": base["forger"]}
    shutil.copy(base["db"], ctx["db"])
    shutil.copy(base["anchors"], ctx["anchors"])
    rng = random.Random(seed)
    con = duckdb.connect(str(ctx["db"]))
    try:
        {**KINDS, **BLIND_SPOTS}[kind](con, rng, ctx)
    finally:
        try:
            con.close()
        except duckdb.Error:
            pass
    out = {"kind": kind, "seed": seed}
    try:
        with open_store(ctx["db"], read_only=True) as s:
            chain = verify_log(s)
            anchors = verify_anchors(s, ctx["anchors"], load_public(base["key"]))
        out.update(chain_ok=chain.ok, anchors_ok=anchors.ok, detected=not (chain.ok and anchors.ok),
                   problems=([] if chain.ok else [chain.problem]) + anchors.problems)
    except Exception:  # a traceback is a failure of the tool, reported apart
        out.update(detected=False, traceback=traceback.format_exc(limit=3))
    return out


def run(folder: Path, count: int, seed: int = 0) -> list[dict]:
    """``count`` tamperings, the kinds taken in turn."""
    base = build_base(folder / "base")
    kinds = list(KINDS)
    results = []
    for i in range(count):
        work = folder / f"t{i:04d}"
        results.append(tamper_once(base, work, kinds[i % len(kinds)], seed * 100_003 + i))
        shutil.rmtree(work, ignore_errors=True)
    return results


def summary(results: list[dict]) -> dict:
    by_kind = Counter(r["kind"] for r in results)
    caught = Counter(r["kind"] for r in results if r["detected"])
    chain_only = Counter(r["kind"] for r in results if r.get("chain_ok") is False)
    return {"tamperings": len(results), "detected": sum(caught.values()),
            "detected_by_chain_alone": sum(chain_only.values()),
            "tracebacks": sum(1 for r in results if "traceback" in r),
            "kinds": {k: f"{caught[k]}/{n} (chain alone {chain_only[k]}/{n})"
                      for k, n in by_kind.items()}}


def main(argv: list[str] | None = None) -> int:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=160)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gridcc-tamper-") as tmp:
        results = run(Path(tmp), args.count, args.seed)
        base = {k: Path(tmp) / "base" / v for k, v in (("db", "base.duckdb"),
                ("anchors", "anchors.jsonl"), ("key", "auditor/audit-key.pem"),
                ("forger", "forger/audit-key.pem"))}
        blind = [tamper_once(base, Path(tmp) / "blind", kind, 1) for kind in BLIND_SPOTS]
    report = summary(results)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["blind_spots"] = {r["kind"]: "detected" if r["detected"] else "not detected"
                             for r in blind}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    for r in results:
        if not r["detected"]:
            print("NOT DETECTED:", r["kind"], r["seed"], r.get("traceback", ""), file=sys.stderr)
    return 0 if report["detected"] == report["tamperings"] else 1


if __name__ == "__main__":
    sys.exit(main())
