"""The map's search box on a main window: Ctrl+F, typing, ↓/↑, Enter zooms and selects."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui.map.tools import install_map_tools


@pytest.fixture
def tools(window, qtbot):
    tools = install_map_tools(window)
    qtbot.waitUntil(tools.search.ready, timeout=30_000)
    return tools


def _type(qtbot, search, text):
    search.edit.clear()
    qtbot.keyClicks(search.edit, text)
    qtbot.waitUntil(lambda: bool(search.hits) and search.edit.text() == text
                    and not search._timer.isActive(), timeout=5_000)


def test_ctrl_f_opens_the_box_wherever_the_focus_is(window, tools, qtbot):
    assert [a.text() for a in tools.actions] == ["搜索", "测距", "测面"]
    assert not tools.search.isVisible()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tools.search.isVisible()
    qtbot.waitUntil(tools.search.edit.hasFocus, timeout=2_000)


def test_a_grid_code_selects_the_grid_and_zooms_there(window, tools, qtbot, store):
    unit_id, code = store.rows("SELECT id, code FROM grid_units WHERE level = 4 "
                               "ORDER BY code LIMIT 1 OFFSET 12")[0]
    search = tools.search
    search.open()
    _type(qtbot, search, code)
    assert search.list.count() == len(search.hits) and search.list.currentRow() == 0
    assert search.list.item(0).text().startswith(f"[网格] {code}")
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert window.selection.unit_id == unit_id
    view = window.canvas.visible_rect()
    hit = search.hits[0]
    assert view.contains(hit.x, hit.y) and view.width() < 2_000


def test_a_case_code_opens_its_card(window, tools, qtbot, store):
    case_id, code = store.rows("SELECT id, code FROM cases ORDER BY id DESC LIMIT 1")[0]
    search = tools.search
    search.open()
    selected = window.selection.unit_id
    _type(qtbot, search, code.lower())
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert window.case_card.isVisible() and window.case_card.case_id == case_id
    assert window.selection.unit_id == selected


def test_arrows_walk_the_hits_and_escape_closes(window, tools, qtbot, store):
    street = store.scalar("SELECT code FROM grid_units WHERE level = 2 ORDER BY code LIMIT 1")
    search = tools.search
    search.open()
    _type(qtbot, search, street)
    assert len(search.hits) > 2
    qtbot.keyClick(search.edit, Qt.Key.Key_Down)
    qtbot.keyClick(search.edit, Qt.Key.Key_Down)
    qtbot.keyClick(search.edit, Qt.Key.Key_Up)
    assert search.list.currentRow() == 1
    qtbot.keyClick(search.edit, Qt.Key.Key_Enter)
    assert window.selection.unit_id == search.hits[1].id and search.hits[1].kind == "community"
    qtbot.keyClick(search.edit, Qt.Key.Key_Escape)
    assert not search.isVisible()


def test_a_worker_opens_his_card_and_a_camera_is_ringed(window, tools, qtbot, store):
    worker_code = store.scalar("SELECT code FROM workers ORDER BY id LIMIT 1 OFFSET 3")
    search = tools.search
    search.open()
    _type(qtbot, search, worker_code)
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    card = window.worker_card
    assert card.isVisible() and card.record.code == worker_code
    assert "13" not in card.fields["phone"].text()[:2] or "*" in card.fields["phone"].text()
    camera_code = store.scalar("SELECT code FROM cameras ORDER BY id LIMIT 1 OFFSET 3")
    _type(qtbot, search, camera_code)
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert search._ring is not None and search._ring.scene() is not None
    search.clear_ring()
    assert search._ring is None


def test_nothing_found_says_so(tools, qtbot):
    search = tools.search
    search.open()
    search.edit.setText("没有这个地方zz")  # (QTest types Latin letters only)
    qtbot.waitUntil(lambda: search.status.isVisible(), timeout=5_000)
    assert "没有找到" in search.status.text() and not search.list.isVisible()


def test_demo_mode_switched_on_rebuilds_before_showing_names(window, tools, qtbot, store):
    from app.privacy.demo import pseudonym, set_demo_mode

    code, name = store.rows("SELECT code, name FROM workers ORDER BY id LIMIT 1 OFFSET 7")[0]
    search = tools.search
    search.open()
    set_demo_mode(True)
    try:
        search.edit.setText(code)
        qtbot.waitUntil(lambda: search.ready() and bool(search.hits), timeout=30_000)
        assert search.index.demo
        assert search.hits[0].name == pseudonym(name)
        assert name not in search.list.item(0).text()
    finally:
        set_demo_mode(None)
