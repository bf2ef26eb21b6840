"""The seat's own automatic backup (自动备份).

A DuckDB district held open by the command centre cannot be copied by another process
(one process per file), so the nightly ``backup --auto`` timer would find it locked all
shift long.  The window backs its own district up instead: once a day (when the last
automatic backup is older than :data:`EVERY_H` hours), on a worker thread with a cursor
of its own (the centre's writers go on meanwhile), into ``$GRIDCC_BACKUP_DIR`` or
``backups/`` beside the district file, keeping ``$GRIDCC_BACKUP_KEEP`` (default 14) —
the same backups, manifests and rotation as the command (app/store/backup.py).
A server district is backed up on the server's side (pg_dump), not by a seat.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ui.background import BackgroundWork
from ui.i18n import translate

log = logging.getLogger(__name__)

EVERY_H = 24.0
CHECK_MS = 15 * 60 * 1000
DEFAULT_KEEP = 14


def backup_dir(district: Path) -> Path:
    env = os.environ.get("GRIDCC_BACKUP_DIR", "").strip()
    return Path(env).expanduser() if env else Path(district).parent / "backups"


def backup_keep() -> int:
    try:
        return max(1, int(os.environ.get("GRIDCC_BACKUP_KEEP", "") or DEFAULT_KEEP))
    except ValueError:
        return DEFAULT_KEEP


class BackupSchedule(QObject):
    """Checks every :data:`CHECK_MS` whether a backup is due and makes it in the background."""

    #: a backup was made (its path) or failed (the reason), for the status bar
    done = Signal(str)
    failed = Signal(str)

    def __init__(self, store, dest: Path, *, keep: int = DEFAULT_KEEP,
                 every_h: float = EVERY_H, now: Callable[[], datetime] = datetime.now,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.dest, self.keep = store, Path(dest), keep
        self.every = timedelta(hours=every_h)
        self._now = now
        self.running = False
        self._work = BackgroundWork(self)
        self.timer = QTimer(self, interval=CHECK_MS, timeout=self.check)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._work.close()

    def due(self) -> bool:
        from app.store.backup import last_backup_at

        last = last_backup_at(self.dest, Path(self.store.path).stem, auto=True)
        return last is None or self._now() - last >= self.every

    def check(self) -> bool:
        """Start a backup when one is due; whether one was started."""
        if self.running or not self.due():
            return False
        from app.store.backup import backup_store

        try:
            seat = self.store.cursor()  # made here; used and closed by the worker
        except Exception as exc:  # the store closed under it (the window gone): stop
            log.info("automatic backup stopped: %s", exc)
            self.timer.stop()
            return False
        self.running = True

        def job():
            try:
                return backup_store(seat, self.dest, auto=True, keep=self.keep)
            finally:
                seat.close()

        self._work.run(job, self._done, self._failed, channel="backup")
        return True

    def _done(self, result) -> None:
        self.running = False
        log.info("automatic backup %s in %.1f s", result.path, result.seconds)
        self.done.emit(str(result.path))

    def _failed(self, exc: Exception) -> None:
        self.running = False
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("automatic backup failed: %s", reason)
        self.failed.emit(reason)


def install_backup_schedule(window) -> BackupSchedule | None:
    """The window's automatic backup, for a writable DuckDB district of a seat that keeps
    its state (not a screenshot or a test window; else None)."""
    store = window.store
    if (getattr(store, "dialect", "duckdb") != "duckdb" or getattr(store, "read_only", True)
            or not getattr(window, "_persist", True)):
        return None
    schedule = BackupSchedule(store, backup_dir(Path(store.path)), keep=backup_keep(),
                              parent=window)
    status = window.statusBar()
    schedule.done.connect(lambda path: status.showMessage(
        translate("Backup", "已自动备份：{file}").format(file=Path(path).name), 10_000))
    schedule.failed.connect(lambda reason: status.showMessage(
        translate("Backup", "自动备份未成功：{reason}").format(reason=reason), 30_000))
    # the first look once the window has settled, then every quarter of an hour
    first = QTimer(schedule, singleShot=True, interval=60_000, timeout=schedule.check)
    first.start()
    window.closing_hooks = [*getattr(window, "closing_hooks", []), schedule.stop, first.stop]
    window.backup_schedule = schedule
    return schedule
