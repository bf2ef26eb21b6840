"""Persistence: the DuckDB store behind a small repository interface."""

from app.store.errors import (
    SchemaTooNewError,
    StoreConflict,
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
    "StoreError",
    "StoreInterrupted",
    "StoreLockedError",
    "StoreMissingError",
    "StoreWriteError",
    "open_store",
]
