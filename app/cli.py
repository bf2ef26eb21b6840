"""The GridCC command line: ``python -m app [command] …``.

Used by operators, scripts and tests.  User mistakes (missing file, locked
database, bad option) end with one clear line on stderr and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from app.clock import ClockError
from app.paths import default_db, default_db_path
from app.store import StoreError, open_store
from app.store.integrity import WatchedStore
from app.store.target import DbTarget, parse_db

EXIT_USAGE = 2
EXIT_FAIL = 1


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        type=parse_db,
        default=None,
        metavar="DB",
        help="district database: a DuckDB file or postgresql://user@host:port/dbname "
             f"(default: $GRIDCC_DB or {default_db_path()})",
    )


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"size {w}x{h} out of range (64..8192 per side)")
    return w, h


def _now(text: str) -> datetime:
    from app.commands.workflow import now_arg

    return now_arg(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="GridCC 网格化管理指挥中心 — command centre for grid-based urban governance",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="generate the offline demo district")
    _db_arg(p)
    p.add_argument("--scale", choices=("hongqiao", "jinhua", "small"), default="hongqiao")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--now", type=_now, default=None,
                   help="the demo's 'now' (default $GRIDCC_NOW, else the wall clock in Beijing)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--force", action="store_true", help="replace an existing database")
    g.add_argument("--if-missing", action="store_true",
                   help="keep an existing database (a demo district's timeline is brought to now)")

    p = sub.add_parser("run", help="open the command centre (default command)")
    _db_arg(p)
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--demo-mode", action="store_true",
                   help="演示模式: pseudonyms for every person on screen and in exports, no "
                        "phone numbers (also the preference 演示模式 in 设置)")
    _lang_arg(p)

    p = sub.add_parser("info", help="counts of everything in the district")
    _db_arg(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--now", type=_now, default=None,
                   help="count today's cases at this moment (default $GRIDCC_NOW, else the "
                        "district's wall clock)")

    p = sub.add_parser("check", help="validate geometry, hierarchy, codes and locations")
    _db_arg(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--full", action="store_true",
                   help="also read every block of every table (checksum damage), compare the "
                        "tables with the last commit's marks and verify the audit chain")

    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("out", type=Path, metavar="OUT.png")
    _db_arg(p)
    p.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH")
    p.add_argument("--workspace", default=None, metavar="NAME",
                   help="the workspace shown: 值班|duty, 调度|dispatch, 大屏|wall, 视频|video "
                        "(default: duty)")
    _lang_arg(p)

    p = sub.add_parser("bench", help="measure generation, start-up and checks; prints JSON")
    p.add_argument("suite", nargs="?", choices=("district", "seats", "server", "import", "intake"),
                   default="district",
                   help="district (default): one DuckDB district; seats: many seat processes "
                        "on one PostgreSQL server (--db, else a local throwaway server); "
                        "server: a district on a local server (--scale); import: district "
                        "import/export speed (--bench-db: a Jinhua-scale district to export)")
    p.add_argument("--db", type=parse_db, default=None, metavar="URL",
                   help="bench seats: an existing server database holding a district")
    p.add_argument("--seats", type=int, default=20, help="bench seats: acting seats")
    p.add_argument("--rate", type=float, default=2.0, help="bench seats: actions/s per seat")
    p.add_argument("--duration", type=float, default=None,
                   help="bench seats: seconds of acting (default 300); bench intake: seconds "
                        "of publishing (default 60)")
    p.add_argument("--parts", default="duckdb,window,postgres,capacity,kills",
                   help="bench intake: which runs (duckdb, window, postgres, capacity, kills)")
    p.add_argument("--scale", choices=("hongqiao", "jinhua", "small"), default="hongqiao")
    p.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp dir)")
    p.add_argument("--size", type=_size, default=(3840, 2160), metavar="WxH",
                   help="map window size for the rendering figures (default 3840x2160)")
    p.add_argument("--json", action="store_true", help="JSON only (the default output is JSON)")
    p.add_argument("--no-map", action="store_true", help="skip the map rendering figures")
    p.add_argument("--bench-db", type=parse_db, default=None,
                   help="measure an existing district instead of generating one")

    for module in _command_modules():
        _COMMANDS.update(module.register(sub, _db_arg))
    return parser


def _command_modules():
    """Further commands live in app/commands/*.py, each with
    ``register(subparsers, add_db_arg) -> {name: handler}``."""
    import importlib
    import pkgutil

    import app.commands

    return [importlib.import_module(f"app.commands.{m.name}")
            for m in sorted(pkgutil.iter_modules(app.commands.__path__), key=lambda m: m.name)]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "run")  # `python -m app [--db X]` opens the command centre
    args = parser.parse_args(argv)
    command = args.command
    if getattr(args, "db", None) is None and command != "bench":
        args.db = default_db()
    try:
        return _COMMANDS[command](args)
    except (UserError, StoreError, ClockError) as exc:
        print(f"gridcc: error: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("gridcc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_demo(args) -> int:
    from app.demo_build import build_demo_database

    target: DbTarget = args.db
    if target.is_postgres:
        return _demo_on_server(args)
    path = target.path
    if path.exists() and args.if_missing:
        _bring_demo_to_now(path, args.now)
        return 0
    if path.exists() and not args.force:
        raise UserError(f"{path} already exists; use --force to replace it")
    stats = build_demo_database(
        path, scale=args.scale, seed=args.seed, now=args.now, progress=_progress
    )
    size_mb = path.stat().st_size / 1e6
    print(
        f"demo district ({args.scale}, seed {args.seed}) written to {path}: "
        f"{stats['grid_units']} grid units, {stats['buildings']} buildings, "
        f"{stats['cases']} cases in {stats['seconds']:.1f} s, {size_mb:.1f} MB"
    )
    return 0


def _demo_on_server(args) -> int:
    from app.demo_build import build_demo_on_server, server_has_district

    if server_has_district(args.db):
        if args.if_missing:
            _bring_demo_to_now(args.db, args.now)
            return 0
        raise UserError(f"服务器上的区库已有数据（{args.db}）：--force 不替换服务器上的区库，"
                        "请先删除该库（dropdb）并重新 server init")
    stats = build_demo_on_server(args.db, scale=args.scale, seed=args.seed, now=args.now,
                                 progress=_progress)
    print(f"demo district ({args.scale}, seed {args.seed}) loaded into {args.db}: "
          f"{stats['grid_units']} grid units, {stats['buildings']} buildings, "
          f"{stats['cases']} cases in {stats['seconds']:.1f} s")
    return 0


def _bring_demo_to_now(path, now: datetime | None) -> None:
    """``demo --if-missing`` on an existing district: a demo's stale timeline is moved to
    now (left alone while another GridCC has the file open: that one already did)."""
    from app.clock import store_clock
    from app.demo.reanchor import gap_text, reanchor
    from app.store import StoreLockedError

    try:
        store = open_store(path)
    except StoreLockedError:
        return
    try:
        done = reanchor(store, store_clock(store, override=now).now())
    finally:
        store.close()
    if done is not None:
        print(f"演示区时间线已平移 {gap_text(done.shift)}，至 {done.after:%Y-%m-%d %H:%M}"
              f"（{done.rows:,} 行，{done.seconds:.1f} 秒）")


def _progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


def _lang_arg(p) -> None:
    p.add_argument("--lang", choices=("zh_CN", "en"), default=None,
                   help="interface language (default: the setting, else zh_CN)")


def _use_lang(args) -> None:
    """``--lang`` for this process (ui.i18n reads it when the application starts)."""
    if getattr(args, "lang", None):
        os.environ["GRIDCC_LANG"] = args.lang


def cmd_run(args) -> int:
    _use_lang(args)
    frontend = _frontend()
    if args.demo_mode:
        from app.privacy.demo import set_demo_mode

        set_demo_mode(True)
    if args.db.is_postgres:  # a seat connects as the user who signs in
        store = _server_viewer(args.db)
        try:
            return frontend.run_app(store, fullscreen=args.fullscreen, server=args.db)
        finally:
            if store is not None:
                store.close()
    store = open_store(args.db)
    try:
        return frontend.run_app(store, fullscreen=args.fullscreen)
    finally:
        store.close()


def _server_viewer(target: DbTarget):
    """The ``--db`` URL's own connection (the viewer's; where failed logins are counted
    if it may), or None when the URL names no account the server accepts: the login
    dialog then connects.  An unreachable server or a database not initialised is
    said at once."""
    try:
        return open_store(target)
    except StoreError as exc:
        if "用户名或密码错误" in str(exc) or "没有这个账号" in str(exc):
            return None
        raise


def _frontend():
    """The user interface, found through the ``gridcc.frontends`` entry point.

    app/ never imports ui/: the Qt front end registers itself (pyproject.toml),
    the same way a plugin would.
    """
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group="gridcc.frontends") if ep.name == "qt"]
    if not found:
        raise UserError("no user interface is installed (entry point gridcc.frontends:qt); "
                        "run `bash gridcc setup`")
    try:
        return found[0].load()
    except ImportError as exc:
        raise UserError(f"the Qt user interface cannot be loaded: {exc}") from None


def cmd_info(args) -> int:
    from app.clock import store_clock
    from app.district_info import district_info, format_info

    with open_store(args.db, read_only=True) as store:
        info = district_info(store, store_clock(store, override=args.now))
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.json else format_info(info))
    return 0


def cmd_check(args) -> int:
    from app.checks import CheckReport, CheckResult, format_report, run_checks, run_full_checks

    with open_store(args.db, read_only=True) as store:
        if args.full:
            full = run_full_checks(store)
            try:
                report = run_checks(store)
            except StoreError as exc:  # damage met by the checks themselves: said once
                report = CheckReport([CheckResult("data", "数据无法完整读取", [str(exc)])])
            report.results[:0] = full
        else:
            report = run_checks(store)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0 if report.ok else EXIT_FAIL


def cmd_screenshot(args) -> int:
    _use_lang(args)
    out: Path = args.out
    if out.suffix.lower() != ".png":
        raise UserError(f"screenshot must be a .png file, not {out}")
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    frontend = _frontend()
    store = open_store(args.db, read_only=True)
    watched = WatchedStore(store)
    try:
        _refuse_damage(store)
        from app.clock import store_clock
        from app.demo.reanchor import MIN_GAP, gap_text, staleness

        now = store_clock(store).now()
        behind = staleness(store, now)
        frontend.render_screenshot(watched, out, args.size, workspace=_workspace(args.workspace))
    finally:
        store.close()
    if watched.failures:  # a panel or layer could not read its data: the picture is not it
        out.unlink(missing_ok=True)
        first = watched.failures[0]
        reason = str(first) if isinstance(first, StoreError) else f"{type(first).__name__}: {first}"
        raise UserError(f"截图未保存：读取区库时出错（{reason.strip().splitlines()[0]}）")
    print(f"saved {out} ({args.size[0]}x{args.size[1]}) at {now:%Y-%m-%d %H:%M:%S}")
    if behind is not None and behind >= MIN_GAP:
        print(f"gridcc: 演示时间线落后 {gap_text(behind)}，截图中的今日为空；先运行 "
              f"python -m app demo --if-missing 将其平移到当前时间", file=sys.stderr)
    return 0


def _refuse_damage(store) -> None:
    """Every block of a district file read before the window shows it (a damaged table
    is said in one line, not met by a panel half-way through drawing)."""
    damage = store.read_every_block() if hasattr(store, "read_every_block") else []
    if damage:
        raise UserError(f"截图未保存：区库 {store.path} 已损坏（{damage[0]}）；请从最近的备份恢复")


#: workspace names the screenshot takes: the key or its Chinese name
WORKSPACE_NAMES = {"值班": "duty", "调度": "dispatch", "大屏": "wall", "视频": "video"}


def _workspace(name: str | None) -> str | None:
    if name is None:
        return None
    key = WORKSPACE_NAMES.get(name.strip(), name.strip().lower())
    if key not in WORKSPACE_NAMES.values():
        raise UserError(f"unknown workspace {name!r}: choose one of "
                        + ", ".join(f"{zh}|{en}" for zh, en in WORKSPACE_NAMES.items()))
    return key


def cmd_bench(args) -> int:
    if args.suite == "intake":
        from app.intake.bench import run_intake_bench

        pg = args.db.conninfo if args.db is not None and args.db.is_postgres else None
        print(json.dumps(run_intake_bench(args.workdir, pg_url=pg, duration_s=args.duration or 60.0,
                                          parts=args.parts.split(","), progress=_progress),
                         indent=2, ensure_ascii=False))
        return 0
    if args.suite == "seats":
        from app.bench_seats import run_seats_bench

        if args.db is not None and not args.db.is_postgres:
            raise UserError("bench seats needs a PostgreSQL URL (--db postgresql://…)")
        print(json.dumps(run_seats_bench(db=args.db.conninfo if args.db else None,
                                         seats=args.seats, rate=args.rate,
                                         duration=args.duration or 300.0, progress=_progress),
                         indent=2, ensure_ascii=False))
        return 0
    if args.suite == "server":
        from app.bench_seats import run_server_bench

        print(json.dumps(run_server_bench(args.scale, progress=_progress), indent=2,
                         ensure_ascii=False))
        return 0
    if args.suite == "import":
        from app.district_io.bench import run_import_bench

        jinhua = args.bench_db.path if args.bench_db is not None and not args.bench_db.is_postgres else None
        print(json.dumps(run_import_bench(workdir=args.workdir, jinhua_db=jinhua), indent=2,
                         ensure_ascii=False))
        return 0
    from app.bench import run_bench

    _bench_clock(args.bench_db)
    print(json.dumps(run_bench(args.scale, args.workdir, size=args.size,
                               map_figures=not args.no_map, db=_bench_db(args.bench_db)),
                     indent=2))
    return 0


def _bench_db(db: DbTarget | None):
    """A district to measure: its file path, or its server URL (handed to processes)."""
    if db is None:
        return None
    return db.conninfo if db.is_postgres else db.path


def _bench_clock(db: DbTarget | None) -> None:
    """The bench measures a district at its own moment (the demo's anchor; the moment it
    generates at), not at today's date: GRIDCC_NOW for it and the processes it starts,
    unless already set."""
    import os

    from app.bench import BENCH_NOW
    from app.clock import NOW_ENV
    from app.demo.reanchor import demo_anchor

    if os.environ.get(NOW_ENV, "").strip():
        return
    at = BENCH_NOW
    db = parse_db(db) if db is not None else None
    if db is not None and (db.is_postgres or db.path.exists()):
        with open_store(db, read_only=True) as store:
            at = demo_anchor(store.meta())
    if at is not None:
        os.environ[NOW_ENV] = at.isoformat(timespec="seconds")


_COMMANDS = {
    "demo": cmd_demo,
    "run": cmd_run,
    "info": cmd_info,
    "check": cmd_check,
    "screenshot": cmd_screenshot,
    "bench": cmd_bench,
}
