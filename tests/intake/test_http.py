"""The HTTP door: requests as Traccar Client, GPSLogger and OwnTracks send them (and curl),
device tokens, field reports with photos, Open311 requests whose status follows the case,
bounded bodies and slow clients cut off."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, timedelta
from urllib.parse import urlencode

import pytest

from app.clock import FixedClock
from app.intake.devices import bind, register
from app.intake.http import serve_http
from app.intake.service import Intake
from app.store import open_store
from tests.conftest import TEST_NOW

TST = int((TEST_NOW - timedelta(hours=8)).replace(tzinfo=UTC).timestamp())  # TEST_NOW in UTC
JPEG = b"\xff\xd8\xff\xe0" + b"\x02" * 200


@pytest.fixture
def door(small_db_copy):
    """A running HTTP intake on a free port, with two devices (one bound) and an Open311
    client."""
    store = open_store(small_db_copy)
    at = TEST_NOW
    code, lon, lat = store.rows(
        "SELECT w.code, g.label_lon, g.label_lat FROM workers w "
        "JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id LIMIT 1")[0]
    _, t1 = register(store, "osmand:4711", at)
    bind(store, "osmand:4711", code, at)
    _, t2 = register(store, "owntracks:alice/phone", at)
    _, t3 = register(store, "gpslogger:g9", at)
    from app.intake.devices import token_hash

    store.rows("INSERT INTO open311_clients VALUES ('citizen-app', ?, ?)",
               [token_hash("k-311"), at])
    intake = Intake(store, FixedClock(TEST_NOW))
    http = serve_http(intake, "127.0.0.1:0", timeout_s=1.0)
    http.base = f"http://127.0.0.1:{http.port}"
    http.tokens = {"osmand:4711": t1, "owntracks:alice/phone": t2, "gpslogger:g9": t3}
    http.where = (lon, lat)
    http.intake = intake
    yield http
    http.stop()
    intake.close()
    store.close()


def get(url: str, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def post(url: str, body: bytes, ctype: str, headers=None):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": ctype, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def stored(door, sql="SELECT count(*) FROM device_fixes"):
    return door.intake.read(sql)[0][0]


def test_osmand_with_token_stored_once(door):
    lon, lat = door.where
    q = {"id": "4711", "timestamp": str(TST), "lat": lat, "lon": lon, "speed": "2",
         "accuracy": "5", "batt": "70", "token": door.tokens["osmand:4711"]}
    assert get(f"{door.base}/?{urlencode(q)}") == (200, {"stored": 1, "duplicates": 0})
    assert get(f"{door.base}/?{urlencode(q)}") == (200, {"stored": 0, "duplicates": 1})
    # Traccar Client posts the same parameters with an empty body
    q["timestamp"] = str(TST + 10)
    assert post(f"{door.base}/?{urlencode(q)}", b"", "application/x-www-form-urlencoded")[0] \
        == 200
    assert stored(door) == 2
    assert stored(door, "SELECT count(*) FROM device_fixes "
                        "WHERE speed_mps BETWEEN 1.02 AND 1.04") == 2  # 2 knots
    assert stored(door, "SELECT count(*) FROM gps_fixes f JOIN devices d ON "
                        "d.worker_id = f.worker_id WHERE f.t = '2026-11-20 10:30:10'") == 1


def test_unauthenticated_requests_refused_and_counted(door):
    lon, lat = door.where
    q = {"id": "4711", "timestamp": str(TST), "lat": lat, "lon": lon}
    assert get(f"{door.base}/?{urlencode(q)}")[0] == 401
    assert get(f"{door.base}/?{urlencode({**q, 'token': 'guess'})}")[0] == 401
    q["id"] = "9999"  # not registered: has no token
    assert get(f"{door.base}/?{urlencode({**q, 'token': 'guess'})}")[0] == 401
    assert stored(door) == 0
    assert door.intake.counters.refused["unauthorized"] == 3


def test_traccar_json_with_bearer_token_and_curl(door):
    lon, lat = door.where
    body = {"device_id": "4711", "location": [
        {"timestamp": "2026-11-20T02:29:00Z", "coords": {"latitude": lat, "longitude": lon,
                                                        "speed": 1.2, "accuracy": 8}},
        {"timestamp": "2026-11-20T02:29:30Z", "coords": {"latitude": lat, "longitude": lon,
                                                        "speed": 1.1, "accuracy": 8}}]}
    out = subprocess.run(
        ["curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
         "-H", f"Authorization: Bearer {door.tokens['osmand:4711']}",
         "--data-binary", json.dumps(body), f"{door.base}/"],
        capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == {"stored": 2, "duplicates": 0}


def test_gpslogger_and_owntracks_http(door):
    lon, lat = door.where
    q = {"lat": lat, "lon": lon, "timestamp": str(TST), "spd": "1.3", "acc": "4",
         "batt": "55", "aid": "g9", "token": door.tokens["gpslogger:g9"]}
    assert get(f"{door.base}/gpslogger?{urlencode(q)}")[0] == 200
    auth = base64.b64encode(f"alice:{door.tokens['owntracks:alice/phone']}".encode()).decode()
    msg = json.dumps({"_type": "location", "lat": lat, "lon": lon, "tst": TST, "acc": 9})
    headers = {"Authorization": f"Basic {auth}", "X-Limit-U": "alice", "X-Limit-D": "phone"}
    assert post(f"{door.base}/owntracks", msg.encode(), "application/json", headers) == (200, [])
    # OwnTracks' other messages are taken and answered, not stored
    assert post(f"{door.base}/owntracks", b'{"_type": "lwt", "tst": 1}', "application/json",
                headers) == (200, [])
    bad = post(f"{door.base}/owntracks", b'{"_type": "location", "lat": NaN}',
               "application/json", headers)
    assert bad == (400, {"error": "not_finite", "detail": "NaN"})
    assert stored(door) == 2


def test_field_report_multipart_becomes_a_case(door):
    lon, lat = door.where
    report = json.dumps({"id": "r-77", "category": "0101", "lat": lat, "lon": lon, "tst": TST,
                         "description": "井盖缺失"}).encode()  # i18n: no
    boundary = "gridccBOUNDARY"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="device"\r\n\r\nosmand:4711\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="report"\r\n'
        'Content-Type: application/json\r\n\r\n',
    ]
    body = "".join(parts).encode() + report + (
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
        'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n').encode() + JPEG + \
        f"\r\n--{boundary}--\r\n".encode()
    headers = {"Authorization": f"Bearer {door.tokens['osmand:4711']}"}
    status, doc = post(f"{door.base}/report", body,
                       f"multipart/form-data; boundary={boundary}", headers)
    assert status == 200 and doc["cases"][0].startswith("AJ20261120")
    case = door.intake.read("SELECT id, source, reporter_worker_id FROM cases WHERE code = ?",
                            [doc["cases"][0]])[0]
    assert case[1] == "patrol" and case[2] is not None
    assert door.intake.read("SELECT data FROM case_photos WHERE case_id = ?", [case[0]]) \
        == [(JPEG,)]
    # a photo that is not an image: refused, no case
    bad = body.replace(JPEG, b"MZ" + b"\x00" * 50).replace(b"r-77", b"r-78")
    status, doc = post(f"{door.base}/report", bad,
                       f"multipart/form-data; boundary={boundary}", headers)
    assert (status, doc["error"]) == (400, "bad_photo")


def test_open311_request_follows_its_case(door):
    from app.auth.accounts import get_user
    from app.workflow.cases import advance

    status, services = get(f"{door.base}/open311/v2/services.json")
    assert status == 200 and {"service_code", "service_name", "group"} <= set(services[0])
    lon, lat = door.where
    form = urlencode({"api_key": "k-311", "service_code": services[0]["service_code"],
                      "lat": lat, "long": lon, "description": "路灯不亮",  # i18n: no
                      "device_id": "app-1"}).encode()
    out = subprocess.run(["curl", "-s", "-X", "POST", "--data-binary", form, "-H",
                          "Content-Type: application/x-www-form-urlencoded",
                          f"{door.base}/open311/v2/requests.json"],
                         capture_output=True, text=True, timeout=60, check=True)
    (made,) = json.loads(out.stdout)
    rid = made["service_request_id"]
    status, (req,) = get(f"{door.base}/open311/v2/requests/{rid}.json")
    assert (status, req["status"], req["status_notes"]) == (200, "open", "已受理")
    assert door.intake.read("SELECT source FROM cases WHERE id = ?", [int(rid)]) == [("public",)]
    # the same request again (a client's retry): the same case
    again = post(f"{door.base}/open311/v2/requests.json", form,
                 "application/x-www-form-urlencoded")
    assert again[1][0]["service_request_id"] == rid
    # the operator registers it: the status follows
    with door.intake.reading() as store:
        ops = [u for u in store.rows("SELECT username FROM users WHERE role = 'operator' "
                                     "AND scope_kind = 'district' LIMIT 1")]
        advance(store, get_user(store, ops[0][0]), int(rid), "register", at=TEST_NOW)
    status, (req,) = get(f"{door.base}/open311/v2/requests/{rid}.json")
    assert req["status_notes"] == "已立案" and req["status"] == "open"
    # no key, a wrong key, another case's id
    assert post(f"{door.base}/open311/v2/requests.json", b"service_code=0101",
                "application/x-www-form-urlencoded")[0] == 403
    assert get(f"{door.base}/open311/v2/requests/1.json")[0] == 404


def test_large_body_and_slow_client(door):
    lon, lat = door.where
    big = b"{" + b" " * 1_100_000 + b"}"
    auth = {"Authorization": f"Bearer {door.tokens['owntracks:alice/phone']}",
            "X-Limit-U": "alice"}
    try:
        status, doc = post(f"{door.base}/owntracks", big, "application/json", auth)
    except (ConnectionError, urllib.error.URLError):  # closed while still sending
        status, doc = 413, {"error": "too_large"}
    assert (status, doc["error"]) == (413, "too_large")
    assert door.intake.counters.refused["too_large"] == 1
    # a client that sends half a request and waits is cut off; others are served meanwhile
    slow = socket.create_connection(("127.0.0.1", door.port))
    slow.sendall(b"POST /owntracks HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{")
    q = {"id": "4711", "timestamp": str(TST), "lat": lat, "lon": lon,
         "token": door.tokens["osmand:4711"]}
    assert get(f"{door.base}/?{urlencode(q)}")[0] == 200
    slow.settimeout(60)
    deadline = time.monotonic() + 60
    data = b"x"
    while data and time.monotonic() < deadline:
        data = slow.recv(4096)  # the server closes: recv returns b""
    assert data == b""
    slow.close()
    assert door.intake.counters.refused.get("timeout") == 1


def test_start_intake_in_process(small_db_copy):
    """The desktop app's way in: doors started on its store, a feed for its window."""
    from app.intake.feed import start_intake

    with open_store(small_db_copy) as store:
        running = start_intake(store, http="127.0.0.1:0", clock=FixedClock(TEST_NOW))
        try:
            port = running.doors[0].port
            assert get(f"http://127.0.0.1:{port}/open311/v2/services.json")[0] == 200
            assert callable(running.feed)
        finally:
            running.stop()
        with pytest.raises(ValueError, match="mqtt://"):
            start_intake(store, mqtt="http://broker")
        with pytest.raises(ValueError, match="主机:端口"):
            start_intake(store, http="5055")


def test_concurrent_clients_share_one_store(door):
    """Eight phones' requests at once (the server's threads take turns on the store)."""
    import threading

    lon, lat = door.where
    errors = []

    def phone(n: int) -> None:
        for i in range(20):
            q = {"id": "4711", "timestamp": str(TST - 1000 + n * 20 + i), "lat": lat,
                 "lon": lon, "token": door.tokens["osmand:4711"]}
            status = get(f"{door.base}/?{urlencode(q)}")[0]
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert stored(door) == 160
