"""Panels (docks) and the plugins that provide them.

A plugin is a module with ``register(registry: PanelRegistry) -> None``.  Built-in
panels live in the ``plugins`` package and are found exactly like third-party ones,
which are declared as entry points in the ``gridcc.plugins`` group::

    [project.entry-points."gridcc.plugins"]
    my_panel = "my_package.gridcc_plugin"

A plugin that fails to import, to register, or whose factory raises is logged
and skipped; the command centre always starts.

Dock areas and the panels meant for them (later issues fill them):
left: 图层 layers; right: 查询 identify, 吹哨调度 whistle dispatch;
bottom: 考核评价 performance scoring; top: 视频墙 video wall.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.map.layer_stack import LayerStack
    from app.map.layers import DistrictMap
    from app.store import DistrictRepository
    from ui.map.canvas import MapCanvas
    from ui.map.selection import MapSelection

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "gridcc.plugins"
BUILTIN_PACKAGE = "plugins"


class DockArea(Enum):
    LEFT = "left"
    RIGHT = "right"
    BOTTOM = "bottom"
    TOP = "top"

    def qt(self) -> Qt.DockWidgetArea:
        return {
            DockArea.LEFT: Qt.DockWidgetArea.LeftDockWidgetArea,
            DockArea.RIGHT: Qt.DockWidgetArea.RightDockWidgetArea,
            DockArea.BOTTOM: Qt.DockWidgetArea.BottomDockWidgetArea,
            DockArea.TOP: Qt.DockWidgetArea.TopDockWidgetArea,
        }[self]


@dataclass
class PanelContext:
    """What a panel factory may use: the district, its map and the selection."""

    window: QWidget
    store: DistrictRepository
    district_map: DistrictMap
    layers: LayerStack
    canvas: MapCanvas
    selection: MapSelection


@dataclass(frozen=True)
class PanelSpec:
    """A dockable panel: ``factory(context)`` builds its widget when the window opens."""

    id: str
    title: str
    icon: str  # a qtawesome name, e.g. "mdi6.layers-outline"
    area: DockArea
    factory: Callable[[PanelContext], QWidget]
    order: int = 100
    shown: bool = True  # visible on first start (later the saved dock state decides)


@dataclass(frozen=True)
class PluginFailure:
    plugin: str
    stage: str  # import, register, factory
    error: str


@dataclass
class PanelRegistry:
    """The panels available to the main window."""

    _panels: dict[str, PanelSpec] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)
    #: the plugin currently registering (for error reports)
    _current: str = ""

    def add_panel(self, spec: PanelSpec) -> None:
        if not spec.id or not spec.id.replace("_", "").replace(".", "").isalnum():
            raise ValueError(f"panel id must be a plain identifier, not {spec.id!r}")
        if spec.id in self._panels:
            raise ValueError(f"panel {spec.id!r} is already registered")
        self._panels[spec.id] = spec

    def panels(self) -> list[PanelSpec]:
        return sorted(self._panels.values(), key=lambda s: (s.order, s.id))

    def panel(self, panel_id: str) -> PanelSpec:
        return self._panels[panel_id]

    def record_failure(self, plugin: str, stage: str, exc: BaseException) -> None:
        text = f"{type(exc).__name__}: {exc}"
        self.failures.append(PluginFailure(plugin, stage, text))
        log.error("plugin %s failed at %s and is skipped: %s", plugin, stage, text,
                  exc_info=(type(exc), exc, exc.__traceback__))


def register_module(registry: PanelRegistry, module: Any, name: str) -> bool:
    """Call ``module.register(registry)``; a failure is recorded and nothing half-added stays."""
    register = getattr(module, "register", None)
    if not callable(register):
        registry.record_failure(name, "register", TypeError("module has no register(registry)"))
        return False
    before = dict(registry._panels)
    try:
        register(registry)
    except Exception as exc:
        registry._panels = before
        registry.record_failure(name, "register", exc)
        return False
    return True


def builtin_plugin_modules(package: str = BUILTIN_PACKAGE) -> list[str]:
    """Module names of the built-in plugins (every module of the ``plugins`` package)."""
    try:
        pkg = importlib.import_module(package)
    except Exception as exc:  # the package itself is broken: no built-ins, still start
        log.error("plugin package %s cannot be imported: %s", package, exc)
        return []
    paths = getattr(pkg, "__path__", [])
    return sorted(f"{package}.{m.name}" for m in pkgutil.iter_modules(paths)
                  if not m.name.startswith("_"))


def load_plugins(
    registry: PanelRegistry | None = None,
    *,
    package: str = BUILTIN_PACKAGE,
    entry_points: Iterable[Any] | None = None,
) -> PanelRegistry:
    """Register the built-in plugins, then the entry points of group ``gridcc.plugins``."""
    registry = registry if registry is not None else PanelRegistry()
    for name in builtin_plugin_modules(package):
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            registry.record_failure(name, "import", exc)
            continue
        register_module(registry, module, name)
    if entry_points is None:
        from importlib.metadata import entry_points as _eps

        entry_points = _eps(group=ENTRY_POINT_GROUP)
    for ep in entry_points:
        name = getattr(ep, "name", repr(ep))
        try:
            module = ep.load()
        except Exception as exc:
            registry.record_failure(name, "import", exc)
            continue
        register_module(registry, module, name)
    return registry
