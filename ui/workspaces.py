"""Named workspaces (工作区): 值班 duty, 调度 dispatch, 大屏 wall, 视频 video.

Each arranges the docks for its task: every panel has its place in a tab group of one
dock area (so a panel opened later joins its group as a tab and the map keeps its
width), some panels are shown, one per group in front.  Each workspace remembers the
layout the operator made of it, per screen size class (QSettings, ui.settings); a
saved layout that does not hold (corrupt, of another state version, or one that
squeezes the map or floats off the screen: :func:`ui.layout_check.layout_problems`)
is discarded for the workspace default.

Opening a panel gives its group the panel's width (the video wall is wide), never more
than leaves the map its share; closing one gives the group its workspace width back.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ui import theme
from ui.layout_check import layout_problems, map_share_floor
from ui.settings import WINDOW_STATE_VERSION, window_settings

log = logging.getLogger(__name__)

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
TOP = Qt.DockWidgetArea.TopDockWidgetArea


@dataclass(frozen=True)
class Group:
    """Panels tabified in one dock area; ``size`` a share of the window's width (left,
    right) or height (top, bottom, or a group stacked under another: ``below``)."""

    area: Qt.DockWidgetArea
    panels: tuple[str, ...]
    size: float
    below: bool = False  # stacked under the area's previous group, not beside it


@dataclass(frozen=True)
class Workspace:
    key: str
    name: str  # QT_TRANSLATE_NOOP("workspace", …): translated where shown
    groups: tuple[Group, ...]
    shown: tuple[str, ...]
    front: tuple[str, ...] = field(default_factory=tuple)


_APPRAISAL = Group(BOTTOM, ("appraisal", "red_black", "appraisal_trend"), 0.34)
WORKSPACES: dict[str, Workspace] = {w.key: w for w in (
    Workspace("duty", QT_TRANSLATE_NOOP("workspace", "值班"), (
        Group(LEFT, ("layers", "cameras"), 0.16),
        # what the ticked layers draw, under the layers (read together)
        Group(LEFT, ("legend",), 0.5, below=True),
        # the phones' 离线/出格 alarms (devices) beside the whistles' alarms
        Group(RIGHT, ("whistles", "devices", "identify", "cases", "supervision",
                      "video_wall"), 0.28),
        _APPRAISAL), shown=("layers", "legend", "whistles", "identify"),
        front=("layers", "whistles")),
    Workspace("dispatch", QT_TRANSLATE_NOOP("workspace", "调度"), (
        Group(LEFT, ("cases", "supervision", "layers", "legend", "cameras"), 0.22),
        Group(RIGHT, ("whistles", "devices", "identify", "video_wall"), 0.27),
        _APPRAISAL), shown=("cases", "supervision", "whistles", "identify"),
        front=("cases", "whistles")),
    # one column beside the map: whatever is opened on the wall joins it as a tab
    Workspace("wall", QT_TRANSLATE_NOOP("workspace", "大屏"), (
        Group(RIGHT, ("legend", "red_black", "identify", "whistles", "devices", "cases",
                      "supervision", "cameras", "layers", "video_wall"), 0.2),
        Group(BOTTOM, ("appraisal", "appraisal_trend"), 0.34)),
        shown=("legend", "red_black"), front=("legend",)),
    Workspace("video", QT_TRANSLATE_NOOP("workspace", "视频"), (
        Group(LEFT, ("layers",), 0.16),
        Group(LEFT, ("legend",), 0.5, below=True),
        # the workflow panels as tabs of the wall: under it they would not fit at 768 px
        Group(RIGHT, ("video_wall", "whistles", "devices", "identify", "cases",
                      "supervision"), 0.45),
        Group(RIGHT, ("cameras",), 0.38, below=True),
        _APPRAISAL), shown=("video_wall", "cameras"), front=("cameras",)),
)}
DEFAULT_WORKSPACE = "duty"
#: panels that give way in a column too short for them and the group beside them: they
#: join that group as a tab instead of pushing it aside (the legend under the layers)
YIELDING = ("legend",)
#: a panel's own width share when opened (wider than its group's)
PANEL_WIDTH = {"video_wall": 0.45}
#: the least width (px at scale 1) of a side group, whatever its share
MIN_SIDE_PX = {LEFT: 230, RIGHT: 500}


def size_class(width: int, height: int) -> str:
    """The screen size class a layout is remembered for."""
    for name, w, h in (("small", 1600, 900), ("hd", 2400, 1300), ("qhd", 3200, 1800)):
        if width < w or height < h:
            return name
    return "uhd"


class Workspaces(QObject):
    """The window's workspaces: switch, remember, reset; keeps the map's share."""

    #: the workspace shown now changed (its key)
    switched = Signal(str)

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget], *,
                 persist: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.docks = docks
        self.persist = persist
        self.current = DEFAULT_WORKSPACE
        self._check_pending = False
        self._arranging = False
        #: panels hidden while a wide panel is open (its id → theirs)
        self._stepped_aside: dict[str, list[str]] = {}
        for pid, dock in docks.items():
            dock.toggleViewAction().toggled.connect(
                lambda on, pid=pid: self._panel_toggled(pid, on))

    # -- places -----------------------------------------------------------------------
    def groups(self, key: str) -> list[tuple[Group, list[str]]]:
        """The workspace's groups with the window's panels in them; a panel no group
        names (a third-party plugin's) joins the first group of its own dock area."""
        ws = WORKSPACES[key]
        out = [(g, [p for p in g.panels if p in self.docks]) for g in ws.groups]
        placed = {p for _g, ps in out for p in ps}
        for pid, dock in self.docks.items():
            if pid in placed:
                continue
            area = self.window.dockWidgetArea(dock)
            target = next((ps for g, ps in out if g.area == area), None)
            if target is None:
                out.append((Group(area, (), 0.2), [pid]))
            else:
                target.append(pid)
        return [(g, ps) for g, ps in out if ps]

    def group_of(self, pid: str) -> tuple[Group, list[str]] | None:
        return next(((g, ps) for g, ps in self.groups(self.current) if pid in ps), None)

    def apply_default(self, key: str | None = None) -> None:
        """Arrange the docks as workspace ``key`` (the current one) has them by default."""
        key = key or self.current
        ws = WORKSPACES[key]
        self._stepped_aside.clear()
        self._arranging = True
        try:
            self._arrange(ws)
        finally:
            self._arranging = False
        self.current = key
        self.fit_groups()
        self.switched.emit(key)

    def _arrange(self, ws: Workspace) -> None:
        w = self.window
        groups = self.groups(ws.key)
        for dock in self.docks.values():  # out of every tab group of the last layout
            dock.hide()
            dock.setFloating(False)
            w.removeDockWidget(dock)
        # the groups' places first, then their tabs: a dock split off a tabbed one
        # would become one more tab of it (QMainWindow.splitDockWidget)
        previous: dict[Qt.DockWidgetArea, QDockWidget] = {}
        for group, panels in groups:
            first = self.docks[panels[0]]
            if group.below and group.area in previous:
                w.splitDockWidget(previous[group.area], first, Qt.Orientation.Vertical)
            else:
                w.addDockWidget(group.area, first)
            first.hide()
            previous[group.area] = first
        for _group, panels in groups:
            for pid in panels[1:]:
                w.tabifyDockWidget(self.docks[panels[0]], self.docks[pid])
                self.docks[pid].hide()
        shown = [p for p in ws.shown if p in self.docks]
        for pid in shown:
            self.docks[pid].show()
        for pid in ws.front:
            if pid in self.docks:
                self.docks[pid].raise_()

    def fit_groups(self) -> None:
        """Give every open group its workspace size; the side areas share what leaves
        the map its share of the width."""
        w = self.window
        for group, panels in self.groups(self.current):
            open_ = [self.docks[p] for p in panels if self._docked(self.docks[p])]
            if open_ and (group.below or group.area in (TOP, BOTTOM)):
                w.resizeDocks([open_[0]], [round(w.height() * group.size)],
                              Qt.Orientation.Vertical)
        self.fit_sides()

    def _docked(self, dock: QDockWidget) -> bool:
        return not dock.isHidden() and not dock.isFloating()

    def side_widths(self) -> dict[Qt.DockWidgetArea, int]:
        """The width (px) each side area with open panels is given: the widest share of
        its open panels and their groups, at least its readable width, all scaled down
        together when the map would keep less than its share."""
        w = self.window
        share_of = {p: g.size for g, ps in self.groups(self.current) for p in ps
                    if not g.below}
        wanted: dict[Qt.DockWidgetArea, int] = {}
        for pid, dock in self.docks.items():
            area = w.dockWidgetArea(dock)
            if area not in (LEFT, RIGHT) or not self._docked(dock):
                continue
            share = max(share_of.get(pid, 0.2), PANEL_WIDTH.get(pid, 0.0))
            px = max(round(w.width() * share), round(MIN_SIDE_PX[area] * theme.ui_scale()))
            wanted[area] = max(wanted.get(area, 0), px)
        # the map's share, less the separators beside it
        room = round(w.width() * (1.0 - map_share_floor(w.width())) - 12 * theme.ui_scale())
        least = {a: self._least_width(a) for a in wanted}
        wanted = {a: max(px, least[a]) for a, px in wanted.items()}
        total, floor = sum(wanted.values()), sum(least.values())
        if total > room:  # the room above the areas' least widths, shared as wanted
            spare = max(0, room - floor)
            give = {a: wanted[a] - least[a] for a in wanted}
            over = sum(give.values()) or 1
            wanted = {a: least[a] + spare * give[a] // over for a in wanted}
        return wanted

    def _least_width(self, area: Qt.DockWidgetArea) -> int:
        """The least width of an area: its widest open panel's (tabs included)."""
        w = self.window
        return max((d.minimumSizeHint().width() for d in self.docks.values()
                    if w.dockWidgetArea(d) == area and self._docked(d)), default=0)

    def fit_sides(self) -> None:
        w = self.window
        widths = self.side_widths()
        docks, sizes = [], []
        for area, px in widths.items():
            first = next(d for d in self.docks.values()
                         if w.dockWidgetArea(d) == area and self._docked(d))
            docks.append(first)
            sizes.append(px)
        if docks:
            w.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)

    # -- switching and memory -------------------------------------------------------
    def switch(self, key: str) -> None:
        """Save the current workspace's layout, then show ``key``'s (saved, else default)."""
        if key not in WORKSPACES:
            raise KeyError(key)
        if key == self.current and self.window.isVisible():
            return
        self.save()
        if self.restore(key):
            self.switched.emit(key)
        else:
            self.apply_default(key)

    def reset(self) -> None:
        """恢复默认布局: the current workspace as it is by default; its saved layout goes."""
        if self.persist:
            s = window_settings()
            s.remove(self._key(self.current))
            s.sync()
        self.apply_default(self.current)

    def _key(self, key: str) -> str:
        return f"workspaces/{key}/{self._size_class()}"

    def _size_class(self) -> str:
        screen = self.window.screen()
        g = screen.availableGeometry() if screen is not None else None
        return size_class(g.width(), g.height()) if g is not None else "hd"

    def save_window(self) -> None:
        """The window's geometry, the workspace shown and its layout (also kept as that
        workspace's, for this screen size class)."""
        self.save()
        w, s = self.window, window_settings()
        s.setValue("window/geometry", w.saveGeometry())
        s.setValue("window/state", w.saveState(WINDOW_STATE_VERSION))
        s.setValue("window/state_version", WINDOW_STATE_VERSION)
        s.setValue("window/size_class", self._size_class())
        s.sync()

    def restore_window(self) -> bool:
        """Geometry and the layout of the workspace shown last; False on first start,
        or when the layout is unreadable or of another screen size class (the workspace
        default then).  Whether it holds is checked once the window is shown."""
        s = window_settings()
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if not isinstance(geometry, QByteArray | bytes) or not isinstance(state, QByteArray | bytes):
            return False
        if s.value("window/size_class", self._size_class()) != self._size_class():
            return False
        w = self.window
        ok = w.restoreGeometry(QByteArray(geometry))
        with self.quiet():  # a saved layout is taken as it is, not rearranged dock by dock
            ok = w.restoreState(QByteArray(state), WINDOW_STATE_VERSION) and ok
        if ok:
            self.current = self.saved_workspace()
            self.check_soon()
        return ok

    def save(self) -> None:
        if not self.persist:
            return
        s = window_settings()
        s.setValue(f"{self._key(self.current)}/state", self.window.saveState(WINDOW_STATE_VERSION))
        s.setValue("window/workspace", self.current)
        s.sync()

    def restore(self, key: str) -> bool:
        """The layout saved for ``key`` at this size class, when there is one that Qt
        accepts; whether it holds is checked once the window is laid out."""
        if not self.persist:
            return False
        state = window_settings().value(f"{self._key(key)}/state")
        if not isinstance(state, QByteArray | bytes):
            return False
        with self.quiet():
            restored = self.window.restoreState(QByteArray(state), WINDOW_STATE_VERSION)
        if not restored:
            log.info("workspace %s: the saved layout is unreadable; default used", key)
            return False
        self.current = key
        self.check_soon()
        return True

    def saved_workspace(self) -> str:
        value = window_settings().value("window/workspace") if self.persist else None
        return value if value in WORKSPACES else DEFAULT_WORKSPACE

    def check_soon(self) -> None:
        """Once laid out: a restored layout that does not hold gives way to the default."""
        if not self._check_pending:
            self._check_pending = True
            QTimer.singleShot(0, self, self.check_now)

    def check_now(self) -> bool:
        """True if the layout holds; else the workspace default replaces it."""
        self._check_pending = False
        w = self.window
        if not w.isVisible():
            return True  # checked when shown (MainWindow.showEvent)
        w.layout().activate()
        problems = layout_problems(w)
        if problems:
            log.info("workspace %s: the saved layout does not hold (%s); default used",
                     self.current, "; ".join(problems))
            self.apply_default(self.current)
            return False
        return True

    # -- panels opened and closed --------------------------------------------------------
    def show_panel(self, pid: str) -> None:
        """Open panel ``pid`` in front of its group."""
        dock = self.docks[pid]
        dock.show()
        dock.raise_()

    @contextmanager
    def quiet(self):
        """Docks hidden and shown by someone else (the big screen's enter and leave):
        no panel is made room for, no group resized meanwhile."""
        was, self._arranging = self._arranging, True
        try:
            yield
        finally:
            self._arranging = was

    def _panel_toggled(self, pid: str, on: bool) -> None:
        """A panel opened (in front of its group, the group as wide as the panel wants)
        or closed (the group back to its workspace width; an empty area gives its room
        to the map)."""
        dock = self.docks[pid]
        if self._arranging or self.group_of(pid) is None or dock.isFloating():
            return
        # the toggle action says so before the dock follows it: follow it first
        if on and dock.isHidden():
            dock.show()
        elif not on and not dock.isHidden():
            dock.close()
        if on:
            dock.raise_()
            self._make_room_across(pid)
            self._make_room_in_column(pid)
        else:
            for other in self._stepped_aside.pop(pid, []):
                self.docks[other].show()
        self.fit_groups()

    def _make_room_in_column(self, pid: str) -> None:
        """A side panel whose least height does not fit under (or over) the other group
        of its column (the whistles beside the video wall at 768 px): that group steps
        aside while it is open."""
        w, dock = self.window, self.docks[pid]
        area = w.dockWidgetArea(dock)
        if area not in (LEFT, RIGHT):
            return
        mine = next((ps for g, ps in self.groups(self.current) if pid in ps), [])
        others = [p for g, ps in self.groups(self.current) if g.area == area and pid not in ps
                  for p in ps if self._docked(self.docks[p])]
        if not others:
            return
        bars = sum(b.height() for b in (w.toolbar, w.replay_bar, w.statusBar()) if b.isVisible())
        room = w.height() - bars
        need = (max(self.docks[p].minimumSizeHint().height() for p in mine
                    if self._docked(self.docks[p]))
                + max(self.docks[p].minimumSizeHint().height() for p in others))
        if need <= room:
            return
        if pid in YIELDING:  # too short for both: it becomes a tab of the other group
            with self.quiet():
                w.tabifyDockWidget(self.docks[others[0]], dock)
                dock.show()
            return
        self._arranging = True
        try:
            for p in others:
                self.docks[p].hide()
        finally:
            self._arranging = False
        self._stepped_aside.setdefault(pid, []).extend(others)

    def _make_room_across(self, pid: str) -> None:
        """A panel at the top or bottom wider than the room between the side panels (the
        appraisal's tables on a narrow screen): the side panels step aside while it is
        open and come back when it closes."""
        w, dock = self.window, self.docks[pid]
        if w.dockWidgetArea(dock) not in (TOP, BOTTOM):
            return
        sides = [p for p, d in self.docks.items()
                 if w.dockWidgetArea(d) in (LEFT, RIGHT) and self._docked(d)]
        taken = sum(self.side_widths().values())
        if dock.minimumSizeHint().width() <= w.width() - taken - 12 * theme.ui_scale():
            return
        self._arranging = True
        try:
            for p in sides:
                self.docks[p].hide()
        finally:
            self._arranging = False
        self._stepped_aside.setdefault(pid, []).extend(sides)
