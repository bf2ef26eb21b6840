"""The demo workers as phones (模拟终端): the offline patrol simulator's fixes published as
OwnTracks location messages, so a demonstration runs the real pipeline (simulator →
broker → intake → store → map).

Each worker is the OwnTracks user ``<worker code, lower case>`` with device ``phone``
(device key ``owntracks:wgz00001/phone``); :func:`bind_demo_devices` binds those keys to
their workers.  The publishing account must be allowed to write ``owntracks/#``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC

import numpy as np

from app.clock import Clock, zone
from app.feed.fixes import FixBatch, from_seconds, to_seconds
from app.feed.roads import RoadLoops
from app.feed.simulator import PatrolSimulator, load_roster
from app.geo.crs import LocalFrame


def demo_keys(codes) -> list[str]:
    return [f"owntracks:{str(c).lower()}/phone" for c in codes]


def bind_demo_devices(store, at, limit: int | None = None) -> int:
    """Register and bind every demo worker's phone (those already bound are left)."""
    from app.intake.devices import ensure_devices

    rows = store.rows("SELECT id, code FROM workers ORDER BY id"
                      + (f" LIMIT {int(limit)}" if limit else ""))
    keys = demo_keys([c for _, c in rows])
    with store.transaction():
        devices = ensure_devices(store, keys, at)
        for (wid, _), key in zip(rows, keys, strict=True):
            if devices[key].worker_id is None:
                store.rows("UPDATE devices SET worker_id = ?, bound_at = ? WHERE id = ?",
                           [int(wid), at, devices[key].id])
    return len(keys)


class DemoPhones:
    """The simulator over the district in ``store`` (read once: roster, road loops,
    frame), giving OwnTracks messages tick by tick."""

    def __init__(self, store, clock: Clock, *, interval_s: float = 10.0,
                 limit: int | None = None, seed: int = 11) -> None:
        from app.map.layers import district_frame, load_grid_levels

        meta = store.meta()
        self.tz = zone(meta.get("time_zone"))
        self.frame: LocalFrame = district_frame(store, meta)
        grids = load_grid_levels(store, self.frame)[4]
        roster = load_roster(store, grids.ids, limit=limit)
        codes = dict(store.rows("SELECT id, code FROM workers"))
        self.topics = [f"owntracks/{str(codes[int(i)]).lower()}/phone" for i in roster.ids]
        self.sim = PatrolSimulator(RoadLoops.from_grids(grids.geoms), roster,
                                   to_seconds(clock.now()), interval_s=interval_s, seed=seed)

    def tick(self) -> list[tuple[str, bytes]]:
        """One fix interval: (topic, payload) of every worker on duty."""
        return list(self.messages(self.sim.tick()))

    def messages(self, batch: FixBatch) -> Iterator[tuple[str, bytes]]:
        lon, lat = self.frame.to_lonlat(batch.x, batch.y)
        for i, w in enumerate(np.asarray(batch.worker).tolist()):
            t = from_seconds(float(batch.t[i])).replace(tzinfo=self.tz).astimezone(UTC)
            msg = {"_type": "location", "tid": self.topics[w].split("/")[1][-2:],
                   "lat": round(float(lat[i]), 7), "lon": round(float(lon[i]), 7),
                   "tst": int(t.timestamp()), "acc": 5, "batt": 80, "t": "u"}
            vel = round(float(batch.speed[i]) * 3.6)
            if vel:  # OwnTracks leaves zero values out
                msg["vel"] = vel
            yield self.topics[w], json.dumps(msg, separators=(",", ":")).encode()


def publish_forever(phones: DemoPhones, url: str, stop: threading.Event, *,
                    speed: float = 1.0, ticks: int | None = None, log=print) -> int:
    """Publish tick after tick (QoS 1) at ``speed`` times real time until ``stop`` (or
    ``ticks`` ticks); the number of messages the broker accepted."""
    import paho.mqtt.client as mqtt

    from app.intake.mqtt import BrokerAddress

    a = BrokerAddress.parse(url)
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"gridcc-sim-{id(phones)}",
                    protocol=mqtt.MQTTv311)
    if a.user:
        c.username_pw_set(a.user, a.password)
    c.max_queued_messages_set(0)
    c.connect(a.host, a.port)
    c.loop_start()
    sent = done = 0
    try:
        while not stop.is_set() and (ticks is None or done < ticks):
            infos = [c.publish(topic, payload, qos=1) for topic, payload in phones.tick()]
            for info in infos:
                info.wait_for_publish(60)
            sent += len(infos)
            done += 1
            log(f"第 {done} 轮：{len(infos)} 条定位已发布（累计 {sent}）")
            stop.wait(phones.sim.interval / speed if ticks is None else 0)
    finally:
        c.disconnect()
        c.loop_stop()
    return sent
