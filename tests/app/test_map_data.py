"""The Qt-free map model (app/map): arrays, layer stack, identify, labels, scale."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from app.map.district_layers import DEFAULT_ORDER, default_layer_stack
from app.map.geometry import polygon_vertices
from app.map.identify import MAX_LISTED_CASES, GridLocator, unit_detail
from app.map.labels import declutter, label_candidates, rects_overlap
from app.map.layer_stack import LayerStack, MapLayer
from app.map.scale import round_scale, scale_denominator
from tests.backends import BACKENDS, map_of, reading_store


@pytest.fixture(scope="module", params=BACKENDS)
def any_store(request):
    """The small district to read, on each backend."""
    yield from reading_store(request)


@pytest.fixture(scope="module")
def any_map(request, any_store):
    """Its map layers, loaded from that store."""
    return map_of(request, any_store)


def test_polygon_vertices_keep_rings_apart():
    square = box(0, 0, 10, 10)
    with_hole = Polygon([(20, 0), (30, 0), (30, 10), (20, 10)], [[(22, 2), (24, 2), (24, 4)]])
    v = polygon_vertices(np.array([square, with_hole], dtype=object))
    assert len(v) == 5 + 5 + 4
    # a new ring starts at the first vertex of each of the three rings
    assert np.flatnonzero(v.connect == 0).tolist() == [0, 5, 10]
    assert v.owner.tolist() == [0] * 5 + [1] * 9
    sub = v.subset(np.array([1]))
    assert len(sub) == 9 and sub.x.min() == 20


def test_district_is_in_local_metres(any_map):
    x0, y0, x1, y1 = any_map.extent
    # a district a few km across, centred near the local origin: not degrees, not 8-digit eastings
    assert 500 < x1 - x0 < 20_000 and 500 < y1 - y0 < 20_000
    assert max(abs(x0), abs(x1), abs(y0), abs(y1)) < 20_000
    lon, lat = any_map.frame.to_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
    assert 116 < float(lon) < 118.5 and 38.5 < float(lat) < 40


def test_layers_hold_every_level_buildings_and_cases(any_map, any_store):
    assert set(any_map.levels) == {1, 2, 3, 4}
    assert len(any_map.levels[4]) == any_store.scalar(
        "SELECT count(*) FROM grid_units WHERE level = 4")
    assert len(any_map.buildings) == any_store.scalar("SELECT count(*) FROM buildings")
    cases = any_map.cases
    assert len(cases) > 0 and cases.is_open.any()
    assert not (cases.overdue & ~cases.is_open).any()  # only open cases are overdue
    # every street-level unit belongs to a street, each grid to one of them
    assert (any_map.levels[4].street_index >= 0).all()


def test_case_selection_is_open_or_recent(any_map, any_store):
    from datetime import timedelta

    from app.map.layers import RECENT_DAYS

    since = any_map.now - timedelta(days=RECENT_DAYS)
    expected = any_store.scalar(
        "SELECT count(*) FROM cases WHERE status NOT IN ('closed','evaluated','voided') "
        "OR reported_at >= ?", [since])
    assert len(any_map.cases) == expected
    assert len(any_map.cases) <= any_store.scalar("SELECT count(*) FROM cases")


def test_layer_stack_order_visibility_and_events():
    stack = LayerStack([MapLayer("a", None), MapLayer("b", None), MapLayer("c", None)])
    seen = []
    stack.subscribe(lambda s: seen.append(s.ids()))
    stack.raise_layer("a")
    assert stack.ids() == ["b", "a", "c"]
    stack.lower_layer("c")
    assert stack.ids() == ["b", "c", "a"]
    stack.set_visible("b", False)
    assert not stack["b"].visible
    stack.reorder(["a", "b", "c"])
    assert seen == [["b", "a", "c"], ["b", "c", "a"], ["b", "c", "a"], ["a", "b", "c"]]
    with pytest.raises(ValueError):
        stack.reorder(["a", "b"])


def test_default_stack_order(any_map):
    assert default_layer_stack(any_map).ids() == [i for i in DEFAULT_ORDER if i != "patrol"]


def test_locator_finds_the_grid_containing_a_point(any_map):
    grids = any_map.levels[4]
    locator = GridLocator(grids)
    for i in range(0, len(grids), max(1, len(grids) // 10)):
        p = shapely.point_on_surface(grids.geoms[i])
        assert locator.unit_at(p.x, p.y) == grids.ids[i]
    x0, y0, _, _ = any_map.extent
    assert locator.unit_at(x0 - 5000, y0 - 5000) is None


def test_unit_detail_has_chain_staff_and_cases(any_store, any_map):
    grids = any_map.levels[4]
    # the grid with the most open cases, so that the case list is exercised
    gid = any_store.scalar(
        "SELECT grid_id FROM cases WHERE status NOT IN ('closed','evaluated','voided') "
        "GROUP BY grid_id ORDER BY count(*) DESC LIMIT 1")
    d = unit_detail(any_store, int(gid), any_map.now)
    assert d is not None
    assert [u.level for u in d.chain] == [1, 2, 3, 4]
    assert d.unit.id == gid and d.chain[-1].code == d.unit.code
    assert d.chain[-1].code.startswith(d.chain[-2].code)
    assert len(d.open_cases) == min(d.open_case_count, MAX_LISTED_CASES) > 0
    assert d.households == any_store.scalar("SELECT households FROM grid_units WHERE id = ?", [gid])
    assert all(c.status not in ("closed", "evaluated", "voided") for c in d.open_cases)
    leaders = any_store.scalar(
        "SELECT count(*) FROM workers WHERE grid_id = ? AND role = 'grid_leader'", [gid])
    assert len(d.leaders) == leaders
    street = unit_detail(any_store, int(d.chain[1].id), any_map.now)
    assert street.households >= d.households and street.open_case_count >= d.open_case_count
    assert unit_detail(any_store, -1, any_map.now) is None
    assert grids.ids.size


def test_declutter_keeps_first_of_overlapping():
    rects = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [20, 0, 30, 10], [9, 9, 21, 11]])
    assert declutter(rects).tolist() == [0, 2]
    assert rects_overlap(rects) and not rects_overlap(rects[[0, 2]])


def test_declutter_random_never_overlaps():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1000, (800, 2))
    wh = rng.uniform(20, 120, (800, 2))
    rects = np.column_stack([xy, xy + wh])
    kept = declutter(rects)
    assert 20 < len(kept) < 800
    assert not rects_overlap(rects[kept])


def test_label_candidates_put_streets_first(any_map):
    c = label_candidates(any_map.levels)
    assert len(c) == sum(len(any_map.levels[lv]) for lv in (2, 3, 4))
    assert (np.diff(c.level) >= 0).all()
    assert c.level[0] == 2


def test_scale_denominator():
    # 1 m per pixel at 96 dpi: a pixel is 0.2646 mm, so 1:3780
    assert scale_denominator(1.0, 96) == pytest.approx(3779.5, rel=1e-4)
    assert round_scale(12_345) == 12_000
    assert round_scale(3779.5) == 3800
    with pytest.raises(ValueError):
        scale_denominator(0, 96)
