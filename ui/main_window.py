"""The command centre's main window (指挥中心主窗口): map in the centre, docks around it."""

from __future__ import annotations

import logging
import sys

import qtawesome as qta
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QWidget,
)

from app.clock import TZ_KEY, Clock, store_clock
from app.feed.fixes import FeedFactory, PatrolFeed
from app.feed.worker_record import worker_record
from app.map.district_layers import default_layer_stack
from app.map.identify import GridLocator
from app.map.layers import DistrictMap, load_district_base, with_layers
from app.store import DistrictRepository, StoreError
from ui import theme
from ui.background import wait_all
from ui.big_screen import BigScreenMode
from ui.district_model import DistrictModel, follow_on_map
from ui.docks.title_bar import DockTitleBar
from ui.map.canvas import MapCanvas
from ui.map.case_card import CaseCard
from ui.map.patrol_controller import PatrolController, patrol_state
from ui.map.replay_bar import ReplayBar
from ui.map.selection import MapSelection, SelectionHighlight
from ui.map.startup import DeferredStartup
from ui.map.style_controls import MapStyleControls
from ui.map.worker_card import WorkerCard
from ui.panels_menu import PanelsMenu, WorkspaceSwitcher
from ui.plugin_api import PanelContext, PanelRegistry, load_plugins
from ui.status_bar import MapStatusBar, follow_server, server_lost_text
from ui.workspaces import Workspaces

log = logging.getLogger(__name__)
#: the interpreter's thread switch interval while a main window is open (seconds)
GIL_SWITCH_S = 0.001

MIN_WIDTH, MIN_HEIGHT = 640, 480
#: a click this close (screen px) to a case opens its card
CASE_HIT_PX = 7
CASE_WINDOWS = (("today", QT_TRANSLATE_NOOP("MainWindow", "今日")),
                ("7d", QT_TRANSLATE_NOOP("MainWindow", "近7天")),
                ("30d", QT_TRANSLATE_NOOP("MainWindow", "近30天")),
                ("year", QT_TRANSLATE_NOOP("MainWindow", "全年")))
#: panels whose actions write: disabled (the reason as tooltip) while the server is gone
WRITING_PANELS = ("whistles", "cases", "supervision", "appraisal")


