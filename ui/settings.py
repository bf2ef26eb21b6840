"""Where the window remembers its geometry and dock layout (QSettings, INI file).

``GRIDCC_CONFIG_DIR`` overrides the folder (tests point it at ``tmp_path`` so they
never touch the operator's configuration).  Only window state lives here; typed
application settings belong to ``app``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

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


def operator_settings() -> QSettings:
    """The INI file holding the operator's preferences at this workstation (the video
    wall's alarm take-over …), kept apart from the window state, which a version bump drops."""
    path = config_dir() / "operator.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)
