"""The workflow panels' entries in the map's right-click menu: 在此吹哨 (the whistle form
with that place, in front) and 在此登记案件 (a new case accepted in that place's grid);
both offered only to a user who may."""

from __future__ import annotations

import pytest

from app.auth.permissions import Role
from app.store import open_store
from tests.ui.test_workflow_panels import _grid_point, as_user


@pytest.fixture
def db(small_db_copy, themed_app):
    from app.auth.session import sign_out
    from ui.background import wait_all

    store = open_store(small_db_copy)
    yield store
    sign_out()
    wait_all()
    store.close()


@pytest.fixture
def seat(db, qtbot, district_map):
    """A window on a writable district, signed in per test before it is built."""
    from ui.main_window import MainWindow

    made = []

    def make(user: str, role: Role):
        as_user(db, user, role)
        window = MainWindow(db, district_map=district_map, persist=False)
        qtbot.addWidget(window)
        made.append(window)
        window.resize(1600, 900)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for w in made:
        w.close()


def _entry(window, text: str):
    return next(e for e in window.map_menu.entries if e.text == text)


def _here(db, window) -> tuple[float, float]:
    lon, lat = _grid_point(db)
    x, y = window.district_map.frame.from_lonlat(lon, lat)
    return float(x), float(y)


def test_blow_here_opens_the_form_with_the_place(seat, db):
    window = seat("sec01", Role.STREET_SECRETARY)
    panel = window.docks["whistles"].widget()
    x, y = _here(db, window)
    entry = _entry(window, "在此吹哨")
    assert entry.enabled(x, y)
    panel.tabs.setCurrentIndex(0)
    entry.callback(x, y)
    assert panel.tabs.currentIndex() == 1  # asked for: the form comes to the front
    assert panel.place is not None and panel.place_path in panel.place_label.text()
    assert not window.docks["whistles"].isHidden()


@pytest.mark.qt_log_ignore("This plugin does not support")  # a dialog, offscreen
def test_new_case_here_is_accepted_in_the_grid_clicked(seat, db, qtbot):
    import plugins.workflow_panels as plugin

    window = seat("dispatcher", Role.DISPATCHER)
    x, y = _here(db, window)
    entry = _entry(window, "在此登记案件")
    assert entry.enabled(x, y)
    panel = window.docks["cases"].widget()
    before = db.scalar("SELECT count(*) FROM cases")
    dialog = plugin._new_case_at(window_ctx(window), panel, x, y)
    assert "›" in dialog.where.text()  # the place, by its names
    assert dialog.submit() is None and db.scalar("SELECT count(*) FROM cases") == before
    assert dialog.message.text().startswith("未执行：")  # no description: said, not sent
    dialog.description.setText("人行道井盖缺失，行人绊倒风险")
    case_id = dialog.submit()
    assert case_id is not None and not dialog.isVisible()
    grid = db.scalar("SELECT grid_id FROM cases WHERE id = ?", [case_id])
    lon, lat = window.district_map.frame.to_lonlat(x, y)
    from app.workflow.places import grid_at

    assert grid == grid_at(db, float(lon), float(lat))
    assert not window.docks["cases"].isHidden()


def test_the_entries_are_not_offered_to_a_viewer(seat, db):
    from app.auth.session import sign_out

    window = seat("sec01", Role.STREET_SECRETARY)
    sign_out()
    x, y = _here(db, window)
    assert not _entry(window, "在此登记案件").enabled(x, y)


def window_ctx(window):
    from ui.plugin_api import PanelContext

    return PanelContext(window=window, store=window.store, district_map=window.district_map,
                        layers=window.layers, canvas=window.canvas, selection=window.selection)


def test_a_case_with_its_steps_fits_its_dock(seat, db, qtbot):
    """Signed in, a selected case shows its step buttons (三 a row): the case panel's dock
    keeps its place and no button leaves it (its title bar was drawn over 吹哨)."""
    from ui.layout_check import docked_in_view, layout_problems, sticking_out

    window = seat("dispatcher", Role.DISPATCHER)
    window.resize(1366, 768)
    window.workspaces.switch("dispatch")
    panel = window.docks["cases"].widget()
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=20_000)
    for row in range(panel.table.rowCount()):
        panel.table.selectRow(row)
        if len(panel.action_buttons) >= 3:
            break
    assert len(panel.action_buttons) >= 3
    qtbot.wait(1)
    window.layout().activate()
    dock = window.docks["cases"]
    assert docked_in_view(window, dock)
    assert sticking_out(dock) == [] and layout_problems(window) == []
