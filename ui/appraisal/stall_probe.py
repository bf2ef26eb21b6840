"""How long the GUI thread stalls while the appraisal panels load (run in its own process).

``python -m ui.appraisal.stall_probe --db out/jinhua.duckdb`` opens the district
read-only, builds the scoring dock and the trend panel offscreen, and prints one JSON
object: for each step (department league of the last complete month, the 12-month
trend of the default departments, the league of the month before, the red/black
board) the wall time until the figures are on screen and the longest gap between
ticks of a 5 ms QTimer on the GUI thread meanwhile (the 50 ms rule), plus the load
average.  Every timing is ``perf_counter`` wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


class GapProbe:
    """A 5 ms timer on the GUI thread; the longest gap between its ticks is the stall."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.ends: list[float] = []  # when each gap ended (perf_counter)
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self.ends.append(now)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self.ends.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        """Stop; the longest gap in ms (counting the time since the last tick)."""
        self._tick()
        self.timer.stop()
        return round(max(self.gaps) * 1000.0, 1)


def _measure(app, probe: GapProbe, act, done, timeout: float = 120.0) -> dict:
    probe.start()
    t0 = time.perf_counter()
    act()
    while not done():
        app.processEvents()
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"no result within {timeout:.0f} s")
        time.sleep(0.001)
    wall = time.perf_counter() - t0
    app.processEvents()
    worst = probe.stop()
    # the three longest gaps: [start ms after the request, length ms] (is it the request,
    # the result's arrival, or painting it?)
    top = sorted(zip(probe.gaps, probe.ends, strict=True), reverse=True)[:3]
    return {"wall_ms": round(wall * 1000.0, 1), "max_gui_stall_ms": worst,
            "longest_gaps": [[round((end - gap - t0) * 1000.0), round(gap * 1000.0, 1)]
                             for gap, end in top]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="UI scale (2.0 on a 3840x2160 wall)")
    parser.add_argument("--shown", action="store_true",
                        help="show the panels (offscreen), so that painting counts too")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.store import open_store
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app, args.scale)
    w, h = round(1600 * args.scale), round(700 * args.scale)
    store = open_store(args.db, read_only=True)
    from ui.appraisal.red_black_panel import RedBlackPanel
    from ui.appraisal.scoring_dock import ScoringDock
    from ui.appraisal.trend_panel import TrendPanel

    probe = GapProbe()
    out: dict = {"db": args.db, "scale": args.scale, "shown": args.shown,
                 "load_average": [round(x, 2) for x in os.getloadavg()]}
    dock = ScoringDock(store)
    dock.resize(w, h)
    league = dock.leagues["department"].table
    out["department_league"] = _measure(app, probe, dock.show if args.shown else dock.refresh,
                                        lambda: league.rowCount() > 0 and not _busy(dock))
    first = dock.period.label
    previous = dock.picker.value.itemData(1)
    out["department_league_previous_month"] = _measure(
        app, probe, lambda: dock.picker.set_period(previous),
        lambda: dock.leagues["department"].scores
        and dock.leagues["department"].scores[0] is not None
        and _shown_period(dock) == previous and not _busy(dock))
    trend = TrendPanel(store)
    trend.resize(w, h)
    out["trend_12_months"] = _measure(app, probe, trend.show if args.shown else trend.load,
                                      lambda: bool(trend.chart.items) and not _busy(trend))
    board = RedBlackPanel(store)
    board.resize(w, h)
    out["red_black_board"] = _measure(app, probe, board.show if args.shown else board.refresh,
                                      lambda: bool(board.board.red) and not _busy(board))
    out["periods"] = [first, previous]
    jobs = getattr(dock, "jobs", None)
    if jobs is not None:
        out["worker_ms_last_job"] = {k: round(v * 1000.0, 1)
                                     for k, v in jobs.worker_seconds.items()}
    print(json.dumps(out, ensure_ascii=False))
    for w in (dock, trend, board):
        w.close()
        jobs = getattr(w, "jobs", None)
        if jobs is not None:
            jobs.wait()
    store.close()
    return 0


def _busy(panel) -> bool:
    """Still computing (the asynchronous panels say so; the old ones never are)."""
    busy = getattr(panel, "busy", None)
    return bool(busy()) if callable(busy) else False


def _shown_period(dock) -> str | None:
    shown = getattr(dock, "shown_period", None)
    return shown.label if shown is not None else dock.period.label


if __name__ == "__main__":
    raise SystemExit(main())
