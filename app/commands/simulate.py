"""``python -m app simulate --mqtt mqtt://user:pass@host:1883``: the demo workers walk
their grids and publish their positions as OwnTracks phones do (a demonstration of the
whole real pipeline; without a broker the window's own simulator runs as before).

The district is read once at the start (a DuckDB file can then be opened by the intake);
``--bind`` first binds every demo worker's phone (``owntracks:<code>/phone``).
"""

from __future__ import annotations

import signal
import sys
import threading


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("simulate", help="publish the demo workers' patrols as OwnTracks "
                                        "phones over MQTT")
    add_db_arg(p)
    p.add_argument("--mqtt", required=True, metavar="URL",
                   help="the broker, as an account that may write owntracks/#")
    p.add_argument("--bind", action="store_true",
                   help="bind each demo worker's phone (owntracks:<code>/phone) first")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between fixes")
    p.add_argument("--speed", type=float, default=1.0, help="times real time")
    p.add_argument("--workers", type=int, default=None, help="only the first N workers")
    p.add_argument("--ticks", type=int, default=None,
                   help="publish this many rounds at once and stop (default: run on)")
    return {"simulate": cmd_simulate}


def cmd_simulate(args) -> int:
    from app.cli import UserError
    from app.clock import store_clock
    from app.intake.mqtt import BrokerAddress
    from app.intake.simulate import DemoPhones, bind_demo_devices, publish_forever
    from app.store import open_store

    try:
        BrokerAddress.parse(args.mqtt)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.interval <= 0 or args.speed <= 0:
        raise UserError("--interval 与 --speed 须大于 0")
    with open_store(args.db, read_only=not args.bind) as store:
        clock = store_clock(store)
        if args.bind:
            n = bind_demo_devices(store, clock.now(), args.workers)
            print(f"已绑定 {n} 台模拟终端", file=sys.stderr)
        phones = DemoPhones(store, clock, interval_s=args.interval, limit=args.workers)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        sent = publish_forever(phones, args.mqtt, stop, speed=args.speed, ticks=args.ticks,
                               log=lambda m: print(m, file=sys.stderr, flush=True))
    except (OSError, ConnectionError) as exc:
        raise UserError(f"无法连接 MQTT 服务器 {args.mqtt.split('@')[-1]}：{exc}") from None
    except KeyboardInterrupt:
        return 0
    print(f"共发布 {sent} 条定位")
    return 0
