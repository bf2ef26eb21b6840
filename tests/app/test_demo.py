"""The demo district generator: counts, codes, tiling, locations, loop and determinism."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pytest
import shapely

from app.demo import SCALES, generate_district
from app.domain.categories import CATEGORIES, KIND_COUNTS
from app.domain.departments import LEADERSHIP, department_id
from app.geo.crs import geoms_to_metric
from app.store import open_store
from app.store.schema import DOMAIN_TABLES
from tests.conftest import TEST_NOW, TEST_SEED

SMALL = SCALES["small"]


@pytest.fixture(scope="module")
def db(small_db_path):
    store = open_store(small_db_path, read_only=True)
    yield store
    store.close()


def _geoms(values) -> np.ndarray:
    """WKB column (DuckDB hands BLOBs back as bytearray) -> shapely geometries."""
    return shapely.from_wkb(np.array([bytes(v) for v in values], dtype=object))


def _units(db, level: int):
    c = db.columns(f"SELECT id, code, parent_id, households, residents, geom FROM grid_units "
                   f"WHERE level = {level} ORDER BY code")
    c["geom"] = _geoms(c["geom"])
    return c


# -- counts -----------------------------------------------------------------------------
def test_small_scale_counts(db):
    levels = dict(db.rows("SELECT level, count(*) FROM grid_units GROUP BY level"))
    assert levels == {1: 1, 2: SMALL.streets, 3: SMALL.communities, 4: SMALL.grids}
    n = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in DOMAIN_TABLES}
    assert SMALL.buildings_min <= n["buildings"] <= 5_000
    assert n["cases"] == SMALL.cases
    assert n["merchants"] == SMALL.merchants
    assert n["cameras"] == SMALL.cameras
    assert n["departments"] >= 50
    assert 40 <= n["categories"] <= 100
    assert n["whistles"] == SMALL.whistles
    assert n["gps_fixes"] > 0  # a stored day of patrol (app/demo/patrol.py)
    assert n["building_population"] == db.scalar(
        "SELECT count(*) FROM buildings WHERE use = 'residential'")
    # ~7.8 loop steps per case (accept … close, half of them evaluated)
    assert 7.0 <= n["case_transitions"] / n["cases"] <= 8.5
    assert n["appraisal_ratings"] == 12 * SMALL.streets * db.scalar(
        "SELECT count(*) FROM departments WHERE kind IN ('bureau', 'utility')")


def test_staff_per_grid(db):
    per_grid = db.columns(
        "SELECT g.id, count(*) FILTER (WHERE w.role = 'grid_leader') AS leaders, "
        "count(*) FILTER (WHERE w.role = 'grid_worker') AS workers "
        "FROM grid_units g LEFT JOIN workers w ON w.grid_id = g.id WHERE g.level = 4 GROUP BY g.id")
    assert (per_grid["leaders"] == 1).all()
    assert ((per_grid["workers"] >= 1) & (per_grid["workers"] <= 2)).all()
    police = db.scalar("SELECT count(*) FROM workers WHERE role = 'police'")
    assert SMALL.grids / 4 <= police <= SMALL.grids / 2
    embedded = db.rows("SELECT role, count(*), count(department_id) FROM workers "
                       "WHERE role IN ('police', 'sanitation', 'city_management') GROUP BY role")
    assert len(embedded) == 3 and all(n == with_dept for _, n, with_dept in embedded)
    assert db.scalar("SELECT count(DISTINCT code) FROM workers") == db.scalar(
        "SELECT count(*) FROM workers")


def test_cameras(db):
    kinds = dict(db.rows("SELECT kind, count(*) FROM cameras GROUP BY kind"))
    assert kinds["kindergarten"] == round(SMALL.cameras * 2000 / 4500)
    assert kinds["street"] > 0
    assert db.scalar("SELECT count(*) FROM cameras c JOIN buildings b ON b.id = c.building_id "
                     "WHERE c.kind = 'kindergarten' AND b.use <> 'kindergarten'") == 0
    assert db.scalar("SELECT count(*) FROM cameras WHERE stream_url NOT LIKE "
                     "'demo://camera/' || code || '?scene=%'") == 0
    owners = {r[0] for r in db.rows("SELECT DISTINCT d.code FROM cameras c "
                                    "JOIN departments d ON d.id = c.department_id")}
    assert owners == {"GA", "JY", "WJ", "YJ", "MZ"}


# -- codes and geometry -------------------------------------------------------------------
def test_codes_unique_and_well_formed(db):
    rows = db.rows("SELECT u.level, u.code, p.code FROM grid_units u "
                   "LEFT JOIN grid_units p ON p.id = u.parent_id")
    lengths = {1: 6, 2: 9, 3: 12, 4: 14}
    codes = [r[1] for r in rows]
    assert len(set(codes)) == len(codes)
    for level, code, parent in rows:
        assert re.fullmatch(rf"\d{{{lengths[level]}}}", code), code
        if level == 1:
            assert code == "120106" and parent is None
        else:
            assert code.startswith(parent)
    assert db.scalar("SELECT count(*) FROM cases WHERE NOT regexp_matches(code, '^AJ\\d{14}$')") == 0
    assert db.scalar("SELECT count(DISTINCT code) FROM cases") == SMALL.cases


def test_grids_numbered_north_to_south(db):
    """Within a community, grid 01 lies further north (or west in the same band) than the last."""
    c = db.columns("SELECT code, label_lat FROM grid_units WHERE level = 4 ORDER BY code")
    comm = np.array([code[:12] for code in c["code"]])
    first_north = [c["label_lat"][comm == k][0] >= c["label_lat"][comm == k][-1]
                   for k in np.unique(comm)]
    assert np.mean(first_north) >= 0.8


def test_all_geometries_valid(db):
    for level in (1, 2, 3, 4):
        g = _units(db, level)["geom"]
        assert shapely.is_valid(g).all()
        assert (shapely.get_type_id(g) == 3).all(), f"level {level} has multi-part units"
    b = _geoms(db.columns("SELECT geom FROM buildings")["geom"])
    assert shapely.is_valid(b).all()


def test_children_tile_parents(db):
    for level in (2, 3, 4):
        kids, parents = _units(db, level), _units(db, level - 1)
        km, pm = geoms_to_metric(kids["geom"]), geoms_to_metric(parents["geom"])
        for pid, parent in zip(parents["id"], pm, strict=True):
            mine = km[kids["parent_id"] == pid]
            assert len(mine) > 0
            union = shapely.union_all(mine)
            assert parent.difference(union).area < 1.0  # gap
            assert union.difference(parent).area < 1.0  # outside
            assert shapely.area(mine).sum() - union.area < 1.0  # overlap


def test_district_size_and_place(db):
    d = _units(db, 1)["geom"][0]
    area_km2 = geoms_to_metric(d).area / 1e6
    assert abs(area_km2 - SMALL.area_km2) < 0.05
    c = d.centroid
    assert abs(c.x - 117.16) < 0.05 and abs(c.y - 39.17) < 0.05


def test_buildings_inside_their_grid_without_overlap(db):
    grids = _units(db, 4)
    by_id = dict(zip(grids["id"].tolist(), grids["geom"], strict=True))
    b = db.columns("SELECT grid_id, floors, height_m, geom FROM buildings")
    geoms = _geoms(b["geom"])
    cells = np.array([by_id[g] for g in b["grid_id"].tolist()], dtype=object)
    assert shapely.covered_by(geoms, cells).all()
    metric = geoms_to_metric(geoms)
    tree = shapely.STRtree(metric)
    a, c = tree.query(metric, predicate="intersects")
    pairs = a < c
    overlap = shapely.area(shapely.intersection(metric[a[pairs]], metric[c[pairs]]))
    assert overlap.sum() < 1.0
    per_floor = b["height_m"] / b["floors"]
    assert (per_floor > 2.5).all() and np.median(per_floor) == pytest.approx(3.0, abs=0.3)


@pytest.mark.parametrize("table", ["cases", "merchants", "cameras"])
def test_points_inside_their_grid(db, table):
    grids = _units(db, 4)
    pts = db.columns(f"SELECT grid_id, lon, lat FROM {table}")
    for gid, cell in zip(grids["id"], grids["geom"], strict=True):
        sel = pts["grid_id"] == gid
        assert shapely.contains_xy(cell, pts["lon"][sel], pts["lat"][sel]).all()


def test_households_per_grid(db):
    g = _units(db, 4)
    assert g["households"].min() >= 200 and g["households"].max() <= 300
    sums = db.columns("SELECT b.grid_id, sum(p.households) AS hh, sum(p.residents) AS res "
                      "FROM building_population p JOIN buildings b ON b.id = p.building_id "
                      "GROUP BY b.grid_id ORDER BY b.grid_id")
    order = np.argsort(g["id"])
    assert np.array_equal(sums["grid_id"], g["id"][order])
    assert np.array_equal(sums["hh"], g["households"][order])
    assert np.array_equal(sums["res"], g["residents"][order])
    district = _units(db, 1)
    assert district["residents"][0] == g["residents"].sum()
    assert 1.1 < g["residents"].sum() / g["households"].sum() < 1.5


# -- cases ---------------------------------------------------------------------------------
def test_category_mix_matches_seed_002(db):
    got = dict(db.rows("SELECT c.kind, count(*) FROM cases JOIN categories c "
                       "ON c.code = cases.category_code GROUP BY c.kind"))
    total = sum(KIND_COUNTS.values())
    for kind, n in KIND_COUNTS.items():
        assert abs(got[kind] / SMALL.cases - n / total) < 0.01, kind
    assert db.scalar("SELECT count(*) FROM cases c JOIN categories k ON k.code = c.category_code "
                     "WHERE c.department_id <> k.department_id") == 0
    assert {c.code for c in CATEGORIES} == {r[0] for r in db.rows("SELECT code FROM categories")}


def test_patrol_is_the_main_source(db):
    src = dict(db.rows("SELECT source, count(*) FROM cases GROUP BY source"))
    assert set(src) == {"public", "patrol", "hotline", "app", "instruction", "petition", "sensor"}
    assert max(src, key=src.get) == "patrol"


def test_cases_closed_today_open_and_overdue(db):
    now = TEST_NOW
    closed = db.scalar("SELECT avg(CASE WHEN status IN ('closed', 'evaluated') THEN 1 ELSE 0 END) "
                       "FROM cases")
    assert closed >= 0.985
    assert db.scalar("SELECT max(reported_at) FROM cases") <= now
    assert db.scalar("SELECT min(reported_at) FROM cases") >= datetime(2025, 11, 20)
    today = db.rows("SELECT status, count(*) FROM cases WHERE reported_at >= ? GROUP BY status",
                    [now.replace(hour=0, minute=0)])
    assert today and any(s not in ("closed", "evaluated") for s, _ in today)
    overdue = db.scalar("SELECT count(*) FROM cases WHERE status NOT IN "
                        "('closed', 'evaluated', 'voided') AND deadline_at < ? "
                        "AND reported_at < ?", [now, now.replace(hour=0, minute=0)])
    assert overdue > 0
    sat = db.columns("SELECT status, satisfaction FROM cases")
    assert ((sat["status"] == "evaluated") == ~np.isnan(sat["satisfaction"].astype(float))).all()


def test_transitions_replay_each_case(db):
    bad = db.scalar("""
        WITH t AS (SELECT case_id, count(*) AS n, max(seq) AS last_seq, min(seq) AS first_seq,
                          arg_max(to_status, seq) AS final, max(occurred_at) AS last_at,
                          count(*) FILTER (WHERE action = 'rework') AS reworks
                   FROM case_transitions GROUP BY case_id)
        SELECT count(*) FROM cases c LEFT JOIN t ON t.case_id = c.id
        WHERE t.case_id IS NULL OR t.first_seq <> 1 OR t.last_seq <> t.n
           OR t.final <> c.status OR t.reworks <> c.rework_count OR t.last_at > ?""", [TEST_NOW])
    assert bad == 0
    # steps chain: each step starts where the previous one ended, in time order
    broken = db.scalar("""
        SELECT count(*) FROM (
          SELECT from_status, occurred_at,
                 lag(to_status) OVER w AS prev_to, lag(occurred_at) OVER w AS prev_at
          FROM case_transitions WINDOW w AS (PARTITION BY case_id ORDER BY seq))
        WHERE prev_to IS NOT NULL AND (from_status <> prev_to OR occurred_at < prev_at)""")
    assert broken == 0
    loop = db.scalar("SELECT count(*) FROM cases WHERE closed_at < verified_at "
                     "OR verified_at < fed_back_at OR fed_back_at < handled_at "
                     "OR handled_at < dispatched_at OR dispatched_at < registered_at "
                     "OR registered_at < accepted_at OR accepted_at < reported_at")
    assert loop == 0
    assert db.scalar("SELECT count(*) FROM cases WHERE rework_count > 0") > 0


# -- whistles and appraisal ------------------------------------------------------------------
def test_whistles(db):
    w = db.columns("SELECT id, status, blown_by_role, round, parent_whistle_id, closed_at, "
                   "street_id FROM whistles")
    assert (w["status"] == "closed").all()
    assert set(w["blown_by_role"]) <= {"street_secretary", "street_director"}
    assert (w["closed_at"] <= np.datetime64(TEST_NOW)).all()
    streets = {r[0] for r in db.rows("SELECT id FROM grid_units WHERE level = 2")}
    assert set(w["street_id"].tolist()) <= streets
    per = dict(db.rows("SELECT whistle_id, count(*) FROM whistle_departments GROUP BY 1"))
    assert all(1 <= per[i] <= 4 for i in w["id"].tolist())
    second = w["round"] == 2
    assert second.sum() == SMALL.second_whistles
    for wid in w["id"][second].tolist():
        depts = {r[0] for r in db.rows(
            "SELECT department_id FROM whistle_departments WHERE whistle_id = ?", [wid])}
        assert department_id(LEADERSHIP) in depts
    late = db.scalar("SELECT count(*) FROM whistles w WHERE supervised <> EXISTS ("
                     "SELECT 1 FROM whistle_departments d WHERE d.whistle_id = w.id AND "
                     "(d.reported_at > w.report_deadline OR d.handled_at > w.finish_deadline))")
    assert late == 0
    assert db.scalar("SELECT min(rating), max(rating) FROM whistle_departments") >= 1


def test_appraisal_ratings(db):
    periods = [r[0] for r in db.rows("SELECT DISTINCT period FROM appraisal_ratings ORDER BY 1")]
    assert periods[0] == "2025-11" and periods[-1] == "2026-10" and len(periods) == 12
    lo, hi = db.rows("SELECT min(score), max(score) FROM appraisal_ratings")[0]
    assert 60 <= lo < hi <= 100


def test_meta(db):
    meta = db.meta()
    assert meta["district_code"] == "120106"
    assert meta["scale"] == "small" and meta["seed"] == str(TEST_SEED)
    assert meta["demo_anchor"].startswith("2026-11-20T10:30")
    for key in ("district_name", "center_lon", "center_lat", "generated_at", "generator_version"):
        assert meta[key]


# -- determinism ---------------------------------------------------------------------------------
def _fingerprint(path) -> dict[str, str]:
    store = open_store(path, read_only=True)
    try:
        return {t: store.scalar(f"SELECT md5(coalesce(string_agg(CAST(x AS VARCHAR), '|' "
                                f"ORDER BY CAST(x AS VARCHAR)), '')) FROM {t} x")
                for t in DOMAIN_TABLES}
    finally:
        store.close()


def _generate(path, seed):
    store = open_store(path, create=True)
    try:
        return generate_district(store, scale="small", seed=seed, now=TEST_NOW)
    finally:
        store.close()


def test_same_arguments_give_the_same_district(tmp_path, small_db_path):
    counts = _generate(tmp_path / "a.duckdb", TEST_SEED)
    _generate(tmp_path / "b.duckdb", TEST_SEED)
    a, b = _fingerprint(tmp_path / "a.duckdb"), _fingerprint(tmp_path / "b.duckdb")
    assert a == b
    assert a == _fingerprint(small_db_path)
    assert counts["cases"] == SMALL.cases
    _generate(tmp_path / "c.duckdb", TEST_SEED + 1)
    c = _fingerprint(tmp_path / "c.duckdb")
    assert c["grid_units"] != a["grid_units"] and c["cases"] != a["cases"]


def test_unknown_scale_is_refused(tmp_path):
    store = open_store(tmp_path / "x.duckdb", create=True)
    try:
        with pytest.raises(ValueError, match="unknown scale"):
            generate_district(store, scale="huge", now=TEST_NOW)
        assert store.scalar("SELECT count(*) FROM grid_units") == 0
    finally:
        store.close()


# -- the Hongqiao tiling without generating the whole district -----------------------------
def test_hongqiao_tiling_counts():
    from app.demo.tiling import build_tiling

    sc = SCALES["hongqiao"]
    t = build_tiling(np.random.default_rng(20261122), sc)
    assert (len(t.street_geom), len(t.comm_geom), len(t.grid_geom)) == (10, 123, 992)
    assert abs(shapely.area(shapely.union_all(t.street_geom)) / 1e6 - 21.3) < 0.05
    assert len(set(t.grid_code)) == 992 and all(len(c) == 14 for c in t.grid_code)
    per_comm = np.bincount(t.grid_comm)
    assert per_comm.min() >= 1 and per_comm.max() <= 99
    assert (shapely.get_type_id(t.comm_geom) == 3).all()
    assert (shapely.get_type_id(t.street_geom) == 3).all()
    assert len(set(t.street_name)) == 10


@pytest.mark.slow
def test_hongqiao_buildings_and_population():
    """Hongqiao's figures (buildings, 200-300 households a grid, 320,000 residents) without
    writing a database."""
    from app.demo.buildings import build_buildings
    from app.demo.population import allocate_population
    from app.demo.tiling import build_tiling

    sc = SCALES["hongqiao"]
    rng = np.random.default_rng(20261122)
    t = build_tiling(rng, sc)
    b = build_buildings(rng, t, sc)
    assert len(b.geom) >= sc.buildings_min
    assert shapely.within(b.geom, t.grid_geom[b.grid]).all()
    assert {"kindergarten": 100, "school": 42}.items() <= dict(
        zip(*np.unique(b.use.astype(str), return_counts=True), strict=True)).items()
    pop = allocate_population(rng, t, b, sc)
    assert pop.grid_households.min() >= 200 and pop.grid_households.max() <= 300
    assert abs(pop.residents.sum() / sc.residents - 1) < 0.03
