"""The intake on a district server that goes down and comes back: what phones publish
meanwhile waits on the broker (unacknowledged, QoS 1, the intake's persistent session)
and is stored once the server is back, each fix once."""

from __future__ import annotations

import pytest

from app.clock import FixedClock
from app.intake.devices import bind, register
from app.intake.mqtt import MqttIntake
from app.intake.service import Intake
from app.store import open_store
from tests.conftest import TEST_NOW
from tests.intake.test_mqtt import ACCOUNTS, location, publisher, wait_for
from tests.mqtt_broker import INTAKE_USER, Broker


@pytest.fixture(scope="module")
def own_server(small_db_path):
    """A cluster of this module's own (stopping it disturbs no other test) holding the
    small district."""
    from app.store.pg_copy import copy_district
    from app.store.pg_server import init_server
    from tests.pg_cluster import Cluster

    c = Cluster()
    url = c.create_db("intake_restart")
    init_server(url)
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    yield c, url
    c.destroy()


def test_fixes_published_while_the_server_is_down_arrive_afterwards(own_server, tmp_path):
    cluster, url = own_server
    track = "SELECT count(*) FROM gps_fixes g JOIN workers w ON w.id = g.worker_id WHERE w.code = ?"
    with open_store(url) as store:
        code = store.scalar("SELECT code FROM workers ORDER BY id LIMIT 1")
        before = store.scalar(track, [code])
        register(store, "owntracks:alice/phone", TEST_NOW)
        bind(store, "owntracks:alice/phone", code, TEST_NOW)
    with Broker(tmp_path / "broker", ACCOUNTS) as broker, open_store(url) as store:
        intake = Intake(store, FixedClock(TEST_NOW))
        door = MqttIntake(intake, broker.url(INTAKE_USER), client_id="t-pg-restart").start()
        alice = publisher(broker, "alice")
        try:
            assert door.connected.wait(30)
            for i in range(10):
                alice.publish("owntracks/alice/phone", location(i), qos=1).wait_for_publish(30)
            wait_for(lambda: door.acked >= 10, "the first ten stored")
            cluster.stop()
            for i in range(10, 25):  # the broker takes them; the intake cannot store them
                alice.publish("owntracks/alice/phone", location(i), qos=1).wait_for_publish(30)
            assert door.acked == 10  # nothing acknowledged that is not stored
            cluster.start()
            wait_for(lambda: door.acked >= 25, "the fifteen published while it was down")
        finally:
            alice.disconnect()
            alice.loop_stop()
            door.stop()
            intake.close()
        assert store.scalar("SELECT count(*) FROM device_fixes") == 25
        assert store.scalar("SELECT count(DISTINCT t) FROM device_fixes") == 25
        assert store.scalar(track, [code]) == before + 25  # each on the worker's track once
