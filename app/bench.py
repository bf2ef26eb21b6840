"""``python -m app bench``: the project's figures, measured, printed as JSON.

Start-up is measured in a fresh process the way an operator starts GridCC: the
UI writes the wall-clock time of its first completed map paint to the file
named by ``GRIDCC_TIMING_FILE``; we subtract the moment we spawned the process.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from app.store import open_store

BENCH_NOW = datetime(2026, 11, 20, 10, 30)


def run_bench(scale: str = "hongqiao", workdir: Path | None = None) -> dict:
    from app.checks import run_checks
    from app.demo_build import build_demo_database
    from app.district_info import district_info

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        db = Path(tmp) / f"{scale}.duckdb"
        t0 = time.perf_counter()
        stats = build_demo_database(db, scale=scale, seed=20261122, now=BENCH_NOW)
        generation_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        store = open_store(db, read_only=True)
        open_s = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            district_info(store)
            info_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = run_checks(store)
            check_s = time.perf_counter() - t0
        finally:
            store.close()
        startup = _first_paint(db, Path(tmp))
        return {
            "scale": scale,
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "rendering": "software (offscreen)"},
            "generation_s": round(generation_s, 2),
            "db_size_mb": round(db.stat().st_size / 1e6, 1),
            "rows": {k: int(v) for k, v in stats.items() if k != "seconds"},
            "open_s": round(open_s, 3),
            "info_s": round(info_s, 2),
            "check_s": round(check_s, 2),
            "check_ok": report.ok,
            **startup,
        }


def _first_paint(db: Path, tmp: Path) -> dict:
    timing = tmp / "timing.json"
    png = tmp / "shot.png"
    env = {**os.environ, "GRIDCC_TIMING_FILE": str(timing), "QT_QPA_PLATFORM": "offscreen",
           "GRIDCC_CONFIG_DIR": str(tmp / "config")}
    spawned = time.time()
    r = subprocess.run([sys.executable, "-m", "app", "screenshot", str(png), "--db", str(db),
                        "--size", "1920x1080"], env=env, capture_output=True, text=True)
    total = time.time() - spawned
    out: dict = {"screenshot_process_s": round(total, 2)}
    if r.returncode != 0:
        out["screenshot_error"] = r.stderr.strip().splitlines()[-1:] or ["?"]
        return out
    if timing.exists():
        marks = json.loads(timing.read_text())
        out.update({f"startup_to_{k}_s": round(v - spawned, 2) for k, v in marks.items()})
    return out
