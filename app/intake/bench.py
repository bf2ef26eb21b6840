"""``bench intake``: the phone intake measured with a real mosquitto (JSON figures).

* ``sustained``: ``devices`` phones each publishing an OwnTracks fix every ``interval_s``
  (10,000 every 2 s = 5,000 fixes/s) for ``duration_s`` into an intake running in this
  process on a DuckDB district (and on PostgreSQL with ``pg_url``); fixes stored per
  second, and message → committed and handed to the window's feed (IntakeFeed) latency
  p50/p95 (the map draws it on its next redraw, ≤ 100 ms later).
* ``kills``: an intake *process* taking ``kill_rate`` fixes/s, killed with SIGKILL
  ``kills`` times at random moments and started again: fixes the broker accepted but not
  stored (lost), stored twice (duplicates: impossible by the key, counted anyway), the
  time from a restart to its reconnection (resume), its peak memory (VmHWM).

Targets (issue 14): ≥ 5,000 fixes/s, p95 ≤ 1 s, memory ≤ 300 MB, 0 lost, 0 duplicates,
resume ≤ 5 s.  The district is the small demo one (its workers take the devices in turn).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, timedelta
from pathlib import Path

TARGETS = {"fixes_per_s": 5000.0, "latency_p95_ms": 1000.0, "memory_mb": 300.0,
           "lost": 0, "duplicates": 0, "resume_s": 5.0}
INTAKE, PUBLISHER = "gridcc-intake", "gridcc-sim"


def _district(workdir: Path, progress) -> Path:
    from app.demo import generate_district
    from app.store import open_store

    path = workdir / "bench-intake.duckdb"
    if not path.exists():
        progress("generating the small demo district")
        from app.bench import BENCH_NOW

        with open_store(path, create=True) as store:
            generate_district(store, scale="small", seed=7, now=BENCH_NOW)
    return path


def _bind(store, n: int, at) -> list[str]:
    """``n`` bench devices (owntracks:bNNNNN/phone), bound to the workers in turn."""
    workers = [r[0] for r in store.rows("SELECT id FROM workers ORDER BY id")]
    keys = [f"owntracks:b{i:05d}/phone" for i in range(n)]
    with store.transaction():
        start = int(store.scalar("SELECT coalesce(max(id), 0) FROM devices")) + 1
        for i, key in enumerate(keys):
            store.rows("INSERT INTO devices (id, key, worker_id, crs, first_seen, bound_at) "
                       "VALUES (?, ?, ?, 'wgs84', ?, ?) ON CONFLICT DO NOTHING",
                       [start + i, key, workers[i % len(workers)], at, at])
    return keys


class _Publisher:
    """Phones publishing round after round at QoS 1 from one paho client; remembers when
    each (device, tst) went out."""

    def __init__(self, url: str, keys: list[str], interval_s: float, at, tz) -> None:
        import paho.mqtt.client as mqtt

        from app.intake.mqtt import BrokerAddress

        a = BrokerAddress.parse(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"bench-pub-{os.getpid()}-{id(self)}",
                                  protocol=mqtt.MQTTv311)
        self.client.username_pw_set(a.user, a.password)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.connect(a.host, a.port)
        self.client.loop_start()
        self.keys, self.interval = keys, interval_s
        self.users = [k.split(":")[1].split("/")[0] for k in keys]
        self.base = at.replace(tzinfo=tz).astimezone(UTC)
        self.sent_at: dict[tuple[str, int], float] = {}
        self.infos: list = []
        self.rounds = 0

    def round(self) -> None:
        """One fix of every device; times one interval apart from the last round."""
        # whole seconds as OwnTracks sends them, one round a second apart at least (the
        # key is device + fix time: two rounds in one second would be one fix)
        tst = int(self.base.timestamp()) + self.rounds * max(1, round(self.interval))
        self.rounds += 1
        rng = random.Random(self.rounds)
        for i, (key, user) in enumerate(zip(self.keys, self.users, strict=True)):
            # each phone near a place of its own, a few metres on each round (a walk)
            lat = 39.16 + (i % 100) * 2e-4 + rng.uniform(-3e-5, 3e-5)
            lon = 117.15 + (i // 100 % 100) * 2e-4 + rng.uniform(-3e-5, 3e-5)
            msg = json.dumps({"_type": "location", "lat": round(lat, 7),
                              "lon": round(lon, 7), "tst": tst,
                              "acc": 5, "tid": "bb"}, separators=(",", ":"))
            self.sent_at[(key, tst)] = time.perf_counter()
            self.infos.append(self.client.publish(f"owntracks/{user}/phone", msg, qos=1))

    def run(self, seconds: float, stop: threading.Event | None = None) -> None:
        end = time.perf_counter() + seconds
        nxt = time.perf_counter()
        while time.perf_counter() < end and not (stop and stop.is_set()):
            self.round()
            nxt += self.interval
            time.sleep(max(0.0, nxt - time.perf_counter()))

    def accepted(self) -> int:
        """Messages the broker acknowledged (waits for the last ones)."""
        for info in self.infos:
            info.wait_for_publish(60)
        return sum(1 for i in self.infos if i.is_published())

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _sustained(db, broker, devices: int, interval_s: float, duration_s: float, progress):
    from app.bench import BENCH_NOW
    from app.clock import FixedClock
    from app.intake.mqtt import MqttIntake
    from app.intake.service import Intake
    from app.store import open_store

    store = open_store(db)
    keys = _bind(store, devices, BENCH_NOW)
    intake = Intake(store, FixedClock(BENCH_NOW + timedelta(seconds=duration_s + 60)))
    latencies: list[float] = []
    stored = [0]
    pub_ref: list[_Publisher] = []

    def heard(done) -> None:  # the intake's commit, as the window's feed hears it
        now = time.perf_counter()
        stored[0] += done.fixes
        pub = pub_ref[0]
        for _, fix, _ in done.tracked:
            sent = pub.sent_at.get((fix.device, int(fix.t.replace(tzinfo=intake.tz)
                                                   .astimezone(UTC).timestamp())))
            if sent is not None:
                latencies.append(now - sent)

    intake.subscribe(heard)
    door = MqttIntake(intake, broker.url(INTAKE), client_id="bench-intake").start()
    try:
        door.connected.wait(30)
        pub = _Publisher(broker.url(PUBLISHER), keys, interval_s, BENCH_NOW, intake.tz)
        pub_ref.append(pub)
        progress(f"{devices} devices every {interval_s:g} s for {duration_s:g} s "
                 f"({'PostgreSQL' if str(db).startswith('postgresql') else 'DuckDB'})")
        t0 = time.perf_counter()
        pub.run(duration_s)
        accepted = pub.accepted()
        last, quiet = stored[0], time.perf_counter()
        while stored[0] < accepted and time.perf_counter() - quiet < 10:  # until it dries up
            time.sleep(0.1)
            if stored[0] != last:
                last, quiet = stored[0], time.perf_counter()
        took = time.perf_counter() - t0
        pub.close()
    finally:
        door.stop()
        intake.close()
        store.close()
    lat = sorted(latencies)
    return {"devices": devices, "interval_s": interval_s, "published": accepted,
            "stored": stored[0], "seconds": round(took, 2),
            "fixes_per_s": round(stored[0] / took, 1),
            "offered_per_s": round(devices / interval_s, 1),
            "latency_p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
            "latency_p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None}


def _intake_process(db: Path, url: str, log) -> subprocess.Popen:
    from app.bench import BENCH_NOW
    from app.clock import NOW_ENV

    # the district's clock an hour after the bench's fixes begin: none is from the future
    env = {**os.environ, NOW_ENV: (BENCH_NOW + timedelta(hours=1)).isoformat()}
    return subprocess.Popen([sys.executable, "-m", "app", "intake", "--db", str(db), "--mqtt",
                             url, "--client-id", "bench-killed"], stdout=log, stderr=log,
                            env=env)


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _kills(db: Path, broker, workdir: Path, rate: float, kills: int, progress) -> dict:
    from app.bench import BENCH_NOW
    from app.clock import zone
    from app.store import open_store

    with open_store(db) as store:
        keys = _bind(store, int(rate * 2), BENCH_NOW)
        tz = zone(store.meta().get("time_zone"))
        before = int(store.scalar("SELECT count(*) FROM device_fixes"))
    log_path = workdir / "bench-intake.log"
    log = open(log_path, "ab")  # noqa: SIM115 (the processes write it)
    url = broker.url(INTAKE)

    def start() -> tuple[subprocess.Popen, float]:
        log.flush()
        n = log_path.read_text().count("connected to") + 1
        t0 = time.perf_counter()
        p = _intake_process(db, url, log)
        while log_path.read_text().count("connected to") < n and p.poll() is None \
                and time.perf_counter() - t0 < 60:
            time.sleep(0.02)
        return p, time.perf_counter() - t0

    proc, _ = start()
    stop = threading.Event()
    pub = _Publisher(broker.url(PUBLISHER), keys, 2.0, BENCH_NOW, tz)
    feeder = threading.Thread(target=pub.run, args=(kills * 4.0 + 10, stop), daemon=True)
    feeder.start()
    resumes, peak = [], 0.0
    rng = random.Random(14)
    progress(f"{kills} SIGKILLs at {rate:g} fixes/s")
    for _ in range(kills):
        time.sleep(rng.uniform(1.0, 4.0))
        peak = max(peak, _vm_hwm_mb(proc.pid) or 0.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc, resumed = start()
        resumes.append(resumed)
    stop.set()
    feeder.join(60)
    accepted = pub.accepted()
    pub.close()
    time.sleep(10)  # the last messages in
    peak = max(peak, _vm_hwm_mb(proc.pid) or 0.0)
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    log.close()
    with open_store(db, read_only=True) as store:
        rows = int(store.scalar("SELECT count(*) FROM device_fixes")) - before
        distinct = int(store.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT device_id, t FROM device_fixes) d")) - before
    return {"kills": kills, "rate": rate, "published": accepted, "stored": rows,
            "lost": max(0, accepted - rows), "duplicates": rows - distinct,
            "resume_s_max": round(max(resumes), 2), "resume_s_p50":
                round(statistics.median(resumes), 2), "memory_mb": round(peak, 1)}


def run_intake_bench(workdir: Path | None = None, *, devices: int = 10_000,
                     interval_s: float = 2.0, duration_s: float = 60.0, kills: int = 20,
                     kill_rate: float = 1000.0, pg_url: str | None = None,
                     progress=lambda m: None) -> dict:
    """The figures above, as a dict (JSON)."""
    from app.intake.local_broker import LocalBroker

    tmp = None
    if workdir is None:
        tmp = tempfile.mkdtemp(prefix="gridcc-bench-intake-")
        workdir = Path(tmp)
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict = {"targets": TARGETS}
    try:
        base = _district(workdir, progress)
        with LocalBroker(workdir / "broker", {INTAKE: "bench-i", PUBLISHER: "bench-p"}) as b:
            db = workdir / "sustained.duckdb"
            shutil.copy(base, db)
            out["duckdb"] = _sustained(db, b, devices, interval_s, duration_s, progress)
            if pg_url:
                out["postgres"] = _sustained(pg_url, b, devices, interval_s, duration_s,
                                             progress)
            db = workdir / "kills.duckdb"
            shutil.copy(base, db)
            out["kills"] = _kills(db, b, workdir, kill_rate, kills, progress)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(run_intake_bench(progress=lambda m: print(m, file=sys.stderr)), indent=2))
