"""The 面板 menu and the workspace switcher at the front of the main toolbar.

Every panel is reachable from a labelled button (never only from the toolbar's
overflow handle), with the workspaces (Ctrl+1 … Ctrl+4), the district import, the
settings when there are some, and 恢复默认布局.
"""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from ui import theme
from ui.i18n import translate
from ui.workspaces import WORKSPACES, Workspaces


def _icon(name: str):
    return qta.icon(name, color=theme.ACCENT, color_active="#ffffff")


def workspace_name(key: str) -> str:
    """The workspace's name in the interface language."""
    return QCoreApplication.translate("workspace", WORKSPACES[key].name)


class WorkspaceSwitcher:
    """One checkable action per workspace (Ctrl+1 …), shown as labelled toolbar buttons."""

    def __init__(self, window, workspaces: Workspaces) -> None:
        self.workspaces = workspaces
        self.group = QActionGroup(window)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for i, key in enumerate(WORKSPACES, start=1):
            act = QAction(workspace_name(key), window)
            act.setObjectName(f"workspace_{key}")
            act.setCheckable(True)
            act.setShortcut(QKeySequence(f"Ctrl+{i}"))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(translate("PanelsMenu", "工作区：{name} (Ctrl+{n})").format(
                name=workspace_name(key), n=i))
            act.triggered.connect(lambda _c=False, key=key: workspaces.switch(key))
            self.group.addAction(act)
            window.addAction(act)
            self.actions[key] = act
        workspaces.switched.connect(self.show_current)
        self.show_current(workspaces.current)

    def show_current(self, key: str) -> None:
        if key in self.actions:
            self.actions[key].setChecked(True)

    def add_to(self, bar: QToolBar) -> None:
        for act in self.actions.values():
            bar.addAction(act)
            button = bar.widgetForAction(act)
            if isinstance(button, QToolButton):
                button.setObjectName("WorkspaceButton")
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)


class PanelsMenu(QMenu):
    """面板: the workspaces, every panel (checked when open), import, settings, reset."""

    def __init__(self, window, workspaces: Workspaces, switcher: WorkspaceSwitcher) -> None:
        super().__init__(self.tr("面板"), window)
        self.setObjectName("PanelsMenu")
        self.window_ = window
        self.workspaces = workspaces
        for act in switcher.actions.values():
            self.addAction(act)
        self.addSeparator()
        self.panel_actions: dict[str, QAction] = {}
        for pid, dock in window.docks.items():
            act = dock.toggleViewAction()
            self.addAction(act)
            self.panel_actions[pid] = act
        self.addSeparator()
        self.addAction(window.import_action)
        self.settings_action: QAction | None = None
        self.reset_action = self.addAction(_icon("mdi6.restore"), self.tr("恢复默认布局"))
        self.reset_action.setObjectName("ResetLayout")
        self.reset_action.setToolTip(self.tr("当前工作区的面板回到默认位置和大小"))
        self.reset_action.triggered.connect(workspaces.reset)

    def add_settings(self, slot) -> QAction:
        """设置… before 恢复默认布局 (once the settings dialog exists)."""
        act = QAction(_icon("mdi6.cog-outline"), self.tr("设置…"), self)
        act.setObjectName("OpenSettings")
        act.triggered.connect(slot)
        self.insertAction(self.reset_action, act)
        self.settings_action = act
        return act

    def add_group(self, actions) -> None:
        """A group of the window's actions (screen modes, map tools, help) before
        导入辖区数据…: whatever the toolbar's overflow hides stays one labelled click away."""
        anchor = self.window_.import_action
        for act in actions:
            if act is not None:
                self.insertAction(anchor, act)
        self.insertSeparator(anchor)

    def forget_panel(self, pid: str) -> None:
        act = self.panel_actions.pop(pid, None)
        if act is not None:
            self.removeAction(act)

    def button(self) -> QToolButton:
        """The labelled toolbar button that opens this menu."""
        b = QToolButton()
        b.setObjectName("PanelsButton")
        b.setText(self.title())
        b.setIcon(_icon("mdi6.view-dashboard-outline"))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        b.setMenu(self)
        b.setToolTip(self.tr("面板、工作区与布局"))
        return b
