"""Persistence: a DuckDB file or a PostgreSQL server behind one repository interface."""

from app.store.errors import (
    SchemaTooNewError,
    SchemaTooOldError,
    StoreConflict,
    StoreDamagedError,
    StoreDisconnected,
    StoreError,
    StoreForeignWalError,
    StoreInterrupted,
    StoreLockedError,
    StoreMissingError,
    StoreNotDistrictError,
    StoreNotRegularFileError,
    StoreTornError,
    StoreUnreadableError,
    StoreWriteError,
)
from app.store.repository import DistrictRepository, open_store

__all__ = [
    "DistrictRepository",
    "SchemaTooNewError",
    "SchemaTooOldError",
    "StoreConflict",
    "StoreDamagedError",
    "StoreDisconnected",
    "StoreError",
    "StoreForeignWalError",
    "StoreInterrupted",
    "StoreLockedError",
    "StoreMissingError",
    "StoreNotDistrictError",
    "StoreNotRegularFileError",
    "StoreTornError",
    "StoreUnreadableError",
    "StoreWriteError",
    "open_store",
]
