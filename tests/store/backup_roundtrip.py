"""Measure a backup → change → restore round trip on a demo district (the figures of
issue 13's note); not part of the suite.

    .venv/bin/python tests/store/backup_roundtrip.py [--db DISTRICT.duckdb] [--workdir DIR]
                                                     [--server]

Without ``--db`` it generates the Hongqiao demo (``python -m app demo``) in the workdir.
``--server`` then also moves it onto a throwaway local PostgreSQL (``migrate``) and
measures the same on the server (``pg_dump``/``pg_restore``).
Runs the command lines as an administrator would (``backup``, ``restore``, ``audit
verify``), each timed from start to exit, checks that every table is as backed up after
the restore, and prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.store.test_backup import change_things, fingerprint  # noqa: E402


def run(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDCC_BACKUP")}
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                       text=True, env=env)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {r.stderr}")
    return seconds, r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--server", action="store_true")
    a = ap.parse_args()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="gridcc-backup-roundtrip-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "district.duckdb"
    if a.db:
        shutil.copyfile(a.db, db)
    else:
        run("demo", "--db", str(db), "--scale", "hongqiao", "--force")
    size_db = db.stat().st_size
    as_backed_up = fingerprint(db)
    t_backup, r = run("backup", "--db", str(db), "--to", str(work / "backups"), "--json")
    out = json.loads(r.stdout)
    backup = Path(out["path"])
    t_verify, _ = run("restore", str(backup), "--verify-only")
    change_things(db)
    assert fingerprint(db) != as_backed_up
    t_restore, _ = run("restore", str(backup), "--db", str(db), "--json")
    after = fingerprint(db)
    same = {t for t in as_backed_up if after.get(t) == as_backed_up[t]}
    differ = sorted(set(as_backed_up) - same)
    t_audit, _ = run("audit", "verify", "--db", str(db))
    figures = {
        "district_mb": round(size_db / 1e6, 1),
        "backup_mb": round(backup.stat().st_size / 1e6, 1),
        "rows": sum(n for n, _ in as_backed_up.values()),
        "backup_s_inside": out["seconds"], "backup_s_command": round(t_backup, 2),
        "verify_only_s_command": round(t_verify, 2), "restore_s_command": round(t_restore, 2),
        "audit_verify_s_command": round(t_audit, 2),
        "tables_as_backed_up": len(same), "tables_differing": differ,
        "workdir": str(work),
    }
    if a.server:
        figures["server"] = server_round_trip(db, work)
    print(json.dumps(figures, indent=2))


def server_round_trip(db: Path, work: Path) -> dict:
    """The same round trip on a throwaway local server holding the district."""
    import psycopg

    from app.store.pg_local import Cluster

    cluster = Cluster()
    try:
        url = cluster.url("hongqiao")
        t_migrate, _ = run("migrate", "--from", str(db), "--to", url)
        t_backup, r = run("backup", "--db", url, "--to", str(work / "server"), "--json")
        dump = Path(json.loads(r.stdout)["path"])
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("DELETE FROM gps_fixes WHERE worker_id = (SELECT min(worker_id) "
                        "FROM gps_fixes)")
        t_restore, r = run("restore", str(dump), "--db", url, "--json")
        t_audit, _ = run("audit", "verify", "--db", url)
        return {"dump_mb": round(dump.stat().st_size / 1e6, 1),
                "migrate_s_command": round(t_migrate, 2),
                "backup_s_command": round(t_backup, 2),
                "restore_s_command": round(t_restore, 2),
                "audit_verify_s_command": round(t_audit, 2)}
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
