"""A store outlives a server restart: the first read or transaction afterwards runs on a
new connection instead of failing once (app/store/pg_store.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.changes import Change
from app.store import StoreDisconnected, open_store


@pytest.fixture(scope="module")
def own_server():
    """A cluster of this module's own: restarting it disturbs no other test."""
    from tests.pg_cluster import Cluster

    c = Cluster()
    url = c.create_db("reconnect")
    with open_store(url, create=True):
        pass
    yield c, url
    c.destroy()


def test_read_after_restart_reconnects(own_server):
    cluster, url = own_server
    with open_store(url) as store:
        before = store.scalar("SELECT pg_backend_pid()")
        cluster.restart()
        after = store.scalar("SELECT pg_backend_pid()")  # no error: a new connection
        assert after != before
        assert store.scalar("SELECT value FROM meta WHERE key = 'schema_version'")


def test_transaction_after_restart_reconnects_and_commits_once(own_server):
    cluster, url = own_server
    with open_store(url) as store:
        store.scalar("SELECT 1")
        cluster.restart()
        with store.transaction():
            store.rows("INSERT INTO meta VALUES ('reconnect_probe', 'x') ON CONFLICT (key) "
                       "DO UPDATE SET value = meta.value || 'x'")
            store.stage_change(Change("district", (), "district.settings", "test",
                                      datetime(2026, 11, 20, 10, 30)))
        assert store.scalar("SELECT value FROM meta WHERE key = 'reconnect_probe'") == "x"
        assert store.scalar("SELECT count(*) FROM change_log "
                            "WHERE action = 'district.settings'") == 1


def test_write_outside_a_transaction_is_not_repeated(own_server):
    """An autocommit write whose connection was lost is reported, never sent again."""
    cluster, url = own_server
    with open_store(url) as store:
        store.scalar("SELECT 1")
        cluster.restart()
        with pytest.raises(StoreDisconnected):
            store.rows("UPDATE meta SET value = value WHERE key = 'reconnect_probe'")
        assert store.scalar("SELECT 1") == 1  # and the store works again


def test_server_down_is_said_in_chinese(own_server):
    cluster, url = own_server
    with open_store(url) as store:
        cluster.stop()
        try:
            with pytest.raises(StoreDisconnected) as e:
                store.scalar("SELECT 1")
            assert "服务器" in str(e.value)
        finally:
            cluster.start()
        assert store.scalar("SELECT 1") == 1
