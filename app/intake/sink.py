"""Durable writes of what phones send (入库): one transaction per batch, acknowledged
only after it commits.

Fixes go into ``device_fixes`` through ``INSERT … ON CONFLICT DO NOTHING`` on the key
(device, fix time), the same statement on DuckDB and PostgreSQL: a message delivered
twice (MQTT QoS 1 is at-least-once, an HTTP client retries) stores nothing the second
time.  The rows that were new - and only those - go on into ``gps_fixes`` for bound
devices, each with its filter flag (app/intake/filters.py).  Reports become cases
through the workflow's own :func:`~app.workflow.cases.new_case` (accepted, audited,
announced), once per sender's id.

The sink keeps each device's latest trusted position in memory (read from the store
the first time a device is seen) and moves it only after a commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

import pyarrow as pa

from app.changes import Change
from app.clock import Clock
from app.intake.devices import Device, ensure_devices
from app.intake.filters import Latest, Limits, check_batch
from app.intake.messages import DEVICE_DATUM, Fix, Refusal, Report, to_storage

log = logging.getLogger(__name__)

_STAGE = "intake_batch"
_STAGE_DDL = (f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (device_id INTEGER, t TIMESTAMP, "
              "lon DOUBLE PRECISION, lat DOUBLE PRECISION, speed_mps REAL, accuracy_m REAL, battery REAL, "
              "flag VARCHAR, received_at TIMESTAMP)")
#: the acting account of cases the intake opens (its audit records name it)
INTAKE_USER = "intake"


@dataclass
class Stored:
    """What one batch did once committed."""

    fixes: int = 0  # new rows in device_fixes
    duplicates: int = 0  # already stored (redelivered)
    flagged: dict[str, int] = field(default_factory=dict)
    unbound: int = 0  # new fixes of devices not bound to a worker (待绑定)
    workers: tuple[int, ...] = ()  # workers whose tracks grew
    #: the new fixes of bound devices: (worker id, fix in storage datum, flag)
    tracked: tuple[tuple[int, Fix, str | None], ...] = ()
    cases: tuple[int, ...] = ()  # case ids of the reports (new or already made)
    refusals: tuple[Refusal, ...] = ()  # reports that could not become cases


class Sink:
    """Writes batches to ``store`` (a cursor of the sink's own, one thread at a time)."""

    def __init__(self, store, clock: Clock, limits: Limits | None = None,
                 actor: str = INTAKE_USER) -> None:
        self.store = store
        self.clock = clock
        self.limits = limits or Limits()
        self.actor = actor
        self._devices: dict[str, Device] = {}
        self._latest: dict[str, Latest] = {}

    # -- devices ------------------------------------------------------------------------
    def crs_of(self, key: str) -> str:
        """The datum ``key`` reports in, as far as known without reading the store: a device
        not seen yet is :data:`DEVICE_DATUM`, resolved when its batch is written (a query
        per message would cost more than the rest of its way in)."""
        dev = self._devices.get(key)
        return DEVICE_DATUM if dev is None else dev.crs

    def _stored_crs(self, key: str) -> str:
        rows = self.store.rows("SELECT crs FROM devices WHERE key = ?", [key])
        return rows[0][0] if rows else "wgs84"

    def forget_devices(self) -> None:
        """Read bindings and datums again (after ``intake devices bind`` elsewhere)."""
        self._devices.clear()

    # -- writing ------------------------------------------------------------------------
    def write(self, fixes: list[Fix], reports: list[Report] = ()) -> Stored:
        """Store ``fixes`` and ``reports`` in one transaction; returns after the commit
        (an exception: nothing was stored, nothing may be acknowledged)."""
        now = self.clock.now()
        keys = list(dict.fromkeys([f.device for f in fixes]))
        out = Stored()
        latest: dict[str, Latest] = {}
        with self.store.transaction():
            # bindings and datums as last read (forget_devices() reads them again)
            devices = {k: self._devices[k] for k in keys if k in self._devices}
            missing = [k for k in keys if k not in devices]
            if missing:
                devices.update(ensure_devices(self.store, missing, now))
            latest = self._latest_of(devices)
            fixes = [to_storage(replace(f, crs=devices[f.device].crs)
                                if f.crs == DEVICE_DATUM else f) for f in fixes]
            if fixes:
                self._write_fixes(fixes, devices, latest, now, out)
            if reports:
                self._write_reports(list(reports), now, out)
        self._devices.update(devices)
        self._latest.update(latest)
        return out

    def _latest_of(self, devices: dict[str, Device]) -> dict[str, Latest]:
        """Each device's latest trusted fix (a copy: moved on only after the commit)."""
        out = {k: v for k, v in self._latest.items() if k in devices}
        unknown = [d for k, d in devices.items() if k not in out]
        if unknown:
            marks = ", ".join("?" * len(unknown))
            ids = {d.id: d.key for d in unknown}
            for dev_id, t, lon, lat in self.store.rows(
                    "SELECT f.device_id, f.t, f.lon, f.lat FROM device_fixes f JOIN "
                    "(SELECT device_id, max(t) AS t FROM device_fixes WHERE flag IS NULL AND "
                    f"device_id IN ({marks}) GROUP BY device_id) m "
                    "ON m.device_id = f.device_id AND m.t = f.t", list(ids)):
                out[ids[int(dev_id)]] = Latest(t, float(lon), float(lat))
        return out

    def _write_fixes(self, fixes: list[Fix], devices: dict[str, Device],
                     latest: dict[str, Latest], now: datetime, out: Stored) -> None:
        flags = check_batch(fixes, latest, now, self.limits)
        s = self.store
        s.rows(_STAGE_DDL)
        s.rows(f"DELETE FROM {_STAGE}")
        s.bulk_insert(_STAGE, {
            "device_id": [devices[f.device].id for f in fixes],
            "t": pa.array([f.t for f in fixes], pa.timestamp("us")),
            "lon": [f.lon for f in fixes], "lat": [f.lat for f in fixes],
            "speed_mps": pa.array([f.speed for f in fixes], pa.float32()),
            "accuracy_m": pa.array([f.accuracy for f in fixes], pa.float32()),
            "battery": pa.array([f.battery for f in fixes], pa.float32()),
            "flag": pa.array(flags, pa.string()),
            "received_at": pa.array([now] * len(fixes), pa.timestamp("us")),
        })
        new = {(int(d), t) for d, t in s.rows(
            f"INSERT INTO device_fixes SELECT * FROM {_STAGE} ON CONFLICT DO NOTHING "
            "RETURNING device_id, t")}
        out.duplicates = len(fixes) - len(new)
        out.fixes = len(new)
        by_id = {d.id: d for d in devices.values()}
        rows = {}
        for f, flag in zip(fixes, flags, strict=True):
            dev = devices[f.device]
            if (dev.id, f.t) not in new or (dev.id, f.t) in rows:
                continue
            rows[(dev.id, f.t)] = (f, flag)
            if flag:
                out.flagged[flag] = out.flagged.get(flag, 0) + 1
        bound = [(by_id[d].worker_id, f, flag) for (d, _), (f, flag) in rows.items()
                 if by_id[d].worker_id is not None]
        out.unbound = len(rows) - len(bound)
        if bound:
            s.bulk_insert("gps_fixes", {
                "worker_id": pa.array([w for w, _, _ in bound], pa.int32()),
                "t": pa.array([f.t for _, f, _ in bound], pa.timestamp("us")),
                "lon": [f.lon for _, f, _ in bound], "lat": [f.lat for _, f, _ in bound],
                "speed_mps": pa.array([f.speed for _, f, _ in bound], pa.float32()),
                "accuracy_m": pa.array([f.accuracy for _, f, _ in bound], pa.float32()),
                "flag": pa.array([flag for _, _, flag in bound], pa.string()),
            })
            out.workers = tuple(sorted({int(w) for w, _, _ in bound}))
            out.tracked = tuple(bound)
            s.stage_change(Change("gps_fix", out.workers, "gps_fix.store", self.actor, now))
        ids = sorted({devices[k].id for k in devices})
        s.rows(f"UPDATE devices SET last_seen = ? WHERE id IN ({', '.join('?' * len(ids))})",
               [now, *ids])

    def _write_reports(self, reports: list[Report], now: datetime, out: Stored) -> None:
        from app.intake.reports import open_case

        cases, refusals = [], []
        for rep in reports:
            if rep.crs == DEVICE_DATUM:
                rep = replace(rep, crs=self._stored_crs(rep.device))
            case_id, refusal = open_case(self.store, to_storage(rep), now, self.actor)
            if case_id is not None:
                cases.append(case_id)
            if refusal is not None:
                refusals.append(refusal)
        out.cases = tuple(cases)
        out.refusals = tuple(refusals)
