"""Persistence: a DuckDB file or a PostgreSQL server behind one repository interface."""

from app.store.errors import (
    SchemaTooNewError,
    StoreConflict,
    StoreDisconnected,
    StoreError,
    StoreInterrupted,
    StoreLockedError,
    StoreMissingError,
    StoreWriteError,
)
from app.store.repository import DistrictRepository, open_store

__all__ = [
    "DistrictRepository",
    "SchemaTooNewError",
    "StoreConflict",
    "StoreDisconnected",
    "StoreError",
    "StoreInterrupted",
    "StoreLockedError",
    "StoreMissingError",
    "StoreWriteError",
    "open_store",
]
