"""Real phones on a real window (issue 14's "done when"), run by hand:

    .venv/bin/python -m tests.soak.phones_on_window OUT_DIR [--seconds 60]

The small demo district with the desktop app's in-process intake switched on
(preferences: broker URL, HTTP address), under Xvfb at 1920×1080 (../shared/tools/xshot),
fed only by real clients over real sockets:

* ``python -m app simulate --mqtt`` (paho) walks the demo workers as OwnTracks phones;
* a paho client publishes one phone (``alice``, MQTT 3.1.1, QoS 1, as the OwnTracks app
  does) walking east, fix by fix;
* ``curl`` sends Traccar Client's OsmAnd requests for another phone (``traccar-7``);
* ``curl`` posts an Open311 request (群众反映) near the district's centre.

Saves OUT_DIR/phones.png (the screen) and prints what each client was answered and what
the district stored afterwards (JSON).  Open the PNG and look.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
XSHOT = ROOT.parent / "shared" / "tools" / "xshot"
PY = sys.executable


def _app(*args: str, env=None) -> str:
    return subprocess.run([PY, "-m", "app", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--seconds", type=float, default=60.0)
    a = ap.parse_args()
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    from app.demo import generate_district
    from app.intake.devices import bind, register
    from app.intake.local_broker import LocalBroker, free_port
    from app.preferences import Preferences, save
    from app.store import open_store

    db = out / "phones.duckdb"
    for p in (db, db.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    now = datetime.now().astimezone().replace(tzinfo=None)
    with open_store(db, create=True) as store:
        generate_district(store, scale="small", seed=7, now=now)
        (w1, c1, lon1, lat1), (w2, c2, lon2, lat2) = store.rows(
            "SELECT w.id, w.code, g.label_lon, g.label_lat FROM workers w JOIN grid_units g "
            "ON g.id = w.grid_id WHERE w.role = 'grid_worker' ORDER BY w.id LIMIT 2")
        register(store, "owntracks:alice/phone", now)
        bind(store, "owntracks:alice/phone", c1, now)
        _, token = register(store, "osmand:traccar-7", now)
        bind(store, "osmand:traccar-7", c2, now)
        lon0, lat0 = store.rows("SELECT avg(label_lon), avg(label_lat) FROM grid_units "
                                "WHERE level = 4")[0]
    key = _app("intake", "open311", "add", "citizen-app", "--db", str(db)).split()[-1]
    http_port = free_port()
    env = {**os.environ, "GRIDCC_CONFIG_DIR": str(out / "config"),
           # the duty operator signs in without the dialog (ui/login_dialog.py)
           "GRIDCC_USER": "operator", "GRIDCC_PASSWORD": "Operator#2026"}
    report: dict = {"alice": [], "traccar": [], "open311": None}
    with LocalBroker(out / "broker", {"gridcc-intake": "i-pw", "alice": "a-pw",
                                      "gridcc-sim": "s-pw"}) as broker:
        save(out / "config", Preferences(intake_mqtt=broker.url("gridcc-intake"),
                                         intake_http=f"127.0.0.1:{http_port}"))
        sim = subprocess.Popen([PY, "-m", "app", "simulate", "--db", str(db), "--mqtt",
                                broker.url("gridcc-sim"), "--bind", "--interval", "5"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(out / "simulate.log", "w"))  # noqa: SIM115
        time.sleep(8)  # it has read the district (the window then holds the file)
        shot = subprocess.Popen(["bash", str(XSHOT), str(out / "phones.png"),
                                 str(int(a.seconds)), "--", PY, "-m", "app", "run", "--db",
                                 str(db)], cwd=ROOT, env=env,
                                stdout=open(out / "window.log", "w"),  # noqa: SIM115
                                stderr=subprocess.STDOUT)
        time.sleep(20)  # the window is up, its intake listening
        import paho.mqtt.client as mqtt

        alice = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="alice-phone",
                            protocol=mqtt.MQTTv311)
        alice.username_pw_set("alice", "a-pw")
        alice.connect("127.0.0.1", broker.port)
        alice.loop_start()
        start = time.time()
        step = 0
        while time.time() - start < a.seconds - 28:
            tst = int(time.time())
            msg = json.dumps({"_type": "location", "lat": lat1, "lon": lon1 + step * 1.5e-4,
                              "tst": tst, "acc": 5, "vel": 4, "batt": 77, "tid": "al"})
            info = alice.publish("owntracks/alice/phone", msg, qos=1)
            info.wait_for_publish(10)
            r = subprocess.CompletedProcess([], 0 if info.is_published() else 1)
            report["alice"].append(r.returncode)
            url = (f"http://127.0.0.1:{http_port}/?id=traccar-7&lat={lat2 + step * 1.5e-4}"
                   f"&lon={lon2}&timestamp={tst}&speed=3.9&accuracy=8&batt=64&token={token}")
            r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                "POST", url], capture_output=True, text=True)
            report["traccar"].append(r.stdout)
            if step == 3:
                r = subprocess.run(
                    ["curl", "-s", "-X", "POST",
                     f"http://127.0.0.1:{http_port}/open311/v2/requests.json",
                     "-d", f"api_key={key}", "-d", "service_code=0101",
                     "-d", f"lat={lat0}", "-d", f"long={lon0}",
                     "-d", "description=小区门口垃圾堆放，无人清运"],
                    capture_output=True, text=True)
                report["open311"] = r.stdout
            step += 1
            time.sleep(2)
        alice.disconnect()
        alice.loop_stop()
        shot.wait(a.seconds + 60)
        sim.terminate()
        sim.wait(30)
    with open_store(db, read_only=True) as store:
        report["stored"] = dict(store.rows(
            "SELECT d.key, count(*) FROM device_fixes f JOIN devices d ON d.id = f.device_id "
            "WHERE d.key IN ('owntracks:alice/phone', 'osmand:traccar-7') GROUP BY d.key"))
        report["phones_bound"] = int(store.scalar(
            "SELECT count(*) FROM devices WHERE worker_id IS NOT NULL"))
        report["fixes_stored"] = int(store.scalar("SELECT count(*) FROM device_fixes"))
        report["open311_cases"] = store.rows(
            "SELECT code, status FROM cases WHERE description LIKE '小区门口垃圾堆放%'")
    report["alice"] = f"{report['alice'].count(0)}/{len(report['alice'])} published"
    report["traccar"] = f"{report['traccar'].count('200')}/{len(report['traccar'])} HTTP 200"
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
