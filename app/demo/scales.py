"""Sizes of the demo district (small for tests, Hongqiao, Jinhua)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Target figures of one demo district size."""

    name: str
    district_name: str
    area_km2: float
    streets: int
    communities: int
    grids: int
    households_per_grid: tuple[int, int]  # uniform range per base grid
    residents: int
    buildings_min: int  # footprints the layout reaches (tiny houses fill the old town)
    old_town_share: float  # share of grids in low-rise old-town fabric (平房区)
    merchants: int
    cameras: int
    kindergartens: int
    schools: int
    hospitals: int
    care_homes: int
    cases: int
    whistles: int
    second_whistles: int
    #: half width of the local roads between base grids; Jinhua's micro-grids are
    #: separated by lanes (小巷) rather than roads
    local_road_half_m: float = 3.5


SCALES: dict[str, Scale] = {
    "small": Scale(
        name="small", district_name="红桥区(测试片区)", area_km2=1.95, streets=2,
        communities=12, grids=90, households_per_grid=(200, 300), residents=29_000,
        buildings_min=2_500, old_town_share=0.30, merchants=275, cameras=410,
        kindergartens=9, schools=4, hospitals=2, care_homes=3,
        cases=15_000, whistles=10, second_whistles=1,
    ),
    "hongqiao": Scale(
        name="hongqiao", district_name="红桥区", area_km2=21.3, streets=10,
        communities=123, grids=992, households_per_grid=(200, 300), residents=320_000,
        buildings_min=30_000, old_town_share=0.30, merchants=3_000, cameras=4_500,
        kindergartens=100, schools=42, hospitals=14, care_homes=28,
        cases=180_000, whistles=88, second_whistles=5,
    ),
    # Jinhua's fourth level are micro-grids (民情格): a building, a lane or a
    # stairwell, so far fewer households per grid than Hongqiao's base grids.
    "jinhua": Scale(
        name="jinhua", district_name="金华示范区", area_km2=45.0, streets=8,
        communities=170, grids=9_538, households_per_grid=(25, 60), residents=520_000,
        buildings_min=100_000, old_town_share=0.60, merchants=9_000, cameras=12_000,
        kindergartens=240, schools=90, hospitals=30, care_homes=60,
        cases=1_000_000, whistles=300, second_whistles=15, local_road_half_m=1.5,
    ),
}
