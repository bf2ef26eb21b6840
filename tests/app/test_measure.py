"""Distance and area measuring (app.map.measure): known shapes, units."""

from __future__ import annotations

import math

import pytest

from app.map.measure import (
    Measurement,
    format_area,
    format_length,
    path_length,
    perimeter,
    polygon_area,
)


def test_a_known_square_far_from_the_origin():
    # 250 m x 250 m at the district's scale of local coordinates (a few km off)
    x0, y0 = 3_812.5, -2_477.25
    xs = [x0, x0 + 250, x0 + 250, x0]
    ys = [y0, y0, y0 + 250, y0 + 250]
    assert polygon_area(xs, ys) == pytest.approx(62_500, rel=1e-3)
    assert polygon_area(xs[::-1], ys[::-1]) == pytest.approx(62_500, rel=1e-9)
    assert perimeter(xs, ys) == pytest.approx(1_000, rel=1e-9)
    assert path_length(xs, ys) == pytest.approx(750, rel=1e-9)


def test_a_right_triangle_and_degenerate_input():
    assert path_length([0, 3], [0, 4]) == pytest.approx(5)
    assert polygon_area([0, 3, 0], [0, 0, 4]) == pytest.approx(6)
    assert polygon_area([0, 1], [0, 1]) == 0.0 and path_length([1], [1]) == 0.0


def test_the_measurement_follows_the_cursor_until_finished():
    m = Measurement("distance")
    m.add(0, 0)
    m.add(300, 400)
    m.add(300, 400)  # a double click's second point lands on the first
    assert len(m) == 2 and m.complete()
    assert m.length() == pytest.approx(500)
    assert m.length(300, 1000) == pytest.approx(1100)  # to the cursor while drawing
    assert m.last_segment(300, 1000) == pytest.approx(600)
    m.finished = True
    assert m.length(300, 1000) == pytest.approx(500)
    assert m.undo() and len(m) == 1 and not m.complete()
    a = Measurement("area")
    for x, y in [(0, 0), (100, 0), (100, 100)]:
        a.add(x, y)
    assert a.area() == pytest.approx(5_000)
    assert a.area(0, 100) == pytest.approx(10_000)
    assert a.perimeter(0, 100) == pytest.approx(400)


@pytest.mark.parametrize("metres, text", [(12.34, "12.3 m"), (835.4, "835 m"),
                                          (1_270, "1.27 km"), (183_400, "183.4 km")])
def test_lengths_in_m_or_km(metres, text):
    assert format_length(metres) == text


@pytest.mark.parametrize("m2, text", [(640.2, "640 m²"), (23_500, "2.35 ha"),
                                      (1_270_000, "1.27 km²"), (math.pi * 1e6, "3.14 km²")])
def test_areas_in_m2_ha_or_km2(m2, text):
    assert format_area(m2) == text
