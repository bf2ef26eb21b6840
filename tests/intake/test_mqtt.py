"""The MQTT door against a real mosquitto (tests/mqtt_broker.py) with paho publishing as
OwnTracks does: per-user sign-in and topics, acknowledgement after commit, a redelivered
QoS 1 message stored once, and an intake process killed with SIGKILL mid-stream losing
no fix the broker accepted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from app.clock import FixedClock
from app.intake.mqtt import MqttIntake
from app.intake.service import Intake
from app.store import open_store
from tests.conftest import TEST_NOW
from tests.mqtt_broker import INTAKE_USER, Broker

ROOT = Path(__file__).resolve().parents[2]
TST = int(TEST_NOW.timestamp())  # naive district time read as local: only differences matter
ACCOUNTS = {INTAKE_USER: "intake-pw", "alice": "alice-pw", "bob": "bob-pw"}


@pytest.fixture
def broker(tmp_path):
    with Broker(tmp_path / "broker", ACCOUNTS) as b:
        yield b


def publisher(broker: Broker, user: str, password: str | None = None) -> mqtt.Client:
    """A phone: paho, MQTT 3.1.1 like OwnTracks, QoS 1, connected and looping."""
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"phone-{user}-{os.getpid()}",
                    protocol=mqtt.MQTTv311)
    c.username_pw_set(user, password if password is not None else ACCOUNTS[user])
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    return c


def location(i: int, lat=39.17, lon=117.16) -> bytes:
    """OwnTracks' location message (zero values left out as the app does)."""
    return json.dumps({"_type": "location", "tid": "al", "lat": lat, "lon": lon + i * 1e-5,
                       "tst": TST - 3600 + i, "acc": 6, "batt": 80, "vel": 4,
                       "t": "u"}).encode()


