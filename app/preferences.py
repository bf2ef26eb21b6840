"""The operator's preferences at one workstation (席位偏好设置): a typed, versioned model.

One JSON file, ``preferences.json`` in the configuration folder, holds them::

    {"version": 1, "language": "en", "alarm_sound": true, "alarm_volume": 70, …}

* Written atomically: a temporary file beside it, then ``os.replace``; a failed write
  leaves the old file whole (and raises :class:`PreferencesError`).
* Read leniently: a value of the wrong type or out of range, an unknown key or a
  corrupt file gives the default for what cannot be read, with a warning naming it
  (:attr:`Loaded.warnings`, also logged), never an exception.
* Migrated: a file without ``version`` (or an older one) is read field by field; the
  keys of the old ``operator.ini`` (QSettings INI: ``[security] idle_lock_minutes``,
  ``[privacy] demo_mode``, ``[video_wall] auto_takeover`` …) are taken over once, when
  no preferences file exists yet.

The time zone (时区): records, deadlines, lists and the replay are always in the
district's time (the store keeps naive district-local times, app.clock; every seat
and the wall must read the same hour as the phone call).  ``time_zone`` is only how
the workstation's clock in the status bar is shown: empty (the default) shows the
district's own zone; an IANA name shows the district's now converted to that zone
(:func:`shown_time`).

Window geometry and dock state are not preferences: they stay in QSettings (ui.settings).
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

VERSION = 1
FILE_NAME = "preferences.json"
#: the QSettings INI file the preferences lived in before (taken over once)
OLD_INI = "operator.ini"
LANGUAGES = ("zh_CN", "en")
MAX_TILE = 16


class PreferencesError(OSError):
    """The preferences could not be written; one line for the user."""


@dataclass(frozen=True)
class Preferences:
    """What an operator may set at a workstation."""

    #: interface language: "zh_CN" or "en" (``--lang``/$GRIDCC_LANG win over it)
    language: str = "zh_CN"
    #: the zone the status-bar clock is shown in; "" the district's own (see module doc)
    time_zone: str = ""
    #: audible alarms (new urgent case, whistle overdue) and their volume 0–100
    alarm_sound: bool = True
    alarm_volume: int = 70
    #: an urgent case takes over a video-wall tile; which one (0: least recently used)
    wall_takeover: bool = True
    wall_takeover_tile: int = 0
    #: minutes without input before a workstation seat locks (0: never; never on the wall)
    idle_lock_minutes: int = 15
    #: demonstration mode (演示模式): pseudonyms for every person, no phone numbers
    demo_mode: bool = False
    #: the phone intake inside the app (单机席位): the MQTT broker's URL
    #: (mqtt://user:password@host:1883) and the HTTP listen address (host:port); both
    #: empty: no intake, the simulated patrol feed
    intake_mqtt: str = ""
    intake_http: str = ""
    #: a worker on shift and silent this long is 离线; outside their own grid this long, 出格
    offline_minutes: int = 10
    outside_minutes: int = 15


DEFAULTS = Preferences()


def _language(v: Any) -> str:
    if isinstance(v, str):
        key = v.strip().replace("-", "_").lower()
        if key.startswith("en"):
            return "en"
        if key.startswith("zh"):
            return "zh_CN"
    raise ValueError


def _zone(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError
    v = v.strip()
    if v:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError from None
    return v


def _mqtt_url(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError
    v = v.strip()
    if v and not v.startswith(("mqtt://", "mqtts://")):
        raise ValueError
    return v


def _listen_address(v: Any) -> str:
    """"" or host:port."""
    if not isinstance(v, str):
        raise ValueError
    v = v.strip()
    if v:
        host, _, port = v.rpartition(":")
        if not host or not port.isdigit() or int(port) > 65535:
            raise ValueError
    return v


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(v, str) and v.strip().lower() in ("false", "0", "no", "off"):
        return False
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    raise ValueError


def _int_in(lo: int, hi: int):
    def check(v: Any) -> int:
        if isinstance(v, bool):
            raise ValueError
        if isinstance(v, str):
            v = float(v.strip())
        if isinstance(v, float):
            if not v.is_integer():
                raise ValueError
            v = int(v)
        if not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError
        return v
    return check


#: field → the function that turns a stored value into a valid one (ValueError if not)
CHECKS = {
    "language": _language,
    "time_zone": _zone,
    "alarm_sound": _bool,
    "alarm_volume": _int_in(0, 100),
    "wall_takeover": _bool,
    "wall_takeover_tile": _int_in(0, MAX_TILE),
    "idle_lock_minutes": _int_in(0, 24 * 60),
    "demo_mode": _bool,
    "intake_mqtt": _mqtt_url,
    "intake_http": _listen_address,
    "offline_minutes": _int_in(1, 24 * 60),
    "outside_minutes": _int_in(1, 24 * 60),
}
#: old operator.ini keys (QSettings "section/key") → field
OLD_KEYS = {
    "security/idle_lock_minutes": "idle_lock_minutes",
    "privacy/demo_mode": "demo_mode",
    "video_wall/auto_takeover": "wall_takeover",
    "video_wall/takeover_tile": "wall_takeover_tile",
}


@dataclass(frozen=True)
class Loaded:
    """Preferences as read, and what could not be read (one sentence each)."""

    preferences: Preferences
    warnings: tuple[str, ...] = ()
    #: taken over from the old operator.ini (already written as the new file)
    migrated: bool = False


def validated(values: dict[str, Any]) -> tuple[Preferences, list[str]]:
    """Preferences from a mapping of stored values: what is invalid or unknown gives
    the default, with a warning each."""
    warnings, good = [], {}
    for key, value in values.items():
        if key == "version":
            continue
        check = CHECKS.get(key)
        if check is None:
            warnings.append(f"未知的设置项 {key}，已忽略")
            continue
        try:
            good[key] = check(value)
        except (ValueError, TypeError, OverflowError):
            warnings.append(f"设置项 {key} 的值 {value!r} 无效，已改用默认值 "
                            f"{getattr(DEFAULTS, key)!r}")
    return replace(DEFAULTS, **good), warnings


def from_old_ini(path: Path) -> dict[str, Any]:
    """The values of the old QSettings ``operator.ini`` that are preferences now."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(path, encoding="utf-8")
    out = {}
    for old, field in OLD_KEYS.items():
        section, key = old.split("/")
        if ini.has_option(section, key):
            out[field] = ini.get(section, key)
    return out


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A stored mapping of any version as the current version's fields.  Version-less
    files (before the version key) used the old INI names in places."""
    if int(data.get("version", 0)) < 1:
        data = {OLD_KEYS.get(k, k): v for k, v in data.items()}
    return data


def load(folder: Path) -> Loaded:
    """The preferences of the workstation whose configuration folder is ``folder``."""
    path = folder / FILE_NAME
    old = folder / OLD_INI
    warnings: list[str] = []
    if not path.exists():
        if not old.exists():
            return Loaded(DEFAULTS)
        try:
            prefs, warnings = validated(from_old_ini(old))
        except (configparser.Error, OSError, UnicodeDecodeError) as exc:
            prefs, warnings = DEFAULTS, [f"旧设置文件 {old} 无法读取（{exc}），已使用默认设置"]
        try:
            save(folder, prefs)
        except PreferencesError as exc:
            warnings.append(str(exc))
        _warn(warnings)
        return Loaded(prefs, tuple(warnings), migrated=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        version = data.get("version", 0)
        if not isinstance(version, int) or version > VERSION:
            warnings.append(f"设置文件 {path} 的版本 {version!r} 无法识别，按当前版本读取")
            data = {**data, "version": VERSION}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        warnings.append(f"设置文件 {path} 已损坏（{exc}），已使用默认设置")
        _warn(warnings)
        return Loaded(DEFAULTS, tuple(warnings))
    prefs, more = validated(_migrate(data))
    warnings += more
    _warn(warnings)
    return Loaded(prefs, tuple(warnings))


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        log.warning("preferences: %s", w)


def as_dict(prefs: Preferences) -> dict[str, Any]:
    return {"version": VERSION, **asdict(prefs)}


def save(folder: Path, prefs: Preferences) -> Path:
    """Write ``prefs`` atomically (a temporary file, then ``os.replace``): the old file
    stays whole if anything fails.  PreferencesError says why."""
    for f in fields(Preferences):  # never write what would not read back
        CHECKS[f.name](getattr(prefs, f.name))
    path = folder / FILE_NAME
    text = json.dumps(as_dict(prefs), ensure_ascii=False, indent=2) + "\n"
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".preferences-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise PreferencesError(f"设置无法保存到 {path}：{exc.strerror or exc}") from exc
    return path


def shown_time(at: datetime, district_zone: str, prefs: Preferences) -> tuple[datetime, str]:
    """A district-local time as the workstation's clock shows it: (the time, the zone
    it is in).  Unchanged in the district's zone (the default)."""
    if not prefs.time_zone or prefs.time_zone == district_zone:
        return at, district_zone
    aware = at.replace(tzinfo=ZoneInfo(district_zone))
    return aware.astimezone(ZoneInfo(prefs.time_zone)).replace(tzinfo=None), prefs.time_zone
