"""The intake pipeline shared by its MQTT and HTTP doors: decode → convert → filter →
store, counting and logging every refusal with its reason (one line each).

:class:`Intake` owns one :class:`~app.intake.sink.Sink` on a cursor of its own; writes from
several threads (the HTTP server's) take turns on it.  Listeners (the in-process feed of a
window) hear each committed batch through :meth:`Intake.subscribe`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager

from app.clock import Clock, store_clock, zone, zone_name
from app.intake import protocols as p
from app.intake.devices import token_hash
from app.intake.filters import Limits
from app.intake.messages import Counters, Decoded, Fix, Refusal, Report
from app.intake.sink import Sink, Stored

log = logging.getLogger("gridcc.intake")

#: called after each commit that grew a worker's track, with what the batch did
#: (``Stored.tracked``: the new fixes by worker)
Listener = Callable[[Stored], None]


class Intake:
    def __init__(self, store, clock: Clock | None = None, limits: Limits | None = None) -> None:
        self.store = store.cursor()
        meta = self.store.meta()
        self.tz = zone(zone_name(meta))
        self.clock = clock or store_clock(self.store)
        self.sink = Sink(self.store, self.clock, limits)
        self.counters = Counters()
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- decoding (any thread) ----------------------------------------------------------
    def crs_of(self, device_key: str) -> str:
        """The datum ``device_key`` reports in, or the sink's "its device's" (no query)."""
        return self.sink.crs_of(device_key)

    def decode_mqtt(self, topic: str, payload: bytes) -> Decoded:
        """An MQTT message: OwnTracks ``owntracks/<user>/<device>`` (a location or another
        OwnTracks type) or a field report on ``owntracks/<user>/<device>/report``."""
        try:
            user, device, sub = p.owntracks_topic(topic)
        except p.Refused as exc:
            return Decoded.refused(exc.reason, exc.detail)
        if sub == "report":
            return p.decode_field_report(f"owntracks:{user}/{device}", payload, self.tz,
                                         self.crs_of)
        if sub:
            return Decoded.refused("not_location", sub[:40])
        return p.decode_owntracks(user, device, payload, self.tz, self.crs_of)

    # -- storing ------------------------------------------------------------------------
    def store_decoded(self, decoded: list[Decoded], where: str = "") -> Stored:
        """Store what ``decoded`` carried in one transaction (raises: nothing stored);
        refusals are counted and logged."""
        fixes: list[Fix] = [f for d in decoded for f in d.fixes]
        reports: list[Report] = [r for d in decoded for r in d.reports]
        for d in decoded:
            self.counters.count(d)
            for r in d.refusals:
                self._log_refusal(r, where)
        if not fixes and not reports:
            return Stored()
        with self._lock:
            done = self.sink.write(fixes, reports)
        for r in done.refusals:
            self.counters.refuse(r.reason)
            self._log_refusal(r, where)
        for reason, n in done.flagged.items():
            self.counters.refuse(f"flag:{reason}", n)
        if done.duplicates:
            self.counters.refuse("duplicate", done.duplicates)
        if self._listeners and done.workers:
            for listener in list(self._listeners):
                try:
                    listener(done)
                except Exception:  # a listener's failure must not undo a stored batch
                    log.exception("intake listener failed")
        return done

    # -- reads for the HTTP door (the same cursor, taking turns with the writes) -----------
    @contextmanager
    def reading(self):
        with self._lock:
            yield self.store

    def read(self, sql: str, params=()) -> list[tuple]:
        with self._lock:
            return self.store.rows(sql, list(params))

    def token_of(self, device_key: str) -> str | None:
        """The stored hash of ``device_key``'s token (None: no such device or no token)."""
        rows = self.read("SELECT token_hash FROM devices WHERE key = ?", [device_key])
        return rows[0][0] if rows else None

    def open311_client(self, api_key: str) -> str | None:
        """The Open311 client whose key this is (None: no such key)."""
        if not api_key:
            return None
        rows = self.read("SELECT name FROM open311_clients WHERE key_hash = ?",
                         [token_hash(api_key)])
        return rows[0][0] if rows else None

    def case_code(self, case_id: int) -> str:
        rows = self.read("SELECT code FROM cases WHERE id = ?", [int(case_id)])
        return rows[0][0] if rows else ""

    def _log_refusal(self, r: Refusal, where: str) -> None:
        log.info("refused %s%s%s", r.reason, f" ({r.detail})" if r.detail else "",
                 f" from {where}" if where else "")

    def close(self) -> None:
        self.store.close()
