"""Build a demo district database file atomically.

The district is generated into a temporary file next to the target and moved
into place only when complete, so a failure (full disk, interruption) never
leaves a half-written database and ``--force`` loses nothing until the new
district is ready.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.clock import district_clock
from app.store import StoreError, StoreLockedError, open_store
from app.store.duckdb_store import pid_alive
from app.store.integrity import replace_database


def build_demo_database(
    path: Path,
    *,
    scale: str = "hongqiao",
    seed: int = 20261122,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Generate the demo district into ``path`` (replacing it); return row counts and seconds."""
    from app.demo import generate_district

    path = Path(path).expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.exists():
        _ensure_not_open(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create folder {path.parent}: {exc.strerror}") from None
    remove_stale_temporaries(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    _remove(tmp)
    t0 = time.perf_counter()
    try:
        store = open_store(tmp, create=True)
        try:
            stats: dict[str, float] = dict(
                generate_district(store, scale=scale, seed=seed, now=now or district_clock().now(),
                                  progress=progress)
            )
            store.checkpoint()
        finally:
            store.close()
        replace_database(tmp, path)  # the replaced file's WAL goes with it
    except StoreError as exc:
        _remove(tmp)
        raise StoreError(f"could not build the demo district: {exc}; nothing was changed") from None
    except OSError as exc:
        _remove(tmp)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise StoreError(f"could not write the demo district to {path}: {reason}; "
                         "nothing was changed") from None
    except BaseException:
        _remove(tmp)
        raise
    stats["seconds"] = time.perf_counter() - t0
    return stats


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files (``.<name>.tmp-<PID>`` and their WAL) that earlier runs
    building ``path`` left when they were killed (their PID no longer runs); returns them."""
    removed = []
    prefix = f".{path.name}.tmp-"
    for tmp in path.parent.glob(f"{prefix}*"):
        pid = tmp.name[len(prefix):].removesuffix(".wal")
        if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
            continue
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass  # another user's, or already gone
    return removed


def _ensure_not_open(path: Path) -> None:
    """Refuse to replace a district another GridCC has open."""
    try:
        open_store(path).close()
    except StoreLockedError:
        raise
    except StoreError:
        pass  # an unreadable old file may be replaced


def _remove(p: Path) -> None:
    for f in (p, p.with_name(p.name + ".wal")):
        try:
            f.unlink()
        except FileNotFoundError:
            pass


def server_has_district(target) -> bool:
    """Whether the server database at ``target`` already holds a district."""
    from app.store import StoreMissingError
    from app.store.pg_store import PostgresStore

    try:
        conn = PostgresStore.connect(target)
    except StoreMissingError:
        return False  # no database yet: the demo's server init creates it
    try:
        if not conn.execute("SELECT to_regclass('public.grid_units') IS NOT NULL").fetchone()[0]:
            return False
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM grid_units)").fetchone()[0])
    finally:
        conn.close()


def build_demo_on_server(
    target,
    *,
    scale: str = "hongqiao",
    seed: int = 20261122,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Generate the demo district into a temporary DuckDB file and copy it onto the server
    at ``target`` (initialised here if it is not yet): all in one server transaction."""
    import tempfile

    from app.appraisal.server_facts import prepare_server_facts
    from app.store.pg_copy import copy_district
    from app.store.pg_server import create_logins, init_server

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gridcc-demo-") as tmp:
        path = Path(tmp) / "demo.duckdb"
        stats = build_demo_database(path, scale=scale, seed=seed, now=now, progress=progress)
        init_server(target, progress=progress)  # database, schema, PostGIS, security
        with open_store(target) as dst, open_store(path, read_only=True) as src:
            if progress:
                progress("copying onto the server")
            copy_district(src, dst, progress=progress)
            create_logins(dst)  # the demo accounts' login roles (server init does the same)
            if progress:
                progress("building the shared appraisal facts")
            prepare_server_facts(dst)  # now, so that no seat pays for the first build
    stats["seconds"] = time.perf_counter() - t0
    return stats
