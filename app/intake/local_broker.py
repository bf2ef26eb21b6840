"""A throwaway MQTT broker of our own: Debian's mosquitto on a free loopback port in a
folder, with a password file and an ACL (app/intake/broker_auth.py) and persistent
sessions on disk - for the tests (tests/mqtt_broker.py) and ``bench intake``.

    with LocalBroker(folder, {"gridcc-intake": "pw", "alice": "pw2"}) as broker:
        broker.url("gridcc-intake")  # mqtt://gridcc-intake:pw@127.0.0.1:<port>
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import time
from pathlib import Path

from app.intake.broker_auth import write_broker_auth

MOSQUITTO = "/usr/sbin/mosquitto"
INTAKE_USER = "gridcc-intake"
#: may publish for every phone (python -m app simulate)
SIMULATOR_USER = "gridcc-sim"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalBroker:
    def __init__(self, folder: Path, accounts: dict[str, str]) -> None:
        self.folder = Path(folder)
        self.accounts = dict(accounts)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        passwd, acl = write_broker_auth(self.folder, self.accounts, INTAKE_USER,
                                        SIMULATOR_USER if SIMULATOR_USER in accounts else None)
        self.passwd, self.acl = passwd, acl

    def url(self, user: str) -> str:
        return f"mqtt://{user}:{self.accounts[user]}@127.0.0.1:{self.port}"

    def start(self) -> LocalBroker:
        """Start (or restart, on the same port and persistence) the broker."""
        for _ in range(5):
            self.port = self.port or free_port()
            conf = self.folder / "mosquitto.conf"
            conf.write_text(
                f"listener {self.port} 127.0.0.1\n"
                # started as root, mosquitto would become user mosquitto and not read
                # the test's files: it stays who started it
                f"user {pwd.getpwuid(os.geteuid()).pw_name}\n"
                "allow_anonymous false\n"
                f"password_file {self.passwd}\n"
                f"acl_file {self.acl}\n"
                "persistence true\n"
                f"persistence_location {self.folder}/\n"
                "autosave_interval 1\n"
                "max_queued_messages 100000\n"
                "log_dest stderr\n"
                "log_type error\nlog_type warning\n")
            log = open(self.folder / "mosquitto.log", "ab")  # noqa: SIM115 (the process owns it)
            self.proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=log, stderr=log,
                                         cwd=self.folder)
            log.close()
            if self._wait_listening():
                return self
            self.proc.kill()
            self.proc.wait()
            self.port = 0  # taken meanwhile: another free port
        raise RuntimeError(f"mosquitto did not start: {self.log()}")

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        p = self.folder / "mosquitto.log"
        return p.read_text(errors="replace")[-2000:] if p.exists() else ""

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
