"""``python -m app district import|export``: the command-line door to this package."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from app.district_io.mapping import KINDS, LEVELS


def register(ops, add_db_arg) -> None:
    """Add the ``import`` and ``export`` operations to ``district``'s sub-parsers."""
    q = ops.add_parser("import", help="import boundaries, buildings, cameras, staff … from "
                                      "Shapefile, GeoPackage, GeoJSON, CSV or XLSX")
    add_db_arg(q)
    q.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    q.add_argument("--wizard", action="store_true",
                   help="open the import wizard (its first page holds the PATHs; --db: the district "
                        "to import into when it exists, else the new district file)")
    q.add_argument("--lang", choices=("zh_CN", "en"), default=None, help="the wizard's language")
    q.add_argument("--layer", help="the GeoPackage layer to read (default: all)")
    q.add_argument("--level", choices=tuple(LEVELS), help="grid level of every boundary layer")
    q.add_argument("--kind", choices=KINDS, help="what the files hold (default: guessed per layer)")
    q.add_argument("--crs", help="EPSG:4490, EPSG:4527 …, gcj02 or bd09 (default: .prj or the numbers)")
    q.add_argument("--encoding", help="attribute text encoding (default: .cpg, else scored: UTF-8, GB18030, Big5)")
    q.add_argument("--mapping", type=Path, metavar="FILE", help="field mapping, TOML or JSON")
    q.add_argument("--save-mapping", type=Path, metavar="FILE", help="write the mapping used")
    q.add_argument("--dry-run", action="store_true", help="print the report, change nothing")
    q.add_argument("--repair", action="store_true",
                   help="make invalid shapes valid, drop Z/M, swap axes, convert a GCJ-02 layer, "
                        "fix slivers (each repair listed)")
    q.add_argument("--sliver-m2", type=float, default=200.0, help="largest sliver repaired, m² (200)")
    q.add_argument("--sliver-width", type=float, default=1.0, help="or thinner than this on average, m (1)")
    q.add_argument("--district-name", help="name of the district when it is made from its streets")
    q.add_argument("--user", default=None, help="who imports (default $GRIDCC_USER, else the login)")
    q.add_argument("--admin", metavar="NAME", help="create the first administrator of a district "
                                                   "without accounts (password from $GRIDCC_NEW_PASSWORD)")
    q.add_argument("--json", action="store_true")
    q = ops.add_parser("export", help="write every layer to GeoPackage, GeoJSON or Shapefile")
    add_db_arg(q)
    q.add_argument("out", type=Path, metavar="OUT")
    q.add_argument("--format", choices=("gpkg", "geojson", "shp"), default="gpkg")
    q.add_argument("--unmask", action="store_true",
                   help="personal fields unmasked (administrator or auditor only, audited)")
    q.add_argument("--user", default=None, help="who exports (default $GRIDCC_USER, else the login)")
    q.add_argument("--json", action="store_true")


def _user(args) -> str:
    return args.user or os.environ.get("GRIDCC_USER") or getpass.getuser()


def run(args) -> int:
    if args.op == "import":
        return run_import_command(args)
    return run_export_command(args)


def run_import_command(args) -> int:
    if args.wizard:
        return run_wizard(args)
    if not args.paths:
        from app.cli import UserError

        raise UserError("district import: 请指定要导入的文件，或用 --wizard 打开导入向导")
    from app.clock import store_clock
    from app.district_io.importer import ImportOptions, ImportSession
    from app.district_io.mapping import save_mapping_file
    from app.store import open_store

    options = ImportOptions(layer=args.layer, level=args.level, kind=args.kind, crs=args.crs,
                            encoding=args.encoding, mapping_file=args.mapping, repair=args.repair,
                            sliver_m2=args.sliver_m2, sliver_width_m=args.sliver_width,
                            district_name=args.district_name, user=_user(args),
                            admin=_admin(args))
    target = args.db
    created = False
    if not target.is_postgres and not target.path.exists():
        if args.dry_run:
            store = None
        else:
            store, created = open_store(target, create=True), True
    else:
        store = open_store(target, read_only=args.dry_run)
    progress = None if args.json else _progress
    report = None
    try:
        session = ImportSession(args.paths, options, store, progress)
        now = store_clock(store).now() if store is not None else None
        role = _role(store, options.user)
        report = session.run(store, dry_run=args.dry_run, now=now, role=role)
        if args.save_mapping and session.staged:
            save_mapping_file(args.save_mapping, [(s.source, s.mapping) for s in session.staged])
    finally:
        if store is not None:
            store.close()
        if created and (report is None or not report.committed):  # leave no empty district
            target.path.unlink(missing_ok=True)
            Path(str(target.path) + ".wal").unlink(missing_ok=True)
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return 0 if report.ok else 1


