"""The seat backs its own DuckDB district up once a day (another process cannot while
the centre holds the file): a verified backup with its manifest, then nothing until a
day has passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.store import open_store
from app.store.backup import list_backups, verify_backup
from ui.backup_schedule import BackupSchedule, install_backup_schedule


def test_a_due_backup_is_made_in_the_background_and_then_not_again(small_db_copy, tmp_path,
                                                                     qtbot):
    store = open_store(small_db_copy)
    clock = [datetime.now()]
    try:
        schedule = BackupSchedule(store, tmp_path / "backups", keep=2, now=lambda: clock[0])
        assert schedule.due()
        with qtbot.waitSignal(schedule.done, timeout=60_000) as made:
            assert schedule.check()
        backups = list_backups(tmp_path / "backups", auto=True)
        assert len(backups) == 1 and str(backups[0]) == made.args[0]
        assert verify_backup(backups[0]).schema_version == store.schema_version()
        assert not schedule.due() and not schedule.check()  # not again the same day
        clock[0] += timedelta(hours=25)
        assert schedule.due()
    finally:
        schedule.timer.stop()
        store.close()


def test_no_schedule_on_a_read_only_seat(make_window):
    window = make_window(show=False)
    assert install_backup_schedule(window) is None and window.store.read_only


def test_a_closed_store_stops_the_schedule_quietly(small_db_copy, tmp_path, qtbot):
    store = open_store(small_db_copy)
    schedule = BackupSchedule(store, tmp_path / "backups")
    store.close()
    assert schedule.check() is False and not schedule.timer.isActive()
    assert list_backups(tmp_path / "backups", auto=True) == []


def test_a_seat_that_keeps_no_state_backs_nothing_up(make_window, small_db_copy, qtbot):
    from ui.main_window import MainWindow

    store = open_store(small_db_copy)
    try:
        window = MainWindow(store, persist=False)
        qtbot.addWidget(window)
        assert install_backup_schedule(window) is None
        window.close()
    finally:
        store.close()
