"""``python -m app intake``: positions and reports from phones in the field (终端接入).

    python -m app intake --db … [--mqtt mqtt://user:pass@host:1883] [--http 127.0.0.1:5055]
    python -m app intake devices list [--unbound] [--json]
    python -m app intake devices bind KEY WORKER_CODE
    python -m app intake devices token KEY [--crs wgs84|gcj02|bd09] [--passwd FILE]
    python -m app intake devices acl FILE [--intake-user gridcc-intake]
    python -m app intake open311 add CLIENT

The service runs headless (a systemd unit: packaging/gridcc-intake.service): one line per
event on stderr (and its counts once a minute), device bindings read again every minute
and on SIGHUP, SIGTERM stops it cleanly (what was received but not yet stored stays
unacknowledged at the broker).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("intake", help="take GPS fixes and reports from phones (MQTT OwnTracks, "
                                      "HTTP Traccar/OsmAnd, GPSLogger, Open311)")
    add_db_arg(p)
    p.add_argument("--mqtt", metavar="URL", default=None,
                   help="the broker: mqtt://user:password@host:1883")
    p.add_argument("--http", metavar="HOST:PORT", default=None,
                   help="listen for HTTP (Traccar Client/OsmAnd, GPSLogger, OwnTracks HTTP, "
                        "field reports, Open311), e.g. 127.0.0.1:5055")
    p.add_argument("--client-id", default=None, help="MQTT client id (default gridcc-intake)")
    what = p.add_subparsers(dest="intake_command", metavar="WHAT")
    d = what.add_parser("devices", help="the device registry (终端登记)")
    dsub = d.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    x = dsub.add_parser("list", help="devices and whom they are bound to")
    add_db_arg(x)
    x.add_argument("--unbound", action="store_true", help="only those waiting (待绑定)")
    x.add_argument("--json", action="store_true")
    x = dsub.add_parser("bind", help="bind a device to a worker (by the worker's code)")
    add_db_arg(x)
    x.add_argument("key", help="owntracks:USER/DEVICE, osmand:ID or gpslogger:ID")
    x.add_argument("worker", help="the worker's code, e.g. WGZ00001")
    x = dsub.add_parser("token", help="a new access token for a device (registered if new)")
    add_db_arg(x)
    x.add_argument("key")
    x.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default=None,
                   help="the datum the device reports in")
    x.add_argument("--passwd", metavar="FILE", default=None,
                   help="OwnTracks: also make the token the user's MQTT password in this "
                        "mosquitto password file")
    x = dsub.add_parser("acl", help="write the mosquitto ACL for the registered OwnTracks "
                                    "users (each writes owntracks/<user>/#)")
    add_db_arg(x)
    x.add_argument("out", metavar="FILE")
    x.add_argument("--intake-user", default="gridcc-intake",
                   help="the intake's own MQTT account (reads owntracks/#)")
    o = what.add_parser("open311", help="Open311 client applications")
    osub = o.add_subparsers(dest="open311_command", metavar="ACTION", required=True)
    x = osub.add_parser("add", help="a new client and its api_key")
    add_db_arg(x)
    x.add_argument("client")
    return {"intake": cmd_intake}


def cmd_intake(args) -> int:
    from app.cli import UserError

    if args.intake_command == "devices":
        return _devices(args)
    if args.intake_command == "open311":
        return _open311(args)
    if not args.mqtt and not args.http:
        raise UserError("intake 需要 --mqtt 或 --http（或两者）")
    return _serve(args)


def _now(store):
    from app.clock import store_clock

    return store_clock(store).now()


def _devices(args) -> int:
    from app.cli import UserError
    from app.intake.devices import DeviceError, bind, list_devices, new_token, register
    from app.store import open_store

    with open_store(args.db) as store:
        try:
            if args.devices_command == "list":
                devs = list_devices(store, unbound_only=args.unbound)
                if args.json:
                    print(json.dumps([{"key": d.key, "worker": d.worker_code,
                                       "crs": d.crs, "token": d.has_token,
                                       "last_seen": d.last_seen and d.last_seen.isoformat()}
                                      for d in devs], ensure_ascii=False, indent=2))
                else:
                    for d in devs:
                        who = f"{d.worker_code} {d.worker_name}" if d.worker_code else "待绑定"
                        seen = f"{d.last_seen:%Y-%m-%d %H:%M:%S}" if d.last_seen else "—"
                        print(f"{d.key}\t{who}\t{d.crs}\t最近定位 {seen}")
                    print(f"共 {len(devs)} 台终端")
                return 0
            if args.devices_command == "bind":
                dev = bind(store, args.key, args.worker, _now(store), actor="cli")
                n = store.scalar("SELECT count(*) FROM device_fixes WHERE device_id = ?", [dev.id])
                print(f"终端 {dev.key} 已绑定 {dev.worker_code} {dev.worker_name}（已收定位 {n} 条）")
                return 0
            if args.devices_command == "acl":
                return _acl(store, args)
            from app.intake.devices import get_device, set_crs

            if get_device(store, args.key) is None:
                dev, token = register(store, args.key, _now(store), crs=args.crs or "wgs84")
            else:
                with store.transaction():
                    dev, token = new_token(store, args.key)
                    if args.crs:
                        set_crs(store, args.key, args.crs)
            if args.passwd:
                _mqtt_password(dev.key, token, args.passwd)
            print(token)
            print(f"终端 {dev.key} 的新令牌（旧令牌即刻失效）", file=sys.stderr)
            return 0
        except DeviceError as exc:
            raise UserError(str(exc)) from None


def _mqtt_password(key: str, token: str, passwd: str) -> None:
    from pathlib import Path

    from app.cli import UserError
    from app.intake.broker_auth import owntracks_users, set_password

    users = owntracks_users([key])
    if not users:
        raise UserError(f"--passwd 只用于 OwnTracks 终端（owntracks:用户/设备），不是 {key}")
    set_password(Path(passwd), users[0], token)
    print(f"已写入 {passwd}：MQTT 账号 {users[0]} 的密码即此令牌（mosquitto 收到 SIGHUP 后生效）",
          file=sys.stderr)


def _acl(store, args) -> int:
    from pathlib import Path

    from app.intake.broker_auth import acl_text, owntracks_users
    from app.intake.devices import list_devices

    users = owntracks_users([d.key for d in list_devices(store)])
    out = Path(args.out)
    out.write_text(acl_text(args.intake_user, users))
    out.chmod(0o600)
    print(f"已写入 {out}：{len(users)} 个 OwnTracks 账号，接入账号 {args.intake_user}")
    return 0


def _open311(args) -> int:
    import secrets

    from app.intake.devices import token_hash
    from app.store import open_store

    key = secrets.token_urlsafe(24)
    with open_store(args.db) as store, store.transaction():
        store.rows("DELETE FROM open311_clients WHERE name = ?", [args.client])
        store.rows("INSERT INTO open311_clients VALUES (?, ?, ?)",
                   [args.client, token_hash(key), _now(store)])
    print(key)
    print(f"Open311 客户端 {args.client} 的 api_key（旧的即刻失效）", file=sys.stderr)
    return 0


def _serve(args) -> int:
    from app.cli import UserError
    from app.intake.service import Intake
    from app.store import open_store

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(name)s: %(message)s")
    log = logging.getLogger("gridcc.intake")
    stop = threading.Event()
    store = open_store(args.db)
    doors = []
    try:
        intake = Intake(store)
        if args.mqtt:
            from app.intake.mqtt import CLIENT_ID, MqttIntake

            try:
                doors.append(MqttIntake(intake, args.mqtt,
                                        client_id=args.client_id or CLIENT_ID).start())
            except ValueError as exc:
                raise UserError(str(exc)) from None
        if args.http:
            from app.intake.http import serve_http

            try:
                doors.append(serve_http(intake, args.http))
            except (ValueError, OSError) as exc:
                raise UserError(f"HTTP {args.http}: {exc}") from None
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGHUP, lambda *_: (intake.sink.forget_devices(),
                                                  log.info("device bindings read again")))
        log.info("intake running on %s", args.db.display())
        while not stop.wait(60):
            intake.sink.forget_devices()  # bindings made meanwhile count within a minute
            c = intake.counters
            log.info("fixes %d, reports %d, refused %s", c.fixes, c.reports,
                     json.dumps(c.refused, ensure_ascii=False))
    except KeyboardInterrupt:
        pass
    finally:
        for door in doors:
            door.stop()
        store.close()
    log.info("intake stopped")
    return 0
