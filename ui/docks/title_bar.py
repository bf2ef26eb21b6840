"""Dock title bar (面板标题栏) with the panel's icon, readable across the room."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolButton, QWidget

from ui import theme


class DockTitleBar(QWidget):
    """Icon, title, float and close buttons; dragging the bar still moves the dock."""

    def __init__(self, dock: QDockWidget, icon: str) -> None:
        super().__init__(dock)
        self.setObjectName("DockTitle")
        s = theme.ui_scale()
        px = round(22 * s)
        self.icon_label = QLabel()
        self.icon_label.setObjectName("DockTitleIcon")
        try:
            self.icon_label.setPixmap(qta.icon(icon, color=theme.ACCENT).pixmap(px, px))
        except Exception:  # an unknown icon name costs the icon, never the panel
            pass
        self.title_label = QLabel(dock.windowTitle())
        self.title_label.setObjectName("DockTitleText")
        dock.windowTitleChanged.connect(self.title_label.setText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(round(8 * s), round(4 * s), round(4 * s), round(4 * s))
        layout.setSpacing(round(8 * s))
        layout.addWidget(self.icon_label)
        layout.addWidget(self.title_label, 1)
        for name, tip, slot in (
            ("mdi6.dock-window", self.tr("浮动/停靠"), lambda: dock.setFloating(not dock.isFloating())),
            ("mdi6.close", self.tr("关闭面板"), dock.close),
        ):
            b = QToolButton()
            b.setObjectName("DockTitleButton")
            b.setIcon(qta.icon(name, color=theme.TEXT_DIM, color_active="#ffffff"))
            b.setIconSize(QSize(round(18 * s), round(18 * s)))
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            layout.addWidget(b)
