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
