"""The phones of ``bench intake``: a process of their own publishing OwnTracks locations at
QoS 1 over MQTT 3.1.1 (as the OwnTracks app does), one round of every phone per interval,
and writing down when each message went out.

    python -m app.intake.bench_phones URL PLACES.npy OUT.npy --interval 2 --seconds 60 \\
        --tst0 1767225600

``PLACES.npy``: one (lon, lat) row per phone, WGS 84; phone ``i`` is user ``bNNNNN``,
device ``phone``.  ``OUT.npy``: the monotonic time each message was written to the
socket, one row per round (NaN: not sent), read by app/intake/bench.py.  Fix times are
``tst0`` + round × interval (whole seconds: the key is device + fix time).

Ten thousand phones are one connection writing ready-made PUBLISH packets, not paho: on
this 2-core machine paho needed a whole core for 5,000 messages/s (measured: 26 s of CPU
for 30 s of publishing), which the intake being measured would lose.  The broker sees
the same packets either way; the tests' phones are paho (tests/intake/).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import sys
import threading
import time

import numpy as np

from app.intake import mqtt_wire as w


def user_of(i: int) -> str:
    return f"b{i:05d}"


def _connect(addr, client_id: str) -> socket.socket:
    """An MQTT 3.1.1 session (clean) for the phones' publisher account."""
    body = w._text("MQTT") + bytes([4, 0xC2]) + struct.pack(">H", 60) + w._text(client_id) \
        + w._text(addr.user or "") + w._text(addr.password or "")
    sock = socket.create_connection((addr.host, addr.port), timeout=30)
    sock.sendall(w._packet(w.CONNECT << 4, body))
    reader = w.PacketReader()
    while True:
        packets = reader.feed(sock.recv(4096))
        if packets:
            kind, _, ack = packets[0]
            if kind != w.CONNACK or ack[1] != 0:
                raise SystemExit(f"broker refused the phones: {bytes(ack)!r}")
            return sock


def _publish(topic: bytes, pid: int, payload: bytes) -> bytes:
    body = struct.pack(">H", len(topic)) + topic + struct.pack(">H", pid) + payload
    return b"\x32" + w.varint(len(body)) + body  # PUBLISH, QoS 1


class _Acks(threading.Thread):
    """Counts the broker's PUBACKs (each one: a message it took)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        self.sock, self.count, self.closed = sock, 0, False

    def run(self) -> None:
        reader = w.PacketReader()
        self.sock.settimeout(None)
        while True:
            try:
                data = self.sock.recv(262_144)
            except OSError:
                data = b""
            if not data:
                self.closed = True
                return
            self.count += sum(1 for kind, _, _ in reader.feed(data) if kind == w.PUBACK)


def main(argv: list[str] | None = None) -> int:
    from app.intake.mqtt import BrokerAddress

    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("places")
    ap.add_argument("out")
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--tst0", type=int, required=True)
    a = ap.parse_args(argv)
    places = np.load(a.places)
    n = len(places)
    step = max(1, round(a.interval))
    rounds = int(a.seconds // a.interval)
    sent = np.full((rounds, n), np.nan)
    sock = _connect(BrokerAddress.parse(a.url), f"bench-phones-{os.getpid()}")
    acks = _Acks(sock)
    acks.start()
    topics = [f"owntracks/{user_of(i)}/phone".encode() for i in range(n)]
    rng = np.random.default_rng(14)
    start = time.monotonic()
    pid = total = 0
    chunk = 100  # messages per write; a round's writes spread over its interval (phones
    # are not in step with each other)
    for r in range(rounds):
        # each phone a few metres on from its place each round (a walk)
        at = places + rng.uniform(-3e-5, 3e-5, (n, 2))
        tst = a.tst0 + r * step
        for lo in range(0, n, chunk):
            time.sleep(max(0.0, start + (r + lo / n) * a.interval - time.monotonic()))
            while total - acks.count > 30_000 and not acks.closed:  # packet ids stay unique
                time.sleep(0.001)
            packets = []
            for i in range(lo, min(n, lo + chunk)):
                pid = pid % 65535 + 1
                packets.append(_publish(topics[i], pid, json.dumps(
                    {"_type": "location", "lat": round(float(at[i, 1]), 7),
                     "lon": round(float(at[i, 0]), 7), "tst": tst, "acc": 5, "batt": 80,
                     "tid": "bb"}, separators=(",", ":")).encode()))
            sock.sendall(b"".join(packets))
            sent[r, lo:lo + len(packets)] = time.monotonic()
            total += len(packets)
        time.sleep(max(0.0, start + (r + 1) * a.interval - time.monotonic()))
    deadline = time.monotonic() + 120
    while acks.count < total and not acks.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    accepted = acks.count
    sock.sendall(b"\xe0\x00")
    sock.close()
    np.save(a.out, sent)
    print(json.dumps({"published": accepted, "rounds": rounds, "phones": n,
                      "seconds": round(time.monotonic() - start, 2),
                      "cpu_s": round(time.process_time(), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
