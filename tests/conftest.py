"""Shared fixtures: one small demo district generated once per test session."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: the fixed "now" of the test district, so that tests are reproducible
TEST_NOW = datetime(2026, 11, 20, 10, 30)
TEST_SEED = 7
# Every district clock in the suite (app.clock.district_clock, and the command lines it
# starts) reads TEST_NOW, never today's date; a test of the live clock removes it.
os.environ["GRIDCC_NOW"] = TEST_NOW.isoformat(timespec="seconds")


@pytest.fixture(scope="session")
def small_db_path(tmp_path_factory) -> Path:
    """Path of a small demo district (two streets), generated once and then read-only."""
    from app.demo import generate_district
    from app.store import open_store

    path = tmp_path_factory.mktemp("district") / "small.duckdb"
    store = open_store(path, create=True)
    try:
        generate_district(store, scale="small", seed=TEST_SEED, now=TEST_NOW)
    finally:
        store.close()
    return path


@pytest.fixture
def small_db_copy(small_db_path, tmp_path) -> Path:
    """A private writable copy of the small district."""
    import shutil

    dst = tmp_path / "copy.duckdb"
    shutil.copy(small_db_path, dst)
    return dst


@pytest.fixture(scope="session")
def store(small_db_path):
    """The small district, opened read-only once for the session."""
    from app.store import open_store

    s = open_store(small_db_path, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="session")
def district_map(store):
    """The small district's map layers (Qt-free), loaded once."""
    from app.map.layers import load_district_map

    return load_district_map(store)


# -- PostgreSQL: one throwaway cluster per session (tests/pg_cluster.py) -------------------
@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL 15 server of the session's own (never skipped: missing is a failure)."""
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def pg_small_template(pg_cluster, small_db_path) -> str:
    """A server database holding the small district, the template of the copies below: set
    up as a district's server is (``server init``: PostGIS layers, login roles, row-level
    security, shared appraisal facts), then loaded (the demo accounts can sign in)."""
    from app.store import open_store
    from app.store.pg_copy import copy_district
    from app.store.pg_server import create_logins, init_server

    name = "gridcc_small_template"
    url = pg_cluster.create_db(name)
    init_server(url)
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
        create_logins(dst)
    return name


@pytest.fixture
def pg_small_url(pg_cluster, pg_small_template, request) -> str:
    """A private writable server copy of the small district (its admin URL)."""
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    url = pg_cluster.create_db(name, template=pg_small_template)
    yield url
    pg_cluster.drop_db(name)


@pytest.fixture(params=["duckdb", "postgres"])
def district_db(request) -> str:
    """A private writable small district on each backend: a DuckDB file path or a
    PostgreSQL URL (tests of the store, the workflow and the appraisal run on both)."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("small_db_copy"))
    return request.getfixturevalue("pg_small_url")


# -- leaving ---------------------------------------------------------------------------
# Once every test has run and been reported, the process leaves at once with pytest's exit
# status, skipping the interpreter's finalisation: one clean-clone run of three
# segfaulted there after "781 passed" (objects of Qt, psycopg and worker threads torn
# down in an arbitrary order at exit), which would fail CI on a green suite.
_EXIT: dict[str, int] = {}


def pytest_sessionfinish(session, exitstatus):
    _EXIT["status"] = int(exitstatus)


def pytest_unconfigure(config):
    if "status" in _EXIT:
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT["status"])
