"""``python -m app cameras …``: the camera registry and its health check (视频在线检测)."""

from __future__ import annotations

import argparse
import json
import sys

from app.store import open_store


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not 0.2 <= v <= 120:
        raise argparse.ArgumentTypeError(f"{v:g} s out of range (0.2..120)")
    return v


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("cameras", help="camera registry: check streams, find nearby cameras")
    csub = p.add_subparsers(dest="cameras_command", metavar="ACTION", required=True)

    c = csub.add_parser("check", help="open each stream headlessly and report its health")
    add_db_arg(c)
    c.add_argument("--timeout", type=_positive, default=3.0, metavar="S",
                   help="seconds of decoding per stream (default 3)")
    c.add_argument("--codes", nargs="+", metavar="CODE", help="only these cameras")
    c.add_argument("--department", metavar="CODE", help="only this owner (GA, JY, WJ, YJ, MZ …)")
    c.add_argument("--limit", type=int, default=None, help="at most this many cameras")
    c.add_argument("--jobs", type=int, default=4, help="streams checked at once (default 4)")
    c.add_argument("--json", action="store_true")

    n = csub.add_parser("nearest", help="the N nearest cameras around a point (lon lat)")
    add_db_arg(n)
    n.add_argument("lon", type=float)
    n.add_argument("lat", type=float)
    n.add_argument("-n", type=int, default=9)
    n.add_argument("--radius", type=float, default=500.0, metavar="M")
    n.add_argument("--json", action="store_true")
    return {"cameras": cmd_cameras}


def cmd_cameras(args) -> int:
    return {"check": cmd_check, "nearest": cmd_nearest}[args.cameras_command](args)


def _registry(args):
    from app.cli import UserError
    from app.video.registry import CameraRegistry

    if not args.db.is_postgres and not args.db.path.exists():
        raise UserError(f"database {args.db} does not exist; create it with `python -m app demo`")
    with open_store(args.db, read_only=True) as store:
        return CameraRegistry.load(store)


def cmd_check(args) -> int:
    from app.cli import UserError
    from app.video.health import check_cameras, online_rates

    if args.jobs < 1 or args.jobs > 32:
        raise UserError(f"--jobs must be 1..32, not {args.jobs}")
    reg = _registry(args)
    if args.codes:
        unknown = [c for c in args.codes if reg.get(c) is None]
        if unknown:
            raise UserError(f"unknown camera code(s): {', '.join(unknown[:5])}")
        cams = [reg.get(c) for c in args.codes]
    else:
        cams = reg.search(department=args.department, limit=None)
        if args.department and not cams:
            raise UserError(f"no cameras of department {args.department!r}")
    if args.limit is not None:
        cams = cams[:max(0, args.limit)]
    if not cams:
        raise UserError("no cameras to check")

    def progress(r) -> None:
        if not args.json:
            mark = "在线" if r.reachable else "离线"
            sub = "" if r.substream is None else (
                "  辅码流在线" if r.substream.reachable else f"  辅码流离线 {r.substream.error or ''}")
            print(f"  {r.code:<10} {mark}  {r.error or ''}{sub}", file=sys.stderr, flush=True)

    try:
        results = check_cameras(cams, args.timeout, args.jobs, progress)
    except RuntimeError as exc:
        raise UserError(str(exc)) from None
    rates = online_rates(results)
    if args.json:
        print(json.dumps({"timeout_s": args.timeout, "cameras": [r.as_dict() for r in results],
                          "online_rate": rates}, ensure_ascii=False, indent=2))
    else:
        print(f"{'camera':<10} {'stream':<6} {'ok':<3} {'first':>6} {'size':>10} {'frames':>6}  "
              "error")
        for r in results:
            for label, h in (("main", r), ("sub", r.substream)):
                if h is None:
                    continue
                first = f"{h.first_frame_s:.2f}s" if h.first_frame_s is not None else "-"
                size = f"{h.width}x{h.height}" if h.width else "-"
                print(f"{r.code if label == 'main' else '':<10} {label:<6} "
                      f"{'yes' if h.reachable else 'no':<3} {first:>6} {size:>10} "
                      f"{h.frames:>6}  {h.error or ''}")
        print("在线率 online rate per department:")
        for dept, v in rates.items():
            print(f"  {dept:<12} {v['online']}/{v['checked']}  {v['rate']:.1%}")
    return 0 if all(r.healthy for r in results) else 1


def cmd_nearest(args) -> int:
    from app.cli import UserError

    if args.n < 1 or args.radius <= 0:
        raise UserError("-n must be at least 1 and --radius positive")
    reg = _registry(args)
    found = reg.nearest_lonlat(args.lon, args.lat, args.n, args.radius)
    if args.json:
        print(json.dumps([{"code": f.camera.code, "name": f.camera.name,
                           "department": f.camera.department,
                           "distance_m": round(f.distance_m, 1)} for f in found],
                         ensure_ascii=False, indent=2))
    else:
        for f in found:
            print(f"{f.camera.code:<10} {f.distance_m:7.1f} m  {f.camera.department}  {f.camera.name}")
        if not found:
            print(f"no camera within {args.radius:g} m")
    return 0
