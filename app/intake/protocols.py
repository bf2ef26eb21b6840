"""Decoders of what real phone apps send (no I/O, no store): each returns a
:class:`~app.intake.messages.Decoded` and never raises.

* OwnTracks: MQTT topic ``owntracks/<user>/<device>`` and its HTTP mode, ``_type:
  location`` (``vel`` km/h, ``tst`` epoch s);
* Traccar Client: OsmAnd query parameters (``speed`` in knots, ``timestamp`` epoch s, ms
  or ISO) and the JSON body of version 9 (``speed`` m/s, one location or a list);
* GPSLogger's custom URL (``%LAT %LON %TIMESTAMP %SPD`` m/s ``%ACC %BATT %AID``);
* field reports of grid workers (JSON: category, position, description, photos as
  base64; multipart photos are handed in by the HTTP side);
* Open311 GeoReport v2 ``POST requests`` (citizens' reports).

Times: epoch values are UTC; ISO times without an offset are taken as UTC too (the
apps send ``Z``); every time leaves as naive district time (``tz``).  Device keys are
``<protocol>:<id>``: ``owntracks:<user>/<device>``, ``osmand:<id>``, ``gpslogger:<id>``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.intake.messages import (
    Decoded,
    Fix,
    Photo,
    Refused,
    Report,
    number,
    optional,
    position,
)

#: a location message larger than this is refused unread (bytes)
MAX_MESSAGE_BYTES = 1_000_000
#: a report with its photos
MAX_REPORT_BYTES = 8_000_000
MAX_PHOTO_BYTES = 3_000_000
MAX_PHOTOS = 6
MAX_TEXT = 2_000
KNOTS = 1852.0 / 3600.0
KMH = 1.0 / 3.6
#: OwnTracks message types that are not positions: taken, counted, not stored
OWNTRACKS_OTHER = {"lwt", "transition", "waypoint", "waypoints", "card", "status", "steps",
                   "cmd", "beacon", "dump", "configuration", "request", "encrypted"}
#: the photo types taken, by their first bytes
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

#: a device's datum: ``crs_of(device_key) -> 'wgs84' | 'gcj02' | 'bd09'``
CrsOf = Callable[[str], str]


def _wgs84(_device: str) -> str:
    return "wgs84"


def guarded(decode):
    """A decoder that turns any failure into a refusal (``Refused`` with its reason,
    anything else as ``malformed``)."""

    def run(*args, **kwargs) -> Decoded:
        try:
            return decode(*args, **kwargs)
        except Refused as exc:
            return Decoded.refused(exc.reason, exc.detail)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError,
                RecursionError, UnicodeError) as exc:
            return Decoded.refused("malformed", type(exc).__name__)

    run.__name__ = decode.__name__
    run.__doc__ = decode.__doc__
    return run


def load_json(payload: bytes | str, limit: int = MAX_MESSAGE_BYTES):
    """The JSON document in ``payload`` (Refused: too large, malformed; NaN and Infinity
    literals are refused as not finite)."""
    if len(payload) > limit:
        raise Refused("too_large", f"{len(payload)} bytes")
    if isinstance(payload, bytes | bytearray):
        try:
            payload = bytes(payload).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("malformed", "not UTF-8") from None

    def no_constants(name: str):
        raise Refused("not_finite", name)

    try:
        return json.loads(payload, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise Refused("malformed", exc.msg) from None


def _object(doc, what: str) -> dict:
    if not isinstance(doc, dict):
        raise Refused("wrong_type", what)
    return doc


def _text(value, name: str, limit: int = MAX_TEXT, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise Refused("missing_field", name)
        return ""
    if not isinstance(value, str):
        raise Refused("wrong_type", name)
    return value.strip()[:limit]


def _ident(value, name: str) -> str:
    """A device or user id: 1-64 printable characters without '/' or '#'."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(value, name, limit=200)
    if not (0 < len(text) <= 64) or any(c in text for c in "/#+") or not text.isprintable():
        raise Refused("out_of_range", name)
    return text


