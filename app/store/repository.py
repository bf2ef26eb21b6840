"""The repository interface the rest of GridCC talks to.

Everything outside ``app/store`` uses this protocol, never a database connection:
one DuckDB file for a single seat (app/store/duckdb_store.py) or a PostgreSQL server
for many (app/store/pg_store.py).  Reads return
columns as numpy arrays (few large arrays, not many small objects).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.changes import Change, ChangeFeed
from app.store.target import DbTarget, parse_db

Columns = dict[str, np.ndarray]


class DistrictRepository(Protocol):
    """Read/write access to one district's data."""

    path: str
    read_only: bool
    #: "duckdb" or "postgres" (for the few statements written per dialect)
    dialect: str
    #: committed changes of this database, published after each commit (app/changes)
    changes: ChangeFeed

    def schema_version(self) -> int: ...

    def meta(self) -> dict[str, str]: ...

    def set_meta(self, values: Mapping[str, str]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all; the changes staged inside
        are published on :attr:`changes` after the commit, never for a rollback."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside all see one committed state of the database."""
        ...

    def stage_change(self, change: Change) -> None:
        """Tell :attr:`changes` about ``change`` when the running transaction commits."""
        ...

    def bulk_insert(self, table: str, columns: Mapping[str, Sequence | np.ndarray]) -> int:
        """Insert column arrays (numpy/lists/bytes) into ``table``; returns row count."""
        ...

    def columns(self, sql: str, params: Sequence[Any] = ()) -> Columns:
        """Run a read query, return its columns as numpy arrays."""
        ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def iter_batches(self, sql: str, batch_rows: int = 100_000) -> Iterator[Columns]: ...

    def cursor(self) -> DistrictRepository:
        """A handle on the same database for another thread."""
        ...

    def interrupt(self) -> None:
        """From another thread: stop the running query; later ones raise
        StoreInterrupted until reset_interrupt()."""
        ...

    def reset_interrupt(self) -> None: ...

    def close(self) -> None: ...


def open_store(
    db: str | Path | DbTarget,
    *,
    read_only: bool = False,
    create: bool = False,
) -> DistrictRepository:
    """Open (or create) the district at ``db``: a DuckDB file path or a PostgreSQL URL
    (app/store/target.py).

    Upgrades an older schema when read-write (read-only: SchemaTooOldError, nothing
    written); refuses a newer one (SchemaTooNewError), a file held by another process
    (StoreLockedError), a missing one (StoreMissingError) or a server that cannot be
    reached (StoreDisconnected).  A DuckDB file is refused by cause
    (app/store/integrity.py): not a regular file, unreadable, not a district, damaged,
    torn by a crash (StoreTornError), a foreign WAL beside it when read-only (set aside
    when read-write: ``store.wal_set_aside``).
    """
    target = parse_db(db)
    if target.is_postgres:
        from app.store.pg_store import PostgresStore

        return PostgresStore.open(target, read_only=read_only, create=create)
    from app.store.duckdb_store import DuckDBStore

    return DuckDBStore.open(target.path, read_only=read_only, create=create)
