"""PostGIS layers on the server (app/store/pg_geometry.py), checked the way a QGIS user
meets them: ``geometry_columns`` lists the district's tables with SRID 4490, the shapes
are valid and where they should be, a bounding-box query uses the GiST index; and the
app itself still reads and writes those tables (the generated columns are the
server's business)."""

from __future__ import annotations

import json

import pytest

from app.store import StoreError, open_store
from app.store.pg_geometry import COLUMN, LAYERS, SRID, index_name, install_geometry

EXPECTED = {"grid_units": "MULTIPOLYGON", "buildings": "MULTIPOLYGON", "cameras": "POINT",
            "cases": "POINT", "merchants": "POINT", "whistles": "POINT", "gps_fixes": "POINT"}


@pytest.fixture(scope="module")
def geo_url(pg_cluster, pg_small_template):
    """A server copy of the small district with the PostGIS layers installed (admin)."""
    name = "geo_small"
    url = pg_cluster.create_db(name, template=pg_small_template)
    with open_store(url) as store:
        install_geometry(store)
    yield url
    pg_cluster.drop_db(name)


@pytest.fixture
def admin(pg_cluster, geo_url):
    con = pg_cluster.admin("geo_small")
    yield con
    con.close()


def test_geometry_columns_list_every_layer_with_srid_4490(admin):
    rows = admin.execute("SELECT f_table_name, f_geometry_column, srid, type "
                         "FROM geometry_columns WHERE f_table_schema = 'public'").fetchall()
    assert {r[0]: (r[1], r[2], r[3]) for r in rows} == {
        t: (COLUMN, SRID, kind) for t, kind in EXPECTED.items()}
    assert set(EXPECTED) == set(LAYERS)


def test_every_row_has_a_valid_shape_from_its_own_columns(admin):
    for table in ("grid_units", "buildings"):
        total, shaped, valid, same = admin.execute(
            f"SELECT count(*), count({COLUMN}), count(*) FILTER (WHERE ST_IsValid({COLUMN})), "
            f"count(*) FILTER (WHERE ST_Equals({COLUMN}, ST_GeomFromWKB(geom, {SRID}))) "
            f"FROM {table}").fetchone()
        assert total > 0
        assert total == shaped == valid == same, table
    for table in ("cameras", "cases", "merchants", "whistles", "gps_fixes"):
        total, exact = admin.execute(
            f"SELECT count(*), count(*) FILTER (WHERE ST_X({COLUMN}) = lon AND "
            f"ST_Y({COLUMN}) = lat AND ST_SRID({COLUMN}) = {SRID}) FROM {table}").fetchone()
        assert total > 0
        assert exact == total, table


def test_cases_lie_in_their_grid_polygons(admin):
    """A sample of cases (every 50th) against the polygon of the grid they name."""
    sample, inside = admin.execute(
        f"SELECT count(*), count(*) FILTER (WHERE ST_Covers(g.{COLUMN}, c.{COLUMN})) "
        f"FROM cases c JOIN grid_units g ON g.id = c.grid_id WHERE c.id % 50 = 0").fetchone()
    assert sample >= 100
    assert inside == sample
    # and a case is not in some other base grid's polygon
    elsewhere = admin.execute(
        f"SELECT count(*) FROM cases c JOIN grid_units g ON g.level = 4 AND g.id <> c.grid_id "
        f"AND ST_Within(c.{COLUMN}, g.{COLUMN}) WHERE c.id % 50 = 0").fetchone()[0]
    assert elsewhere == 0


def test_a_selective_bbox_query_uses_the_gist_index(admin):
    admin.execute("ANALYZE cases")
    lon, lat = admin.execute("SELECT lon, lat FROM cases ORDER BY id LIMIT 1").fetchone()
    d = 0.0002  # about 20 m
    sql = (f"SELECT id FROM cases WHERE {COLUMN} && ST_MakeEnvelope(%s, %s, %s, %s, {SRID})")
    params = [lon - d, lat - d, lon + d, lat + d]
    plan = admin.execute("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
    text = json.dumps(plan)
    assert index_name("cases") in text, text
    assert '"Seq Scan"' not in text
    found = [r[0] for r in admin.execute(sql, params).fetchall()]
    assert 1 <= len(found) < 100


def test_install_is_idempotent(geo_url, admin):
    def state():
        cols = admin.execute("SELECT table_name, generation_expression FROM "
                             "information_schema.columns WHERE column_name = %s ORDER BY 1",
                             [COLUMN]).fetchall()
        idx = admin.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s "
                            "ORDER BY 1", [f"%_{COLUMN}_gist"]).fetchall()
        return cols, idx

    before = state()
    with open_store(geo_url) as store:
        install_geometry(store)
    assert state() == before
    assert len(before[0]) == len(before[1]) == len(LAYERS)


def test_the_app_writes_and_reads_around_the_generated_columns(geo_url, admin):
    """The shapes follow the app's writes; the app's reads and checks do not see them."""
    from app.checks import run_checks

    with open_store(geo_url) as store:
        case_id, lon, lat = store.rows("SELECT id, lon, lat FROM cases ORDER BY id LIMIT 1")[0]
        with store.transaction():
            store.rows("UPDATE cases SET lon = ?, lat = ? WHERE id = ?",
                       [lon + 1e-5, lat + 1e-5, case_id])
        fix = store.rows("SELECT worker_id, t, lon, lat FROM gps_fixes LIMIT 1")[0]
        store.bulk_insert("gps_fixes", {"worker_id": [fix[0]], "t": [fix[1]],
                                        "lon": [121.5], "lat": [31.25]})
        report = run_checks(store)
    assert admin.execute(f"SELECT ST_X({COLUMN}), ST_Y({COLUMN}) FROM cases WHERE id = %s",
                         [case_id]).fetchone() == (lon + 1e-5, lat + 1e-5)
    assert admin.execute(f"SELECT count(*) FROM gps_fixes WHERE {COLUMN} = "
                         f"ST_Point(121.5, 31.25, {SRID})").fetchone()[0] == 1
    assert report.ok, report.as_dict()


def test_a_seat_account_cannot_install_postgis(pg_cluster):
    """Creating the extension needs a superuser: an owner that is not gets one clear line
    and nothing changes."""
    name = "geo_nosuper"
    pg_cluster.create_db(name)
    with pg_cluster.admin() as con:
        con.execute("DROP ROLE IF EXISTS geo_owner")
        con.execute("CREATE ROLE geo_owner LOGIN PASSWORD 'pw-geo-owner'")
        con.execute(f'ALTER DATABASE "{name}" OWNER TO geo_owner')
    with pg_cluster.admin(name) as con:
        con.execute("ALTER SCHEMA public OWNER TO geo_owner")
    try:
        url = pg_cluster.url(name, user="geo_owner", password="pw-geo-owner")
        with open_store(url, create=True) as store:
            with pytest.raises(StoreError, match="超级用户"):
                install_geometry(store)
            assert not store.scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')")
            assert not store.scalar(
                "SELECT count(*) FROM information_schema.columns WHERE column_name = ?",
                [COLUMN])
    finally:
        pg_cluster.drop_db(name)
        with pg_cluster.admin() as con:
            con.execute("DROP ROLE IF EXISTS geo_owner")