def run_wizard(args) -> int:
    """The wizard of the installed front end (app/ imports no Qt: found through the
    ``gridcc.frontends`` entry point, beside which the wizard lives)."""
    import importlib

    from app.cli import UserError, _frontend, _use_lang

    _use_lang(args)
    frontend = _frontend()
    try:
        wizard = importlib.import_module(".district_import.__main__", frontend.__package__)
    except ImportError as exc:
        raise UserError(f"the import wizard cannot be loaded: {exc}") from None
    return wizard.run_wizard(args.db, list(args.paths))


def _admin(args) -> tuple[str, str] | None:
    if not args.admin:
        return None
    password = os.environ.get("GRIDCC_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            from app.cli import UserError

            raise UserError("没有管理员密码：请设置 $GRIDCC_NEW_PASSWORD")
        password = getpass.getpass(f"{args.admin} 的密码：")
    return args.admin, password


def _role(store, user: str) -> str:
    if store is None:
        return "import"
    rows = store.rows("SELECT role FROM users WHERE username = ?", [user])
    return rows[0][0] if rows else "import"


def _refuse_unmask(store, user: str, role: str) -> str | None:
    """Unmasked personal fields: an administrator or auditor, signed in with a password
    ($GRIDCC_PASSWORD); None when allowed."""
    from app.auth.accounts import AuthError, authenticate
    from app.clock import store_clock

    if role not in ("administrator", "auditor"):
        return f"只有系统管理员或审计员可以导出未遮蔽的个人信息（{user} 的角色是 {role}）"
    password = os.environ.get("GRIDCC_PASSWORD")
    if password is None:
        return "导出未遮蔽的个人信息需要登录：请设置 $GRIDCC_PASSWORD"
    try:
        authenticate(store, user, password, at=store_clock(store).now())
    except AuthError as exc:
        return f"登录失败：{exc}"
    return None


def _progress(step: str, fraction: float) -> None:
    print(f"  … {fraction:4.0%} {step}", file=sys.stderr, flush=True)


def _privacy_note(result: dict) -> str:
    if result["pseudonyms"]:
        return "；演示模式：人员以化名导出，不含电话"
    return "；个人信息已遮蔽" if result["personal_masked"] else "；个人信息未遮蔽（已审计）"


def run_export_command(args) -> int:
    from app.clock import store_clock
    from app.district_io.exporter import export_district
    from app.privacy.demo import demo_mode
    from app.store import open_store

    user = _user(args)
    if args.unmask and demo_mode():
        print("gridcc: error: 演示模式下不能导出未遮蔽的个人信息（人员以化名导出）", file=sys.stderr)
        return 1
    with open_store(args.db) as store:
        role = _role(store, user)
        if args.unmask:
            refused = _refuse_unmask(store, user, role)
            if refused:
                print(f"gridcc: error: {refused}", file=sys.stderr)
                return 1
        result = export_district(store, args.out, fmt=args.format, unmask=args.unmask, user=user,
                                 role=role, now=store_clock(store).now())
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"已导出到 {args.out}（{args.format}）：" +
              "，".join(f"{k} {v:,}" for k, v in result["layers"].items()) +
              _privacy_note(result))
    return 0
