"""A window fed by the in-process intake: a phone publishes OwnTracks fixes over a real
broker and the worker moves on the window's map."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import numpy as np
import pytest

from app.clock import FixedClock
from app.intake.devices import bind, register
from app.intake.feed import intake_feed
from app.intake.mqtt import MqttIntake
from app.intake.service import Intake
from app.store import open_store
from tests.conftest import TEST_NOW
from tests.intake.test_mqtt import publisher
from tests.mqtt_broker import INTAKE_USER, Broker

ACCOUNTS = {INTAKE_USER: "i-pw", "alice": "alice-pw"}


@pytest.fixture
def broker(tmp_path):
    with Broker(tmp_path / "broker", ACCOUNTS) as b:
        yield b


def _tst(seconds_before_now: float) -> int:
    local = TEST_NOW - timedelta(seconds=seconds_before_now)
    return int((local - timedelta(hours=8)).replace(tzinfo=UTC).timestamp())


def test_a_phone_moves_its_worker_on_the_map(qtbot, qapp, broker, small_db_copy, tmp_path,
                                              monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config"))
    store = open_store(small_db_copy)
    wid, code, lon, lat = store.rows(
        "SELECT w.id, w.code, g.label_lon, g.label_lat FROM workers w "
        "JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id LIMIT 1")[0]
    # the generated day's last quarter hour of this worker out of the way: the phone's
    # fixes are the ones the map shows
    store.rows("DELETE FROM gps_fixes WHERE worker_id = ? AND t > ?",
               [wid, TEST_NOW - timedelta(minutes=15)])
    register(store, "owntracks:alice/phone", TEST_NOW)
    bind(store, "owntracks:alice/phone", code, TEST_NOW)
    intake = Intake(store, FixedClock(TEST_NOW))
    door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-window").start()
    window = MainWindow(store, clock=FixedClock(TEST_NOW), feed=intake_feed(intake))
    qtbot.addWidget(window)
    alice = publisher(broker, "alice")
    try:
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        assert door.connected.wait(30)
        state = window.patrol
        roster_index = int(np.flatnonzero(state.roster.ids == wid)[0])
        path = [(lon + i * 2e-4, lat) for i in range(3)]  # walking east, ~17 m a step
        for i, (x, y) in enumerate(path):
            msg = {"_type": "location", "lat": y, "lon": x, "tst": _tst(40 - i * 10),
                   "acc": 5, "vel": 4, "tid": "al"}
            alice.publish("owntracks/alice/phone", json.dumps(msg).encode(),
                          qos=1).wait_for_publish(30)

        def shown():
            """The snapshot when it shows the worker, else None."""
            with state.lock:
                snap = state.snapshot()
            hit = np.flatnonzero(snap.worker == roster_index)
            return snap if len(hit) else None

        qtbot.waitUntil(lambda: shown() is not None, timeout=120_000)
        snap = shown()
        i = int(np.flatnonzero(snap.worker == roster_index)[0])
        from app.map.layers import district_frame

        ex, ey = district_frame(store).from_lonlat(path[-1][0], path[-1][1])
        qtbot.waitUntil(lambda: abs(float(shown().x[i]) - float(ex)) < 1.0,
                        timeout=120_000)
        snap = shown()
        i = int(np.flatnonzero(snap.worker == roster_index)[0])
        assert (snap.x[i], snap.y[i]) == (pytest.approx(float(ex), abs=1.0),
                                          pytest.approx(float(ey), abs=1.0))
        window.grab().save(str(tmp_path / "window.png"))
    finally:
        alice.disconnect()
        alice.loop_stop()
        door.stop()
        window.close()
        intake.close()
        store.close()
