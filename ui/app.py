"""Entry points the command line calls: open the command centre, or render it to a PNG."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store import DistrictRepository
    from app.store.target import DbTarget

log = logging.getLogger(__name__)


def translate(context: str, text: str) -> str:
    from ui.i18n import translate as tr

    return tr(context, text)

#: give up waiting for the first paint of an offscreen screenshot after this long
SCREENSHOT_TIMEOUT_S = 60.0


def _application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0] if sys.argv else "gridcc"])
    app.setApplicationName("GridCC")
    app.setOrganizationName("GridCC")
    from ui import i18n

    i18n.install(app, None)  # $GRIDCC_LANG (--lang), else the preference (设置 → 语言)
    app.setApplicationDisplayName(i18n.translate("App", "GridCC 网格化管理指挥中心"))
    return app


def _prepare(app, width: int, height: int) -> None:
    import pyqtgraph as pg

    from ui.theme import apply_theme, wall_scale

    pg.setConfigOptions(antialias=False, background=None)
    apply_theme(app, wall_scale(width, height))


def run_app(store: DistrictRepository | None, *, fullscreen: bool = False,
            server: DbTarget | None = None) -> int:
    """Create the QApplication, show the main window, run the event loop; the exit code.

    ``server``: a PostgreSQL district; the seat then runs on a connection as the user
    who signs in (``store``: the ``--db`` URL's own connection, or None)."""
    if server is not None:
        return _run_seat(store, server, fullscreen=fullscreen)
    t0 = time.perf_counter()
    app = _application()
    screen = app.primaryScreen()
    geo = screen.size() if screen is not None else None
    _prepare(app, geo.width() if geo else 1920, geo.height() if geo else 1080)

    from ui.login_dialog import login

    clock = on_duty_clock(store)
    if not login(store, clock=clock):  # 登录: closed without signing in or choosing the viewer
        return 0
    return _show(app, store, clock, fullscreen, t0)


def _run_seat(store: DistrictRepository | None, server: DbTarget, *, fullscreen: bool) -> int:
    """A seat on a server: sign in (connecting as the user), then the window on that
    connection; it is closed when the window is."""
    t0 = time.perf_counter()
    app = _application()
    screen = app.primaryScreen()
    geo = screen.size() if screen is not None else None
    _prepare(app, geo.width() if geo else 1920, geo.height() if geo else 1080)
    from ui.login_dialog import login_to_server

    signed_in, seat = login_to_server(server, store)
    if not signed_in:
        return 0
    store = seat or store  # the viewer runs on the --db URL's own connection
    try:
        return _show(app, store, on_duty_clock(store), fullscreen, t0)
    finally:
        if seat is not None:
            seat.close()


def _show(app, store: DistrictRepository, clock, fullscreen: bool, t0: float) -> int:
    from PySide6.QtWidgets import QMessageBox

    from app.feed.simulator import simulated_feed
    from ui.main_window import MainWindow

    screen = app.primaryScreen()
    intake = _start_intake(store, clock)
    try:
        # the patrol feed: the phones through the intake when one is set, else the simulator
        window = MainWindow(store, clock=clock,
                            feed=intake.feed if intake is not None else simulated_feed)
    except Exception as exc:  # an operator sees one sentence, the log keeps the details
        log.exception("cannot open the main window")
        if intake is not None:
            intake.stop()
        QMessageBox.critical(None, "GridCC", translate("App", "无法打开指挥中心：{reason}").format(reason=_one_line(exc)))
        return 1
    from ui.login_dialog import install_idle_lock

    window.idle_lock = install_idle_lock(window, store, clock.now)  # never on the wall
    window.canvas.firstPainted.connect(
        lambda: log.info("map first painted %.2f s after start", time.perf_counter() - t0))
    _record_first_paint(window)
    previous_hook = sys.excepthook
    sys.excepthook = _report_unexpected(window, previous_hook)
    try:
        if fullscreen:
            window.fullscreen_action.setChecked(True)
        elif window.restored:
            window.show()
        else:
            # First start: fill the screen (also where no window manager maximises).
            if screen is not None:
                window.setGeometry(screen.availableGeometry())
            window.showMaximized()
        return int(app.exec())
    finally:
        sys.excepthook = previous_hook
        if intake is not None:  # the window is closed: no more fixes for it
            intake.stop()


def _start_intake(store: DistrictRepository, clock):
    """The phone intake in this process (preferences intake_mqtt / intake_http) on a
    single DuckDB seat that may write; None when not set or not possible (then the
    simulator feeds the window; a failure to start is said once and logged)."""
    from ui.settings import preferences

    prefs = preferences()
    if not (prefs.intake_mqtt or prefs.intake_http):
        return None
    if getattr(store, "dialect", "") == "postgres" or getattr(store, "read_only", False):
        log.info("intake settings ignored: a server district or a read-only seat "
                 "(run the intake as a service: python -m app intake)")
        return None
    from app.intake.feed import start_intake

    try:
        running = start_intake(store, mqtt=prefs.intake_mqtt or None,
                               http=prefs.intake_http or None, clock=clock)
    except Exception as exc:
        log.exception("the intake did not start")
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "GridCC", translate(
            "App", "终端接入未能启动，改用模拟巡查：{reason}").format(reason=_one_line(exc)))
        return None
    log.info("intake running (MQTT %s, HTTP %s)", prefs.intake_mqtt or "-",
             prefs.intake_http or "-")
    return running