# -- times ----------------------------------------------------------------------------
def from_epoch(value, tz: ZoneInfo, name: str = "tst") -> datetime:
    """Epoch seconds or milliseconds (UTC) -> naive district time."""
    v = number(value, name, 0.0)
    if v > 1e11:  # milliseconds (1e11 s is the year 5138)
        v /= 1000.0
    if v > 4_102_444_800:  # 2100-01-01
        raise Refused("out_of_range", name)
    return datetime.fromtimestamp(v, UTC).astimezone(tz).replace(tzinfo=None)


def from_any_time(value, tz: ZoneInfo, name: str = "timestamp") -> datetime:
    """Epoch s, epoch ms or an ISO date-time (UTC unless it says otherwise)."""
    if value is None or value == "":
        raise Refused("missing_field", name)
    if isinstance(value, str):
        text = value.strip()
        try:
            float(text)
        except ValueError:
            try:
                at = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
            except ValueError:
                raise Refused("wrong_type", name) from None
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            return at.astimezone(tz).replace(tzinfo=None)
    return from_epoch(value, tz, name)


# -- OwnTracks --------------------------------------------------------------------------
def owntracks_topic(topic: str) -> tuple[str, str, str]:
    """(user, device, subtopic) of ``owntracks/<user>/<device>[/sub]``."""
    parts = topic.split("/")
    if len(parts) < 3 or parts[0] != "owntracks" or not parts[1] or not parts[2]:
        raise Refused("foreign_topic", topic[:100])
    return parts[1], parts[2], "/".join(parts[3:])


@guarded
def decode_owntracks(user: str, device: str, payload: bytes | str, tz: ZoneInfo,
                     crs_of: CrsOf = _wgs84) -> Decoded:
    """One OwnTracks message of ``user``'s ``device`` (MQTT or HTTP mode).  Its HTTP mode
    may post a list of messages (a queue sent at once)."""
    doc = load_json(payload)
    key = f"owntracks:{_ident(user, 'user')}/{_ident(device, 'device')}"
    docs = doc if isinstance(doc, list) else [doc]
    out: list[Fix] = []
    refusals = []
    for d in docs:
        one = _owntracks_one(key, d, tz, crs_of)
        out += one.fixes
        refusals += one.refusals
    return Decoded(tuple(out), (), tuple(refusals))


@guarded
def _owntracks_one(key: str, doc, tz: ZoneInfo, crs_of: CrsOf) -> Decoded:
    d = _object(doc, "message")
    kind = d.get("_type")
    if not isinstance(kind, str):
        raise Refused("missing_field" if kind is None else "wrong_type", "_type")
    if kind != "location":
        raise Refused("not_location" if kind in OWNTRACKS_OTHER else "unknown_type", kind[:40])
    if "lat" not in d or "lon" not in d:
        raise Refused("missing_field", "lat/lon")
    if "tst" not in d:
        raise Refused("missing_field", "tst")
    lon, lat = position(d["lat"], d["lon"])
    return Decoded((Fix(key, from_epoch(d["tst"], tz), lon, lat, crs_of(key),
                        speed=optional(d, "vel", 0, 2000, KMH),
                        accuracy=optional(d, "acc", 0, 1e6),
                        battery=optional(d, "batt", 0, 100),
                        course=optional(d, "cog", 0, 360)),))


# -- Traccar Client ------------------------------------------------------------------------
def _first(params: Mapping[str, str], *names: str):
    for n in names:
        v = params.get(n)
        if v not in (None, ""):
            return v
    return None


