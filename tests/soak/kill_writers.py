"""SIGKILL GridCC writers and check what the next open finds (issue 13: nothing lost).

    .venv/bin/python -m tests.soak.kill_writers [--kills 100] [--mode import|workflow|both]

Each round starts a writer process on a copy of the small demo district and kills it
with SIGKILL: half the kills at a random moment, half aimed at the COMMIT (the writer
says when a transaction's body is done; the kill follows within 0–120 ms, the window
where DuckDB 1.5 tore).  Writers:

* ``import`` — the shape of ``cases import``: one transaction of 20,000 cases, their
  160,000 steps and one audit record (the store's bulk loads), again and again;
* ``workflow`` — real workflow actions (app/workflow/cases.py: 受理, 立案, 派遣), each its
  own transaction with its step and audit record.

After each kill the district is opened read-write as the next command would.  It must
either refuse with StoreTornError (the way back: restore) or hold only whole
transactions: cases, steps and audit records in step; every block readable; the audit
chain whole; the commit marks in agreement.  Anything else counts as a torn state
accepted; any exception other than a StoreError counts as a traceback.  Prints one JSON
object of figures.  tests/store/test_kills.py runs a few rounds in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
import traceback
from datetime import datetime, timedelta
from pathlib import Path

IMPORT_CASES = 20_000
STEPS_PER_CASE = 8
T0 = datetime(2026, 11, 20, 10, 30)


# -- the writers (run as ``--writer MODE DB``) ------------------------------------------
def _write_imports(path: Path) -> None:
    import numpy as np

    from app.audit.log import append
    from app.store import open_store

    store = open_store(path)
    print("ready", flush=True)
    grid, dept = store.rows("SELECT grid_id, department_id FROM cases LIMIT 1")[0]
    while True:
        first = int(store.scalar("SELECT max(id) FROM cases")) + 1
        ids = np.arange(first, first + IMPORT_CASES, dtype=np.int64)
        n = len(ids)
        with store.transaction():
            store.bulk_insert("cases", {
                "id": ids, "code": [f"KL{i:012d}" for i in ids],
                "category_code": ["0301"] * n, "source": ["patrol"] * n,
                "status": ["closed"] * n, "description": ["导入"] * n,
                "lon": np.full(n, 117.15), "lat": np.full(n, 39.17),
                "grid_id": np.full(n, grid, dtype=np.int64),
                "department_id": np.full(n, dept, dtype=np.int64),
                "reported_at": [T0] * n})
            cid = np.repeat(ids, STEPS_PER_CASE)
            store.bulk_insert("case_transitions", {
                "case_id": cid, "seq": np.tile(np.arange(1, STEPS_PER_CASE + 1), n),
                "action": ["import"] * len(cid), "to_status": ["closed"] * len(cid),
                "occurred_at": [T0] * len(cid), "actor_role": ["operator"] * len(cid)})
            append(store, at=T0, username="operator", role="operator", action="cases.import",
                   entity="case", entity_id=f"{first}+{n}")
            print("body-done", flush=True)
        print("committed", flush=True)


def _write_workflow(path: Path) -> None:
    from app.auth.accounts import get_user
    from app.store import open_store
    from app.workflow import cases

    store = open_store(path)
    users = {n: get_user(store, n) for n in ("operator", "dispatcher", "dept_zf", "grid01")}
    grid = store.scalar("SELECT g.id FROM grid_units g WHERE g.parent_id = ? ORDER BY g.id "
                        "LIMIT 1", [users["grid01"].scope.id])
    zf = users["dept_zf"].scope.id
    print("ready", flush=True)
    at = T0
    while True:
        at += timedelta(minutes=1)
        rec = cases.new_case(store, users["operator"], category_code="0301", source="patrol",
                             description="杀进程测试", grid_id=grid, lon=117.15, lat=39.17, at=at)
        print("body-done", flush=True)
        cases.advance(store, users["operator"], rec.id, "register", at=at)
        print("body-done", flush=True)
        cases.advance(store, users["dispatcher"], rec.id, "dispatch", at=at, department_id=zf)
        print("body-done", flush=True)


# -- the killer and the judge ------------------------------------------------------------
def _counts(path: Path) -> dict[str, int]:
    from app.store import open_store

    with open_store(path, read_only=True) as s:
        return {t: int(s.scalar(f"SELECT count(*) FROM {t}"))
                for t in ("cases", "case_transitions", "audit_log")}


def _kill_one(path: Path, mode: str, aimed: bool, rng: random.Random) -> dict:
    """Start a writer, kill it; returns what happened before the kill."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.soak.kill_writers", "--writer", mode,
                             str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parents[2])
    lines: list[str] = []
    deadline = time.monotonic() + 60
    wanted = rng.randint(1, 3) if aimed else None
    kill_at = None
    while proc.poll() is None and time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.01)
        if r:
            line = proc.stdout.readline().decode().strip()
            lines.append(line)
            if line == "ready" and not aimed:
                kill_at = time.monotonic() + rng.uniform(0.0, 1.5)
            if aimed and line == "body-done" and lines.count("body-done") == wanted:
                kill_at = time.monotonic() + rng.uniform(0.0, 0.12)
        if kill_at is not None and time.monotonic() >= kill_at:
            break
    died_early = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate()
    return {"died_early": died_early, "stderr": err.decode()[-2000:],
            "commits": lines.count("committed")}


