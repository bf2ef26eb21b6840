"""2.5D extrusion geometry (Qt-free)."""

from __future__ import annotations

import numpy as np
import shapely

from app.map.extrusion import SHADES, MapStyle, buildings_in, extrude, feature_bounds
from app.map.geometry import polygon_vertices


def _squares():
    # two 10 m squares, one north of the other; opposite ring orientations
    a = shapely.box(0, 0, 10, 10)
    b = shapely.Polygon([(0, 100), (0, 110), (10, 110), (10, 100)])  # clockwise
    return polygon_vertices(np.array([a, b], dtype=object)), np.array([20.0, 40.0])


def test_walls_and_roofs():
    v, h = _squares()
    ext = extrude(v, h, np.array([0, 1]), MapStyle(angle_deg=90.0, exaggeration=0.5))
    assert ext.n_walls == 8  # four per square
    assert len(ext.wall_x) == 8 * 5
    # roofs are shifted north by 0.5 * height
    roof_y = ext.roof.y[ext.roof.owner == np.flatnonzero(ext.building == 0)[0]]
    assert np.isclose(roof_y.min(), 10.0) and np.isclose(roof_y.max(), 20.0)


def test_back_to_front_follows_the_lean():
    v, h = _squares()
    north = extrude(v, h, np.array([0, 1]), MapStyle(angle_deg=90.0))
    assert north.building.tolist() == [1, 0]  # the northern building is behind
    south = extrude(v, h, np.array([0, 1]), MapStyle(angle_deg=270.0))
    assert south.building.tolist() == [0, 1]


def test_walls_facing_the_light_are_brighter_whatever_the_ring_orientation():
    v, h = _squares()
    ext = extrude(v, h, np.array([0, 1]), MapStyle())
    for rank in (0, 1):
        shade = ext.wall_shade[ext.wall_rank == rank]
        assert shade.max() > shade.min()
        assert set(shade.tolist()) <= set(range(SHADES))
    # both squares have the same walls, so the same shades
    assert sorted(ext.wall_shade[ext.wall_rank == 0]) == sorted(ext.wall_shade[ext.wall_rank == 1])
    # the west wall (normal to -x) of square 0: light from the north-west -> bright
    quads_x = ext.wall_x.reshape(-1, 5)
    west = np.flatnonzero((quads_x[:, 0] == 0) & (quads_x[:, 1] == 0)
                          & (ext.wall_rank == np.flatnonzero(ext.building == 0)[0]))
    east = np.flatnonzero((quads_x[:, 0] == 10) & (quads_x[:, 1] == 10)
                          & (ext.wall_rank == np.flatnonzero(ext.building == 0)[0]))
    assert ext.wall_shade[west[0]] > ext.wall_shade[east[0]]


def test_subset_and_culling():
    v, h = _squares()
    b = feature_bounds(v, 2)
    assert b[1].tolist() == [0.0, 100.0, 10.0, 110.0]
    assert buildings_in(b, -5, -5, 20, 20).tolist() == [0]
    assert buildings_in(b, -5, -5, 20, 20, margin=90).tolist() == [0, 1]
    ext = extrude(v, h, np.array([1]), MapStyle())
    assert ext.n_walls == 4 and ext.building.tolist() == [1]


def test_district_buildings_extrude(district_map):
    b = district_map.buildings
    idx = np.arange(0, len(b), 3)
    ext = extrude(b.vertices, b.height_m, idx, MapStyle())
    assert sorted(ext.building.tolist()) == idx.tolist()
    assert ext.n_walls >= 3 * len(idx)
