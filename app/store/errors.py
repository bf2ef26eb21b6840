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


class StoreConflict(StoreError):
    """Someone else changed the record since the caller read it (乐观锁冲突): nothing
    was written; the caller reloads the record and tries again.

    ``entity`` (case, whistle …), ``ref`` (its code, or id), and when known ``actor``
    (the display name of who changed it), ``action`` (what they did, a code) and ``at``
    (when).  The message says it in Chinese, e.g. "案件 AJ2026112000012W 已由 张三 于
    10:32 派遣，请刷新后重试".
    """

    def __init__(self, message: str, *, entity: str | None = None,
                 ref: str | int | None = None, actor: str | None = None,
                 action: str | None = None, at=None):
        super().__init__(message)
        self.entity = entity
        self.ref = ref
        self.actor = actor
        self.action = action
        self.at = at


class StoreDisconnected(StoreError):
    """The server cannot be reached, or the connection dropped: the action was not done
    (a commit whose fate was unknown has been looked up, see app/store/pg_store.py)."""
