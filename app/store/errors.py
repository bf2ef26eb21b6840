"""Store errors: each carries a one-line message fit for an operator."""


class StoreError(Exception):
    """A problem with the database that the user can act on."""


class StoreMissingError(StoreError):
    """No database file at the given path."""


class StoreLockedError(StoreError):
    """Another process holds the database open read-write."""

    def __init__(self, path: str, pid: int | None):
        self.path = path
        self.pid = pid
        who = f"PID {pid}" if pid is not None else "another process"
        super().__init__(
            f"database {path} is already open by {who}; close that GridCC first "
            "(DuckDB allows one writer per file)"
        )


class SchemaTooNewError(StoreError):
    """The file was written by a newer GridCC than this one."""


class StoreWriteError(StoreError):
    """Writing failed (full disk, file-size limit, I/O error); the transaction was rolled back."""


class StoreInterrupted(StoreError):
    """A query was stopped from another thread (:meth:`DuckDBStore.interrupt`): its
    result is no longer wanted.  Nothing was written."""
