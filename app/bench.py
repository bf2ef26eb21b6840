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


def run_bench(scale: str = "hongqiao", workdir: Path | None = None,
              size: tuple[int, int] = (3840, 2160), map_figures: bool = True,
              db: Path | None = None) -> dict:
    """Every figure; ``db`` reuses an existing district instead of generating one."""
    if db is not None:
        return _bench_existing(db, scale, size, map_figures)
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
        startup = _first_paint(db, Path(tmp), size)
        from app.appraisal.bench import appraisal_bench

        appraisal = appraisal_bench(db)  # indicator queries over a year: {subject: ms}
        out = {
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
            "appraisal": appraisal,
        }
        out["appraisal_gui"] = appraisal_gui_bench(db)
        if map_figures:
            out["map"] = map_bench(db, size)
            out["targets"] = judge(out)
        return out


def _bench_existing(db: Path | str, scale: str, size: tuple[int, int], map_figures: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = {"scale": scale, "db": str(db),
               "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                           "rendering": "software (offscreen)"},
               **_first_paint(db, Path(tmp), size)}
    from app.appraisal.bench import appraisal_bench

    out["appraisal"] = appraisal_bench(db)  # indicator queries over a year: {subject: ms}
    out["appraisal_gui"] = appraisal_gui_bench(db)
    if map_figures:
        out["map"] = map_bench(db, size)
        out["targets"] = judge(out)
    return out


def map_bench(db: Path, size: tuple[int, int]) -> dict:
    """The map rendering figures, measured by the UI in a fresh offscreen process
    (``ui.map.bench_probe``; app/ itself never imports the UI)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-m", "ui.map.bench_probe", "--db", str(db),
                        "--size", f"{size[0]}x{size[1]}"], env=env, capture_output=True,
                       text=True)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1]}
    out = json.loads(r.stdout.strip().splitlines()[-1])
    # the whole window left alone (docks, live feed, blinking, clocks), its own process
    r = subprocess.run([sys.executable, "-m", "ui.map.bench_probe", "--db", str(db),
                        "--size", f"{size[0]}x{size[1]}", "--idle", "10"], env=env,
                       capture_output=True, text=True)
    out["idle_window"] = (json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0
                          else {"error": (r.stderr.strip().splitlines() or ["?"])[-1]})
    return out


def appraisal_gui_bench(db: Path) -> dict:
    """The longest GUI-thread stall while the appraisal panels load their figures (computed
    on the appraisal worker), in a fresh offscreen process (``ui.appraisal.stall_probe``)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-m", "ui.appraisal.stall_probe", "--db", str(db)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


#: the issue's targets at 3840x2160 (pan p50 17 ms at 1920x1080)
TARGETS = {"pan_p50_ms": 33.0, "pan_p50_ms_1080p": 17.0, "static_render_ms": 500.0,
           "gui_stall_ms": 50.0, "live_tick_10k_ms": 30.0, "first_paint_s": 2.0,
           "steady_memory_mb": 2000.0, "change_refresh_gui_ms": 5.0}


def judge(out: dict) -> dict:
    """Each measured figure next to its target and whether it is met."""
    m = out.get("map", {})
    if "error" in m or not m:
        return {}
    w, _h = (int(v) for v in m["size"].split("x"))
    pan_target = TARGETS["pan_p50_ms"] if w >= 3840 else TARGETS["pan_p50_ms_1080p"]
    worst_pan = max((m["district_pan"], m["street_pan_25d"]), key=lambda p: p["p50_ms"])
    ticks = {t["workers"]: t["tick_gui_ms"] for t in m["live_tick"]}
    rows = {
        "pan_frame_p50_ms": (worst_pan["p50_ms"], pan_target),
        "pan_frame_p95_ms": (worst_pan["p95_ms"], round(1.5 * worst_pan["p50_ms"], 1)),
        "static_rerender_ms": (max(m["district_static"]["render_ms"],
                                   m["street_static_25d"]["render_ms"]),
                               TARGETS["static_render_ms"]),
        "gui_stall_during_rerender_ms": (max(m["district_static"]["gui_stall_max_ms"],
                                             m["street_static_25d"]["gui_stall_max_ms"]),
                                         TARGETS["gui_stall_ms"]),
        "live_tick_10k_ms": (ticks.get(10_000, ticks.get(max(ticks), 0.0)),
                             TARGETS["live_tick_10k_ms"]),
        "steady_memory_mb": (m["steady_rss_mb"], TARGETS["steady_memory_mb"]),
    }
    switch = [i["window_year_gui_stall_ms"] for i in m.get("incidents", [])
              if "window_year_gui_stall_ms" in i]
    if switch:  # the case time-window switch is computed off the GUI thread, same rule
        rows["gui_stall_case_window_switch_ms"] = (max(switch), TARGETS["gui_stall_ms"])
    stalls = [v["max_gui_stall_ms"] for v in out.get("appraisal_gui", {}).values()
              if isinstance(v, dict) and "max_gui_stall_ms" in v]
    if stalls:  # scoring dock, trend and red/black board load off the GUI thread, same rule
        rows["gui_stall_appraisal_panels_ms"] = (max(stalls), TARGETS["gui_stall_ms"])
    if "gui_ms" in m.get("change_refresh", {}):  # one case changed: the panels and layers follow
        rows["change_refresh_gui_ms"] = (m["change_refresh"]["gui_ms"],
                                         TARGETS["change_refresh_gui_ms"])
    if "gap_max_ms" in m.get("idle_window", {}):  # the loaded window left alone
        rows["idle_window_gap_max_ms"] = (m["idle_window"]["gap_max_ms"], TARGETS["gui_stall_ms"])
    if "startup_to_first_paint_s" in out:
        rows["first_map_paint_s"] = (out["startup_to_first_paint_s"], TARGETS["first_paint_s"])
    return {k: {"measured": v, "target": t, "met": bool(v <= t)} for k, (v, t) in rows.items()}


def _first_paint(db: Path, tmp: Path, size: tuple[int, int] = (1920, 1080)) -> dict:
    timing = tmp / "timing.json"
    png = tmp / "shot.png"
    env = {**os.environ, "GRIDCC_TIMING_FILE": str(timing), "QT_QPA_PLATFORM": "offscreen",
           "GRIDCC_CONFIG_DIR": str(tmp / "config")}
    spawned = time.time()
    r = subprocess.run([sys.executable, "-m", "app", "screenshot", str(png), "--db", str(db),
                        "--size", f"{size[0]}x{size[1]}"], env=env, capture_output=True,
                       text=True)
    total = time.time() - spawned
    out: dict = {"screenshot_process_s": round(total, 2)}
    if r.returncode != 0:
        out["screenshot_error"] = r.stderr.strip().splitlines()[-1:] or ["?"]
        return out
    if timing.exists():
        marks = json.loads(timing.read_text())
        out.update({f"startup_to_{k}_s": round(v - spawned, 2) for k, v in marks.items()})
    return out
