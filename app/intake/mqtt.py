"""The intake's MQTT door: a client of its own (app/intake/mqtt_wire.py) reading what
phones publish under ``owntracks/`` at QoS 1, acknowledging each message only after the
batch holding it has committed.

* MQTT 5 with a persistent session (a fixed client id, ``clean_start`` False, a session
  that outlives a restart of the intake): while the intake is down the broker keeps the
  messages for it, and sends them when it comes back.
* Acknowledged after the commit: the PUBACKs of a batch go out together once it is stored.
  A message received but not acknowledged (the intake killed, the store failing, the
  connection lost) is sent again by the broker; the store's key (device, fix time) makes
  the second copy a no-op.
* Batches: messages are gathered for up to :data:`BATCH_WAIT_S` or :data:`BATCH_MAX`,
  decoded, stored in one transaction, then acknowledged.  The broker keeps at most
  :data:`RECEIVE_MAXIMUM` unacknowledged messages on their way (MQTT 5 flow control).
* Reconnects with a backoff of 1 to :data:`MAX_BACKOFF_S` seconds; a silent broker is
  noticed by the keep-alive.

Not paho: at 5,000 fixes a second its per-message objects cost more than decoding and
storing the fix (measured: 2,600 messages/s at most on this machine's core).  Phones and
the simulator publish with paho (tests/intake/).
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.intake import mqtt_wire as w
from app.intake.service import Intake

log = logging.getLogger("gridcc.intake.mqtt")

CLIENT_ID = "gridcc-intake"
TOPICS = ("owntracks/+/+", "owntracks/+/+/+")
BATCH_MAX = 4000
BATCH_WAIT_S = 0.1
MAX_BACKOFF_S = 4
KEEPALIVE_S = 30
#: QoS 1 messages the broker may have on their way to the intake, unacknowledged
RECEIVE_MAXIMUM = 10_000
#: how long the broker keeps the session (and its queued messages) while the intake is away
SESSION_EXPIRY_S = 7 * 86_400
#: a failed write is tried again after this pause (the messages stay unacknowledged)
RETRY_S = 1.0
#: subscription options: QoS 1, retained messages sent only on a new subscription
_SUB_OPTIONS = 1 | (1 << 4)


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    user: str | None
    password: str | None

    @staticmethod
    def parse(url: str) -> BrokerAddress:
        """``mqtt://user:password@host:1883`` (port 1883 if none)."""
        u = urlsplit(url)
        if u.scheme not in ("mqtt", "tcp") or not u.hostname:
            raise ValueError(f"MQTT 地址应为 mqtt://用户:密码@主机:端口，而不是 {url!r}")
        return BrokerAddress(u.hostname, u.port or 1883,
                             unquote(u.username) if u.username else None,
                             unquote(u.password) if u.password else None)


class _Lost(Exception):
    """The connection ended (the reason is in the message)."""


