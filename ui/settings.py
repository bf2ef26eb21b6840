"""Where the workstation keeps what it remembers: the operator's preferences
(app.preferences, a JSON file) and the window's geometry and dock layout (QSettings,
INI file, nothing else).

``GRIDCC_CONFIG_DIR`` overrides the folder (tests point it at ``tmp_path`` so they
never touch the operator's configuration).
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from app import preferences as model
from app.preferences import Loaded, Preferences

log = logging.getLogger(__name__)

ENV_CONFIG_DIR = "GRIDCC_CONFIG_DIR"
#: bump when dock object names change, so an old layout is ignored rather than misapplied
WINDOW_STATE_VERSION = 1


def config_dir() -> Path:
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("gridcc", appauthor=False))


def window_settings() -> QSettings:
    """The INI file holding window geometry and dock state."""
    path = config_dir() / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


class PreferencesHub(QObject):
    """The process's preferences, read once per configuration folder; ``changed`` when
    they are saved (the alarms follow the volume, the video wall its take-over)."""

    changed = Signal(object)  # Preferences

    def __init__(self) -> None:
        super().__init__()
        self._folder: Path | None = None
        self._loaded: Loaded | None = None

    def loaded(self) -> Loaded:
        folder = config_dir()
        if self._loaded is None or folder != self._folder:
            self._folder, self._loaded = folder, model.load(folder)
        return self._loaded

    def save(self, prefs: Preferences) -> None:
        """Write ``prefs`` (PreferencesError if the file cannot be written: nothing changes)."""
        folder = config_dir()
        model.save(folder, prefs)
        self._folder, self._loaded = folder, Loaded(prefs)
        self.changed.emit(prefs)


_hub: PreferencesHub | None = None


def hub() -> PreferencesHub:
    global _hub
    if _hub is None:
        _hub = PreferencesHub()
    return _hub


def preferences() -> Preferences:
    """The operator's preferences at this workstation (defaults where none are stored)."""
    return hub().loaded().preferences


def save_preferences(prefs: Preferences) -> None:
    hub().save(prefs)


def update_preferences(**changes) -> Preferences:
    """Change some fields and save; the new preferences."""
    prefs = replace(preferences(), **changes)
    save_preferences(prefs)
    return prefs


def remember(**changes) -> bool:
    """Change some preferences as a side effect of using a panel (the wall's take-over
    switch …): a file that cannot be written is logged, the panel keeps the value for
    this session; whether it was saved."""
    try:
        update_preferences(**changes)
    except model.PreferencesError as exc:
        log.warning("preferences not saved: %s", exc)
        return False
    return True
