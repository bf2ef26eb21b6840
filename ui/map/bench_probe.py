"""Map rendering figures for ``python -m app bench`` (run in its own process).

``python -m ui.map.bench_probe --db D --size 3840x2160`` opens the main window
offscreen (software rendering) and prints one JSON object: pan frame times,
static re-render time and the longest GUI-thread stall during it, live tick cost
for synthetic rosters of 1,000 and 10,000 workers with 10-minute trails, the
incident layer with 180,000 and 1,000,000 synthetic cases, the GUI-thread cost of the
refresh after one case changes (``change_refresh``), and peak memory.
``--idle SECONDS``: only the loaded window left alone (its longest GUI gap).
Every timing is GUI-thread wall time measured with ``perf_counter``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import numpy as np


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def _pct(values: list[float], q: float) -> float:
    return _ms(float(np.percentile(values, q))) if values else 0.0


def _paint(canvas) -> float:
    t0 = time.perf_counter()
    canvas.viewport().repaint()
    return time.perf_counter() - t0


def _settle(app, canvas, timeout: float = 30.0) -> None:
    """Wait until every image cache of the canvas (static layers, trails) is current and
    every label drawn."""
    deadline = time.perf_counter() + timeout
    while not canvas.settled() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()


def pan_frames(app, canvas, frames: int = 60) -> dict:
    """Frame times while dragging: old static image transformed, dynamic layers drawn."""
    _settle(app, canvas)
    times = []
    for i in range(frames):
        r = canvas.visible_rect()
        step = r.width() * 0.01 * (1 if (i // 20) % 2 == 0 else -1)
        canvas.center_on(r.center().x() + step, r.center().y())
        times.append(_paint(canvas))
    return {"p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95), "max_ms": _pct(times, 100)}


def static_rerender(app, canvas) -> dict:
    """Full re-render of the static image; the longest GUI-thread gap meanwhile."""
    from PySide6.QtCore import QTimer

    _settle(app, canvas)
    gaps, last = [], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    t0 = time.perf_counter()
    canvas.static_cache.invalidate()
    app.processEvents()
    _settle(app, canvas)
    wall = time.perf_counter() - t0
    probe.stop()
    return {"render_ms": _ms(canvas.static_cache.last_render_s), "wall_ms": _ms(wall),
            "gui_stall_max_ms": _pct(gaps, 100)}


def live_ticks(app, canvas, loops, n_workers: int, ticks: int = 10) -> dict:
    """A synthetic roster of ``n_workers`` walking the district's road loops, 10-minute
    trails at 10 s fixes; the GUI-thread cost of one tick as the application runs it:
    post the feed step to the feed worker, ask it for a snapshot, hand the snapshot
    to the layer, paint.  The worker's own time (simulator, buffers -> trail arrays)
    and the trail image render are reported beside it, not counted as GUI work."""
    from app.feed import PatrolSimulator, WorkerRoster
    from app.feed.live import PatrolState
    from app.map.layer_stack import MapLayer
    from ui.map.layers.patrol import PatrolView
    from ui.map.patrol_feed import PatrolFeedWorker

    rng = np.random.default_rng(1)
    roles = np.array(["grid_worker", "grid_leader", "police", "sanitation", "city_management"],
                     object)
    roster = WorkerRoster(np.arange(1, n_workers + 1), roles[rng.integers(0, 5, n_workers)],
                          rng.integers(0, len(loops), n_workers),
                          np.zeros(n_workers), np.full(n_workers, 86_399.0))
    t0 = 1_763_600_000.0 - (1_763_600_000.0 % 86_400) + 9 * 3600
    state = PatrolState(roster, loops, t0)
    sim = PatrolSimulator(loops, roster, t0, interval_s=10.0, seed=2)
    sim.subscribe(state.push)
    sim.advance(t0 + 600)  # ten minutes of trail
    view = PatrolView(MapLayer("bench_patrol", state), canvas)
    view.set_z(5_000)
    view.refresh()
    feed = PatrolFeedWorker(state)
    got = []
    feed.snapshotReady.connect(lambda snap, version: got.append((snap, version)))
    post, show, paint, worker_step, worker_snap, trail = [], [], [], [], [], []
    for k in range(ticks):
        t = t0 + 600 + 10 * (k + 1)
        a = time.perf_counter()
        feed.run(lambda t=t: (sim.advance(t), state.set_now(t)))
        feed.request_snapshot(view.trail_window())
        post.append(time.perf_counter() - a)
        while not got:  # the worker's time, not the GUI thread's
            app.processEvents()
            time.sleep(0.0005)
        snap, version = got.pop()
        a = time.perf_counter()
        view.show(snap, version)
        show.append(time.perf_counter() - a)
        worker_step.append(feed.last_step_s)
        worker_snap.append(feed.last_snapshot_s)
        _settle(app, canvas)  # the trail image renders in its own worker
        trail.append(view.trail_cache.last_render_s)
        paint.append(_paint(canvas))
    feed.close()
    out = {"workers": n_workers, "trail_vertices": int(len(state.snapshot().trails)),
           "feed_ms": _pct(post, 50), "layer_update_ms": _pct(show, 50),
           "paint_ms": _pct(paint, 50),
           "tick_gui_ms": round(_pct(post, 50) + _pct(show, 50) + _pct(paint, 50), 1),
           "worker_feed_ms": _pct(worker_step, 50), "worker_snapshot_ms": _pct(worker_snap, 50),
           "trail_render_ms": _pct(trail, 50)}
    view.remove()
    return out, state


def _gui_time(app, action, done, timeout: float = 30.0) -> tuple[float, float]:
    """(GUI seconds spent in ``action``, longest GUI-thread gap until ``done()``)."""
    from PySide6.QtCore import QTimer

    gaps, last = [], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    for _ in range(3):  # earlier work (e.g. the paint a layer build asked for) is not ours
        app.processEvents()
    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    a = time.perf_counter()
    action()
    spent = time.perf_counter() - a
    last[0] = time.perf_counter()
    deadline = time.perf_counter() + timeout
    while not done() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    probe.stop()
    return spent, max(gaps, default=0.0)


def incident_layer(app, canvas, n_cases: int, extent) -> dict:
    """``n_cases`` synthetic cases over the district (a year of reports), in place of the
    district's own case layer (hidden meanwhile): build the items, switch the time
    window to a year (computed in the layer's worker: the GUI time, the worker time and
    the longest GUI-thread gap meanwhile), then paint the overview (aggregated) and a
    street-level view."""
    from app.map.layer_stack import MapLayer
    from app.map.layers import CASE_KINDS, CaseData
    from ui.map.layers.cases import CaseView

    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = extent
    now = canvas.parent().district_map.now
    from app.feed import to_seconds

    t = to_seconds(now)
    reported = t - rng.uniform(0, 365 * 86_400, n_cases)
    closed = np.where(rng.random(n_cases) < 0.97, reported + rng.uniform(3600, 7 * 86400,
                                                                            n_cases), np.nan)
    closed[closed > t] = np.nan
    data = CaseData(
        ids=np.arange(n_cases), x=rng.uniform(x0, x1, n_cases), y=rng.uniform(y0, y1, n_cases),
        kind=np.array(CASE_KINDS, object)[rng.integers(0, len(CASE_KINDS), n_cases)],
        is_open=np.isnan(closed), overdue=np.zeros(n_cases, bool), now=now,
        reported_s=reported, closed_s=closed, deadline_s=reported + 5 * 86400)
    canvas.zoom_to_extent()
    a = time.perf_counter()
    view = CaseView(MapLayer("bench_cases", data), canvas)
    view.set_z(4_000)
    build = time.perf_counter() - a
    # the window switch as the toolbar does it: filtered and aggregated in the worker,
    # the GUI thread posts the request and swaps the arrays in (and stays responsive)
    post, stall = _gui_time(app, lambda: view.set_window("year"), lambda: not view.pending())
    year_gui = post + view.last_apply_s
    year_worker = view.last_compute_s
    _settle(app, canvas)  # the steady frame: every image cache current
    overview = [_paint(canvas) for _ in range(3)]
    agg = view.aggregated
    post, zoom_stall = _gui_time(app, lambda: canvas.zoom_by(8.0), lambda: not view.pending())
    zoom_update = view.last_apply_s
    _settle(app, canvas)
    detail = [_paint(canvas) for _ in range(3)]
    out = {"cases": n_cases, "build_ms": _ms(build), "window_year_ms": _ms(year_gui),
           "window_year_worker_ms": _ms(year_worker), "window_year_gui_stall_ms": _ms(stall),
           "overview_paint_ms": _pct(overview, 50), "overview_aggregated": bool(agg),
           "detail_update_ms": _ms(zoom_update), "detail_worker_ms": _ms(view.last_compute_s),
           "detail_paint_ms": _pct(detail, 50), "detail_aggregated": bool(view.aggregated)}
    view.remove()
    canvas.zoom_to_extent()
    return out, data


def change_refresh(app, window, repeats: int = 5) -> dict:
    """GUI-thread milliseconds of the refresh after one case changes: a ``case.dispatch``
    change for an open case is published (as a commit would), and the district model, the
    panels and the map layers follow it.  Counted: the model's GUI work (queueing, posting
    the read, swapping the state in and every panel and layer slot its signals run), the
    case layer swapping its recomputed frame in, and the case list filling again; not
    counted: the worker's read and merge, the layer's frame computation (median of
    ``repeats``)."""
    from datetime import datetime

    from app.changes import Change

    model = window.district_model
    view = window.canvas.view("cases")
    dock = window.docks.get("cases")
    case_panel = dock.widget() if dock is not None else None
    data = model.state.cases
    open_ids = data.ids[data.is_open]
    if not len(open_ids):
        return {"error": "no open case"}
    gui, worker, parts = [], [], []
    for k in range(repeats):
        case_id = int(open_ids[(k * 7919) % len(open_ids)])
        if case_panel is not None:
            case_panel.last_fill_s = 0.0
        view.last_apply_s = 0.0
        model.store.changes.publish([Change("case", (case_id,), "case.dispatch", "bench",
                                            datetime.now())])
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and not (
                model.settled() and not view.pending()
                and (case_panel is None or not case_panel.work.busy())):
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        fill = case_panel.last_fill_s if case_panel is not None else 0.0
        total = model.last_gui_s + view.last_apply_s + fill
        gui.append(total)
        worker.append(model.last_worker_s + view.last_compute_s)
        parts.append((model.last_gui_s, view.last_apply_s, fill))
    i = int(np.argsort(gui)[len(gui) // 2])
    out = {"cases": len(data), "gui_ms": _pct(gui, 50), "gui_max_ms": _pct(gui, 100),
           "model_and_slots_ms": _ms(parts[i][0]), "case_layer_apply_ms": _ms(parts[i][1]),
           "case_list_fill_ms": _ms(parts[i][2]), "worker_ms": _pct(worker, 50)}
    # one whistle changing: the whistle list, supervision, markers and whistle layer follow
    rows = model.state.whistles
    if rows:
        wgui = []
        for k in range(repeats):
            wid = sorted(rows)[(k * 31) % len(rows)]
            model.store.changes.publish([Change("whistle", (wid,), "whistle.report_in",
                                                "bench", datetime.now())])
            deadline = time.perf_counter() + 60
            while time.perf_counter() < deadline and not model.settled():
                app.processEvents()
                time.sleep(0.001)
            wgui.append(model.last_gui_s)
        out.update(whistles=len(rows), whistle_gui_ms=_pct(wgui, 50))
    return out


def rss_mb() -> float:
    """Current resident memory (Linux /proc), else the peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 1e6, 1)
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1)


