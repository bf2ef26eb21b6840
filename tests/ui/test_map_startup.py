"""The staged start: grids paint first, buildings / cases / whistles / panels follow."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from ui.main_window import MainWindow


@pytest.fixture
def staged(themed_app, qtbot, store):
    """``staged()`` -> a MainWindow opened the way the application opens it (no map given)."""
    opened = []

    def make(**kwargs):
        window = MainWindow(store, persist=False, **kwargs)
        qtbot.addWidget(window)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.close()


def test_grids_paint_before_the_deferred_layers_load(staged, qtbot, district_map):
    window = staged()
    events = []
    window.canvas.firstPainted.connect(lambda: events.append(
        ("paint", len(window.canvas.view("cases").layer.data),
         len(window.canvas.view("buildings").layer.data),
         int(window.patrol.buffer.count.sum()))))
    window.startup.finished.connect(lambda: events.append(("loaded",)))
    # opened on the grid levels alone
    assert len(window.district_map.levels[4]) == len(district_map.levels[4])
    assert len(window.district_map.cases) == 0 and len(window.district_map.buildings) == 0
    assert all(isinstance(d.widget(), QLabel) for d in window.docks.values())
    window.resize(1600, 900)
    window.show()
    qtbot.waitUntil(window.loaded, timeout=20_000)
    assert events[0] == ("paint", 0, 0, 0), "the first paint waited for the deferred data"
    assert events[-1] == ("loaded",)
    # afterwards everything is there, as in a window given the full map
    assert len(window.district_map.cases) == len(district_map.cases) > 0
    assert len(window.canvas.view("cases").layer.data) == len(district_map.cases)
    assert len(window.canvas.view("buildings").layer.data) == len(district_map.buildings) > 0
    assert len(window.canvas.view("whistles").layer.data) == len(district_map.whistles)
    assert window.canvas.view("cases").shown_points() > 0
    assert not any(d.widget().objectName() == "DockLoading" for d in window.docks.values())
    assert window.map_status.currentMessage() == ""
    assert window.startup.load_seconds is not None
    # the workers' last stored minutes arrived too (pushed by the feed worker): trails
    # show, the live feed walks on
    qtbot.waitUntil(lambda: window.patrol.buffer.count.sum() > 0, timeout=10_000)


def test_the_deferred_layers_render_into_the_static_image(staged, qtbot):
    window = staged()
    window.resize(1600, 900)
    window.show()
    qtbot.waitUntil(window.loaded, timeout=20_000)
    qtbot.waitUntil(window.canvas.settled, timeout=20_000)
    painter = window.canvas.view("buildings").static_painters()[0]
    assert len(painter.data) > 0  # the image on screen was drawn with the buildings


def test_loading_reads_through_its_own_cursor_off_the_gui_thread(staged, qtbot, monkeypatch):
    from PySide6.QtCore import QThread

    import ui.map.startup as startup

    seen = []
    real = startup.load_deferred_layers

    def spy(store, base):
        seen.append((QThread.currentThread(), store))
        return real(store, base)

    monkeypatch.setattr(startup, "load_deferred_layers", spy)
    window = staged()
    window.show()
    qtbot.waitUntil(window.loaded, timeout=20_000)
    (thread, store), = seen
    assert thread is not QThread.currentThread()
    assert store is not window.store


def test_a_failed_load_is_reported_and_the_grids_stay(staged, qtbot, monkeypatch):
    import ui.map.startup as startup

    def broken(store, base):
        raise OSError("disk read error in buildings")

    monkeypatch.setattr(startup, "load_deferred_layers", broken)
    window = staged()
    window.show()
    qtbot.waitUntil(window.loaded, timeout=20_000)
    assert "未能加载" in window.map_status.currentMessage()
    assert "disk read error" in window.map_status.currentMessage()
    assert len(window.canvas.view("grids").layer.data) > 0
    assert len(window.district_map.cases) == 0


def test_a_hidden_window_loads_anyway(staged, qtbot, monkeypatch):
    import ui.map.startup as startup

    monkeypatch.setattr(startup, "START_ANYWAY_MS", 50)
    window = staged()  # never shown: no paint
    qtbot.waitUntil(window.loaded, timeout=20_000)
    assert len(window.district_map.cases) > 0


def test_closing_while_loading_applies_nothing(staged, qtbot):
    window = staged()
    window.show()
    qtbot.waitUntil(lambda: window.startup.started, timeout=10_000)
    window.close()  # waits for the worker; its result must not reach the closed canvas
    qtbot.wait(50)
    assert not window.startup.loaded


def test_panels_fail_alone(themed_app, qtbot, store):
    from ui.plugin_api import DockArea, PanelRegistry, PanelSpec

    reg = PanelRegistry()
    reg.add_panel(PanelSpec("ok", "好", "mdi6.layers", DockArea.LEFT, lambda ctx: QLabel("ok")))
    reg.add_panel(PanelSpec("bad", "坏", "mdi6.layers", DockArea.LEFT,
                            lambda ctx: 1 / 0))
    window = MainWindow(store, persist=False, registry=reg)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(window.loaded, timeout=20_000)
        assert set(window.docks) == {"ok"}
        assert window.docks["ok"].widget().text() == "ok"
        assert [f.stage for f in reg.failures] == ["factory"]
        assert window.docks["ok"].toggleViewAction() in window.toolbar.actions()
    finally:
        window.close()


def test_panels_filled_waits_for_the_lists_that_arrive_from_workers(staged, qtbot):
    """A screenshot waits for panels_filled(): the case list (read on a worker) and the
    cameras (read on a thread of their own) are there, not 加载中…"""
    window = staged()
    window.show()
    qtbot.waitUntil(window.loaded, timeout=20_000)
    cases = window.docks["cases"].findChildren(QWidget)
    flagged = [w for w in (window.docks["cases"].widget(), *cases) if w.property("loaded") is not None]
    assert flagged  # the case panel says whether its list has arrived
    qtbot.waitUntil(window.panels_filled, timeout=20_000)
    assert all(w.property("loaded") is True for w in flagged)
    wall = window.docks["video_wall"].widget()
    walls = [w for w in (wall, *wall.findChildren(QWidget)) if w.property("camerasLoaded") is not None]
    assert walls and all(w.property("camerasLoaded") is True for w in walls)
    from ui.docks.case_panel import CasePanel

    panel = next(w for w in (window.docks["cases"].widget(), *cases) if isinstance(w, CasePanel))
    assert panel.table.rowCount() > 0
