"""The intake's HTTP door (stdlib ``ThreadingHTTPServer``): what phone apps send over HTTP,
answered 200 only once it is stored.

=====================================  =============================================
``GET|POST /?id=…&lat=…``              Traccar Client, OsmAnd protocol (speed in knots)
``POST /`` (JSON body)                 Traccar Client 9 (``device_id``, ``location``)
``GET|POST /gpslogger?…``              GPSLogger's custom URL
``POST /owntracks``                    OwnTracks HTTP mode (user/device from
                                       ``X-Limit-U``/``X-Limit-D`` or ``?u=&d=``)
``POST /report``                       a grid worker's field report (JSON, or multipart:
                                       a ``report`` JSON part and ``photo`` files)
``GET /open311/v2/services.json``      the case categories as Open311 services
``POST /open311/v2/requests.json``     a citizen's request (``api_key``) → 群众反映
``GET /open311/v2/requests/{id}.json`` its status, following the case
=====================================  =============================================

Devices authenticate with their token (``intake devices token``): a ``token`` parameter,
``Authorization: Bearer …`` or the password of basic auth (OwnTracks).  Bodies are
bounded (:data:`MAX_BODY`, :data:`MAX_REPORT_BODY`) and a client that sends too slowly is
cut off after :data:`SOCKET_TIMEOUT_S`.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import logging
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from app.intake import protocols as p
from app.intake.devices import token_matches
from app.intake.messages import Decoded
from app.intake.reports import case_status
from app.intake.service import Intake

log = logging.getLogger("gridcc.intake.http")

MAX_BODY = p.MAX_MESSAGE_BYTES
MAX_REPORT_BODY = p.MAX_REPORT_BYTES + 200_000
SOCKET_TIMEOUT_S = 10.0
_REQUEST_RE = re.compile(r"^/open311/v2/requests/(\d{1,12})\.json$")


class HttpRefusal(Exception):
    def __init__(self, status: HTTPStatus, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.status, self.reason, self.detail = status, reason, detail


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"地址应为 主机:端口（如 127.0.0.1:5055），而不是 {text!r}")
    return host, int(port)


class _Handler(BaseHTTPRequestHandler):
    server_version = "GridCC-intake"
    timeout = SOCKET_TIMEOUT_S  # a slow client is cut off (socket timeout on every read)
    intake: Intake

    def log_message(self, fmt, *args) -> None:  # one line per request, via logging
        log.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    # -- dispatch ------------------------------------------------------------------------
    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            path = url.path.rstrip("/") or "/"
            if path == "/open311/v2/services.json":
                return self._json(HTTPStatus.OK, self._services())
            m = _REQUEST_RE.match(path)
            if m and method == "GET":
                return self._json(HTTPStatus.OK, self._request_status(int(m.group(1))))
            body = self._body(MAX_REPORT_BODY if path in ("/report", "/open311/v2/requests.json")
                              else MAX_BODY) if method == "POST" else b""
            if path == "/open311/v2/requests.json" and method == "POST":
                return self._json(HTTPStatus.OK, self._open311(params, body))
            if path == "/":
                return self._fixes(self._osmand(params, body), params)
            if path == "/gpslogger":
                params.update(self._form(body))
                return self._fixes(p.decode_gpslogger(params, self.intake.tz,
                                                      self.intake.crs_of), params)
            if path == "/owntracks" and method == "POST":
                return self._owntracks(params, body)
            if path == "/report" and method == "POST":
                return self._report(params, body)
            raise HttpRefusal(HTTPStatus.NOT_FOUND, "not_found", path[:80])
        except HttpRefusal as exc:
            self.intake.counters.refuse(exc.reason)
            log.info("refused %s (%s) from %s", exc.reason, exc.detail, self.address_string())
            self._json(exc.status, {"error": exc.reason, "detail": exc.detail})
        except TimeoutError:
            self.intake.counters.refuse("timeout")
            self.close_connection = True
        except Exception as exc:  # the store failing: not stored, so not 200
            log.error("request failed: %s", exc)
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "unavailable"})

    def _body(self, limit: int) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                raise HttpRefusal(HTTPStatus.LENGTH_REQUIRED, "malformed", "chunked body")
            return b""
        if not length.isdigit():
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "malformed", "Content-Length")
        if int(length) > limit:
            self.close_connection = True
            raise HttpRefusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", length)
        return self.rfile.read(int(length))

    def _form(self, body: bytes) -> dict[str, str]:
        ctype = self.headers.get("Content-Type", "")
        if body and ctype.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return {}

    def _json(self, status: HTTPStatus, doc) -> None:
        data = json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # -- authentication --------------------------------------------------------------------
    def _secret(self, params: dict[str, str]) -> str | None:
        if params.get("token"):
            return params["token"]
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[7:].strip()
        if auth.startswith("Basic "):
            try:
                return base64.b64decode(auth[6:]).decode("utf-8").partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                return None
        return None

    def _basic_user(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            return base64.b64decode(auth[6:]).decode("utf-8").partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None

    def _authenticate(self, device_key: str, params: dict[str, str]) -> None:
        secret = self._secret(params)
        if not secret or not token_matches(secret, self.intake.token_of(device_key)):
            raise HttpRefusal(HTTPStatus.UNAUTHORIZED, "unauthorized", device_key)

    # -- the protocols -----------------------------------------------------------------------
    def _osmand(self, params: dict[str, str], body: bytes) -> Decoded:
        params.update(self._form(body))
        if body and "id" not in params and "deviceid" not in params:
            return p.decode_traccar_json(body, self.intake.tz, self.intake.crs_of)
        return p.decode_osmand(params, self.intake.tz, self.intake.crs_of)

    def _store(self, decoded: Decoded, params: dict[str, str]):
        keys = {f.device for f in decoded.fixes} | {r.device for r in decoded.reports}
        for key in keys:
            self._authenticate(key, params)
        if decoded.refusals and not decoded.fixes and not decoded.reports:
            self.intake.store_decoded([decoded], where=self.address_string())
            r = decoded.refusals[0]
            raise_status = (HTTPStatus.REQUEST_ENTITY_TOO_LARGE if r.reason == "too_large"
                            else HTTPStatus.BAD_REQUEST)
            self._json(raise_status, {"error": r.reason, "detail": r.detail})
            return None
        return self.intake.store_decoded([decoded], where=self.address_string())

    def _fixes(self, decoded: Decoded, params: dict[str, str]) -> None:
        done = self._store(decoded, params)
        if done is not None:
            self._json(HTTPStatus.OK, {"stored": done.fixes, "duplicates": done.duplicates})

    def _owntracks(self, params: dict[str, str], body: bytes) -> None:
        user = self.headers.get("X-Limit-U") or params.get("u") or self._basic_user()
        device = self.headers.get("X-Limit-D") or params.get("d") or "phone"
        if not user:
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "missing_field", "X-Limit-U")
        decoded = p.decode_owntracks(user, device, body, self.intake.tz, self.intake.crs_of)
        if decoded.refusals and decoded.refusals[0].reason == "not_location" \
                and not decoded.fixes:
            self.intake.counters.count(decoded)
            return self._json(HTTPStatus.OK, [])
        if self._store(decoded, params) is not None:
            self._json(HTTPStatus.OK, [])  # OwnTracks reads a JSON list of commands back

    def _multipart(self, body: bytes) -> tuple[bytes, tuple]:
        """(the report's JSON part, its photo files) of a multipart/form-data body."""
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode("latin-1")
            + b"\r\n\r\n" + body)
        if not msg.is_multipart():
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "malformed", "multipart")
        doc, photos, fields = b"", [], {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if part.get_filename() or name in ("photo", "media"):
                try:
                    photos.append(p.photo(data))
                except p.Refused as exc:
                    raise HttpRefusal(HTTPStatus.BAD_REQUEST, exc.reason, exc.detail) from None
            elif name == "report":
                doc = data
            elif name:
                fields[name] = data.decode("utf-8", "replace")
        return doc, tuple(photos), fields

    def _report(self, params: dict[str, str], body: bytes) -> None:
        key = params.get("device") or self.headers.get("X-Device") or ""
        photos: tuple = ()
        if self.headers.get("Content-Type", "").startswith("multipart/form-data"):
            body, photos, fields = self._multipart(body)
            key = key or fields.get("device", "")
        if not key:
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "missing_field", "device")
        decoded = p.decode_field_report(key, body, self.intake.tz, self.intake.crs_of,
                                        photos)
        done = self._store(decoded, params)
        if done is None:
            return
        if done.refusals:
            r = done.refusals[0]
            return self._json(HTTPStatus.UNPROCESSABLE_ENTITY,
                              {"error": r.reason, "detail": r.detail})
        self._json(HTTPStatus.OK, {"cases": [self.intake.case_code(c) for c in done.cases]})

    # -- Open311 GeoReport v2 --------------------------------------------------------------
    def _services(self) -> list[dict]:
        return [{"service_code": code, "service_name": name, "description": name,
                 "metadata": False, "type": "realtime", "keywords": kind, "group": group}
                for code, name, group, kind in self.intake.read(
                    "SELECT code, name, class_name, kind FROM categories ORDER BY code")]

    def _open311(self, params: dict[str, str], body: bytes) -> list[dict]:
        photos: tuple = ()
        if self.headers.get("Content-Type", "").startswith("multipart/form-data"):
            _, photos, fields = self._multipart(body)
            params.update(fields)
        else:
            params.update(self._form(body))
        client = self.intake.open311_client(params.get("api_key", ""))
        if client is None:
            raise HttpRefusal(HTTPStatus.FORBIDDEN, "unauthorized", "api_key")
        decoded = p.decode_open311(client, params, self.intake.tz, self.intake.clock.now(),
                                   photos)
        if decoded.refusals:
            self.intake.store_decoded([decoded], where=f"open311:{client}")
            r = decoded.refusals[0]
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, r.reason, r.detail)
        done = self.intake.store_decoded([decoded], where=f"open311:{client}")
        if done.refusals:
            r = done.refusals[0]
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, r.reason, r.detail)
        cid = done.cases[0]
        return [{"service_request_id": str(cid), "service_notice": self.intake.case_code(cid),
                 "account_id": None}]

    def _request_status(self, case_id: int) -> list[dict]:
        made = self.intake.read("SELECT ref FROM intake_reports WHERE case_id = ?", [case_id])
        if not made or not str(made[0][0]).startswith("open311:"):
            raise HttpRefusal(HTTPStatus.NOT_FOUND, "not_found", str(case_id))
        with self.intake.reading() as store:
            return [case_status(store, case_id)]


class HttpIntake:
    """A running HTTP door (:meth:`stop`)."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, name="http-intake",
                                       daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_http(intake: Intake, address: str, *,
               timeout_s: float = SOCKET_TIMEOUT_S) -> HttpIntake:
    """Listen on ``address`` (``host:port``; port 0: any free one); a client silent for
    ``timeout_s`` is cut off."""
    host, port = parse_address(address)
    handler = type("IntakeHandler", (_Handler,), {"intake": intake, "timeout": timeout_s})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    log.info("HTTP on %s:%s", host, server.server_address[1])
    return HttpIntake(server)

