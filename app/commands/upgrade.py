"""``python -m app upgrade``: bring a district file written by an older GridCC to this
version's schema (升级区库结构), after a verified backup.

Read-only commands (info, check, screenshot, backup, audit verify …) refuse an older file
rather than change it (SchemaTooOldError names this command).  The backup is made on the
read-write connection just before the migration, so nothing can write in between; it goes
to ``backups/`` beside the district file unless ``--to DIR`` says otherwise (like
``backup``), and is an ordinary manual backup (``restore`` takes it back).  A file that is
already current is only opened read-only: running ``upgrade`` twice is harmless.
"""

from __future__ import annotations

from pathlib import Path


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("upgrade", help="upgrade a district file written by an older GridCC "
                                       "(升级区库结构), after a verified backup")
    add_db_arg(p)
    p.add_argument("--to", type=Path, default=None, metavar="DIR",
                   help="folder of the backup made first (default: backups/ beside the "
                        "district file)")
    return {"upgrade": cmd_upgrade}


def cmd_upgrade(args) -> int:
    from app.cli import UserError

    if args.db.is_postgres:
        raise UserError("upgrade 用于单机区库文件；服务器上的区库由管理员备份（python -m app "
                        "backup --db URL --to DIR）后运行 python -m app server init --db URL 升级")
    path = args.db.path.expanduser()
    dest = (args.to or path.parent / "backups").expanduser()
    done = upgrade_file(path, dest)
    if done is None:
        from app.store.schema import latest_version

        print(f"区库 {path} 已是第 {latest_version()} 版结构，无需升级（文件未改动）")
        return 0
    before, after, backup = done
    print(f"已升级区库 {path}：结构第 {before} 版 → 第 {after} 版；"
          f"升级前的备份（已校验）：{backup}")
    return 0


def upgrade_file(path: Path, backup_dir: Path) -> tuple[int, int, Path] | None:
    """Upgrade the district file at ``path`` after backing it up into ``backup_dir``;
    (from, to, backup) or None when it was already current (then nothing is written)."""
    from app.store import SchemaTooOldError
    from app.store.backup import backup_store
    from app.store.duckdb_store import DuckDBStore

    try:  # read-only first: a current file is not even opened for writing
        DuckDBStore.open(path, read_only=True).close()
        return None
    except SchemaTooOldError:
        pass
    done = []

    def back_up_first(store, version: int, target: int) -> None:
        done.append((version, target, backup_store(store, backup_dir).path))

    DuckDBStore.open(path, before_migrate=back_up_first).close()
    return done[0] if done else None