def _judge(path: Path, mode: str, before: dict[str, int]) -> tuple[str, str]:
    """('whole' | 'refused' | 'torn' | 'traceback', detail) for the district after a kill."""
    from app.audit.log import verify_log
    from app.checks import check_numbering
    from app.store import StoreError, open_store
    from app.store.errors import StoreTornError

    try:
        store = open_store(path)
    except StoreTornError as exc:
        return "refused", str(exc)
    except StoreError as exc:
        return "torn", f"refused for another cause: {exc}"
    except Exception:  # noqa: BLE001 - the figure the soak exists for
        return "traceback", traceback.format_exc()
    try:
        problems = store.read_every_block() + store.torn_marks()
        after = {t: int(store.scalar(f"SELECT count(*) FROM {t}"))
                 for t in ("cases", "case_transitions", "audit_log")}
        d = {t: after[t] - before[t] for t in after}
        if mode == "import":
            whole = (d["cases"] % IMPORT_CASES == 0 and d["case_transitions"] ==
                     STEPS_PER_CASE * d["cases"] and d["audit_log"] == d["cases"] // IMPORT_CASES)
        else:
            whole = d["case_transitions"] == d["audit_log"] and check_numbering(store).ok and not \
                store.scalar("SELECT count(*) FROM cases c JOIN (SELECT case_id, arg_max(to_status,"
                             " seq) AS last FROM case_transitions GROUP BY case_id) t ON "
                             "t.case_id = c.id WHERE c.status <> t.last")
        if not whole:
            problems.append(f"counts moved {d}")
        audit = verify_log(store)
        if not audit.ok:
            problems.append(f"audit: {audit.problem}")
    except Exception:  # noqa: BLE001
        return "traceback", traceback.format_exc()
    finally:
        store.close()
    return ("torn", "; ".join(problems)) if problems else ("whole", "")


def run(kills: int, mode: str, workdir: Path, source: Path, seed: int = 13) -> dict:
    """``kills`` rounds of one writer ``mode`` on a copy of ``source``; the figures."""
    rng = random.Random(seed)
    path = workdir / f"kill-{mode}.duckdb"
    figures = {"mode": mode, "kills": 0, "whole": 0, "refused_torn": 0, "torn_accepted": 0,
               "tracebacks": 0, "writer_failed": 0, "wal_left": 0, "commits_before_kill": 0,
               "details": []}
    before = None
    for i in range(kills):
        if before is None or before["cases"] > 120_000:
            shutil.copy(source, path)
            for extra in workdir.glob(f"{path.name}.wal*"):
                extra.unlink()
            before = _counts(path)
        what = _kill_one(path, mode, aimed=i % 2 == 1, rng=rng)
        figures["kills"] += 1
        figures["commits_before_kill"] += what["commits"]
        if what["died_early"]:
            figures["writer_failed"] += 1
            figures["details"].append(f"writer died: {what['stderr']}")
        figures["wal_left"] += (workdir / f"{path.name}.wal").exists()
        verdict, detail = _judge(path, mode, before)
        key = {"whole": "whole", "refused": "refused_torn", "torn": "torn_accepted",
               "traceback": "tracebacks"}[verdict]
        figures[key] += 1
        print(json.dumps({k: v for k, v in figures.items() if k != "details"}),
              file=sys.stderr, flush=True)  # a run cut short still tells its figures
        if verdict == "whole":
            before = _counts(path)
        else:
            figures["details"].append(f"kill {i}: {verdict}: {detail[:1500]}")
            before = None  # back to a fresh copy (the restore an operator would do)
    return figures


def _source(workdir: Path) -> Path:
    from app.demo import generate_district
    from app.store import open_store

    path = workdir / "source.duckdb"
    store = open_store(path, create=True)
    try:
        generate_district(store, scale="small", seed=7, now=T0)
    finally:
        store.close()
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.soak.kill_writers")
    p.add_argument("--writer", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    p.add_argument("--kills", type=int, default=100, help="kills per mode")
    p.add_argument("--mode", choices=("import", "workflow", "both"), default="both")
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args(argv)
    if args.writer:
        mode, db = args.writer
        (_write_imports if mode == "import" else _write_workflow)(Path(db))
        return 0
    import tempfile

    os.environ.setdefault("GRIDCC_NOW", T0.isoformat(timespec="seconds"))
    with tempfile.TemporaryDirectory(prefix="gridcc-kill-") as tmp:
        workdir = args.workdir or Path(tmp)
        source = _source(workdir)
        modes = ("import", "workflow") if args.mode == "both" else (args.mode,)
        t0 = time.monotonic()
        out = [run(args.kills, m, workdir, source) for m in modes]
    print(json.dumps({"rounds": out, "seconds": round(time.monotonic() - t0, 1)},
                     ensure_ascii=False, indent=2))
    return 0 if all(r["torn_accepted"] == r["tracebacks"] == 0 for r in out) else 1


if __name__ == "__main__":
    sys.exit(main())