class MqttIntake:
    """Reads the broker at ``url`` into ``intake`` (:meth:`start`, :meth:`stop`)."""

    def __init__(self, intake: Intake, url: str, *, client_id: str = CLIENT_ID,
                 batch_max: int = BATCH_MAX, batch_wait_s: float = BATCH_WAIT_S,
                 session_expiry_s: int = SESSION_EXPIRY_S) -> None:
        self.intake = intake
        self.session_expiry_s = session_expiry_s
        self.address = BrokerAddress.parse(url)
        self.client_id = client_id
        self.batch_max = batch_max
        self.batch_wait_s = batch_wait_s
        self.connected = threading.Event()
        self.acked = 0
        self._generation = 0  # bumped on each connection: acks belong to the one they came on
        self._inbox: queue.Queue = queue.Queue()  # (generation, [Publish, …]) as read
        self._stopping = threading.Event()
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._last_sent = 0.0
        self._threads: list[threading.Thread] = []

    def start(self) -> MqttIntake:
        for target, name in ((self._connection, "mqtt-connection"), (self._run, "mqtt-intake")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    # -- the connection thread -------------------------------------------------------------
    def _connection(self) -> None:
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                self._session()
                backoff = 1.0  # it was up: the next try comes after a second
            except (OSError, _Lost, w.ProtocolError) as exc:
                if self.connected.is_set():
                    backoff = 1.0
                if not self._stopping.is_set():
                    log.warning("disconnected from the broker (%s); reconnecting in %g s",
                                exc, backoff)
            except Exception:  # a fault of this client: logged, and the door stays open
                if not self._stopping.is_set():
                    log.exception("MQTT connection failed; reconnecting in %g s", backoff)
            finally:
                self.connected.clear()
                self._close_socket()
            self._stopping.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _session(self) -> None:
        a = self.address
        sock = socket.create_connection((a.host, a.port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._send(w.connect(self.client_id, a.user, a.password, keepalive=KEEPALIVE_S,
                             clean_start=False, session_expiry=self.session_expiry_s,
                             receive_maximum=RECEIVE_MAXIMUM))
        reader = w.PacketReader()
        sock.settimeout(1.0)
        heard = time.monotonic()
        packets: list = []
        while not packets:
            packets = self._receive(reader, heard)
        kind, _, body = packets.pop(0)
        if kind != w.CONNACK:
            raise w.ProtocolError(f"expected CONNACK, got packet type {kind}")
        ack = w.parse_connack(body)
        if ack.reason >= 0x80:
            raise _Lost(f"broker refused the connection: {w.REFUSALS.get(ack.reason, '')} "
                        f"(0x{ack.reason:02x})")
        self._generation += 1
        generation = self._generation
        self._send(w.subscribe(1, [(t, _SUB_OPTIONS) for t in TOPICS]))
        self.connected.set()
        log.info("connected to %s:%s (session %s)", a.host, a.port,
                 "resumed" if ack.session_present else "new")
        while not self._stopping.is_set():
            if packets:
                heard = time.monotonic()
                self._handle(packets, generation)
            packets = self._receive(reader, heard)

    def _receive(self, reader: w.PacketReader, heard: float) -> list:
        """The packets that arrive within a second ([] if none); pings a quiet broker and
        gives up on a silent one."""
        now = time.monotonic()
        if now - heard > 1.5 * KEEPALIVE_S:
            raise _Lost("no word from the broker within the keep-alive")
        if now - self._last_sent > KEEPALIVE_S / 2:
            self._send(w.PINGREQ_PACKET)
        try:
            data = self._sock.recv(262_144)
        except TimeoutError:
            return []
        if not data:
            raise _Lost("the broker closed the connection")
        return reader.feed(data)

    def _handle(self, packets: list, generation: int) -> None:
        messages = []
        for kind, flags, body in packets:
            if kind == w.PUBLISH:
                messages.append(w.parse_publish(flags, body))
            elif kind == w.SUBACK:
                refused = [c for c in w.parse_suback(body) if c >= 0x80]
                if refused:
                    log.warning("broker refused the subscription: %s",
                                ", ".join(f"0x{c:02x}" for c in refused))
            elif kind == w.DISCONNECT:
                raise _Lost(f"broker disconnected: reason 0x{w.parse_disconnect(body):02x}")
            elif kind not in (w.PINGRESP, w.PUBACK):
                log.debug("ignored packet type %d", kind)
        if messages:
            self._inbox.put((generation, messages))

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            sock = self._sock
            if sock is None:
                raise _Lost("not connected")
            sock.sendall(data)
            self._last_sent = time.monotonic()

    def _close_socket(self) -> None:
        with self._send_lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    # -- the writer ------------------------------------------------------------------------
    def _take(self) -> list:
        """The next batch of (generation, message): waits for a first read, then gathers
        more for a moment."""
        try:
            generation, first = self._inbox.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [(generation, m) for m in first]
        deadline = time.monotonic() + self.batch_wait_s
        while len(batch) < self.batch_max:
            left = deadline - time.monotonic()
            try:
                generation, more = (self._inbox.get(timeout=left) if left > 0
                                    else self._inbox.get_nowait())
            except queue.Empty:
                break
            batch += [(generation, m) for m in more]
        return batch

    def _run(self) -> None:
        while not self._stopping.is_set():
            batch = self._take()
            if not batch:
                continue
            decoded = [self.intake.decode_mqtt(m.topic, m.payload) for _, m in batch]
            while not self._stopping.is_set():
                try:
                    self.intake.store_decoded(decoded, where="mqtt")
                    break
                except Exception as exc:  # the store failing: nothing acknowledged, try again
                    log.error("storing %d messages failed (%s); retrying", len(batch), exc)
                    self._stopping.wait(RETRY_S)
            else:
                return  # stopping: unacknowledged, the broker sends them again
            self._ack(batch)

    def _ack(self, batch: list) -> None:
        """PUBACK what the connection it came on can still acknowledge (after a reconnect
        the broker sends the rest again)."""
        current = self._generation
        pids = [m.packet_id for g, m in batch if g == current and m.qos > 0]
        if not pids:
            return
        try:
            self._send(w.pubacks(pids))
        except (OSError, _Lost) as exc:
            log.warning("acknowledging %d messages failed (%s): the broker sends them again",
                        len(pids), exc)
            return
        self.acked += len(pids)

    def stop(self) -> None:
        """Stop reading; what was received but not stored stays unacknowledged."""
        self._stopping.set()
        for t in self._threads[::-1]:
            if t.name == "mqtt-intake":
                t.join(10)
        try:
            if self.connected.is_set():
                self._send(w.DISCONNECT_PACKET)
        except (OSError, _Lost):
            pass
        self._close_socket()
        for t in self._threads:
            t.join(10)