class MainWindow(QMainWindow):
    """Map canvas, toolbar, status bar, and one dock per registered panel.

    Without a ``district_map`` the window opens in stages (see :mod:`ui.map.startup`):
    the grid levels are read and painted first; buildings, cases, whistles and the
    panels follow after the first paint (``deferred``; :attr:`startup` reports).
    """

    #: a whistle picked on the map (its id); the whistle panel selects it (plugin wiring)
    whistleClicked = Signal(int)
    #: the server went away or came back (online, the status text while it is gone)
    serverOnlineChanged = Signal(bool, str)

    def __init__(self, store: DistrictRepository, *, registry: PanelRegistry | None = None,
                 district_map: DistrictMap | None = None, persist: bool = True,
                 deferred: bool | None = None, clock: Clock | None = None,
                 feed: PatrolFeed | FeedFactory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Workers (static, trail and ring images, feed steps) hold the GIL through every
        # PySide call and between bytecodes hand it back only each switch interval; at the
        # default 5 ms a 4K repaint, which takes the GIL back after each C++ call, waited
        # out its turns: idle Jinhua GUI gaps 48-81 ms, with 1 ms 24-39 ms
        sys.setswitchinterval(GIL_SWITCH_S)
        self._persist = persist
        self.setObjectName("MainWindow")
        self.store = store
        #: a seat on a server hears the others through one listener (per window, never per
        #: panel): positioned before anything is read (nothing committed meanwhile is
        #: missed), started once the window is built; the district model follows its
        #: changes on store.changes
        self.listener = None
        self.server_online = True
        self.server_lost_text = ""
        if getattr(store, "dialect", "duckdb") == "postgres":
            from app.store.pg_changes import listener_for

            try:
                self.listener = listener_for(store)
            except StoreError as exc:  # the window still opens; it only does not follow
                log.warning("this seat will not hear the other seats: %s", exc)
        #: the district's time: every panel and view reads it (app.clock)
        self.clock: Clock = clock or store_clock(store)
        if deferred is None:
            deferred = district_map is None
        if district_map is None:
            district_map = (load_district_base(store, self.clock) if deferred
                            else _full_map(store, self.clock))
        self.district_map = district_map
        dm = self.district_map
        self.setWindowTitle(self.tr("{district} 网格化管理指挥中心 — GridCC").format(
            district=dm.district_name))
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        # the live cases and whistles every panel and layer follows (one per window)
        self.district_model = DistrictModel(
            store, dm.frame, lambda: self.clock.now(), cases=dm.cases,
            load_whistles="later" if deferred else "now", parent=self)
        self.patrol = patrol_state(store, dm)
        self.layers = default_layer_stack(dm, self.patrol)
        self.canvas = MapCanvas(self)
        self.setCentralWidget(self.canvas)
        self.selection = MapSelection(self)
        self.canvas.attach(self.layers, dm)
        follow_on_map(self.district_model, self.canvas, self.layers)
        self.highlight = SelectionHighlight(self.canvas, dm, self.selection)
        self.style_controls = MapStyleControls(self.canvas, self, persist=persist)
        patrol_view = self.canvas.view("patrol")
        # the live feed comes from outside (the simulator when none is given); its time
        # follows the window's clock
        self.patrol_controller = PatrolController(store, dm, self.patrol, patrol_view.refresh,
                                                  self, view=patrol_view,
                                                  load_recent=not deferred, feed=feed,
                                                  clock=self.clock)
        self.patrol_controller.fixStatus.connect(self._show_progress)
        self.replay_bar = ReplayBar(self.patrol_controller, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.replay_bar)
        self.patrol_controller.timeChanged.connect(self._show_cases_at)
        self.patrol_controller.modeChanged.connect(lambda _m: self._show_cases_at(None))
        self.replay_bar.coverage_action.toggled.connect(self._show_coverage)
        self.patrol_controller.coverageReady.connect(self._coverage_ready)
        self.big_screen = BigScreenMode(self)
        self.canvas.set_extent(*dm.extent)
        self.canvas.zoom_to_extent()
        self._locator = GridLocator(dm.levels[4]) if 4 in dm.levels else None
        self.canvas.mapClicked.connect(self.click_at)
        self.case_card = CaseCard(store, self.canvas)
        self.case_card.follow(self.district_model.casesChanged)
        self.worker_card = WorkerCard(self.canvas, store=lambda: self.store,
                                      clock=lambda: self.clock.now())

        self.map_status = MapStatusBar(self.canvas, dm.frame, dm.district_name, self,
                                       clock=self.clock, time_zone=store.meta().get(TZ_KEY))
        self.setStatusBar(self.map_status)
        self._stop_following_server = None

        self.registry = registry if registry is not None else load_plugins()
        self.docks: dict[str, QDockWidget] = {}
        self._build_actions()
        self._build_docks()
        self.workspaces = Workspaces(self, self.docks, persist=persist)
        self.workspace_switcher = WorkspaceSwitcher(self, self.workspaces)
        self.panels_menu = PanelsMenu(self, self.workspaces, self.workspace_switcher)
        self._build_toolbar()
        self._restored = self.workspaces.restore_window() if persist else False
        if not self._restored:
            self.workspaces.apply_default(self.workspaces.saved_workspace())
        self.workspace_switcher.show_current(self.workspaces.current)
        self._install_tools()
        fills = [lambda spec=spec: self._fill_dock(spec) for spec in self.registry.panels()
                 if spec.id in self.docks]
        self.startup: DeferredStartup | None = None
        if deferred:
            self.startup = DeferredStartup(store, dm, self._apply_deferred, fills, self,
                                           recent=self.patrol_controller.load_recent)
            self.startup.progress.connect(self._show_progress)
            if not self._restored:  # the filled panels' sizes, not their placeholders'
                self.startup.finished.connect(self.workspaces.fit_groups)
            self.canvas.firstPainted.connect(self.startup.start)
        else:
            for fill in fills:
                fill()
        # A fixed minimum size: otherwise it follows the layout (e.g. the width of the
        # status-bar texts), and every change makes platforms without
        # propagateSizeHints() (offscreen) warn.
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        if self.listener is not None:
            self._stop_following_server = follow_server(self.listener, self,
                                                        self._server_state)
            self._server_state(self.listener.start().state)

    # -- construction --------------------------------------------------------------------
    def _icon(self, name: str):
        return qta.icon(name, color=theme.ACCENT, color_active="#ffffff")

    def _build_actions(self) -> None:
        self.zoom_extent_action = QAction(self._icon("mdi6.fit-to-screen-outline"), self.tr("全区"), self)
        self.zoom_extent_action.setToolTip(self.tr("缩放到全区 (Home)"))
        self.zoom_extent_action.setShortcut(QKeySequence(Qt.Key.Key_Home))
        self.zoom_extent_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.zoom_extent_action.triggered.connect(self.canvas.zoom_to_extent)
        self.zoom_in_action = QAction(self._icon("mdi6.magnify-plus-outline"), self.tr("放大"), self)
        self.zoom_in_action.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.zoom_in_action.triggered.connect(lambda: self.canvas.zoom_by(1.5))
        self.zoom_out_action = QAction(self._icon("mdi6.magnify-minus-outline"), self.tr("缩小"), self)
        self.zoom_out_action.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_out_action.triggered.connect(lambda: self.canvas.zoom_by(1 / 1.5))
        self.fullscreen_action = QAction(self._icon("mdi6.fullscreen"), self.tr("全屏"), self)
        self.fullscreen_action.setCheckable(True)
        self.fullscreen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.fullscreen_action.toggled.connect(self._set_fullscreen)
        self.big_screen_action = QAction(self._icon("mdi6.monitor-dashboard"), self.tr("大屏"), self)
        self.big_screen_action.setToolTip(self.tr("大屏模式：全屏地图与指标 (F10，Esc 返回)"))
        self.big_screen_action.setShortcut(QKeySequence(Qt.Key.Key_F10))
        self.big_screen_action.triggered.connect(lambda: self.big_screen.toggle())
        self.quit_action = QAction(self._icon("mdi6.exit-to-app"), self.tr("退出"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.import_action = QAction(self._icon("mdi6.database-import-outline"), self.tr("导入辖区数据…"), self)
        self.import_action.setToolTip(self.tr("从 Shapefile、GeoPackage、GeoJSON、CSV 或 Excel 导入网格边界、建筑、摄像头、人员"))
        self.import_action.triggered.connect(self._open_import_wizard)
        for a in (self.zoom_extent_action, self.zoom_in_action, self.zoom_out_action,
                  self.fullscreen_action, self.big_screen_action, self.quit_action):
            self.addAction(a)

    def _build_docks(self) -> None:
        """One dock per panel, with a "loading" placeholder until :meth:`_fill_dock`
        builds the panel (at once, or after the first paint in a staged start)."""
        for spec in self.registry.panels():
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.id}")
            placeholder = QLabel(self.tr("加载中…"))
            placeholder.setObjectName("DockLoading")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            dock.setWidget(placeholder)
            dock.setTitleBarWidget(DockTitleBar(dock, spec.icon))
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            toggle = dock.toggleViewAction()
            try:
                toggle.setIcon(self._icon(spec.icon))
            except Exception:  # an unknown icon name must not cost the plugin its dock
                log.warning("panel %s: unknown icon %r", spec.id, spec.icon)
            toggle.setToolTip(self.tr("显示/隐藏 {panel}").format(panel=spec.title))
            self.addDockWidget(spec.area.qt(), dock)
            dock.setVisible(spec.shown)
            self.docks[spec.id] = dock

    def _fill_dock(self, spec) -> None:
        """Build the panel of ``spec`` into its dock; a failing factory removes the dock."""
        dock = self.docks.get(spec.id)
        if dock is None:
            return
        ctx = PanelContext(window=self, store=self.store, district_map=self.district_map,
                           layers=self.layers, canvas=self.canvas, selection=self.selection)
        try:
            widget = spec.factory(ctx)
            if not isinstance(widget, QWidget):
                raise TypeError(f"factory returned {type(widget).__name__}, not a QWidget")
        except Exception as exc:
            self.registry.record_failure(spec.id, "factory", exc)
            del self.docks[spec.id]
            if hasattr(self, "toolbar"):
                self.toolbar.removeAction(dock.toggleViewAction())
            self.panels_menu.forget_panel(spec.id)
            self.removeDockWidget(dock)
            dock.deleteLater()
            return
        old = dock.widget()
        dock.setWidget(widget)
        if old is not None:
            old.deleteLater()
        if spec.id in WRITING_PANELS and not self.server_online:
            widget.setEnabled(False)
            widget.setToolTip(self.tr("{reason}，暂不能操作").format(reason=self.server_lost_text))

    # -- the server (a seat on PostgreSQL) ------------------------------------------------
    def _server_state(self, state) -> None:
        """The listener says the server is gone or back (GUI thread): the status bar
        says so, the panels that write are disabled with the reason meanwhile, and once
        back the model tries at once what it could not read."""
        if state.online == self.server_online:
            return
        self.server_online = state.online
        if state.online:
            self.server_lost_text = ""
            self.map_status.show_server(True)
            try:  # a connection the outage broke fails once, then the store opens a new one
                self.store.scalar("SELECT 1")
            except StoreError:
                pass
            self.district_model.retry_now()
        else:
            since = self.clock.now()
            self.server_lost_text = server_lost_text(since)
            self.map_status.show_server(False, since)
        for pid in WRITING_PANELS:
            dock = self.docks.get(pid)
            widget = dock.widget() if dock is not None else None
            if widget is not None and widget.objectName() != "DockLoading":
                widget.setEnabled(state.online)
                widget.setToolTip("" if state.online else self.tr("{reason}，暂不能操作").format(
                    reason=self.server_lost_text))
        self.serverOnlineChanged.emit(state.online, self.server_lost_text)

    # -- staged start-up -------------------------------------------------------------------
    def _apply_deferred(self, layers, prepared, recent=None, case_kinds=None) -> None:
        """GUI thread: the buildings, cases, whistles and the workers' last stored minutes
        read after the first paint."""
        self.district_map = with_layers(self.district_map, layers)
        self.canvas.view("buildings").reload(layers.buildings, prepared)
        self.canvas.view("cases").reload(layers.cases, kinds=case_kinds)
        if "whistles" in self.layers:
            self.canvas.view("whistles").reload(layers.whistles)
        self.district_model.take_cases(layers.cases)  # (the layers then show its copies)
        if recent is not None:
            self.patrol_controller.take_recent(recent, in_worker=True)

    def _show_progress(self, text: str) -> None:
        if text:
            self.map_status.showMessage(text)
        else:
            self.map_status.clearMessage()

    def loaded(self) -> bool:
        """Every layer and panel is in place (always, unless the start is staged)."""
        return self.startup is None or self.startup.done

    def panels_filled(self) -> bool:
        """The panels that fill from a worker after they are built (Qt property
        ``loaded`` / ``camerasLoaded`` False until their data arrives) have it."""
        for dock in self.docks.values():
            for w in (dock.widget(), *dock.findChildren(QWidget)):
                if w is not None and (w.property("loaded") is False
                                      or w.property("camerasLoaded") is False):
                    return False
        return True

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("工具栏"), self)
        bar.setObjectName("MainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        s = theme.ui_scale()
        bar.setIconSize(bar.iconSize() * s * 1.3)
        title = QLabel(self.tr("{district} · 网格化管理指挥中心").format(
            district=self.district_map.district_name))
        title.setObjectName("TitleLabel")
        bar.addWidget(title)
        bar.addSeparator()
        # the panels and workspaces first: never in the overflow menu of a narrow screen
        bar.addWidget(self.panels_menu.button())
        self.workspace_switcher.add_to(bar)
        bar.addSeparator()
        bar.addActions([self.zoom_extent_action, self.zoom_in_action, self.zoom_out_action])
        bar.addAction(self.style_controls.action)
        self.case_window = QComboBox()
        self.case_window.setObjectName("CaseWindow")
        self.case_window.setToolTip(self.tr("案件时间范围"))
        for key, name in CASE_WINDOWS:
            self.case_window.addItem(self.tr(name), key)
        self.case_window.setCurrentIndex(self.case_window.findData("30d"))
        self.case_window.currentIndexChanged.connect(
            lambda _i: self.canvas.view("cases").set_window(self.case_window.currentData()))
        bar.addWidget(self.case_window)
        bar.addSeparator()
        # screen modes before the panel toggles: on a narrow screen the toolbar's
        # overflow menu takes the last actions, and the big screen must stay one click away
        bar.addAction(self.fullscreen_action)
        bar.addAction(self.big_screen_action)
        self._panel_toggles_start = bar.addSeparator()
        # icons only: the 面板 menu names every panel
        for dock in self.docks.values():
            bar.addAction(dock.toggleViewAction())
            bar.widgetForAction(dock.toggleViewAction()).setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addSeparator()
        bar.addAction(self.import_action)  # last: the first to go to the overflow menu
        bar.widgetForAction(self.import_action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        screens_menu = QMenu(self)
        screens_menu.aboutToShow.connect(lambda: self._fill_screens_menu(screens_menu))
        self.big_screen_action.setMenu(screens_menu)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    # -- behaviour -----------------------------------------------------------------------
    def click_at(self, x: float, y: float) -> int | None:
        """A click on the map: a worker under the cursor opens the worker card, else a
        whistle there is selected (ringed, :attr:`whistleClicked`), else the case there
        opens its card; the grid there is selected either way.  A card the store cannot
        read now (the server gone) is said in the status bar, never raised."""
        try:
            return self._click_at(x, y)
        except StoreError as exc:
            self.map_status.showMessage(self.tr("未能读取：{reason}").format(reason=exc), 5_000)
            return None

    def _click_at(self, x: float, y: float) -> int | None:
        mpp = self.canvas.metres_per_pixel()
        radius = CASE_HIT_PX * theme.ui_scale() * mpp
        case_id = whistle_id = None
        whistles = self.canvas.view("whistles") if "whistles" in self.layers else None
        worker_id = self.identify_worker_at(x, y, radius)
        if worker_id is None and whistles is not None:
            from ui.map.layers.whistles import HIT_PX

            whistle_id = whistles.whistle_at(x, y, HIT_PX * theme.ui_scale() * mpp)
        if whistles is not None:
            whistles.select(whistle_id)  # the ring follows the click; elsewhere clears it
        if whistle_id is not None:
            self.case_card.hide()
            self.whistleClicked.emit(whistle_id)
        elif worker_id is None:
            case_id = self.canvas.view("cases").case_at(x, y, radius)
            if case_id is not None:
                self.case_card.show_case(case_id)
            else:
                self.case_card.hide()
        self.identify_at(x, y)
        return case_id

    def identify_worker_at(self, x: float, y: float, radius: float) -> int | None:
        """The worker drawn at (x, y): its card (who, grid, on patrol since, walked today);
        the worker's id, or None (the card hides)."""
        view = self.canvas.view("patrol") if "patrol" in self.layers else None
        index = view.worker_at(x, y, radius) if view is not None else None
        if index is None:
            self.worker_card.hide()
            return None
        c = self.patrol_controller
        worker_id = int(self.patrol.roster.ids[index])
        rec = worker_record(self.store, self.district_map.frame, worker_id, c.day_start,
                            c.shown_time(), live=view.fixes_of(index))
        if rec is None:
            self.worker_card.hide()
            return None
        self.case_card.hide()
        self.worker_card.show_record(rec)
        return worker_id

    def _open_import_wizard(self) -> None:
        from ui.district_import import open_import_wizard

        open_import_wizard(self)

    def _fill_screens_menu(self, menu: QMenu) -> None:
        """One entry per monitor: big-screen mode on that one."""
        menu.clear()
        for i, screen in enumerate(self.big_screen.screens()):
            g = screen.geometry()
            act = menu.addAction(f"{i + 1}: {screen.name()} {g.width()}×{g.height()}")
            act.triggered.connect(lambda _c=False, i=i: self.big_screen.enter(i))

    def _show_coverage(self, on: bool) -> None:
        """Colour the base grids by patrol coverage today (computed in the background)."""
        if on:
            self.patrol_controller.compute_coverage()
        elif "grids" in self.layers:
            self.canvas.view("grids").set_fill_values(None)

    def _coverage_ready(self, values) -> None:
        if self.replay_bar.coverage_action.isChecked() and "grids" in self.layers:
            self.canvas.view("grids").set_fill_values(values)

    def _show_cases_at(self, t) -> None:
        replay = self.patrol_controller.mode == "replay"
        moment = t if replay and t is not None else None
        self.canvas.view("cases").set_time(moment)
        if "whistles" in self.layers:
            self.canvas.view("whistles").set_time(moment)

    def identify_at(self, x: float, y: float) -> int | None:
        """Select the base grid at local (x, y) and show its identify panel."""
        unit_id = self._locator.unit_at(x, y) if self._locator is not None else None
        self.selection.select(unit_id)
        dock = self.docks.get("identify")
        if unit_id is not None and dock is not None:
            dock.show()
            dock.raise_()
        return unit_id

    def _set_fullscreen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # -- persistence (ui.workspaces) --------------------------------------------------
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self._restored and not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.workspaces.check_soon()

    def _install_tools(self) -> None:
        """The tools other parts of the window provide: map tools (search, measuring, the
        right-click menu), scale bar and north arrow, alarms, settings.  One failing
        costs only itself (logged), never the window."""
        from ui.alarms import install_alarms
        from ui.backup_schedule import install_backup_schedule
        from ui.help import install_help
        from ui.map.overlays import install_overlays
        from ui.map.tools import install_map_tools
        from ui.settings_dialog import open_settings

        tool_actions = []
        try:
            tools = install_map_tools(self)
            tool_actions = list(tools.actions)
            self.toolbar.insertActions(self.style_controls.action, tool_actions)
        except Exception:
            log.exception("the map tools are not installed")
        for install in (install_overlays, install_alarms, install_help,
                        install_backup_schedule):
            try:
                install(self)
            except Exception:
                log.exception("%s failed", install.__name__)
        mute = getattr(getattr(self, "alarms", None), "mute_action", None)
        if mute is not None:
            self.toolbar.insertAction(self._panel_toggles_start, mute)
        self.panels_menu.add_settings(lambda: open_settings(self))
        # the screen modes, map tools, alarms and help also sit in the labelled menu: the
        # toolbar's overflow takes its last buttons on a narrow screen or in English
        self.panels_menu.add_group([self.fullscreen_action, self.big_screen_action, mute])
        self.panels_menu.add_group([*tool_actions, getattr(self, "help_action", None)])

    @property
    def restored(self) -> bool:
        return self._restored

    def closeEvent(self, ev) -> None:
        for hook in getattr(self, "closing_hooks", ()):  # tools that must stop first
            hook()
        if self._persist:
            self.workspaces.save_window()
        self.patrol_controller.stop()
        if self.startup is not None:
            self.startup.wait()
        self.district_model.shutdown()
        self.canvas.shutdown()  # layer timers stop; no render may outlive the window
        wait_all()  # a panel's read still under way ends before the store may be closed
        if self.listener is not None:
            if self._stop_following_server is not None:
                self._stop_following_server()
            if not self.listener.close():
                log.warning("the change listener did not stop in time")
        super().closeEvent(ev)


def _full_map(store: DistrictRepository, clock: Clock) -> DistrictMap:
    from app.map.layers import load_district_map

    return load_district_map(store, clock)
