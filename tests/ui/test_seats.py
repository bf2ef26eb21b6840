"""Seats on one server (offscreen windows on real PostgreSQL): a whistle blown at one
seat shows in the other's district model, map and whistle list; a report-in at the other
shows back; losing the server says so in the status bar and disables the panels that
write until it is back."""

from __future__ import annotations

from datetime import datetime

import pytest
import shiboken6

from app.auth.accounts import get_user
from app.map.layers import load_district_map
from app.store import open_store
from app.workflow import whistles

T0 = datetime(2026, 11, 20, 10, 30)
WAIT_MS = 15_000


@pytest.fixture
def seat_windows(themed_app, qtbot):
    """``open_seat(url)`` -> a shown MainWindow on a store of its own; windows are
    closed (their listeners stopped) before their stores."""
    from ui.main_window import MainWindow

    opened = []

    def open_seat(url: str):
        store = open_store(url)
        window = MainWindow(store, district_map=load_district_map(store), persist=False)
        qtbot.addWidget(window)
        opened.append((window, store))
        window.resize(1400, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield open_seat
    for window, store in opened:
        if shiboken6.isValid(window):
            window.close()
        store.close()


def _blow(store, title: str) -> int:
    ids = dict(store.rows("SELECT code, id FROM departments"))
    grid = store.scalar("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.id LIMIT 1")
    return whistles.blow(store, get_user(store, "sec01"), grid_id=grid,
                         department_ids=[ids["CG"], ids["HW"]], title=title, description="",
                         lon=117.15, lat=39.17, at=T0, report_hours=2, finish_hours=27)


def _listed(window, wid: int) -> bool:
    """The whistle is a row of the window's whistle list (its title in the first cell)."""
    panel = window.docks["whistles"].widget()
    rows = [r for r, i in enumerate(panel.row_ids) if i == wid]
    return bool(rows) and panel.table.item(rows[0], 0).text() == \
        window.district_model.state.whistles[wid].title


def test_a_whistle_blown_at_one_seat_shows_at_the_other(pg_small_url, seat_windows, qtbot):
    street, wall = seat_windows(pg_small_url), seat_windows(pg_small_url)
    assert street.listener is not None and wall.listener is not None
    assert street.listener is not wall.listener and street.store.origin != wall.store.origin
    # one listening connection per seat, whatever its panels and layers
    assert street.store.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gridcc-listener' "
        "AND datname = current_database()") == 2
    wid = _blow(street.store, "两个席位之间的哨")
    qtbot.waitUntil(lambda: wid in wall.district_model.state.whistles, timeout=WAIT_MS)
    # the wall's map and its whistle list show it, as the street's own window does
    qtbot.waitUntil(lambda: wid in wall.canvas.view("whistles").layer.data.ids.tolist(),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _listed(wall, wid), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: wid in street.district_model.state.whistles, timeout=WAIT_MS)
    # a department reports in at the other seat: the street's model shows the task reported
    # and so does the whistle's timeline open at the street
    timeline = street.docks["whistles"].widget().timeline
    street.docks["whistles"].widget().select_whistle(wid)
    assert timeline.whistle_id == wid

    def timeline_lines() -> list[str]:
        return [timeline.events.item(i).text() for i in range(timeline.events.count())]

    assert not any("处置中" in line for line in timeline_lines())
    whistles.report_in(wall.store, get_user(wall.store, "dept_cg"), wid, at=T0, by="王五")

    def reported() -> bool:
        row = street.district_model.state.whistles.get(wid)
        return row is not None and any(t.state == "reported" for t in row.state.tasks)

    qtbot.waitUntil(reported, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any("处置中" in line for line in timeline_lines()), timeout=WAIT_MS)
    assert street.server_online and wall.server_online
    assert not street.map_status.server_label.isVisible()


# -- the server goes away and comes back (a cluster of this module's own) -------------------
@pytest.fixture(scope="module")
def own_server(small_db_path):
    """A server only this test stops (the session's cluster serves everyone else)."""
    from app.store.pg_copy import copy_district
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    url = cluster.create_db("seat_ui")
    with open_store(url, create=True) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    yield cluster, url
    cluster.destroy()


def test_losing_the_server_shows_in_the_status_bar_and_disables_writing(own_server,
                                                                        seat_windows, qtbot):
    cluster, url = own_server
    window = seat_windows(url)
    bar, panel = window.map_status, window.docks["whistles"].widget()
    assert window.server_online and panel.isEnabled() and not bar.server_label.isVisible()
    changes = []
    window.serverOnlineChanged.connect(lambda online, text: changes.append((online, text)))
    cluster.stop()
    try:
        qtbot.waitUntil(lambda: bar.server_label.isVisible(), timeout=WAIT_MS)
        text = bar.server_label.text()
        assert text.startswith("与服务器断开（自 ") and text.endswith("）")
        assert not window.server_online and not panel.isEnabled()
        assert text in panel.toolTip()
        assert window.docks["cases"].widget().isEnabled() is False
    finally:
        cluster.start()
    qtbot.waitUntil(lambda: window.server_online, timeout=WAIT_MS)
    assert not bar.server_label.isVisible() and bar.currentMessage() == "已重新连接"
    assert panel.isEnabled() and panel.toolTip() == ""
    assert [online for online, _ in changes] == [False, True]
    # the window's own connection (the outage broke it) works again for the panels' reads
    assert window.store.scalar("SELECT count(*) FROM whistles") >= 0
    # and the seat hears the server again: a whistle blown elsewhere arrives
    with open_store(url) as other:
        wid = _blow(other, "重连之后")
    qtbot.waitUntil(lambda: wid in window.district_model.state.whistles, timeout=WAIT_MS)
    # gone again: a click on the map whose card needs the store is said, not raised
    cluster.stop()
    try:
        qtbot.waitUntil(lambda: bar.server_label.isVisible(), timeout=WAIT_MS)
        cases = window.district_model.state.cases
        assert window.click_at(float(cases.x[-1]), float(cases.y[-1])) is None
        assert bar.currentMessage().startswith("未能读取：")
    finally:
        cluster.start()
    qtbot.waitUntil(lambda: window.server_online, timeout=WAIT_MS)


def test_a_bulk_import_elsewhere_is_one_reload_of_the_window(pg_small_url, seat_windows, qtbot):
    from app.changes import Change
    from app.store.pg_changes import RELOAD_IDS

    wall = seat_windows(pg_small_url)
    model = wall.district_model
    qtbot.waitUntil(model.settled, timeout=WAIT_MS)
    reloads, full = model.reloads, model.full_reloads
    every = []
    model.casesChanged.connect(every.append)
    with open_store(pg_small_url) as importer:
        with importer.transaction():  # one change naming more cases than a seat reads by id
            importer.stage_change(Change("case", range(1, RELOAD_IDS + 2), "case.import",
                                         "importer", T0))
        wid = _blow(importer, "导入之后")
    qtbot.waitUntil(lambda: wid in model.state.whistles and model.settled(), timeout=WAIT_MS)
    assert model.full_reloads == full + 1  # everything read once, not 50,001 ids
    assert model.reloads - reloads <= 2  # (the blow may come in the same read or the next)
    assert None in every
    assert wall.listener.reload_markers == 1
    # the map shows what was read again (its kinds counted on the worker, not here)
    assert wall.canvas.view("cases").layer.data is model.state.cases
