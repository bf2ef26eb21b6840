"""导入辖区数据: the import wizard (issue 15) and its door from the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from ui.district_import.wizard import DEFAULT_NAME, ImportWizard

__all__ = ["ImportWizard", "open_import_wizard", "reopen_main_window"]


def open_import_wizard(window) -> ImportWizard:
    """Show the wizard over ``window`` (a MainWindow); a district imported into the open
    one reopens the main window on it when the operator asks (打开辖区)."""
    from ui.lifetime import connect_while

    path = Path(getattr(window.store, "path", "") or "")
    default = path.with_name(DEFAULT_NAME) if path.name else Path.home() / DEFAULT_NAME
    wizard = ImportWizard(window.store, default_target=default, parent=window)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(_result: int) -> None:
        if wizard.reopen_requested and wizard.committed_into_current:
            reopen_main_window(window)

    connect_while(wizard, wizard.finished, finished)
    wizard.show()
    return wizard


def reopen_main_window(window):
    """A new main window on the same district (its boundaries just changed); the old one closes."""
    from app.feed.simulator import simulated_feed
    from ui.main_window import MainWindow

    new = MainWindow(window.store, clock=window.clock, feed=simulated_feed)
    new.setGeometry(window.geometry())
    if window.isMaximized():
        new.showMaximized()
    else:
        new.show()
    window.close()
    return new
