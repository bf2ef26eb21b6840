"""Where GridCC keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def default_db_path() -> Path:
    """The single-seat district file in the user's data directory."""
    return Path(user_data_dir("gridcc", appauthor=False)) / "district.duckdb"


def default_db():
    """The district: $GRIDCC_DB (a file path or a PostgreSQL URL), else
    :func:`default_db_path`."""
    from app.store.target import parse_db

    env = os.environ.get("GRIDCC_DB", "").strip()
    return parse_db(env) if env else parse_db(default_db_path())
