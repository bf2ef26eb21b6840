"""The device registry (终端登记): which phone is whose, how it signs in, which datum it
reports in.

A device is created the first time it sends anything, unbound (待绑定: its fixes are
kept in ``device_fixes`` but drawn for nobody); an administrator binds it to a worker
(:func:`bind`), and its fixes kept so far go into that worker's track at once.  Tokens
for the HTTP protocols are random and long, so a plain SHA-256 of them is stored (a
slow password hash would cost every request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from app.changes import Change
from app.intake.messages import CRS

#: the protocol prefixes of device keys
PROTOCOLS = ("owntracks", "osmand", "gpslogger")


class DeviceError(ValueError):
    """A registry request that cannot be done; one line for the user."""


@dataclass(frozen=True)
class Device:
    id: int
    key: str
    worker_id: int | None
    crs: str
    has_token: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    #: the bound worker's code and name (None: 待绑定)
    worker_code: str | None = None
    worker_name: str | None = None


def token_hash(token: str) -> str:
    return "sha256$" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored: str | None) -> bool:
    return bool(stored) and hmac.compare_digest(token_hash(token), stored)


def check_key(key: str) -> str:
    key = key.strip()
    proto, _, ident = key.partition(":")
    if proto not in PROTOCOLS or not ident or len(key) > 200:
        raise DeviceError(f"终端标识“{key}”应为 owntracks:用户/设备、osmand:编号 或 "
                          "gpslogger:编号")
    return key


_SELECT = ("SELECT d.id, d.key, d.worker_id, d.crs, d.token_hash IS NOT NULL, d.first_seen, "
           "d.last_seen, w.code, w.name FROM devices d LEFT JOIN workers w ON w.id = d.worker_id")


def _device(r) -> Device:
    return Device(int(r[0]), r[1], None if r[2] is None else int(r[2]), r[3], bool(r[4]), r[5],
                  r[6], r[7], r[8])


def list_devices(store, *, unbound_only: bool = False) -> list[Device]:
    where = " WHERE d.worker_id IS NULL" if unbound_only else ""
    return [_device(r) for r in store.rows(f"{_SELECT}{where} ORDER BY d.key")]


def get_device(store, key: str) -> Device | None:
    rows = store.rows(f"{_SELECT} WHERE d.key = ?", [key])
    return _device(rows[0]) if rows else None


def ensure_devices(store, keys: list[str], at: datetime) -> dict[str, Device]:
    """The devices of ``keys``, the unknown ones created unbound (inside the caller's
    transaction: writers are ordered, so max(id) + 1 is safe)."""
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    found = {d.key: d for d in (_device(r) for r in store.rows(
        f"{_SELECT} WHERE d.key IN ({marks})", list(keys)))}
    missing = [k for k in dict.fromkeys(keys) if k not in found]
    if missing:
        with store.transaction():
            start = int(store.scalar("SELECT coalesce(max(id), 0) FROM devices")) + 1
            for i, key in enumerate(missing):
                store.rows("INSERT INTO devices (id, key, crs, first_seen) VALUES (?, ?, ?, ?)",
                           [start + i, key, "wgs84", at])
                found[key] = Device(start + i, key, None, "wgs84", False, at)
    return found


def register(store, key: str, at: datetime, *, crs: str = "wgs84") -> tuple[Device, str]:
    """A device entered ahead of its first message, with a new token: (device, token)."""
    key = check_key(key)
    with store.transaction():
        ensure_devices(store, [key], at)
        dev, token = new_token(store, key)
        set_crs(store, key, crs)
    return get_device(store, key) or dev, token


def new_token(store, key: str) -> tuple[Device, str]:
    """A new access token for ``key`` (the old one stops working): (device, token)."""
    dev = get_device(store, key)
    if dev is None:
        raise DeviceError(f"没有终端“{key}”")
    token = secrets.token_urlsafe(24)
    store.rows("UPDATE devices SET token_hash = ? WHERE id = ?", [token_hash(token), dev.id])
    return dev, token


def set_crs(store, key: str, crs: str) -> None:
    if crs not in CRS:
        raise DeviceError(f"坐标系“{crs}”不支持；可选：{'、'.join(CRS)}")
    if not store.rows("UPDATE devices SET crs = ? WHERE key = ? RETURNING id", [crs, key]):
        raise DeviceError(f"没有终端“{key}”")


def bind(store, key: str, worker_code: str, at: datetime, actor: str = "admin") -> Device:
    """Bind ``key`` to the worker with ``worker_code``; the device's fixes kept so far go
    into that worker's track (those already there are not written twice)."""
    dev = get_device(store, key)
    if dev is None:
        raise DeviceError(f"没有终端“{key}”（终端第一次发送定位时自动登记）")
    rows = store.rows("SELECT id FROM workers WHERE code = ?", [worker_code.strip()])
    if not rows:
        raise DeviceError(f"没有编号为“{worker_code}”的人员")
    worker_id = int(rows[0][0])
    with store.transaction():
        store.rows("UPDATE devices SET worker_id = ?, bound_at = ? WHERE id = ?",
                   [worker_id, at, dev.id])
        if dev.worker_id is None:
            store.rows(
                "INSERT INTO gps_fixes (worker_id, t, lon, lat, speed_mps, accuracy_m, flag) "
                "SELECT ?, t, lon, lat, speed_mps, accuracy_m, flag FROM device_fixes "
                "WHERE device_id = ?", [worker_id, dev.id])
        store.stage_change(Change("gps_fix", (worker_id,), "device.bind", actor, at))
    return get_device(store, key)
