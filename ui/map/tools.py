"""The map aids wired onto a main window: search (Ctrl+F), measuring, the right-click
menu.  ``install_map_tools(window)`` is called once the window is built; the window
puts :attr:`MapTools.actions` into its toolbar and menus."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from ui.map.context_menu import MapContextMenu
from ui.map.measure import MeasureActions, MeasureTool
from ui.map.search import MapSearch


@dataclass
class MapTools:
    """What :func:`install_map_tools` made; ``actions``: 搜索, 测距, 测面 (toolbar order)."""

    search: MapSearch
    measure: MeasureTool
    measure_actions: MeasureActions
    menu: MapContextMenu

    @property
    def actions(self) -> list[QAction]:
        return [self.search.action, self.measure_actions.distance, self.measure_actions.area]


def install_map_tools(window) -> MapTools:
    """Create ``window.map_menu``, ``window.map_search`` and ``window.measure_tool`` on
    ``window.canvas``; the search index builds once the window has loaded.  Installed
    once: a second call returns the same tools (``window.map_tools``)."""
    if isinstance(getattr(window, "map_tools", None), MapTools):
        return window.map_tools
    search = MapSearch(window)
    measure = MeasureTool(window.canvas, window)
    tools = MapTools(search, measure, MeasureActions(measure, window), MapContextMenu(window))
    window.map_menu = tools.menu
    window.map_search = search
    window.measure_tool = measure
    window.map_tools = tools
    # after the window's constructor (its staged start-up may not exist yet)
    QTimer.singleShot(0, search, lambda: _build_when_loaded(window, search))
    online = getattr(window, "serverOnlineChanged", None)
    if online is not None:  # an index the outage kept from building is built once back
        online.connect(lambda up, _text: up and search.index is None and search.build())
    return tools


def _build_when_loaded(window, search: MapSearch) -> None:
    """The index is read once the window's layers have loaded (not competing with them)."""
    if search.index is not None:
        return
    startup = getattr(window, "startup", None)
    if startup is not None and not startup.done:
        startup.finished.connect(search.build)
    else:
        search.build()
