"""The grid info panel (网格查询) says how many of a grid's and its street's on-duty workers
the wall sees live: 在岗 n 人，60 秒内有定位 m 人（xx%）."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
import pytest

from app.intake.coverage import fix_coverage
from app.store import open_store
from tests.conftest import TEST_NOW
from ui.docks.identify_panel import IdentifyPanel
from ui.map.selection import MapSelection

ON = ((TEST_NOW - timedelta(hours=1)).time(), (TEST_NOW + timedelta(hours=1)).time())
OFF = ((TEST_NOW + timedelta(hours=2)).time(), (TEST_NOW + timedelta(hours=3)).time())


def _fix(store, worker: int, age_s: float) -> None:
    store.bulk_insert("gps_fixes", {
        "worker_id": pa.array([worker], pa.int32()),
        "t": pa.array([TEST_NOW - timedelta(seconds=age_s)], pa.timestamp("us")),
        "lon": [117.2], "lat": [39.1]})


@pytest.fixture
def located(small_db_copy):
    """A grid with two workers on duty, one seen 20 s ago, one not for 5 minutes."""
    store = open_store(small_db_copy)
    grid, street, street_name = store.rows(
        "SELECT g.id, s.id, s.name FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
        "JOIN grid_units s ON s.id = c.parent_id WHERE g.level = 4 ORDER BY g.code LIMIT 1")[0]
    a, b = [r[0] for r in store.rows("SELECT id FROM workers ORDER BY id LIMIT 2")]
    store.rows("DELETE FROM gps_fixes WHERE worker_id IN (?, ?) AND t > ?",
               [a, b, TEST_NOW - timedelta(days=1)])
    store.rows("UPDATE workers SET shift_start = ?, shift_end = ? WHERE grid_id = ?",
               [*OFF, grid])
    store.rows("UPDATE workers SET grid_id = ?, shift_start = ?, shift_end = ? "
               "WHERE id IN (?, ?)", [grid, *ON, a, b])
    _fix(store, a, 20)
    _fix(store, b, 300)
    yield store, grid, street, street_name
    store.close()


def test_the_grid_and_its_street(qtbot, located):
    store, grid, street, street_name = located
    selection = MapSelection()
    panel = IdentifyPanel(store, lambda: TEST_NOW, selection)
    qtbot.addWidget(panel)
    field = panel._fields["located"]
    assert field.text() == "—"
    selection.select(grid)
    s = fix_coverage(store, TEST_NOW).of(street)
    assert field.text() == (
        "本网格：在岗 2 人，60 秒内有定位 1 人（50%）\n"
        f"{street_name}：在岗 {s.on_duty} 人，60 秒内有定位 {s.located} 人（{s.share:.0%}）")
    # the street alone: one line; the district: all of it
    selection.select(street)
    assert field.text() == f"在岗 {s.on_duty} 人，60 秒内有定位 {s.located} 人（{s.share:.0%}）"
    selection.select(grid)
    # b reports: read again on the next tick while shown (fixes age without a click),
    # not while hidden
    b = store.rows("SELECT id FROM workers ORDER BY id LIMIT 2")[1][0]
    _fix(store, b, 1)
    before = field.text()
    panel._tick()
    assert field.text() == before
    panel.isVisible = lambda: True  # (showing it offscreen warns)
    panel._tick()
    assert field.text().startswith("本网格：在岗 2 人，60 秒内有定位 2 人（100%）")


def test_nobody_on_duty(qtbot, located):
    store, grid, _street, _name = located
    store.rows("UPDATE workers SET shift_start = ?, shift_end = ? WHERE grid_id = ?",
               [*OFF, grid])
    selection = MapSelection()
    panel = IdentifyPanel(store, lambda: TEST_NOW, selection)
    qtbot.addWidget(panel)
    selection.select(grid)
    assert panel._fields["located"].text().split("\n")[0].endswith("此时无人在岗")
