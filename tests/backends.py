"""Writable copies of the small district on each backend for fixtures wider than one
test (module scope): a DuckDB file or a PostgreSQL database made from the session's
template (tests/conftest.py: ``pg_small_template``).  Function-scoped tests use the
``district_db`` fixture instead."""

from __future__ import annotations

import re
import shutil

BACKENDS = ["duckdb", "postgres"]


def district_copy(request, backend: str) -> str:
    """A private writable small district on ``backend`` ("duckdb" → a file path,
    "postgres" → an admin URL), removed when ``request``'s scope ends."""
    tag = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[-40:]
    if backend == "duckdb":
        path = request.getfixturevalue("tmp_path_factory").mktemp(tag) / "copy.duckdb"
        shutil.copy(request.getfixturevalue("small_db_path"), path)
        return str(path)
    cluster = request.getfixturevalue("pg_cluster")
    name = f"m_{tag}"
    url = cluster.create_db(name, template=request.getfixturevalue("pg_small_template"))
    request.addfinalizer(lambda: cluster.drop_db(name))
    return url


def empty_district(request, tmp_path) -> str:
    """Where a new empty district goes on ``request.param``'s backend: a DuckDB path, or
    the admin URL of a new empty server database (dropped when the test ends); open it
    with ``create=True``."""
    if request.param == "duckdb":
        return str(tmp_path / "d.duckdb")
    cluster = request.getfixturevalue("pg_cluster")
    name = "e_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    url = cluster.create_db(name)
    request.addfinalizer(lambda: cluster.drop_db(name))
    return url



def reading_store(request):
    """Generator for a module-scoped fixture (params=BACKENDS) of the small district to
    read: the session's DuckDB store, or a server copy of the module's own, opened
    read-only::

        @pytest.fixture(scope="module", params=BACKENDS)
        def any_store(request):
            yield from reading_store(request)
    """
    if request.param == "duckdb":
        yield request.getfixturevalue("store")
        return
    from app.store import open_store

    s = open_store(district_copy(request, "postgres"), read_only=True)
    yield s
    s.close()


def map_of(request, store):
    """The small district's map layers loaded from ``store`` (the session's for DuckDB)."""
    if store.dialect == "duckdb":
        return request.getfixturevalue("district_map")
    from app.map.layers import load_district_map

    return load_district_map(store)
