"""Fixtures for the window tests: settings in tmp_path, one district map per session,
a main-window factory that closes what it opened, and a guard that fails a test whose
callbacks outlive their objects."""

from __future__ import annotations

import pytest
import shiboken6

from tests.ui.late_callbacks import LateCallbackGuard


@pytest.fixture(autouse=True)
def late_callbacks(qapp):
    """Fails the test when a callback fired after its object was deleted ("Internal C++
    object … already deleted" in the event loop); at teardown the test's pending work is
    drained first, so such a callback fails the test that caused it, not a later one."""
    guard = LateCallbackGuard()
    guard.install()
    yield guard
    try:
        guard.drain()
    finally:
        guard.uninstall()
    errors = guard.take()
    if errors:
        pytest.fail("callback fired after its object was deleted:\n" + "\n".join(errors),
                    pytrace=False)


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """Window settings go to tmp_path, never to the user's configuration."""
    path = tmp_path / "config"
    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(path))
    return path


@pytest.fixture
def themed_app(qapp):
    import pyqtgraph as pg

    from ui.theme import apply_theme

    pg.setConfigOptions(antialias=False)
    apply_theme(qapp, 1.0)
    return qapp


@pytest.fixture
def make_window(themed_app, qtbot, store, district_map):
    """``make_window(**kwargs)`` -> a shown MainWindow at 1600x900; closed after the test."""
    from ui.main_window import MainWindow

    opened = []

    def make(*, show: bool = True, size=(1600, 900), **kwargs):
        kwargs.setdefault("district_map", district_map)
        window = MainWindow(store, **kwargs)
        qtbot.addWidget(window)
        opened.append(window)
        if show:
            window.resize(*size)
            window.show()
            qtbot.waitExposed(window)
            window.canvas.zoom_to_extent()
            qtbot.waitUntil(lambda: window.canvas.first_paint_seconds is not None)
        return window

    yield make
    for window in opened:
        if shiboken6.isValid(window):
            window.close()


@pytest.fixture
def window(make_window):
    return make_window()
