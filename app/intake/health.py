"""Device health (终端状态): per device its last fix, battery and accuracy, and how many of
its fixes were flagged, by reason - what a device-health panel lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DeviceHealth:
    key: str
    worker_code: str | None  # None: 待绑定
    worker_name: str | None
    last_fix: datetime | None
    battery: float | None
    accuracy_m: float | None
    fixes: int
    #: flagged fixes by reason (app/intake/filters.py FLAGS)
    flagged: dict[str, int] = field(default_factory=dict)

    def silent_s(self, now: datetime) -> float | None:
        """Seconds since the last fix (None: never sent one)."""
        return None if self.last_fix is None else (now - self.last_fix).total_seconds()


def device_health(store) -> list[DeviceHealth]:
    """Every registered device, those not bound first, then by key."""
    last = {int(r[0]): r[1:] for r in store.rows(
        "SELECT f.device_id, f.t, f.battery, f.accuracy_m FROM device_fixes f JOIN "
        "(SELECT device_id, max(t) AS t FROM device_fixes GROUP BY device_id) m "
        "ON m.device_id = f.device_id AND m.t = f.t")}
    counts: dict[int, int] = {}
    flagged: dict[int, dict[str, int]] = {}
    for dev, flag, n in store.rows("SELECT device_id, flag, count(*) FROM device_fixes "
                                   "GROUP BY device_id, flag"):
        counts[int(dev)] = counts.get(int(dev), 0) + int(n)
        if flag is not None:
            flagged.setdefault(int(dev), {})[flag] = int(n)
    out = []
    for dev, key, code, name in store.rows(
            "SELECT d.id, d.key, w.code, w.name FROM devices d "
            "LEFT JOIN workers w ON w.id = d.worker_id "
            "ORDER BY d.worker_id IS NOT NULL, d.key"):
        t, batt, acc = last.get(int(dev), (None, None, None))
        out.append(DeviceHealth(key, code, name, t, None if batt is None else float(batt),
                                None if acc is None else float(acc), counts.get(int(dev), 0),
                                flagged.get(int(dev), {})))
    return out
