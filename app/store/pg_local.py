"""A throwaway local PostgreSQL 15 cluster: initdb in a temporary directory, listening on
127.0.0.1 (a free port) and a Unix socket in that directory, removed when destroyed.

For the tests (tests/pg_cluster.py) and for ``bench seats``, which needs a server it may
restart.  Run as root, the server runs as Debian's ``postgres`` user (``initdb`` refuses
root).  fsync is off: a throwaway cluster measures behaviour, not the durability of its
own disk.  The superuser is ``gridcc_admin`` with a random password (host connections
use SCRAM, so a wrong password is refused as on a real server).
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

BIN = Path("/usr/lib/postgresql/15/bin")
ADMIN = "gridcc_admin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        if not (BIN / "initdb").exists():
            raise RuntimeError(
                f"PostgreSQL 15 is not installed ({BIN}): apt-get install postgresql-15 "
                "postgresql-15-postgis-3 (`bash gridcc setup` does)")
        self.root = Path(tempfile.mkdtemp(prefix="gridcc-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.password = secrets.token_hex(12)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-U", ADMIN, "-E", "UTF8",
                   "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                   f"--pwfile={pwfile}"])
        pwfile.unlink()
        self.start()
        atexit.register(self.destroy)

    def _run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True,
                              cwd=self.root)

    def _options(self) -> str:
        return (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200 -c shared_buffers=256MB")

    def start(self) -> None:
        r = self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", self._options(),
                       "-l", str(self.root / "log"), "-w", "-t", "60", "start"], check=False)
        if r.returncode != 0:
            log = (self.root / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {r.stderr}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
                  check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- addresses ------------------------------------------------------------------------
    def url(self, db: str = "postgres", user: str = ADMIN, password: str | None = None) -> str:
        pw = self.password if password is None and user == ADMIN else password
        auth = f"{user}:{pw}" if pw else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def admin(self, db: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(db), autocommit=True)

    def create_db(self, name: str, template: str | None = None) -> str:
        """A new database (from ``template`` if given); returns its admin URL."""
        with self.admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            tmpl = f' TEMPLATE "{template}"' if template else ""
            for _attempt in range(50):
                try:
                    con.execute(f'CREATE DATABASE "{name}"{tmpl}')
                    break
                except psycopg.errors.ObjectInUse:  # the template still has a session
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"template {template} stayed busy")
        return self.url(name)

    def drop_db(self, name: str) -> None:
        with self.admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