def wait_for(pred, what: str, limit_s: float = 120.0):
    """Poll until ``pred()`` holds (a deadline to fail on, never a speed to assert)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"waited {limit_s:.0f} s for {what}")


def count(db, sql="SELECT count(*) FROM device_fixes", params=()):
    with open_store(db, read_only=True) as s:
        return int(s.scalar(sql, params))


def test_owntracks_over_mqtt_stored_and_acknowledged(broker, small_db_copy):
    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-intake").start()
        try:
            assert door.connected.wait(30), broker.log()
            alice = publisher(broker, "alice")
            infos = [alice.publish("owntracks/alice/phone", location(i), qos=1, retain=True)
                     for i in range(20)]
            for info in infos:
                info.wait_for_publish(30)
            alice.publish("owntracks/alice/phone", b"{broken", qos=1).wait_for_publish(30)
            alice.publish("owntracks/alice/phone/event",
                          json.dumps({"_type": "transition"}).encode(), qos=1)
            wait_for(lambda: door.acked >= 22, "22 acknowledgements")
            n = store.scalar("SELECT count(*) FROM device_fixes")
            assert n == 20
            assert store.rows("SELECT key, worker_id FROM devices") == [
                ("owntracks:alice/phone", None)]  # 待绑定
            assert intake.counters.refused.get("malformed") == 1
            # the same message again (a QoS 1 redelivery, or the retained copy): stored once
            alice.publish("owntracks/alice/phone", location(3), qos=1).wait_for_publish(30)
            wait_for(lambda: door.acked >= 23, "the repeat acknowledged")
            assert store.scalar("SELECT count(*) FROM device_fixes") == 20
            assert intake.counters.refused.get("duplicate") == 1
            alice.disconnect()
            alice.loop_stop()
        finally:
            door.stop()


def test_foreign_topic_and_unauthenticated_are_refused_by_the_broker(broker, small_db_copy):
    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-intake2").start()
        try:
            assert door.connected.wait(30)
            bob = publisher(broker, "bob")
            bob.publish("owntracks/alice/phone", location(1), qos=1).wait_for_publish(30)
            bob.publish("owntracks/bob/phone", location(2), qos=1).wait_for_publish(30)
            wait_for(lambda: door.acked >= 1, "bob's own message")
            assert store.rows("SELECT key FROM devices") == [("owntracks:bob/phone",)]
            bob.disconnect()
            bob.loop_stop()
            # a wrong password: the broker refuses the connection
            bad = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
            bad.username_pw_set("alice", "wrong")
            with pytest.raises(Exception):  # noqa: B017 (paho's refusal types vary by version)
                bad.connect("127.0.0.1", broker.port)
                for _ in range(50):
                    rc = bad.loop(0.1)
                    if rc != mqtt.MQTT_ERR_SUCCESS:
                        raise ConnectionRefusedError(rc)
                if not bad.is_connected():
                    raise ConnectionRefusedError("not connected")
        finally:
            door.stop()


def test_unacknowledged_messages_come_again_after_a_restart(broker, small_db_copy):
    """The intake stopped while messages wait (persistent session): they arrive when it
    is back, each stored once."""
    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-intake3").start()
        assert door.connected.wait(30)
        door.stop()
        alice = publisher(broker, "alice")
        for i in range(30):
            alice.publish("owntracks/alice/phone", location(i), qos=1).wait_for_publish(30)
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-intake3").start()
        try:
            wait_for(lambda: store.scalar("SELECT count(*) FROM device_fixes") == 30,
                     "the 30 queued messages")
        finally:
            door.stop()
            alice.disconnect()
            alice.loop_stop()


def _intake_process(db: Path, url: str, log) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "app", "intake", "--db", str(db),
                             "--mqtt", url, "--client-id", "t-killed"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)


@pytest.mark.slow
def test_sigkill_mid_stream_loses_no_accepted_fix(broker, small_db_copy, tmp_path):
    """A few SIGKILLs of an intake process while a phone publishes 600 fixes: every fix
    the broker accepted ends up stored, once."""
    log_path = tmp_path / "intake.log"
    log = open(log_path, "ab")  # noqa: SIM115

    def start() -> subprocess.Popen:
        """The intake process, once it is connected."""
        log.flush()
        n = log_path.read_text().count("connected to") + 1
        p = _intake_process(small_db_copy, broker.url(INTAKE_USER), log)
        wait_for(lambda: log_path.read_text().count("connected to") >= n or p.poll() is not None,
                 "the intake connected")
        assert p.poll() is None, log_path.read_text()[-2000:]
        return p

    alice = publisher(broker, "alice")
    proc = start()  # its session exists from now on: the broker keeps what comes for it
    try:
        total, kills = 600, 0
        for i in range(total):
            alice.publish("owntracks/alice/phone", location(i), qos=1).wait_for_publish(30)
            if i % 150 == 149:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                kills += 1
                proc = start()
            elif i % 5 == 0:
                time.sleep(0.01)
        assert kills == 4
        # the file has one writer, the intake: stop it (SIGTERM) to look, start it again
        # while fixes are still on their way
        deadline = time.monotonic() + 180
        while True:
            time.sleep(3)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
            if count(small_db_copy) >= total or time.monotonic() > deadline:
                break
            proc = start()
        assert count(small_db_copy) == total, (tmp_path / "intake.log").read_text()[-3000:]
        assert count(small_db_copy, "SELECT count(DISTINCT t) FROM device_fixes") == total
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        alice.disconnect()
        alice.loop_stop()
        log.close()


def test_broker_restart_reconnects_and_keeps_the_session(broker, small_db_copy):
    """The broker goes away and comes back (same port, its persistence on disk): the intake
    reconnects by itself (backoff at most 4 s) and what was published meanwhile arrives."""
    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-restart").start()
        try:
            assert door.connected.wait(30)
            alice = publisher(broker, "alice")
            alice.publish("owntracks/alice/phone", location(0), qos=1).wait_for_publish(30)
            wait_for(lambda: door.acked >= 1, "the first message")
            alice.disconnect()
            alice.loop_stop()
            broker.stop()
            wait_for(lambda: not door.connected.is_set(), "the intake to notice")
            broker.start()
            alice = publisher(broker, "alice")
            alice.publish("owntracks/alice/phone", location(1), qos=1).wait_for_publish(30)
            wait_for(door.connected.is_set, "the intake to reconnect")
            wait_for(lambda: store.scalar("SELECT count(*) FROM device_fixes") == 2,
                     "the message published while the intake was reconnecting")
            alice.disconnect()
            alice.loop_stop()
        finally:
            door.stop()


def test_a_wrong_password_is_refused_and_tried_again_quietly(broker, small_db_copy, caplog):
    """The broker refuses the intake's sign-in: it says why, keeps trying with its backoff
    and stops cleanly."""
    url = broker.url(INTAKE_USER).replace(":intake-pw@", ":wrong@")
    with open_store(small_db_copy) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, url, client_id="t-wrong").start()
        try:
            # mosquitto says "not authorized" (0x87) for a wrong password
            wait_for(lambda: "refused the connection: not authorized (0x87)" in caplog.text,
                     "the refusal logged")
            assert not door.connected.is_set()
        finally:
            door.stop()
        assert not any(t.is_alive() for t in door._threads)
