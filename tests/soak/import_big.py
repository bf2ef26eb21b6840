"""``cases import`` of big files: time and peak memory (run by hand, not in the suite).

    .venv/bin/python -m tests.soak.import_big [--mb 50] [--formats json,jsonl,csv]

Builds the small demo district, writes a file of about ``--mb`` megabytes of historical
cases in each format (a mix of closed, evaluated, dispatched, accepted and voided
cases, placed by grid code or by a point), and imports each into its own copy of the
district in a fresh process: the seconds ``import_cases`` took (reading, checking,
placing, writing; wall and CPU: the machine may be shared) and the process's peak
resident memory (VmHWM) before and after.
Prints one JSON line per format.  The goal: 50 MB in at most 5 s, at most 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

_RUN = """
import json, sys, time
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
from app.appraisal.case_import import import_cases
from app.auth.accounts import get_user
from app.store import open_store
from tests.conftest import TEST_NOW
with open_store(sys.argv[1]) as s:
    user = get_user(s, "operator")
    before = hwm()
    t, cpu = time.perf_counter(), time.process_time()
    r = import_cases(s, user, Path(sys.argv[2]), at=TEST_NOW)
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--formats", default="json,jsonl,csv")
    args = ap.parse_args()
    from app.demo import generate_district
    from app.store import open_store
    from tests.conftest import TEST_NOW, TEST_SEED

    with tempfile.TemporaryDirectory(prefix="import-big-") as tmp:
        tmp = Path(tmp)
        base = tmp / "small.duckdb"
        with open_store(base, create=True) as store:
            generate_district(store, scale="small", seed=TEST_SEED, now=TEST_NOW)
        for fmt in args.formats.split(","):
            data = tmp / f"cases.{fmt}"
            with open_store(base, read_only=True) as store:
                n = write(data, fmt, store, int(args.mb * 1e6))
            db = tmp / f"{fmt}.duckdb"
            shutil.copy(base, db)
            r = subprocess.run([sys.executable, "-c", _RUN, str(db), str(data)],
                               capture_output=True, text=True)
            if r.returncode:
                print(r.stderr[-3000:], file=sys.stderr)
                return 1
            out = json.loads(r.stdout)
            print(json.dumps({"format": fmt, "file_mb": round(data.stat().st_size / 1e6, 1),
                              "records": n, **out}))
            data.unlink()
            db.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