def on_duty_clock(store: DistrictRepository):
    """The district's clock for a command centre going on duty; a demo district's
    timeline is first brought to its now (app.demo.reanchor), so that a demo opened
    days after it was made still shows a live today.  Needs ``store`` read-write."""
    from app.clock import store_clock
    from app.demo.reanchor import gap_text, reanchor

    clock = store_clock(store)
    if getattr(store, "read_only", False):  # a viewer of a file another seat has open
        return clock
    if getattr(store, "dialect", "") == "postgres" and not store._is_owner():
        return clock  # a seat's account moves no timeline: the administrator's seat does
    done = reanchor(store, clock.now())
    if done is not None:
        log.info("demo timeline moved on by %s to %s (%d rows, %.2f s)", gap_text(done.shift),
                 done.after, done.rows, done.seconds)
    return clock


def render_screenshot(store: DistrictRepository, out_path: Path, size: tuple[int, int],
                      workspace: str | None = None) -> None:
    """Offscreen: build the main window at ``size`` showing ``workspace`` (ui.workspaces:
    duty, dispatch, wall, video; default duty), wait until the map and its panels are
    loaded, save a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = int(size[0]), int(size[1])
    app = _application()
    _prepare(app, width, height)
    from ui.main_window import MainWindow

    window = MainWindow(store, persist=False)
    _record_first_paint(window)
    try:
        window.resize(width, height)
        window.show()
        _process_until(app, lambda: window.isVisible() and window.canvas.width() > 0, 5.0)
        # the workspace's layout at the final size (its shares are of the window's width)
        window.workspaces.apply_default(workspace or window.workspaces.current)
        window.canvas.zoom_to_extent()
        window.canvas.viewport().update()
        if not _process_until(app, lambda: window.canvas.first_paint_seconds is not None,
                              SCREENSHOT_TIMEOUT_S):
            raise _user_error(f"the map did not finish painting within {SCREENSHOT_TIMEOUT_S:.0f} s")
        # a staged start: buildings, cases and panels arrive after the first paint
        if not _process_until(app, lambda: window.loaded() and window.canvas.settled()
                              and window.panels_filled(),
                              SCREENSHOT_TIMEOUT_S):
            raise _user_error(f"the map did not finish loading within {SCREENSHOT_TIMEOUT_S:.0f} s")
        window.workspaces.fit_groups()  # the panels filled: sized as they now are
        _process_until(app, lambda: False, 0.2)
        pixmap = window.grab()
        out_path = Path(out_path)
        if not pixmap.save(str(out_path), "PNG"):
            raise _user_error(f"could not write {out_path} (permissions or disk space?)")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def render_score_pdf(store: DistrictRepository, period, subject: str, out: Path,
                     scheme=None, clock=None) -> None:
    """Offscreen: the printable appraisal report (绩效考核月报) of ``period`` as a PDF
    at ``out`` (A4, Chinese, fonts embedded); ``subject`` picks the red/black list;
    its 生成于 line reads ``clock`` (the district's by default)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application()  # QPdfWriter needs the application's fonts
    from ui.appraisal.report_pdf import collect, write_report

    out = Path(out)
    try:
        write_report(collect(store, period, subject, scheme, clock=clock), out)
    except (OSError, ValueError) as exc:
        raise _user_error(f"cannot write the report {out}: {_one_line(exc)}") from exc


def _record_first_paint(window) -> None:
    """For ``python -m app bench``: write the wall-clock time of the first map paint
    (and of the staged start's end, "loaded") to $GRIDCC_TIMING_FILE (the benchmark
    subtracts the moment it spawned us)."""
    target = os.environ.get("GRIDCC_TIMING_FILE")
    if not target:
        return
    marks: dict[str, float] = {}

    def write(key: str) -> None:
        marks[key] = time.time()
        Path(target).write_text(json.dumps(marks))

    window.canvas.firstPainted.connect(lambda: write("first_paint"))
    if window.startup is not None:
        window.startup.finished.connect(lambda: write("loaded"))


def _process_until(app, done, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def _user_error(message: str) -> Exception:
    """An error the command line prints as one line (its UserError), not as a traceback."""
    from app.cli import UserError

    return UserError(message)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _report_unexpected(window, previous_hook):
    """An exception escaping a slot is logged and shown as one line, never as a traceback."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            previous_hook(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(window, "GridCC", translate("App", "操作未完成：{reason}").format(reason=_one_line(exc)))

    return hook
