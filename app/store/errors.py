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


class StoreNotRegularFileError(StoreError):
    """The path is a directory, FIFO, device or socket, not a file (never opened)."""

    def __init__(self, path, kind: str):
        self.path = str(path)
        self.kind = kind
        super().__init__(f"{path} 是{kind}，不是区库文件")


class StoreUnreadableError(StoreError):
    """The file cannot be read by this user (permissions, I/O error)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"无法读取区库 {path}：{reason}")


class StoreNotDistrictError(StoreError):
    """The file is not a GridCC district (empty, not a DuckDB file, another database)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path} 不是 GridCC 区库文件（{reason}）；区库由 python -m app demo "
                         "生成或 python -m app district import 导入")


class StoreDamagedError(StoreError):
    """The file is damaged (checksum error in a block, a WAL that cannot be replayed)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"区库 {path} 已损坏：{reason}；请从最近的备份恢复"
                         "（python -m app restore 备份文件）")


class StoreTornError(StoreDamagedError):
    """After an unclean shutdown the tables disagree with the last commit's marks: a
    transaction came back in part (app/store/integrity.py).  The file is left as it is."""

    def __init__(self, path, problems: list[str]):
        self.problems = list(problems)
        shown = "；".join(problems[:3]) + ("…" if len(problems) > 3 else "")
        super().__init__(path, f"上次异常退出后有一次提交只恢复了一部分（{shown}）")


class StoreForeignWalError(StoreError):
    """A WAL beside the file does not belong to it (a replaced or foreign file's)."""

    def __init__(self, path, wal, stale: bool = False):
        self.path = str(path)
        self.wal = str(wal)
        self.stale = stale
        origin = "是该区库较早版本的旧日志" if stale else "来自被替换的或其他的区库"
        super().__init__(f"{wal} 不属于区库 {path}（{origin}），未应用；"
                         "以读写方式打开区库（如 python -m app run）时会将其改名移开")


class SchemaTooNewError(StoreError):
    """The file was written by a newer GridCC than this one."""


class SchemaTooOldError(StoreError):
    """A read-only open of a file at an older schema version: refused, since upgrading it
    would write it (read-only commands never change a file); ``python -m app upgrade``
    upgrades it after a backup, and a read-write open (the window) upgrades it too."""

    def __init__(self, path, version: int, target: int):
        self.path = str(path)
        self.version = version
        self.target = target
        super().__init__(f"区库 {path} 是第 {version} 版结构，本 GridCC 需要第 {target} 版，"
                         "只读命令不改动文件；请先升级（升级前自动备份）："
                         f"python -m app upgrade --db {path}")


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