def idle_window(app, window, seconds: float = 10.0) -> dict:
    """The fully loaded window (docks, live feed, blinking, clocks) left alone: the
    longest gap between ticks of a 5 ms timer on the GUI thread (the 50 ms rule) and how
    often the map repaints."""
    from PySide6.QtCore import QEvent, QObject

    from ui.appraisal.stall_probe import GapProbe

    class _Paints(QObject):
        count = 0

        def eventFilter(self, obj, ev) -> bool:
            if ev.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = _Paints()
    viewport = window.canvas.viewport()
    viewport.installEventFilter(paints)
    probe = GapProbe()
    probe.start()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
        time.sleep(0.001)
    worst = probe.stop()
    viewport.removeEventFilter(paints)
    gaps = sorted(probe.gaps)
    return {"seconds": seconds, "gap_max_ms": worst, "gap_p99_ms": _pct(gaps, 99),
            "map_paints_per_s": round(paints.count / seconds, 2),
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def idle_main(db: str, width: int, height: int, seconds: float) -> dict:
    """``--idle``: a fresh window as an operator has it (docks shown, timers running)."""
    from app.store import open_store
    from ui.app import _application, _prepare

    app = _application()
    _prepare(app, width, height)
    from ui.main_window import MainWindow

    store = open_store(db, read_only=True)
    window = MainWindow(store, persist=False)
    try:
        window.resize(width, height)
        window.show()
        deadline = time.perf_counter() + 90
        while (not (window.loaded() and window.canvas.settled())
               and time.perf_counter() < deadline):
            app.processEvents()
            time.sleep(0.002)
        return {"size": f"{width}x{height}", **idle_window(app, window, seconds)}
    finally:
        window.close()
        store.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.map.bench_probe")
    p.add_argument("--db", required=True)
    p.add_argument("--size", default="3840x2160")
    p.add_argument("--quick", action="store_true", help="skip the 1,000,000-case and "
                   "10,000-worker runs")
    p.add_argument("--idle", type=float, metavar="SECONDS",
                   help="only the idle window figure: the loaded window left alone")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(v) for v in args.size.lower().split("x"))
    if args.idle:
        json.dump(idle_main(args.db, width, height, args.idle), sys.stdout)
        sys.stdout.write("\n")
        return 0

    from app.store import open_store
    from ui.app import _application, _prepare

    app = _application()
    _prepare(app, width, height)
    from ui.main_window import MainWindow

    store = open_store(args.db, read_only=True)
    window = MainWindow(store, persist=False)
    window.patrol_controller.feed_timer.stop()
    window.patrol_controller.redraw_timer.stop()
    out: dict = {"size": args.size}
    try:
        for d in window.docks.values():
            d.hide()  # the big-screen layout: the map takes the whole window
        window.resize(width, height)
        window.show()
        canvas = window.canvas
        deadline = time.perf_counter() + 10
        while canvas.width() <= 0 and time.perf_counter() < deadline:
            app.processEvents()
        deadline = time.perf_counter() + 60  # the staged start: buildings and cases arrive
        while not window.loaded() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)
        canvas.zoom_to_extent()
        _settle(app, canvas)
        deadline = time.perf_counter() + 60  # the panels (the case list) have their data
        while not window.panels_filled() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)
        out["change_refresh"] = change_refresh(app, window)
        _settle(app, canvas)
        out["district_static"] = static_rerender(app, canvas)
        out["district_pan"] = pan_frames(app, canvas)
        # street level: 2.5D buildings extruded
        canvas.zoom_by(4.0)
        _settle(app, canvas)
        out["street_static_25d"] = static_rerender(app, canvas)
        out["street_pan_25d"] = pan_frames(app, canvas)
        canvas.zoom_to_extent()
        _settle(app, canvas)
        loops = window.patrol.loops
        held = []  # the largest roster and case set stay alive for the memory figure
        out["live_tick"] = []
        for n in (1_000,) if args.quick else (1_000, 10_000):
            figures, state = live_ticks(app, canvas, loops, n)
            out["live_tick"].append(figures)
            held.append(state)
        out["incidents"] = []
        # the synthetic cases stand in for the district's own: one case layer on the map
        window.layers.set_visible("cases", False)
        for n in (180_000,) if args.quick else (180_000, 1_000_000):
            figures, data = incident_layer(app, canvas, n, window.district_map.extent)
            out["incidents"].append(figures)
            held.append(data)
        window.layers.set_visible("cases", True)
        out["steady_rss_mb"] = rss_mb()  # with the district, 1M cases and 10k tracks held
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1)
    finally:
        window.close()
        store.close()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
