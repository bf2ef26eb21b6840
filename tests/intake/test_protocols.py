"""The decoders of phone messages: OwnTracks, Traccar Client (OsmAnd and JSON), GPSLogger,
field reports, Open311; datum conversion with the published vector pairs; bad input is a
reason, never an exception."""

from __future__ import annotations

import base64
import json
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.intake.messages import to_storage
from app.intake.protocols import (
    decode_field_report,
    decode_gpslogger,
    decode_open311,
    decode_osmand,
    decode_owntracks,
    decode_traccar_json,
    owntracks_topic,
)

TZ = ZoneInfo("Asia/Shanghai")
# 2026-11-20 02:30:00 UTC = 10:30 in Tianjin
TST = 1795141800
LOCAL = datetime(2026, 11, 20, 10, 30)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def one_fix(decoded):
    assert not decoded.refusals, decoded.refusals
    assert len(decoded.fixes) == 1
    return decoded.fixes[0]


def reason(decoded) -> str:
    assert not decoded.fixes and not decoded.reports
    assert len(decoded.refusals) == 1
    return decoded.refusals[0].reason


def test_owntracks_location_as_the_app_sends_it():
    msg = {"_type": "location", "lat": 39.17, "lon": 117.16, "tst": TST, "acc": 8,
           "vel": 18, "cog": 90, "batt": 77, "tid": "JJ"}
    fix = one_fix(decode_owntracks("alice", "phone", json.dumps(msg).encode(), TZ))
    assert fix.device == "owntracks:alice/phone"
    assert fix.t == LOCAL
    assert (fix.lon, fix.lat) == (117.16, 39.17)
    assert fix.speed == pytest.approx(5.0)  # 18 km/h
    assert (fix.accuracy, fix.battery, fix.course) == (8, 77, 90)


def test_owntracks_zero_values_omitted_and_http_queue():
    # zero acc/vel/cog are left out by the app; HTTP mode may post a queue as a list
    msgs = [{"_type": "location", "lat": 39.1, "lon": 117.1, "tst": TST + i} for i in range(3)]
    d = decode_owntracks("bob", "p", json.dumps(msgs), TZ)
    assert [f.speed for f in d.fixes] == [None] * 3
    assert [f.t.second for f in d.fixes] == [0, 1, 2]


def test_owntracks_topic():
    assert owntracks_topic("owntracks/alice/phone") == ("alice", "phone", "")
    assert owntracks_topic("owntracks/alice/phone/report") == ("alice", "phone", "report")
    with pytest.raises(Exception) as e:
        owntracks_topic("other/alice/phone")
    assert e.value.reason == "foreign_topic"


@pytest.mark.parametrize("payload, why", [
    (b"{not json", "malformed"),
    (b"\xff\xfe", "malformed"),
    (b"[1]", "wrong_type"),
    (b"\"text\"", "wrong_type"),
    (json.dumps({"_type": "location", "lat": "x", "lon": 117, "tst": TST}), "wrong_type"),
    (json.dumps({"_type": "location", "lat": True, "lon": 117, "tst": TST}), "wrong_type"),
    (json.dumps({"_type": "location", "lon": 117, "tst": TST}), "missing_field"),
    (json.dumps({"_type": "location", "lat": 39, "lon": 117}), "missing_field"),
    (json.dumps({"lat": 39, "lon": 117, "tst": TST}), "missing_field"),
    (json.dumps({"_type": 5, "lat": 39, "lon": 117, "tst": TST}), "wrong_type"),
    (json.dumps({"_type": "location", "lat": 91, "lon": 117, "tst": TST}), "out_of_range"),
    (json.dumps({"_type": "location", "lat": 39, "lon": 181, "tst": TST}), "out_of_range"),
    (json.dumps({"_type": "location", "lat": 39, "lon": 117, "tst": -5}), "out_of_range"),
    ('{"_type": "location", "lat": NaN, "lon": 117, "tst": 1}', "not_finite"),
    ('{"_type": "location", "lat": 39, "lon": Infinity, "tst": 1}', "not_finite"),
    (json.dumps({"_type": "location", "lat": 39, "lon": 117, "tst": TST, "vel": -3}),
     "out_of_range"),
    (json.dumps({"_type": "teleport", "lat": 39, "lon": 117, "tst": TST}), "unknown_type"),
    (json.dumps({"_type": "lwt", "tst": TST}), "not_location"),
    (b"{" + b" " * 1_000_001 + b"}", "too_large"),
])
def test_owntracks_bad_input_is_a_reason(payload, why):
    assert reason(decode_owntracks("alice", "phone", payload, TZ)) == why


