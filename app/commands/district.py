"""``python -m app district …``: the district's settings (区设置).

``district set --time-zone Asia/Urumqi`` sets the IANA zone its clock follows
(Asia/Shanghai unless set); ``district show`` prints the settings and the time now.
"""

from __future__ import annotations

import json

from app.clock import TZ_KEY, store_clock, zone, zone_name
from app.store import open_store


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("district", help="the district's settings (time zone)")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("show", help="the settings and the district's time now")
    add_db_arg(q)
    q.add_argument("--json", action="store_true")
    q = ops.add_parser("set", help="change a setting")
    add_db_arg(q)
    q.add_argument("--time-zone", required=True, metavar="ZONE",
                   help="IANA time zone the district's clock follows, e.g. Asia/Shanghai")
    from app.district_io.cli import register as register_io  # district import / export

    register_io(ops, add_db_arg)
    return {"district": cmd_district}


def cmd_district(args) -> int:
    """A bad zone (or $GRIDCC_NOW) is a ClockError: one line from the command line."""
    if args.op in ("import", "export"):
        from app.district_io.cli import run

        return run(args)
    if args.op == "set":
        zone(args.time_zone)
        with open_store(args.db) as store:
            store.set_meta({TZ_KEY: args.time_zone})
        print(f"时区已设为 {args.time_zone}")
        return 0
    with open_store(args.db, read_only=True) as store:
        meta = store.meta()
        now = store_clock(store).now()
    data = {"name": meta.get("district_name"), "code": meta.get("district_code"),
            "time_zone": zone_name(meta), "now": now.isoformat(timespec="seconds")}
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{data['name'] or '?'}（{data['code'] or '?'}）  时区 {data['time_zone']}  "
              f"当前时间 {now:%Y-%m-%d %H:%M:%S}")
    return 0
