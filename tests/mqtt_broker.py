"""The tests' MQTT broker: Debian's mosquitto on a free loopback port in a temporary
folder, with a password file and an ACL, stopped afterwards (app/intake/local_broker.py).
Never skipped: mosquitto is in the `gridcc` script's packages.

    with Broker(tmp_path / "broker", {INTAKE_USER: "pw", "alice": "pw2"}) as broker:
        broker.url(INTAKE_USER)  # mqtt://gridcc-intake:pw@127.0.0.1:<port>
"""

from app.intake.local_broker import INTAKE_USER, SIMULATOR_USER
from app.intake.local_broker import LocalBroker as Broker

__all__ = ["INTAKE_USER", "SIMULATOR_USER", "Broker"]
