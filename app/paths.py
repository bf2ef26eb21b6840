"""Where GridCC keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def default_db_path() -> Path:
    """The district database: $GRIDCC_DB, else the user's data directory."""
    env = os.environ.get("GRIDCC_DB")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("gridcc", appauthor=False)) / "district.duckdb"
