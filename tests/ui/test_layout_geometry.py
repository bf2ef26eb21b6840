"""The layout holds (geometry, not pixels) at 1366×768, 1920×1080, 2560×1440, 3840×2160.

One window per size (the theme's scale follows the size as the app's does), each
workspace in turn, then every panel opened and closed again.  Asserted:

- no two visible top-level parts (docked panels, the map, toolbars, status bar) overlap,
  and none leaves the window (a panel never pushes the bottom bar off);
- no visible child of a docked panel sticks out of it (what a scroll area scrolls is
  clipped on purpose and not counted);
- the map keeps ≥ 0.5 of the width at 1920×1080 and larger; at 1366×768 ≥ 0.42 (the
  side panels cannot shrink below their readable width there: left 230, right 500 px);
- texts that must be read are whole.  The rule: labels without word wrap whose object
  name is DockTitleText (dock titles) or TitleLabel (the window's title in the toolbar)
  fit their width; in the whistle list the status and countdown columns fit and the
  title column shows at least 8 characters (the whole title is its tooltip); in the
  case list the code, status and deadline columns fit;
- closing a panel gives its width back: the map is at least as wide as before it opened;
- the 面板 button and the workspace buttons are visible in the toolbar (never only in
  its overflow menu).
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtWidgets import QToolButton

from tests.ui.english import english_language  # noqa: F401
from ui.layout_check import (
    cut_cells,
    cut_titles,
    docked_in_view,
    map_share,
    map_share_floor,
    outside_window,
    overlaps,
    rect_in,
    sticking_out,
)
from ui.workspaces import WORKSPACES

SIZES = [(1366, 768), (1920, 1080), (2560, 1440), (3840, 2160)]
#: the whistle list's title column shows at least this many characters
TITLE_CHARS = 8


def _settle(qapp, window) -> None:
    for _ in range(3):
        qapp.processEvents()
        window.layout().activate()


def _problems(window, where: str) -> list[str]:
    out = [f"{where}: {a} overlaps {b}" for a, b in overlaps(window)]
    out += [f"{where}: {name} leaves the window" for name in outside_window(window)]
    for pid, dock in window.docks.items():
        if docked_in_view(window, dock):
            out += [f"{where}: {pid} has {w} outside it" for w in sticking_out(dock)]
    share, floor = map_share(window), map_share_floor(window.width())
    if share < floor:
        out.append(f"{where}: the map keeps {share:.2f} of the width (< {floor})")
    out += [f"{where}: title cut: {t}" for t in cut_titles(window)]
    out += _cut_list_cells(window, where)
    return out


def _cut_list_cells(window, where: str) -> list[str]:
    out = []
    whistles = window.docks.get("whistles")
    if whistles is not None and whistles.widget().isVisible():
        table = whistles.widget().table
        out += _cut(where, "whistle list", cut_cells(table, (1, 2)))
        need = TITLE_CHARS * table.fontMetrics().horizontalAdvance("南")
        if table.rowCount() and table.columnWidth(0) < need:
            out.append(f"{where}: whistle titles get {table.columnWidth(0)} px (< {need})")
    cases = window.docks.get("cases")
    if cases is not None and cases.widget().isVisible():
        out += _cut(where, "case list", cut_cells(cases.widget().table, (0, 2, 3)))
    return out


def _cut(where: str, what: str, texts: list[str]) -> list[str]:
    return [f"{where}: {what}: {len(texts)} cells cut, e.g. {texts[0]}"] if texts else []


@pytest.fixture
def sized_window(qapp, qtbot, store, district_map):
    import pyqtgraph as pg

    from ui.main_window import MainWindow
    from ui.theme import apply_theme, wall_scale

    made = []

    def make(width: int, height: int):
        pg.setConfigOptions(antialias=False)
        apply_theme(qapp, wall_scale(width, height))  # as ui.app._prepare does
        window = MainWindow(store, district_map=district_map, persist=False)
        qtbot.addWidget(window)
        made.append(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.loaded() and window.panels_filled(), timeout=30_000)
        return window

    yield make
    for window in made:
        if shiboken6.isValid(window):
            window.close()
    apply_theme(qapp, 1.0)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_workspace_and_panel_holds(sized_window, qapp, size):
    _every_workspace_and_panel_holds(sized_window(*size), qapp, size)


def test_the_english_interface_holds_at_1920x1080(sized_window, qapp, english):
    """English texts are longer: the same rules at the most common desk size."""
    _every_workspace_and_panel_holds(sized_window(1920, 1080), qapp, (1920, 1080))


def _every_workspace_and_panel_holds(window, qapp, size) -> None:
    assert (window.width(), window.height()) == size
    problems: list[str] = []
    for key in WORKSPACES:
        window.workspaces.switch(key)
        _settle(qapp, window)
        where = f"{size[0]}x{size[1]} {key}"
        assert window.workspaces.current == key
        problems += _problems(window, where)
        problems += _toolbar_problems(window, where)
        for pid, dock in window.docks.items():
            if not dock.isHidden():
                continue
            before = window.centralWidget().width()
            window.workspaces.show_panel(pid)
            _settle(qapp, window)
            assert docked_in_view(window, dock), f"{where}: {pid} did not open"
            problems += _problems(window, f"{where} +{pid}")
            dock.close()
            _settle(qapp, window)
            after = window.centralWidget().width()
            if after < before - 2:
                problems.append(f"{where}: closing {pid} left the map {after} px (was {before})")
    assert not problems, "\n".join(problems)


def _toolbar_problems(window, where: str) -> list[str]:
    """The 面板 button and the workspace buttons are shown in the toolbar itself."""
    bar = window.toolbar
    inside = bar.rect()
    out = []
    wanted = [b for b in bar.findChildren(QToolButton)
              if b.objectName() in ("PanelsButton", "WorkspaceButton")]
    if len(wanted) != 1 + len(WORKSPACES):
        out.append(f"{where}: {len(wanted)} panel/workspace buttons in the toolbar")
    for b in wanted:
        if not b.isVisible() or not inside.contains(rect_in(bar, b)):
            out.append(f"{where}: {b.text()} is not shown in the toolbar")
    return out