def test_owntracks_bad_user_or_device_name():
    msg = json.dumps({"_type": "location", "lat": 39, "lon": 117, "tst": TST})
    assert reason(decode_owntracks("a#b", "phone", msg, TZ)) == "out_of_range"
    assert reason(decode_owntracks("", "phone", msg, TZ)) == "missing_field"


@pytest.mark.parametrize("stamp", [str(TST), str(TST * 1000), "2026-11-20T02:30:00Z",
                                   "2026-11-20 02:30:00", "2026-11-20T10:30:00+08:00"])
def test_osmand_timestamps(stamp):
    fix = one_fix(decode_osmand({"id": "123456", "timestamp": stamp, "lat": "39.17",
                                 "lon": "117.16", "speed": "10", "bearing": "45",
                                 "accuracy": "5", "batt": "80"}, TZ))
    assert fix.device == "osmand:123456"
    assert fix.t == LOCAL
    assert fix.speed == pytest.approx(5.144444, rel=1e-5)  # 10 knots
    assert (fix.accuracy, fix.battery, fix.course) == (5, 80, 45)


def test_osmand_location_parameter_and_refusals():
    fix = one_fix(decode_osmand({"deviceid": "7", "timestamp": str(TST),
                                 "location": "39.17,117.16"}, TZ))
    assert (fix.lon, fix.lat, fix.speed) == (117.16, 39.17, None)
    assert reason(decode_osmand({"lat": "39", "lon": "117", "timestamp": str(TST)}, TZ)) \
        == "missing_field"
    assert reason(decode_osmand({"id": "7", "lat": "39", "lon": "117"}, TZ)) == "missing_field"
    assert reason(decode_osmand({"id": "7", "lat": "nan", "lon": "117",
                                 "timestamp": str(TST)}, TZ)) == "not_finite"
    assert reason(decode_osmand({"id": "7", "lat": "39", "lon": "117",
                                 "timestamp": "yesterday"}, TZ)) == "wrong_type"


def test_traccar_client_9_json():
    body = {"device_id": "8812", "location": {
        "timestamp": "2026-11-20T02:30:00.000Z", "is_moving": True,
        "coords": {"latitude": 39.17, "longitude": 117.16, "accuracy": 12.5, "speed": 1.4,
                   "heading": -1, "altitude": 3},
        "battery": {"level": 0.56, "is_charging": False}}}
    fix = one_fix(decode_traccar_json(json.dumps(body), TZ))
    assert fix.device == "osmand:8812" and fix.t == LOCAL
    assert fix.speed == pytest.approx(1.4)  # already m/s
    assert fix.battery == pytest.approx(56)
    assert fix.course is None and fix.accuracy == 12.5
    # a buffered batch in one body; one bad location in it is refused on its own
    body["location"] = [body["location"], {"timestamp": "x", "coords": {}}]
    d = decode_traccar_json(json.dumps(body), TZ)
    assert len(d.fixes) == 1 and [r.reason for r in d.refusals] == ["missing_field"]
    assert reason(decode_traccar_json(json.dumps({"location": {}}), TZ)) == "missing_field"


def test_gpslogger_custom_url():
    fix = one_fix(decode_gpslogger({"lat": "39.17", "lon": "117.16", "timestamp": str(TST),
                                    "spd": "1.2", "acc": "6", "batt": "64", "aid": "a1b2"}, TZ))
    assert fix.device == "gpslogger:a1b2" and fix.t == LOCAL
    assert (fix.speed, fix.accuracy, fix.battery) == (1.2, 6, 64)
    assert reason(decode_gpslogger({"lat": "39.17", "lon": "117.16"}, TZ)) == "missing_field"


# -- datums: the published vector pairs (TOOLCHAIN.md) -----------------------------------------
def test_gcj02_device_converted_to_storage():
    msg = json.dumps({"_type": "location", "lat": 31.17530398364597,
                      "lon": 121.531541859215, "tst": TST})
    fix = to_storage(one_fix(decode_owntracks("a", "b", msg, TZ, crs_of=lambda k: "gcj02")))
    assert fix.crs == "wgs84"
    assert fix.lat == pytest.approx(31.1774276, abs=1e-7)
    assert fix.lon == pytest.approx(121.5272106, abs=1e-7)
    msg = json.dumps({"_type": "location", "lat": 39.91640428150164,
                      "lon": 116.41024449916938, "tst": TST})
    fix = to_storage(one_fix(decode_owntracks("a", "b", msg, TZ, crs_of=lambda k: "gcj02")))
    assert (fix.lat, fix.lon) == (pytest.approx(39.915, abs=1e-7), pytest.approx(116.404, abs=1e-7))


