"""The intake's own MQTT 5 packets (app/intake/mqtt_wire.py), byte for byte against the
standard's encodings; the client itself is tested against mosquitto in test_mqtt.py."""

from __future__ import annotations

import struct

import pytest

from app.intake import mqtt_wire as w


@pytest.mark.parametrize(("n", "encoded"), [
    (0, b"\x00"), (127, b"\x7f"), (128, b"\x80\x01"), (16_383, b"\xff\x7f"),
    (16_384, b"\x80\x80\x01"), (268_435_455, b"\xff\xff\xff\x7f")])
def test_variable_byte_integers_as_in_the_standard(n, encoded):  # MQTT 5 §1.5.5
    assert w.varint(n) == encoded


def _publish(topic: str, payload: bytes, pid: int | None, props: bytes = b"",
             flags: int = 0x02) -> bytes:
    body = struct.pack(">H", len(topic.encode())) + topic.encode()
    if pid is not None:
        body += struct.pack(">H", pid)
    body += w.varint(len(props)) + props + payload
    return bytes([0x30 | flags]) + w.varint(len(body)) + body


def test_packets_cut_out_of_a_stream_however_it_arrives():
    payloads = [b"x" * n for n in (0, 5, 200, 20_000)]  # 20,000: a three-byte length
    stream = b"".join(_publish(f"owntracks/u{i}/phone", p, i + 1)
                      for i, p in enumerate(payloads)) + b"\xd0\x00"
    for size in (1, 2, 3, 7, 64, len(stream)):
        reader, got = w.PacketReader(), []
        for at in range(0, len(stream), size):
            got += reader.feed(stream[at:at + size])
        assert [k for k, _, _ in got] == [w.PUBLISH] * 4 + [w.PINGRESP]
        msgs = [w.parse_publish(f, b) for k, f, b in got if k == w.PUBLISH]
        assert [(m.topic, m.payload, m.qos, m.packet_id) for m in msgs] == [
            (f"owntracks/u{i}/phone", p, 1, i + 1) for i, p in enumerate(payloads)]


def test_publish_properties_are_skipped_and_qos0_has_no_packet_id():
    props = b"\x01\x01" + b"\x03" + struct.pack(">H", 16) + b"application/json"
    (k, f, body), = w.PacketReader().feed(_publish("owntracks/a/p", b"{}", 7, props))
    m = w.parse_publish(f, body)
    assert (m.topic, m.payload, m.packet_id) == ("owntracks/a/p", b"{}", 7)
    (k, f, body), = w.PacketReader().feed(_publish("owntracks/a/p", b"{}", None, flags=0))
    assert (w.parse_publish(f, body).qos, w.parse_publish(f, body).packet_id) == (0, 0)


def test_what_cannot_be_read_ends_the_connection():
    with pytest.raises(w.ProtocolError):  # QoS 3 does not exist
        w.parse_publish(0x06, memoryview(b"\x00\x01a\x00\x01\x00"))
    with pytest.raises(w.ProtocolError):  # properties longer than the packet
        w.parse_publish(0x02, memoryview(b"\x00\x01a\x00\x01\x09"))
    with pytest.raises(w.ProtocolError):  # the properties' length cut off
        w.parse_publish(0x02, memoryview(b"\x00\x01a\x00\x01"))
    with pytest.raises(w.ProtocolError):  # the topic longer than the packet
        w.parse_publish(0x02, memoryview(b"\x00\x09ab"))
    with pytest.raises(w.ProtocolError):
        w.parse_suback(memoryview(b"\x00\x01\x80"))
    with pytest.raises(w.ProtocolError):  # a length of five bytes
        w.PacketReader().feed(b"\x30\xff\xff\xff\xff\x7f")
    with pytest.raises(w.ProtocolError):  # longer than the client asked the broker for
        w.PacketReader().feed(b"\x30" + w.varint(w.MAX_PACKET + 1))


def test_connect_subscribe_and_acks():
    c = w.connect("gridcc-intake", "intake", "pw", keepalive=30, clean_start=False,
                  session_expiry=604_800, receive_maximum=10_000)
    (k, f, body), = w.PacketReader().feed(c)
    assert k == w.CONNECT and bytes(body[:7]) == b"\x00\x04MQTT\x05"
    assert body[7] == 0xC0  # user name and password, no clean start: the session stays
    assert bytes(body[8:10]) == b"\x00\x1e"
    assert b"\x11\x00\x09\x3a\x80" in bytes(body) and b"\x21\x27\x10" in bytes(body)
    assert bytes(body).endswith(b"\x00\x0dgridcc-intake\x00\x06intake\x00\x02pw")
    s = w.subscribe(1, [("owntracks/+/+", 0x11)])
    assert s == b"\x82\x13\x00\x01\x00\x00\x0downtracks/+/+\x11"
    assert w.pubacks([1, 258]) == b"\x40\x02\x00\x01\x40\x02\x01\x02"
    assert w.parse_connack(memoryview(b"\x01\x00\x00")) == w.Connack(True, 0)
    assert w.parse_suback(memoryview(b"\x00\x01\x00\x01\x87")) == [0x01, 0x87]
