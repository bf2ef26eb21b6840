"""``cases import`` of big files: time and peak memory (run by hand, not in the suite).

    .venv/bin/python -m tests.soak.import_big [--mb 50] [--formats json,jsonl,csv]
                                              [--keep DIR]

Builds the small demo district, writes a file of about ``--mb`` megabytes of historical
cases in each format (a mix of closed, evaluated, dispatched, accepted and voided
cases, placed by grid code or by a point), and imports each into its own copy of the
district twice, each time in a fresh process:

* ``import_cases`` alone: its seconds (reading, checking, placing, writing; wall and
  CPU: the machine may be shared) and the process's peak resident memory (VmHWM)
  before and after;
* the command an operator runs, ``python -m app cases import FILE`` (start, sign-in,
  import, closing the store): its wall and CPU seconds and peak resident memory.

Prints one JSON line per format and the load average.  The goal: 50 MB in at most
5 s, at most 300 MB.  ``--keep DIR`` keeps the district and the files there and
reuses them on the next run (the same ``--mb``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

_RUN = """
import json, sys, time
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
from datetime import datetime
from app.appraisal.case_import import import_cases
from app.auth.accounts import get_user
from app.store import open_store
with open_store(sys.argv[1]) as s:  # (not tests.conftest for TEST_NOW: pytest is ~8 MB)
    user = get_user(s, "operator")
    before = hwm()
    t, cpu = time.perf_counter(), time.process_time()
    r = import_cases(s, user, Path(sys.argv[2]), at=datetime.fromisoformat(sys.argv[3]))
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
print(json.dumps({"cases": r.cases, "steps": r.transitions, "seconds": round(took, 2), "cpu_s": round(cpu, 2),
                  "hwm_before_mb": round(before), "hwm_after_mb": round(hwm())}))
"""


def cases(store, limit_bytes: int):
    """Case records until about ``limit_bytes`` of JSON have been made."""
    grids = store.rows("SELECT code, label_lon, label_lat FROM grid_units WHERE level = 4 "
                       "ORDER BY code")
    cats = [r[0] for r in store.rows("SELECT code FROM categories ORDER BY code")]
    start = datetime(2025, 1, 6, 8, 0)
    made = i = 0
    while made < limit_bytes:
        t = start + timedelta(minutes=3 * i)
        code, lon, lat = grids[i % len(grids)]
        rec = {"id": f"HIS-{i:08d}", "category": cats[i % len(cats)],
               "source": ("hotline", "patrol", "public", "app")[i % 4]}
        if i % 3:
            rec["grid"] = code
        else:
            rec["lon"], rec["lat"] = lon, lat
        rec["reported_at"] = t.isoformat(timespec="seconds")
        kind = i % 10
        steps = ("registered_at", "dispatched_at", "handled_at", "fed_back_at",
                 "verified_at", "closed_at", "evaluated_at")
        n = 7 if kind < 5 else 6 if kind < 7 else 3 if kind < 8 else 0
        for k, col in enumerate(steps[:n]):
            rec[col] = (t + timedelta(minutes=20 * (k + 1))).isoformat(timespec="seconds")
        if n == 7:
            rec["satisfaction"] = 1 + i % 5
        if kind == 9:
            rec["voided_at"] = (t + timedelta(minutes=30)).isoformat(timespec="seconds")
        made += len(json.dumps(rec)) + 2
        i += 1
        yield rec


def write(path: Path, fmt: str, store, limit_bytes: int) -> int:
    from app.appraisal.case_import import COLUMNS

    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        if fmt == "csv":
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
        elif fmt == "json":
            f.write("[\n")
        for rec in cases(store, limit_bytes):
            if fmt == "csv":
                w.writerow(rec)
            elif fmt == "json":
                f.write((",\n" if n else "") + json.dumps(rec, ensure_ascii=False))
            else:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        if fmt == "json":
            f.write("\n]\n")
    return n


def run_command(db: Path, data: Path) -> dict:
    """``python -m app cases import`` in a fresh process: wall and CPU seconds, peak RSS."""
    from tests.conftest import TEST_NOW

    env = dict(os.environ, GRIDCC_PASSWORD="Operator#2026")
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "app", "cases", "import", str(data), "--db",
                          str(db), "--user", "operator", "--now", TEST_NOW.isoformat()],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    took = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        raise SystemExit(err.decode(errors="replace")[-3000:])
    return {"cmd_seconds": round(took, 2), "cmd_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "cmd_peak_mb": round(usage.ru_maxrss / 1024)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--formats", default="json,jsonl,csv")
    ap.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the files here")
    args = ap.parse_args()
    from app.demo import generate_district
    from app.store import open_store
    from tests.conftest import TEST_NOW, TEST_SEED

    with tempfile.TemporaryDirectory(prefix="import-big-") as tmp:
        tmp = args.keep or Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        base = tmp / "small.duckdb"
        if not base.exists():
            with open_store(base, create=True) as store:
                generate_district(store, scale="small", seed=TEST_SEED, now=TEST_NOW)
        for fmt in args.formats.split(","):
            data = tmp / f"cases-{args.mb:g}mb.{fmt}"
            if not data.exists():
                with open_store(base, read_only=True) as store:
                    write(data, fmt, store, int(args.mb * 1e6))
            db = tmp / f"{fmt}.duckdb"
            shutil.copy(base, db)
            r = subprocess.run([sys.executable, "-c", _RUN, str(db), str(data),
                                TEST_NOW.isoformat()], capture_output=True, text=True)
            if r.returncode:
                print(r.stderr[-3000:], file=sys.stderr)
                return 1
            out = json.loads(r.stdout)
            shutil.copy(base, db)
            out.update(run_command(db, data))
            print(json.dumps({"format": fmt, "file_mb": round(data.stat().st_size / 1e6, 1),
                              **out}), flush=True)
            if not args.keep:
                data.unlink()
            db.unlink()
            for wal in tmp.glob(f"{fmt}.duckdb*"):
                wal.unlink()
    print(json.dumps({"loadavg": open("/proc/loadavg").read().split()[:3]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