def test_bd09_device_converted_to_storage():
    from app.district_io.webdatum import gcj_to_wgs

    fix = one_fix(decode_osmand({"id": "9", "timestamp": str(TST), "lat": "39.915",
                                 "lon": "116.404"}, TZ, crs_of=lambda k: "bd09"))
    fix = to_storage(fix)
    # BD-09 (39.915, 116.404) -> GCJ (39.90865673957631, 116.39762729119315) -> WGS
    wlon, wlat = gcj_to_wgs(116.39762729119315, 39.90865673957631)
    assert (fix.lon, fix.lat) == (pytest.approx(float(wlon), abs=1e-8),
                                  pytest.approx(float(wlat), abs=1e-8))
    assert fix.lat < 39.915 and fix.lon < 116.404  # the offsets point south-west


# -- reports ---------------------------------------------------------------------------------
def test_field_report_with_a_photo():
    body = {"_type": "report", "id": "r-1", "category": "0101", "lat": 39.17, "lon": 117.16,
            "tst": TST, "description": "井盖缺失",  # i18n: no
            "photos": [base64.b64encode(JPEG).decode()]}
    d = decode_field_report("owntracks:alice/phone", json.dumps(body), TZ)
    assert not d.refusals
    (rep,) = d.reports
    assert rep.source == "patrol" and rep.category == "0101" and rep.t == LOCAL
    assert rep.ref == "owntracks:alice/phone#r-1"
    assert rep.photos[0].content_type == "image/jpeg" and rep.photos[0].data == JPEG


@pytest.mark.parametrize("change, why", [
    ({"photos": [base64.b64encode(b"MZ\x90\x00 not an image").decode()]}, "bad_photo"),
    ({"photos": ["***"]}, "bad_photo"),
    ({"photos": "abc"}, "wrong_type"),
    ({"photos": [base64.b64encode(JPEG).decode()] * 7}, "bad_photo"),
    ({"category": "垃圾"}, "unknown_category"),  # i18n: no
    ({"description": ""}, "missing_field"),
    ({"description": 5}, "wrong_type"),
    ({"lat": None}, "wrong_type"),
])
def test_field_report_refusals(change, why):
    body = {"category": "0101", "lat": 39.17, "lon": 117.16, "tst": TST,
            "description": "x", **change}
    assert reason(decode_field_report("owntracks:a/b", json.dumps(body), TZ)) == why


def test_field_report_photo_over_the_limit():
    big = b"\xff\xd8\xff" + b"\x00" * 3_000_001
    body = {"category": "0101", "lat": 39.17, "lon": 117.16, "tst": TST, "description": "x",
            "photos": [base64.b64encode(big).decode()]}
    assert reason(decode_field_report("owntracks:a/b", json.dumps(body), TZ)) == "bad_photo"


def test_open311_request():
    params = {"service_code": "0203", "lat": "39.17", "long": "117.16",
              "description": "路灯不亮", "device_id": "app-77"}  # i18n: no
    d = decode_open311("citizen-app", params, TZ, LOCAL)
    (rep,) = d.reports
    assert rep.source == "public" and rep.t == LOCAL and rep.category == "0203"
    assert rep.ref == decode_open311("citizen-app", params, TZ, LOCAL).reports[0].ref
    assert reason(decode_open311("c", {**params, "long": ""}, TZ, LOCAL)) == "missing_field"
    assert reason(decode_open311("c", {**params, "service_code": "x"}, TZ, LOCAL)) \
        == "unknown_category"


def test_fuzzed_messages_never_raise():
    """10,000 mutated messages: each decodes to fixes or to reasons, none raises."""
    rng = random.Random(14)
    base = json.dumps({"_type": "location", "lat": 39.17, "lon": 117.16, "tst": TST,
                       "acc": 8, "vel": 3, "batt": 50}).encode()
    values = [None, True, "x", "", [], {}, -1, 1e309, 2**70, "NaN", 0]
    for _ in range(10_000):
        kind = rng.randrange(3)
        if kind == 0:  # flipped bytes
            b = bytearray(base)
            for _ in range(rng.randrange(1, 6)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            payload = bytes(b)
        elif kind == 1:  # a field with a wrong value
            doc = json.loads(base)
            doc[rng.choice(list(doc))] = rng.choice(values)
            payload = json.dumps(doc).encode()
        else:  # truncated
            payload = base[:rng.randrange(len(base))]
        d = decode_owntracks("u", "d", payload, TZ)
        assert len(d.fixes) + len(d.refusals) >= 1
        p = {k: rng.choice(["", "x", "1e400", "-5", str(TST), "39.1"]) for k in
             ("id", "lat", "lon", "timestamp", "speed")}
        d = decode_osmand(p, TZ)
        assert len(d.fixes) + len(d.refusals) == 1
