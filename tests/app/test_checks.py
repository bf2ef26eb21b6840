"""``check`` must catch each kind of bad data and say where it is (on both backends)."""

from __future__ import annotations

import pytest
import shapely

from app.checks import format_report, run_checks
from app.store import StoreError, open_store


def _report(path):
    with open_store(path, read_only=True) as s:
        return run_checks(s)


def _failing(report) -> dict[str, list[str]]:
    return {r.name: r.problems for r in report.results if not r.ok}


def _first_grid(s):
    return s.rows("SELECT id, code, geom FROM grid_units WHERE level = 4 ORDER BY code LIMIT 1")[0]


def test_clean_district_passes(district_db):
    report = _report(district_db)
    assert report.ok, format_report(report)
    tiling = next(r for r in report.results if r.name == "tiling")
    assert tiling.figures["parents_checked"] > 3


def test_invalid_polygon_is_named(district_db):
    with open_store(district_db) as s:
        gid, code, _ = _first_grid(s)
        bowtie = shapely.Polygon([(117.10, 39.10), (117.11, 39.11), (117.11, 39.10), (117.10, 39.11)])
        s.rows("UPDATE grid_units SET geom = ? WHERE id = ?", [shapely.to_wkb(bowtie), gid])
    fails = _failing(_report(district_db))
    assert any(code in p and "invalid polygon" in p for p in fails["geometry"])


def test_malformed_wkb_is_named(district_db):
    with open_store(district_db) as s:
        gid, code, _ = _first_grid(s)
        if s.dialect == "postgres":
            # a server's PostGIS layer reads every WKB as it is written: refused, unchanged
            with pytest.raises(StoreError, match="WKB"):
                s.rows("UPDATE grid_units SET geom = ? WHERE id = ?", [b"\x01\x03garbage", gid])
            assert s.scalar("SELECT geom FROM grid_units WHERE id = ?", [gid]) != \
                b"\x01\x03garbage"
            return
        s.rows("UPDATE grid_units SET geom = ? WHERE id = ?", [b"\x01\x03garbage", gid])
    fails = _failing(_report(district_db))
    assert any(code in p and "not readable WKB" in p for p in fails["geometry"])


def test_swapped_axes_are_wrong_coordinates(district_db):
    with open_store(district_db) as s:
        gid, code, wkb = _first_grid(s)
        swapped = shapely.transform(shapely.from_wkb(wkb), lambda c: c[:, ::-1])
        s.rows("UPDATE grid_units SET geom = ? WHERE id = ?", [shapely.to_wkb(swapped), gid])
    fails = _failing(_report(district_db))
    assert any(code in p and "wrong CRS" in p for p in fails["geometry"])


def test_shrunk_grid_leaves_a_gap_in_its_community(district_db):
    with open_store(district_db) as s:
        gid, code, wkb = _first_grid(s)
        shrunk = shapely.buffer(shapely.from_wkb(wkb), -0.0002)  # ~20 m inward
        s.rows("UPDATE grid_units SET geom = ? WHERE id = ?", [shapely.to_wkb(shrunk), gid])
        parent_code = s.scalar("SELECT p.code FROM grid_units g JOIN grid_units p "
                               "ON p.id = g.parent_id WHERE g.id = ?", [gid])
    fails = _failing(_report(district_db))
    assert any(parent_code in p and "gap" in p and "m²" in p for p in fails["tiling"])


def test_malformed_code_is_named(district_db):
    with open_store(district_db) as s:
        ids = [r[0] for r in s.rows("SELECT id FROM grid_units WHERE level = 4 ORDER BY code LIMIT 2")]
        s.rows("UPDATE grid_units SET code = '12010600100A' WHERE id = ?", [ids[0]])
    fails = _failing(_report(district_db))
    assert any("12010600100A" in p and "14-20 digits" in p for p in fails["codes"])


def test_case_outside_its_grid_is_listed(district_db):
    with open_store(district_db) as s:
        code = s.scalar("SELECT code FROM cases ORDER BY code LIMIT 1")
        s.rows("UPDATE cases SET lon = lon + 0.05 WHERE code = ?", [code])
    fails = _failing(_report(district_db))
    assert any(code in p and "outside its grid" in p for p in fails["locations"])


def test_broken_reference_and_timeline(district_db):
    with open_store(district_db) as s:
        code = s.scalar("SELECT code FROM cases WHERE closed_at IS NOT NULL ORDER BY code LIMIT 1")
        s.rows("UPDATE cases SET grid_id = 999999, closed_at = reported_at - INTERVAL '1 day' "
               "WHERE code = ?", [code])
    fails = _failing(_report(district_db))
    assert any("cases.grid_id" in p for p in fails["references"])
    assert any(code in p and "before" in p for p in fails["timelines"])


def test_whistle_closed_before_its_rating_is_named(district_db):
    with open_store(district_db) as s:
        code = s.scalar("SELECT code FROM whistles ORDER BY code LIMIT 1")
        s.rows("UPDATE whistles SET closed_at = blown_at WHERE code = ?", [code])
    fails = _failing(_report(district_db))
    assert any(code in p and "rating after the whistle closed" in p for p in fails["timelines"])