@guarded
def decode_osmand(params: Mapping[str, str], tz: ZoneInfo, crs_of: CrsOf = _wgs84) -> Decoded:
    """Traccar Client's OsmAnd request: ``?id=…&timestamp=…&lat=…&lon=…&speed=<knots>…``
    (also ``location=lat,lon`` and ``deviceid``)."""
    ident = _first(params, "id", "deviceid")
    if ident is None:
        raise Refused("missing_field", "id")
    key = f"osmand:{_ident(ident, 'id')}"
    lat, lon = _first(params, "lat"), _first(params, "lon")
    loc = _first(params, "location")
    if (lat is None or lon is None) and loc is not None:
        lat, _, lon = str(loc).partition(",")
    if lat is None or lon in (None, ""):
        raise Refused("missing_field", "lat/lon")
    lon, lat = position(lat, lon)
    t = from_any_time(_first(params, "timestamp"), tz)
    speed = optional(params, "speed", 0, 2000, KNOTS)
    return Decoded((Fix(key, t, lon, lat, crs_of(key), speed=speed,
                        accuracy=optional(params, "accuracy", 0, 1e6),
                        battery=optional(params, "batt", 0, 100),
                        course=optional(params, "bearing", 0, 360)
                        if "bearing" in params else optional(params, "heading", 0, 360),
                        valid=str(params.get("valid", "true")).lower() not in ("false", "0")),))


@guarded
def decode_traccar_json(payload: bytes | str, tz: ZoneInfo, crs_of: CrsOf = _wgs84) -> Decoded:
    """Traccar Client 9's JSON body: ``{"device_id": …, "location": {...} | [...]}``
    (``coords.speed`` m/s, negative when unknown; ``battery.level`` 0-1)."""
    d = _object(load_json(payload), "body")
    ident = d.get("device_id")
    if ident is None:
        raise Refused("missing_field", "device_id")
    key = f"osmand:{_ident(ident, 'device_id')}"
    locs = d.get("location")
    if locs is None:
        raise Refused("missing_field", "location")
    out, refusals = [], []
    for loc in (locs if isinstance(locs, list) else [locs]):
        one = _traccar_location(key, loc, tz, crs_of)
        out += one.fixes
        refusals += one.refusals
    return Decoded(tuple(out), (), tuple(refusals))


@guarded
def _traccar_location(key: str, loc, tz: ZoneInfo, crs_of: CrsOf) -> Decoded:
    loc = _object(loc, "location")
    coords = _object(loc.get("coords"), "coords")
    if "latitude" not in coords or "longitude" not in coords:
        raise Refused("missing_field", "coords")
    lon, lat = position(coords["latitude"], coords["longitude"])
    speed = optional(coords, "speed", None, 2000)
    battery = loc.get("battery")
    level = optional(battery, "level", -1, 1, 100.0) if isinstance(battery, dict) else None
    course = optional(coords, "heading", None, 360)
    return Decoded((Fix(key, from_any_time(loc.get("timestamp"), tz), lon, lat, crs_of(key),
                        speed=speed if speed is not None and speed >= 0 else None,
                        accuracy=optional(coords, "accuracy", 0, 1e6),
                        battery=level if level is not None and level >= 0 else None,
                        course=course if course is not None and course >= 0 else None),))


# -- GPSLogger -------------------------------------------------------------------------
@guarded
def decode_gpslogger(params: Mapping[str, str], tz: ZoneInfo,
                     crs_of: CrsOf = _wgs84) -> Decoded:
    """GPSLogger's custom URL, e.g. ``/gpslogger?lat=%LAT&lon=%LON&timestamp=%TIMESTAMP
    &spd=%SPD&acc=%ACC&batt=%BATT&aid=%AID`` (``time=%TIME`` ISO also taken)."""
    ident = _first(params, "aid", "id", "device", "ser")
    if ident is None:
        raise Refused("missing_field", "aid")
    key = f"gpslogger:{_ident(ident, 'aid')}"
    lat, lon = _first(params, "lat", "latitude"), _first(params, "lon", "longitude")
    if lat is None or lon is None:
        raise Refused("missing_field", "lat/lon")
    lon, lat = position(lat, lon)
    t = from_any_time(_first(params, "timestamp", "time"), tz)
    spd = _first(params, "spd", "speed", "s")
    return Decoded((Fix(key, t, lon, lat, crs_of(key),
                        speed=number(spd, "spd", 0, 2000) if spd is not None else None,
                        accuracy=optional(params, "acc", 0, 1e6),
                        battery=optional(params, "batt", 0, 100),
                        course=optional(params, "dir", 0, 360)),))


