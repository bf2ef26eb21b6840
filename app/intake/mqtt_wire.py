"""The MQTT 5 packets the intake exchanges with its broker (OASIS MQTT Version 5.0, §2-3):
CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH in, PUBACK out, PINGREQ/PINGRESP, DISCONNECT.

Only what a subscriber at QoS 1 needs, and cheap per message: at 5,000 phone fixes a
second a general-purpose client's per-message objects (a lock, a property set, a message
info) cost more than decoding and storing the fix.  :class:`PacketReader` cuts a byte
stream into packets; :func:`parse_publish` reads one PUBLISH; :func:`pubacks` writes the
acknowledgements of a whole batch as one buffer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CONNECT, CONNACK, PUBLISH, PUBACK = 1, 2, 3, 4
SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 12, 13, 14

PINGREQ_PACKET = b"\xc0\x00"
DISCONNECT_PACKET = b"\xe0\x00"  # normal disconnection, no properties (§3.14.2.1)
#: a packet longer than this ends the connection (the CONNECT asks the broker for less)
MAX_PACKET = 4 * 1024 * 1024

# CONNECT properties (§3.1.2.11)
_SESSION_EXPIRY, _RECEIVE_MAXIMUM, _MAXIMUM_PACKET_SIZE = 0x11, 0x21, 0x27
_PUBACK = struct.Struct(">BBH")


class ProtocolError(Exception):
    """The broker sent something this client cannot read: the connection is dropped."""


def varint(n: int) -> bytes:
    """A Variable Byte Integer (§1.5.5)."""
    out = bytearray()
    while True:
        n, digit = n >> 7, n & 0x7F
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _text(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + varint(len(body)) + body


def connect(client_id: str, user: str | None, password: str | None, *, keepalive: int,
            clean_start: bool, session_expiry: int, receive_maximum: int) -> bytes:
    flags = (0x80 if user is not None else 0) | (0x40 if password is not None else 0) \
        | (0x02 if clean_start else 0)
    props = (struct.pack(">BI", _SESSION_EXPIRY, session_expiry)
             + struct.pack(">BH", _RECEIVE_MAXIMUM, receive_maximum)
             + struct.pack(">BI", _MAXIMUM_PACKET_SIZE, MAX_PACKET))
    body = _text("MQTT") + bytes([5, flags]) + struct.pack(">H", keepalive) \
        + varint(len(props)) + props + _text(client_id)
    if user is not None:
        body += _text(user)
    if password is not None:
        body += _text(password)
    return _packet(CONNECT << 4, body)


def subscribe(packet_id: int, filters: list[tuple[str, int]]) -> bytes:
    """``filters``: (topic filter, subscription options byte: QoS | retain handling << 4)."""
    body = struct.pack(">H", packet_id) + varint(0)
    for topic, options in filters:
        body += _text(topic) + bytes([options])
    return _packet((SUBSCRIBE << 4) | 0x02, body)


def pubacks(packet_ids: list[int]) -> bytes:
    """The PUBACKs of ``packet_ids`` (success: no reason code, no properties, §3.4.2.1)."""
    pack = _PUBACK.pack
    return b"".join([pack(0x40, 2, pid) for pid in packet_ids])


@dataclass(frozen=True)
class Connack:
    session_present: bool
    reason: int  # 0 success; ≥ 0x80 refused (0x86 bad user name or password, 0x87 not authorised)


#: CONNACK reason codes a broker gives for a refusal (§3.2.2.2), as the log says them
REFUSALS = {0x80: "unspecified error", 0x84: "unsupported protocol version",
            0x85: "client id not valid", 0x86: "bad user name or password",
            0x87: "not authorized", 0x88: "server unavailable", 0x89: "server busy",
            0x8A: "banned", 0x95: "packet too large", 0x9F: "connection rate exceeded"}


def parse_connack(body: memoryview) -> Connack:
    if len(body) < 2:
        raise ProtocolError("CONNACK too short")
    return Connack(bool(body[0] & 1), body[1])


def parse_suback(body: memoryview) -> list[int]:
    """The reason codes, one per filter (≥ 0x80: refused)."""
    if len(body) < 3:
        raise ProtocolError("SUBACK too short")
    try:
        n, at = _read_varint(body, 2)
    except IndexError:
        raise ProtocolError("SUBACK shorter than its own lengths") from None
    return list(body[at + n:])


def parse_disconnect(body: memoryview) -> int:
    return body[0] if len(body) else 0


@dataclass(frozen=True, slots=True)
class Publish:
    topic: str
    payload: bytes
    qos: int
    packet_id: int  # 0 at QoS 0


def parse_publish(flags: int, body: memoryview) -> Publish:
    try:
        return _publish(flags, body)
    except IndexError:  # a length pointing past the packet's end
        raise ProtocolError("PUBLISH shorter than its own lengths") from None


def _publish(flags: int, body: memoryview) -> Publish:
    qos = (flags >> 1) & 3
    if qos == 3 or len(body) < 2:
        raise ProtocolError("malformed PUBLISH")
    n = (body[0] << 8) | body[1]
    at = 2 + n
    try:
        topic = str(body[2:at], "utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("PUBLISH topic is not UTF-8") from None
    pid = 0
    if qos:
        if len(body) < at + 2:
            raise ProtocolError("PUBLISH without its packet id")
        pid = (body[at] << 8) | body[at + 1]
        at += 2
    props, at = _read_varint(body, at)
    at += props
    if at > len(body):
        raise ProtocolError("PUBLISH properties longer than the packet")
    return Publish(topic, bytes(body[at:]), qos, pid)


def _read_varint(buf, at: int) -> tuple[int, int]:
    """(value, offset after it); raises IndexError when ``buf`` ends inside it."""
    value = shift = 0
    for k in range(4):
        b = buf[at + k]
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, at + k + 1
        shift += 7
    raise ProtocolError("variable byte integer longer than 4 bytes")


class PacketReader:
    """Cuts what arrives from the socket into whole packets: ``feed(data)`` returns
    ``(type, flags, body)`` for each packet completed, keeping a partial one for later."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, int, memoryview]]:
        self._buf += data
        buf = self._buf
        view = memoryview(bytes(buf))
        out, at, end = [], 0, len(buf)
        while end - at >= 2:
            try:
                length, start = _read_varint(view, at + 1)
            except IndexError:
                break  # the length itself is not all here yet
            if length > MAX_PACKET:
                raise ProtocolError(f"packet of {length} bytes")
            if start + length > end:
                break
            first = view[at]
            out.append((first >> 4, first & 0x0F, view[start:start + length]))
            at = start + length
        del buf[:at]
        return out
