"""The whole real pipeline offline: demo workers published as OwnTracks phones → mosquitto →
intake → store → the window's feed; and the command lines around it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from app.clock import FixedClock
from app.intake.feed import intake_feed
from app.intake.mqtt import MqttIntake
from app.intake.service import Intake
from app.intake.simulate import DemoPhones, bind_demo_devices, publish_forever
from app.store import open_store
from tests.conftest import TEST_NOW
from tests.intake.test_mqtt import wait_for
from tests.mqtt_broker import INTAKE_USER, SIMULATOR_USER, Broker

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = {INTAKE_USER: "i-pw", SIMULATOR_USER: "s-pw", "alice": "a-pw"}


@pytest.fixture
def broker(tmp_path):
    with Broker(tmp_path / "broker", ACCOUNTS) as b:
        yield b


def test_simulated_phones_reach_the_feed(broker, small_db_copy):
    from app.feed.roads import RoadLoops
    from app.feed.simulator import load_roster
    from app.map.layers import district_frame, load_grid_levels

    with open_store(small_db_copy) as store:
        clock = FixedClock(TEST_NOW)
        assert bind_demo_devices(store, TEST_NOW, limit=30) == 30
        intake = Intake(store, clock)
        frame = district_frame(store)
        grids = load_grid_levels(store, frame)[4]
        roster = load_roster(store, grids.ids)
        feed = intake_feed(intake, frame)(roster, RoadLoops.from_grids(grids.geoms), 0.0)
        got = []
        feed.subscribe(got.append)
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-sim").start()
        try:
            assert door.connected.wait(30)
            phones = DemoPhones(store, clock, limit=30)
            sent = publish_forever(phones, broker.url(SIMULATOR_USER), threading.Event(),
                                   ticks=2, log=lambda m: None)
            assert sent > 0
            wait_for(lambda: door.acked >= sent, f"{sent} messages acknowledged")
            assert store.scalar("SELECT count(*) FROM device_fixes") == sent
            feed.advance(0.0)
            batch = got[0] if len(got) == 1 else None
            assert batch is not None and len(batch) == sent
            # each fix reached its own worker, where the simulator put it (local metres)
            ids = roster.ids[batch.worker]
            bound = dict(store.rows("SELECT worker_id, key FROM devices"))
            assert set(ids.tolist()) <= set(bound)
            lon, lat = frame.to_lonlat(batch.x, batch.y)
            stored = store.columns("SELECT lon, lat FROM device_fixes ORDER BY lon")
            assert np.allclose(np.sort(lon), stored["lon"], atol=1e-8)
            assert np.allclose(np.sort(lat), np.sort(stored["lat"]), atol=1e-8)
        finally:
            door.stop()
            feed.close()
            intake.close()


def test_a_window_feed_writes_nothing_twice(small_db_copy):
    """The window's fix writer is not subscribed to an intake feed: the intake stored it."""
    from app.feed.roads import RoadLoops
    from app.feed.simulator import load_roster
    from app.feed.storage import FixWriter
    from app.map.layers import district_frame, load_grid_levels

    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        frame = district_frame(store)
        grids = load_grid_levels(store, frame)[4]
        roster = load_roster(store, grids.ids)
        feed = intake_feed(intake)(roster, RoadLoops.from_grids(grids.geoms), 0.0)
        writer = FixWriter(store.cursor(), frame, roster.ids)
        feed.subscribe(writer.add)
        assert not feed._subs._callbacks
        intake.close()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_simulate_and_devices_command_lines(broker, small_db_copy):
    out = run_cli("simulate", "--db", str(small_db_copy), "--mqtt", broker.url(SIMULATOR_USER),
                  "--bind", "--ticks", "1", "--workers", "5")
    assert out.returncode == 0, out.stderr
    assert "已绑定 5 台模拟终端" in out.stderr and "共发布" in out.stdout
    out = run_cli("intake", "devices", "list", "--db", str(small_db_copy))
    assert out.returncode == 0 and "共 5 台终端" in out.stdout and "待绑定" not in out.stdout
    out = run_cli("intake", "devices", "token", "osmand:42", "--crs", "bd09",
                  "--db", str(small_db_copy))
    token = out.stdout.strip()
    assert out.returncode == 0 and len(token) >= 24
    out = run_cli("intake", "devices", "list", "--unbound", "--json", "--db", str(small_db_copy))
    assert '"key": "osmand:42"' in out.stdout and '"crs": "bd09"' in out.stdout
    code = "WGZ00001"
    out = run_cli("intake", "devices", "bind", "osmand:42", code, "--db", str(small_db_copy))
    assert out.returncode == 0 and "已绑定 WGZ00001" in out.stdout
    out = run_cli("intake", "devices", "bind", "osmand:43", code, "--db", str(small_db_copy))
    assert out.returncode == 1 and "没有终端“osmand:43”" in out.stderr
    out = run_cli("simulate", "--db", str(small_db_copy), "--mqtt", "http://x")
    assert out.returncode == 1 and "mqtt://" in out.stderr
    out = run_cli("intake", "--db", str(small_db_copy))
    assert out.returncode == 1 and "--mqtt" in out.stderr


def test_device_token_is_its_mqtt_password(tmp_path, small_db_copy):
    """``devices token --passwd`` and ``devices acl`` make the broker's files: the phone
    signs in with its token and may publish under its own topic only."""
    import paho.mqtt.client as mqtt

    from tests.intake.test_mqtt import location, wait_for

    broker = Broker(tmp_path / "broker", {INTAKE_USER: "i-pw"})
    out = run_cli("intake", "devices", "token", "owntracks:carol/phone", "--passwd",
                  str(broker.passwd), "--db", str(small_db_copy))
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    run_cli("intake", "devices", "token", "osmand:5", "--db", str(small_db_copy))
    out = run_cli("intake", "devices", "acl", str(broker.acl), "--intake-user", INTAKE_USER,
                  "--db", str(small_db_copy))
    assert out.returncode == 0 and "1 个 OwnTracks 账号" in out.stdout
    assert "topic readwrite owntracks/carol/#" in broker.acl.read_text()
    out = run_cli("intake", "devices", "token", "osmand:5", "--passwd", str(broker.passwd),
                  "--db", str(small_db_copy))
    assert out.returncode == 1 and "只用于 OwnTracks" in out.stderr
    with broker, open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-carol").start()
        try:
            assert door.connected.wait(30)
            carol = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
            carol.username_pw_set("carol", token)
            carol.connect("127.0.0.1", broker.port)
            carol.loop_start()
            carol.publish("owntracks/dave/phone", location(1), qos=1).wait_for_publish(30)
            carol.publish("owntracks/carol/phone", location(2), qos=1).wait_for_publish(30)
            wait_for(lambda: door.acked >= 1, "carol's fix")
            assert [r[0] for r in store.rows("SELECT d.key FROM device_fixes f JOIN devices d "
                                             "ON d.id = f.device_id")] == ["owntracks:carol/phone"]
            carol.disconnect()
            carol.loop_stop()
        finally:
            door.stop()
            intake.close()
