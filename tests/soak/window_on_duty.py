"""Soak run of the real window on duty (by hand; pytest does not collect it).

For SECONDS the window runs on the live clock as the first street's secretary: screenshots
at the start and the end (workstation and big screen), a whistle blown through the whistle
panel and checked in the headline, the list and on the map; run again with phase
"restart", the whistle must still count.  Events go to OUTDIR/<phase>_log.json.

    Xvfb :77 -screen 0 1920x1080x24 &
    DISPLAY=:77 QT_QPA_PLATFORM=xcb .venv/bin/python tests/soak/window_on_duty.py \\
        out/soak.duckdb out/soak 600 first        # then: … 60 restart
"""

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.auth.accounts import get_user
from app.auth.session import sign_in
from app.feed.simulator import simulated_feed
from app.store import open_store
from ui.app import _prepare, on_duty_clock
from ui.main_window import MainWindow

db, out, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
phase = sys.argv[4] if len(sys.argv) > 4 else "first"
out.mkdir(parents=True, exist_ok=True)
app = QApplication(sys.argv[:1])
_prepare(app, 1920, 1080)
store = open_store(db)
clock = on_duty_clock(store)
sign_in(get_user(store, "sec01"))
window = MainWindow(store, clock=clock, feed=simulated_feed, persist=False)
window.setGeometry(app.primaryScreen().availableGeometry())
window.showMaximized()
log = {"phase": phase, "events": []}


def note(what, **kw):
    kw.update(what=what, wall=time.strftime("%H:%M:%S"), clock=str(clock.now()))
    log["events"].append(kw)
    print(json.dumps(kw, ensure_ascii=False, default=str), flush=True)


def wait(cond, timeout=30.0):
    t = time.monotonic()
    while not cond() and time.monotonic() - t < timeout:
        app.processEvents()
        time.sleep(0.02)
    return cond()


def shot(name):
    window.grab().save(str(out / f"{phase}_{name}.png"))
    note("screenshot", name=name, status_clock=window.map_status.clock_label.text())


def figures():
    m = window.district_model
    h = m.headline() if callable(getattr(m, "headline", None)) else None
    return h


def blow():
    panel = window.docks["whistles"].widget()
    ids = window.district_model.state.whistles
    before = set(ids)
    dm = window.district_map
    g = dm.levels[4]
    x, y = float(g.label_x[0]), float(g.label_y[0])
    panel.on_map_click(x, y)
    panel.title_edit.setText("长期闲置空地垃圾堆积整治（值班演练）")
    for i in range(2):
        panel.dept_list.item(i).setCheckState(panel.dept_list.item(i).checkState().Checked)
    t0 = time.perf_counter()
    wid = panel.blow()
    note("blow_message", text=panel.blow_message.text(), wid=wid)
    wait(lambda: wid in window.district_model.state.whistles)
    dt = (time.perf_counter() - t0) * 1000
    h = window.district_model.state.headline(clock.now())
    in_list = wid in panel.row_ids
    on_map = wid in set(int(i) for i in window.canvas.view("whistles").layer.data.ids)
    note("blown", wid=wid, ms_to_model=round(dt, 1), in_progress=h.whistles_in_progress,
         in_list=in_list, on_map=on_map, new=sorted(set(window.district_model.state.whistles) - before))
    return wid


def run():
    wait(lambda: window.canvas.first_paint_seconds is not None, 60)
    wait(lambda: window.startup is None or window.startup.done, 120)
    wait(lambda: window.panels_filled(), 60)
    time.sleep(2)
    app.processEvents()
    shot("start")
    h = window.district_model.state.headline(clock.now())
    note("headline_start", in_progress=h.whistles_in_progress, open=h.open_cases,
         overdue=h.overdue, today=h.cases_today)
    if phase == "first":
        log["wid"] = blow()
        shot("after_blow")
    window.big_screen.enter()
    wait(lambda: False, 3)
    shot("bigscreen_start")
    window.big_screen.leave()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    shot("end")
    window.big_screen.enter()
    wait(lambda: False, 3)
    shot("bigscreen_end")
    h = window.district_model.state.headline(clock.now())
    note("headline_end", in_progress=h.whistles_in_progress, open=h.open_cases,
         overdue=h.overdue, today=h.cases_today, strip_clock=window.big_screen.strip.clock.text())
    (out / f"{phase}_log.json").write_text(json.dumps(log, ensure_ascii=False, default=str,
                                                       indent=1))
    window.close()
    app.quit()


QTimer.singleShot(0, run)
app.exec()
store.close()
