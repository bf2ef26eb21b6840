"""``python -m app backup`` and ``python -m app restore FILE``: verified backups of the
district and restoring one (app/store/backup.py and restore.py; on a server app/store/backup_pg.py).

``backup --auto`` is what a schedule runs (packaging/gridcc-backup.timer): an automatic
backup into ``$GRIDCC_BACKUP_DIR`` (else ``backups/`` beside the district file), the
oldest automatic ones beyond ``--keep`` (default 14, or ``$GRIDCC_BACKUP_KEEP``) removed
once the new one is verified.  A manual backup removes nothing unless given ``--keep``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from app.store.backup import DEFAULT_KEEP, BackupError

DIR_ENV = "GRIDCC_BACKUP_DIR"
KEEP_ENV = "GRIDCC_BACKUP_KEEP"


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("backup", help="a verified backup of the district (备份), "
                                      "SHA-256 manifest beside it")
    add_db_arg(p)
    p.add_argument("--to", type=Path, default=None, metavar="DIR",
                   help=f"folder of the backups (default ${DIR_ENV}, else backups/ beside "
                        "the district file)")
    p.add_argument("--keep", type=_positive, default=None, metavar="N",
                   help=f"then keep only the newest N backups of the same kind (--auto: "
                        f"default ${KEEP_ENV} or {DEFAULT_KEEP})")
    p.add_argument("--auto", action="store_true",
                   help="an automatic (scheduled) backup, rotated apart from manual ones")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("restore", help="replace the district by a verified backup (恢复); "
                                       "the replaced file is kept aside")
    p.add_argument("file", type=Path, metavar="FILE", help="the backup (.duckdb or .dump)")
    add_db_arg(p)
    p.add_argument("--verify-only", action="store_true",
                   help="only check the backup against its manifest; replace nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return {"backup": cmd_backup, "restore": cmd_restore}


def _positive(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"须是正整数，而不是 {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("至少保留 1 份")
    return n


def _backup_dir(args) -> Path:
    if args.to is not None:
        return args.to.expanduser()
    env = os.environ.get(DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if args.db.is_postgres:
        raise BackupError(f"服务器区库的备份须指定目录：--to DIR 或 ${DIR_ENV}")
    return args.db.path.expanduser().parent / "backups"


def _keep(args) -> int | None:
    if args.keep is not None or not args.auto:
        return args.keep
    env = os.environ.get(KEEP_ENV, "").strip()
    if not env:
        return DEFAULT_KEEP
    try:
        return _positive(env)
    except Exception:
        raise BackupError(f"${KEEP_ENV} 须是正整数，而不是 {env!r}") from None


def cmd_backup(args) -> int:
    dest, keep = _backup_dir(args), _keep(args)
    if args.db.is_postgres:
        from app.store.backup_pg import backup_server

        result = backup_server(args.db, dest, auto=args.auto, keep=keep)
    else:
        from app.store import open_store
        from app.store.backup import backup_store

        store = open_store(args.db, read_only=True)
        try:
            result = backup_store(store, dest, auto=args.auto, keep=keep)
        finally:
            store.close()
    m = result.manifest
    if args.json:
        print(json.dumps({"path": str(result.path), "seconds": round(result.seconds, 2),
                          "removed": [str(p) for p in result.removed], "manifest": vars(m)},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"已备份 {m.district_name or ''}（{m.district_code or '—'}）→ {result.path}："
          f"{m.size / 1e6:.1f} MB，结构第 {m.schema_version} 版，审计记录 {m.audit_records:,} "
          f"条校验通过，SHA-256 {m.sha256[:16]}…，用时 {result.seconds:.1f} 秒")
    for p in result.removed:
        print(f"已轮换删除旧备份 {p.name}")
    return 0


def cmd_restore(args) -> int:
    from app.store.backup import verify_backup

    if args.verify_only:
        m = verify_backup(args.file)
        print(json.dumps(vars(m), ensure_ascii=False, indent=2) if args.json else
              f"备份 {args.file} 校验通过：{m.district_name or ''}（{m.district_code or '—'}），"
              f"结构第 {m.schema_version} 版，审计记录 {m.audit_records:,} 条，"
              f"备份于 {m.created_at}")
        return 0
    if args.db.is_postgres:
        from app.store.backup_pg import restore_server

        result = restore_server(args.file, args.db, progress=_progress)
    else:
        from app.store.restore import restore_backup

        result = restore_backup(args.file, args.db.path, progress=_progress)
    m = result.manifest
    if args.json:
        print(json.dumps({"db": str(result.db), "backup": str(result.backup),
                          "replaced": str(result.replaced) if result.replaced else None,
                          "seconds": round(result.seconds, 2)}, ensure_ascii=False, indent=2))
        return 0
    print(f"已用备份 {result.backup.name}（备份于 {m.created_at}）恢复 {result.db}：校验通过，"
          f"审计记录 {m.audit_records:,} 条，已记入审计日志，用时 {result.seconds:.1f} 秒")
    if result.replaced is not None:
        print(f"被替换的区库保留为 {result.replaced}（其中有备份之后写入的数据；确认无误后可删除）")
    return 0


def _progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)
