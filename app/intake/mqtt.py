"""The intake's MQTT door: a paho-mqtt 2 client reading what phones publish under
``owntracks/`` at QoS 1, acknowledging each message only after the batch holding it has
committed.

* MQTT 5 with a persistent session (a fixed client id, ``clean_start`` False, a session
  that outlives a restart of the intake): while the intake is down the broker keeps the
  messages for it, and sends them when it comes back.
* Manual acks (``manual_ack=True``): PUBACK after the commit.  A message received but not
  acknowledged (the intake killed, the store failing) is sent again by the broker; the
  store's key (device, fix time) makes the second copy a no-op.
* Batches: messages are gathered for up to :data:`BATCH_WAIT_S` or :data:`BATCH_MAX`,
  decoded, stored in one transaction, then acknowledged in the order received.
* Reconnects with a backoff of 1 to :data:`MAX_BACKOFF_S` seconds (paho's own loop).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from app.intake.service import Intake

log = logging.getLogger("gridcc.intake.mqtt")

CLIENT_ID = "gridcc-intake"
TOPICS = ("owntracks/+/+", "owntracks/+/+/+")
BATCH_MAX = 2000
BATCH_WAIT_S = 0.1
MAX_BACKOFF_S = 4
#: QoS 1 messages the broker may have in flight to the intake at once (MQTT 5 flow control)
RECEIVE_MAXIMUM = 2000
#: how long the broker keeps the session (and its queued messages) while the intake is away
SESSION_EXPIRY_S = 7 * 86_400
#: a failed write is tried again after this pause (the messages stay unacknowledged)
RETRY_S = 1.0


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


class MqttIntake:
    """Reads the broker at ``url`` into ``intake`` (:meth:`start`, :meth:`stop`)."""

    def __init__(self, intake: Intake, url: str, *, client_id: str = CLIENT_ID,
                 batch_max: int = BATCH_MAX, batch_wait_s: float = BATCH_WAIT_S) -> None:
        self.intake = intake
        self.address = BrokerAddress.parse(url)
        self.batch_max = batch_max
        self.batch_wait_s = batch_wait_s
        self.connected = threading.Event()
        self.acked = 0
        self._generation = 0  # bumped on each connection: acks belong to the one they came on
        self._inbox: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                        protocol=mqtt.MQTTv5, manual_ack=True)
        if self.address.user:
            c.username_pw_set(self.address.user, self.address.password)
        c.reconnect_delay_set(1, MAX_BACKOFF_S)
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        self.client = c

    # -- paho's thread ---------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("broker refused the connection: %s", reason_code)
            return
        self._generation += 1
        opts = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
        client.subscribe([(t, opts) for t in TOPICS])
        self.connected.set()
        log.info("connected to %s:%s (session %s)", self.address.host, self.address.port,
                 "resumed" if flags.session_present else "new")

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        if not self._stopping.is_set():
            log.warning("disconnected from the broker (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, msg) -> None:
        self._inbox.put((self._generation, msg))

    # -- the writer ------------------------------------------------------------------------
    def start(self) -> MqttIntake:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(self.address.host, self.address.port, keepalive=30,
                                  clean_start=False, properties=props)
        self.client.loop_start()
        self._worker = threading.Thread(target=self._run, name="mqtt-intake", daemon=True)
        self._worker.start()
        return self

    def _take(self) -> list:
        """The next batch: waits for a first message, then gathers more for a moment."""
        try:
            first = self._inbox.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_wait_s
        while len(batch) < self.batch_max:
            left = deadline - time.monotonic()
            try:
                batch.append(self._inbox.get(timeout=max(left, 0)) if left > 0
                             else self._inbox.get_nowait())
            except queue.Empty:
                break
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
        for generation, m in batch:
            if generation == self._generation and m.qos > 0:
                self.client.ack(m.mid, m.qos)
                self.acked += 1

    def stop(self) -> None:
        """Stop reading; what was received but not stored stays unacknowledged."""
        self._stopping.set()
        if self._worker is not None:
            self._worker.join(10)
        self.client.disconnect()
        self.client.loop_stop()
