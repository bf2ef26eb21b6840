"""What the intake takes in, once decoded: fixes (定位), field reports (上报) and refusals.

A decoder turns one message (an MQTT payload, an HTTP request) into a :class:`Decoded`:
the fixes and reports it carried, or the reasons it was refused.  Nothing a phone sends
ever raises out of a decoder; every refusal carries a reason code (``REASONS``) that is
counted and logged.

Fixes leave the decoder in their device's datum (``Fix.crs``); :func:`to_storage` turns
them into CGCS2000 lon/lat (WGS 84 and CGCS2000 agree to well under a metre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from app.district_io.webdatum import TO_STORAGE

#: the datums a device may report in: WGS 84 (GPS, OwnTracks, Traccar), GCJ-02 (Chinese
#: map SDKs), BD-09 (Baidu)
CRS = ("wgs84", "gcj02", "bd09")

#: why a message (or part of one) was refused
REASONS = {
    "malformed": "报文无法解析",
    "wrong_type": "字段类型不对",
    "missing_field": "缺少必填字段",
    "out_of_range": "数值超出范围",
    "not_finite": "数值不是有限数",
    "too_large": "报文过大",
    "unknown_type": "未知报文类型",
    "not_location": "非定位报文",
    "bad_photo": "照片格式或大小不符",
    "unauthorized": "未通过认证",
    "foreign_topic": "主题与账号不符",
    "unknown_category": "未知案件类别",
    "outside_district": "位置不在本区网格内",
    "refused": "受理被拒绝",
}


class Refused(Exception):
    """Raised inside a decoder; turned into a :class:`Refusal`, never let out."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Refusal:
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Fix:
    """One position of one device.  ``t`` is naive district time; ``lon``/``lat`` in
    ``crs`` until :func:`to_storage`; ``speed`` m/s; ``accuracy`` metres; ``battery`` %."""

    device: str
    t: datetime
    lon: float
    lat: float
    crs: str = "wgs84"
    speed: float | None = None
    accuracy: float | None = None
    battery: float | None = None
    course: float | None = None
    #: the device's own word on the position (OsmAnd ``valid=false``)
    valid: bool = True


@dataclass(frozen=True)
class Photo:
    content_type: str  # image/jpeg, image/png, image/webp
    data: bytes


@dataclass(frozen=True)
class Report:
    """A problem reported where someone stands: a grid worker's field report (网格巡查,
    ``source='patrol'``) or a citizen's Open311 request (群众反映, ``source='public'``).
    ``ref`` is the sender's own id of it (idempotency: a resent report is one case)."""

    device: str
    t: datetime
    lon: float
    lat: float
    category: str
    description: str
    source: str
    ref: str
    crs: str = "wgs84"
    photos: tuple[Photo, ...] = ()
    address: str = ""


@dataclass(frozen=True)
class Decoded:
    fixes: tuple[Fix, ...] = ()
    reports: tuple[Report, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    @staticmethod
    def refused(reason: str, detail: str = "") -> Decoded:
        return Decoded(refusals=(Refusal(reason, detail),))


@dataclass
class Counters:
    """How many fixes, reports and refusals (by reason) an intake has seen."""

    fixes: int = 0
    reports: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def count(self, decoded: Decoded) -> None:
        self.fixes += len(decoded.fixes)
        self.reports += len(decoded.reports)
        for r in decoded.refusals:
            self.refuse(r.reason)

    def refuse(self, reason: str, n: int = 1) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + n


def number(value, name: str, lo: float | None = None, hi: float | None = None) -> float:
    """``value`` as a finite float within [lo, hi] (a JSON number or a numeric string)."""
    if isinstance(value, bool) or value is None:
        raise Refused("wrong_type", name)
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise Refused("wrong_type", name) from None
    if not isinstance(value, int | float):
        raise Refused("wrong_type", name)
    value = float(value)
    if not math.isfinite(value):
        raise Refused("not_finite", name)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise Refused("out_of_range", f"{name}={value}")
    return value


def optional(d: dict, name: str, lo: float | None = None, hi: float | None = None,
             scale: float = 1.0) -> float | None:
    """An optional numeric field (absent or empty: None), times ``scale``."""
    v = d.get(name)
    if v is None or v == "":
        return None
    return number(v, name, lo, hi) * scale


def position(lat, lon) -> tuple[float, float]:
    """(lon, lat) checked: finite, in range, not the null island."""
    lat = number(lat, "lat", -90.0, 90.0)
    lon = number(lon, "lon", -180.0, 180.0)
    return lon, lat


#: a fix's datum while its device's registered one is not known yet (the sink fills it in)
DEVICE_DATUM = "device"


def to_storage(fix: Fix | Report) -> Fix | Report:
    """The fix or report in CGCS2000 lon/lat (GCJ-02 and BD-09 converted)."""
    if fix.crs == "wgs84" or fix.crs not in TO_STORAGE:
        return replace(fix, crs="wgs84") if fix.crs != "wgs84" else fix
    lon, lat = TO_STORAGE[fix.crs](np.array([fix.lon]), np.array([fix.lat]))
    return replace(fix, lon=float(lon[0]), lat=float(lat[0]), crs="wgs84")
