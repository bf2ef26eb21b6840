"""Two real seats on one server, each a GridCC window on its own X display (run by hand).

    .venv/bin/python -m tests.soak.two_seats OUT_DIR [--scale hongqiao]

Starts a throwaway PostgreSQL/PostGIS server (app/store/pg_local.py) holding the demo
district, two Xvfb displays (1920×1080), and two GridCC processes: the street seat
signed in as ``sec01`` (街道党工委书记) and the wall seat as ``operator`` (指挥中心值班员),
each connected to the server as its own login role.  The street seat blows a whistle
through its whistle form (a map click in its street, two departments, a title, 吹哨,
the confirmation accepted); the wall seat waits until the whistle is in its model, its
map and its whistle list, selects it, and says when.  Screenshots of both displays
(xwd of the real X screens) go to OUT_DIR; a JSON line reports the times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

STREET_USER, WALL_USER = "sec01", "operator"
TITLE = "丁字沽一号路占道经营反复回潮"


def _password(user: str) -> str:
    from app.auth.permissions import Role
    from app.demo.accounts import DEMO_PASSWORDS

    role = {STREET_USER: Role.STREET_SECRETARY, WALL_USER: Role.OPERATOR}[user]
    return DEMO_PASSWORDS[role]


def _wait(app, cond, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        app.processEvents()
        time.sleep(0.01)


def seat(role: str, url: str, status_file: str) -> int:
    """One seat process (on the DISPLAY it was given)."""
    from PySide6.QtCore import Qt

    from app.auth.server_accounts import server_login
    from app.auth.session import sign_in
    from app.clock import store_clock
    from app.feed.simulator import simulated_feed
    from ui.app import _application, _prepare
    from ui.main_window import MainWindow

    user_name = STREET_USER if role == "street" else WALL_USER
    app = _application()
    geo = app.primaryScreen().size()
    _prepare(app, geo.width(), geo.height())
    store, user = server_login(url, user_name, _password(user_name),
                               at=store_clock_now(url))
    sign_in(user)
    window = MainWindow(store, clock=store_clock(store), feed=simulated_feed, persist=False)
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.showMaximized()
    _wait(app, lambda: window.loaded() and window.panels_filled(), 120, "window loaded")
    status = Path(status_file)

    def say(**kw) -> None:
        with status.open("a") as f:
            f.write(json.dumps({"role": role, "t": time.time(), **kw}, ensure_ascii=False) + "\n")

    say(ready=True, user=user.username, server_user=store.scalar("SELECT current_user"))
    if role == "street":
        panel = window.docks["whistles"].widget()
        window.docks["whistles"].show()
        window.docks["whistles"].raise_()
        # the problem place: a grid of the secretary's own street, clicked on the map
        lon, lat = store.rows(
            "SELECT g.label_lon, g.label_lat FROM grid_units g JOIN grid_units c "
            "ON c.id = g.parent_id WHERE g.level = 4 AND c.parent_id = ? ORDER BY g.id "
            "LIMIT 1 OFFSET 3", [user.scope.id])[0]
        x, y = window.district_map.frame.from_lonlat(lon, lat)
        window.canvas.mapClicked.emit(float(x), float(y))  # as a click on the map does
        panel.tabs.setCurrentIndex(panel.tabs.count() - 1)  # the 吹哨 form
        for row in range(2):  # the first two departments of the list
            panel.dept_list.item(row).setCheckState(Qt.CheckState.Checked)
        panel.title_edit.setText(TITLE)
        confirmations = []
        panel.confirmer = lambda text: confirmations.append(text) or True
        _wait(app, lambda: panel.blow_button.isEnabled(), 10, "blow button enabled")
        t0 = time.time()
        panel.blow_button.click()
        try:
            _wait(app, lambda: panel.selected_id() is not None, 30, "the new whistle selected")
        except TimeoutError:
            say(error=panel.blow_message.text(), place=str(panel.place),
                departments=panel.checked_departments(), title=panel.title_edit.text())
            raise
        say(blown=panel.selected_id(), t_blow=t0, confirmation=confirmations[-1:],
            message=panel.blow_message.text())
    else:
        panel = window.docks["whistles"].widget()
        known = set(window.district_model.state.whistles)

        def arrived():
            new = [w for w in window.district_model.state.whistles if w not in known]
            return new[0] if new else None

        _wait(app, lambda: arrived() is not None, 300, "the whistle at the wall")
        wid = arrived()
        t_model = time.time()
        _wait(app, lambda: wid in panel.row_ids, 30, "the whistle in the wall's list")
        t_list = time.time()
        panel.select_whistle(wid)
        say(seen=wid, t_model=t_model, t_list=t_list,
            title=window.district_model.state.whistles[wid].title)
    t_end = time.time() + 60
    while time.time() < t_end and not Path(status_file + ".stop").exists():
        app.processEvents()
        time.sleep(0.02)
    window.close()
    store.close()
    return 0


def store_clock_now(url: str):
    from app.clock import district_clock

    return district_clock().now()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "seat":
        return seat(argv[1], argv[2], argv[3])
    out = Path(argv[0] if argv else "/tmp/two_seats")
    scale = argv[argv.index("--scale") + 1] if "--scale" in argv else "hongqiao"
    out.mkdir(parents=True, exist_ok=True)
    from app.demo_build import build_demo_on_server
    from app.store.pg_local import Cluster

    cluster = Cluster()
    procs: list[subprocess.Popen] = []
    try:
        url = cluster.create_db("two_seats")
        build_demo_on_server(url, scale=scale)
        status = out / "status.jsonl"
        status.unlink(missing_ok=True)
        Path(str(status) + ".stop").unlink(missing_ok=True)
        displays = {"street": ":71", "wall": ":72"}
        for d in displays.values():
            procs.append(subprocess.Popen(["Xvfb", d, "-screen", "0", "1920x1080x24",
                                           "-nolisten", "tcp"], stderr=subprocess.DEVNULL))
        time.sleep(1.5)
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "GRIDCC_CONFIG_DIR": str(out / "cfg")}
        env.pop("GRIDCC_NOW", None)
        # the wall first, so that it is watching when the street blows
        for role in ("wall", "street"):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "tests.soak.two_seats", "seat", role, url, str(status)],
                env={**env, "DISPLAY": displays[role]}))
            deadline = time.time() + 180
            while not (status.exists() and f'"role": "{role}", ' in status.read_text()
                       and "ready" in status.read_text().split(f'"role": "{role}"')[1][:200]):
                if time.time() > deadline:
                    raise TimeoutError(f"{role} seat did not start")
                time.sleep(0.5)
        deadline = time.time() + 300
        while '"seen"' not in status.read_text():
            if time.time() > deadline:
                raise TimeoutError("the wall never saw the whistle")
            time.sleep(0.5)
        time.sleep(2.0)  # let both windows repaint
        for role, d in displays.items():
            png = out / f"{role}.png"
            xwd = subprocess.run(["xwd", "-root", "-silent", "-display", d],
                                 capture_output=True, check=True).stdout
            subprocess.run(["convert", "xwd:-", f"png:{png}"], input=xwd, check=True)
        Path(str(status) + ".stop").write_text("")
        lines = [json.loads(x) for x in status.read_text().splitlines()]
        blown = next(x for x in lines if "blown" in x)
        seen = next(x for x in lines if "seen" in x)
        print(json.dumps({"whistle": blown["blown"], "seen_at_wall": seen["seen"],
                          "street_server_user": next(x["server_user"] for x in lines
                                                     if x.get("role") == "street" and "ready" in x),
                          "wall_server_user": next(x["server_user"] for x in lines
                                                   if x.get("role") == "wall" and "ready" in x),
                          "blow_to_wall_model_ms": round((seen["t_model"] - blown["t_blow"]) * 1000),
                          "blow_to_wall_list_ms": round((seen["t_list"] - blown["t_blow"]) * 1000),
                          "confirmation": blown["confirmation"],
                          "screenshots": [str(out / "street.png"), str(out / "wall.png")]},
                         ensure_ascii=False, indent=1))
        return 0
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
