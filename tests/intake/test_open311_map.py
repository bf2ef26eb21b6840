"""A citizen's Open311 request, posted over HTTP to the intake running inside the desktop
app, becomes a case on the map of a real window (the district model follows the change
feed), and its Open311 status follows the case as the operator registers and the
dispatcher dispatches it through app.workflow."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np
import pytest

from app import preferences
from app.auth.accounts import get_user
from app.clock import FixedClock
from app.intake.devices import token_hash
from app.store import open_store
from app.workflow.cases import advance
from tests.conftest import TEST_NOW


def _json(url: str, data: bytes | None = None):
    req = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded"} if data else {})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read())


def test_an_open311_request_is_a_case_on_the_map_and_follows_it(qtbot, qapp, small_db_copy,
                                                                 tmp_path, monkeypatch):
    from app.map.layers import district_frame
    from ui.app import _start_intake
    from ui.main_window import MainWindow

    # the workstation's preferences name an HTTP address: `run` starts the intake there
    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config"))
    preferences.save(tmp_path / "config", replace(preferences.DEFAULTS,
                                                  intake_http="127.0.0.1:0"))
    store = open_store(small_db_copy)
    store.rows("INSERT INTO open311_clients VALUES ('citizen-app', ?, ?)",
               [token_hash("k-311"), TEST_NOW])
    lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE level = 4 "
                          "ORDER BY id LIMIT 1")[0]
    clock = FixedClock(TEST_NOW)
    running = _start_intake(store, clock)
    assert running is not None and len(running.doors) == 1
    base = f"http://127.0.0.1:{running.doors[0].port}/open311/v2"
    window = MainWindow(store, clock=clock, feed=running.feed, persist=False)
    qtbot.addWidget(window)
    try:
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(window.loaded, timeout=120_000)
        layer = window.canvas.view("cases").layer
        before = set(layer.data.ids.tolist())

        status, services = _json(f"{base}/services.json")
        assert status == 200
        form = urlencode({"api_key": "k-311", "service_code": services[0]["service_code"],
                          "lat": lat, "long": lon,
                          "description": "小区门口路灯不亮",  # i18n: no
                          "device_id": "app-7"}).encode()
        status, (made,) = _json(f"{base}/requests.json", form)
        assert status == 200
        rid = int(made["service_request_id"])
        assert rid not in before

        # the district model reads the committed case; the map's case layer draws it
        def drawn():
            data = window.canvas.view("cases").layer.data
            return rid in set(data.ids.tolist())

        qtbot.waitUntil(drawn, timeout=120_000)
        data = window.canvas.view("cases").layer.data
        i = int(np.flatnonzero(data.ids == rid)[0])
        ex, ey = district_frame(store).from_lonlat(lon, lat)
        assert (float(data.x[i]), float(data.y[i])) == (pytest.approx(float(ex), abs=1.0),
                                                        pytest.approx(float(ey), abs=1.0))
        assert bool(data.is_open[i])
        assert _json(f"{base}/requests/{rid}.json")[1][0]["status_notes"] == "已受理"

        # the operator registers it, the dispatcher dispatches it: the status follows
        operator = store.rows("SELECT username FROM users WHERE role = 'operator' "
                              "AND scope_kind = 'district' LIMIT 1")[0][0]
        advance(store, get_user(store, operator), rid, "register", at=TEST_NOW)
        assert _json(f"{base}/requests/{rid}.json")[1][0]["status_notes"] == "已立案"
        dispatcher = store.rows("SELECT username FROM users WHERE role = 'dispatcher' "
                                "AND scope_kind = 'district' LIMIT 1")[0][0]
        dept = int(store.scalar("SELECT min(id) FROM departments"))
        advance(store, get_user(store, dispatcher), rid, "dispatch", at=TEST_NOW,
                department_id=dept)
        status, (req,) = _json(f"{base}/requests/{rid}.json")
        assert (status, req["status"], req["status_notes"]) == (200, "open", "已派遣")
        # and the window's model has it as dispatched too (still open on the map)
        qtbot.waitUntil(lambda: window.district_model.settled(), timeout=60_000)
        assert window.district_model.state.cases is window.canvas.view("cases").layer.data
        assert rid in set(window.district_model.state.cases.ids.tolist())
        # the window's 终端状态 panel came through the plugin door; its rings step back in
        # a replay (they are the alarms of now) and return live
        dock = window.docks["devices"]
        dock.show()
        qtbot.waitUntil(lambda: getattr(dock.widget(), "reads", 0) >= 1, timeout=120_000)
        markers = dock.widget().markers
        assert markers.visible
        window.patrol_controller.set_mode("replay")
        assert not markers.visible and not markers.item.isVisible()
        assert markers.legend() is None
        window.patrol_controller.set_mode("live")
        assert markers.visible
        window.grab().save(str(tmp_path / "open311.png"))
    finally:
        window.close()
        running.stop()
        store.close()


def test_no_intake_unless_the_preferences_name_one(small_db_copy, tmp_path, monkeypatch):
    """Both addresses empty (the default): no intake, the simulator feeds the window; a
    read-only seat never starts one."""
    from ui.app import _start_intake

    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config"))
    with open_store(small_db_copy) as store:
        assert _start_intake(store, FixedClock(TEST_NOW)) is None
    # (another folder: the process reads a folder's preferences once)
    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config2"))
    preferences.save(tmp_path / "config2", replace(preferences.DEFAULTS,
                                                   intake_http="127.0.0.1:0"))
    from ui.settings import preferences as current

    assert current().intake_http == "127.0.0.1:0"
    with open_store(small_db_copy, read_only=True) as store:
        assert _start_intake(store, FixedClock(TEST_NOW)) is None