# -- reports -----------------------------------------------------------------------------
def photo(data: bytes) -> Photo:
    """A photo checked by its first bytes (JPEG, PNG or WebP) and its size."""
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise Refused("bad_photo", f"{len(data)} bytes")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return Photo(kind, bytes(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Photo("image/webp", bytes(data))
    raise Refused("bad_photo", "not JPEG, PNG or WebP")


def _photos(value) -> tuple[Photo, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Refused("wrong_type", "photos")
    if len(value) > MAX_PHOTOS:
        raise Refused("bad_photo", f"{len(value)} photos (at most {MAX_PHOTOS})")
    out = []
    for item in value:
        if not isinstance(item, str):
            raise Refused("wrong_type", "photos")
        text = item.split(",", 1)[1] if item.startswith("data:") else item
        try:
            out.append(photo(base64.b64decode(text, validate=True)))
        except binascii.Error:
            raise Refused("bad_photo", "not base64") from None
    return tuple(out)


@guarded
def decode_field_report(device_key: str, payload: bytes | str, tz: ZoneInfo,
                        crs_of: CrsOf = _wgs84, photos: tuple[Photo, ...] = ()) -> Decoded:
    """A grid worker's field report (网格巡查) from ``device_key``::

        {"_type": "report", "id": "<the app's id of it>", "category": "0101",
         "lat": …, "lon": …, "tst": <epoch s>, "description": "…",
         "photos": ["<base64>", …]}

    ``photos`` already read from a multipart body are added to those in the JSON."""
    d = _object(load_json(payload, MAX_REPORT_BYTES), "report")
    if d.get("_type", "report") != "report":
        raise Refused("unknown_type", str(d.get("_type"))[:40])
    if "lat" not in d or "lon" not in d:
        raise Refused("missing_field", "lat/lon")
    lon, lat = position(d["lat"], d["lon"])
    category = _text(d.get("category"), "category", 8)
    if not (category.isdigit() and len(category) == 4):
        raise Refused("unknown_category", category)
    t = from_any_time(d.get("tst"), tz, "tst")
    ref = _ident(d.get("id", f"{t:%Y%m%d%H%M%S}"), "id")
    all_photos = _photos(d.get("photos")) + tuple(photos)
    if len(all_photos) > MAX_PHOTOS:
        raise Refused("bad_photo", f"{len(all_photos)} photos (at most {MAX_PHOTOS})")
    return Decoded(reports=(Report(device_key, t, lon, lat, category,
                                   _text(d.get("description"), "description"), "patrol",
                                   f"{device_key}#{ref}", crs_of(device_key), all_photos,
                                   _text(d.get("address"), "address", 200, False)),))


@guarded
def decode_open311(client: str, params: Mapping[str, str], tz: ZoneInfo, now: datetime,
                   photos: tuple[Photo, ...] = ()) -> Decoded:
    """An Open311 GeoReport v2 ``POST requests`` of API client ``client`` (群众反映):
    ``service_code``, ``lat``/``long`` (WGS 84) or ``address_string``, ``description``;
    ``requested_datetime`` if given, else ``now``.  ``device_id`` and the request's
    own fields make its idempotency key."""
    code = _text(params.get("service_code"), "service_code", 8)
    if not (code.isdigit() and len(code) == 4):
        raise Refused("unknown_category", code)
    if params.get("lat") in (None, "") or params.get("long") in (None, ""):
        raise Refused("missing_field", "lat/long")
    lon, lat = position(params["lat"], params["long"])
    description = _text(params.get("description"), "description")
    at = (from_any_time(params["requested_datetime"], tz, "requested_datetime")
          if params.get("requested_datetime") else now)
    token = params.get("device_id") or ""
    ref = f"open311:{client}#{token}:{code}:{lat:.6f},{lon:.6f}:{hash_text(description)}"
    if not token:
        ref += f"@{at:%Y%m%d%H%M%S}"
    return Decoded(reports=(Report(f"open311:{client}", at, lon, lat, code, description,
                                   "public", ref, "wgs84", tuple(photos),
                                   _text(params.get("address_string"), "address_string", 200,
                                         False)),))


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


