"""Geometry of the main window's layout (布局几何检查): what overlaps, what sticks out,
how much of the width the map keeps, which texts that must be read are cut.

Used by the window itself (a restored layout that does not hold is discarded for the
workspace default, :mod:`ui.workspaces`) and by the geometry tests.  Geometry only:
rectangles in the window's coordinates, never pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTableWidget, QWidget

#: the share of the window's width the map keeps at 1920×1080 and larger
MIN_MAP_SHARE = 0.5
#: below 1920 px wide side panels cannot shrink under their readable width
MIN_MAP_SHARE_NARROW = 0.42
#: a label is a title that must be read whole when its object name is one of these
READ_WHOLE = ("DockTitleText", "TitleLabel")


def map_share_floor(window_width: int) -> float:
    """The least share of the width the map keeps at this window width."""
    return MIN_MAP_SHARE if window_width >= 1900 else MIN_MAP_SHARE_NARROW


def rect_in(window: QWidget, w: QWidget) -> QRect:
    """``w``'s rectangle in ``window``'s coordinates."""
    return QRect(w.mapTo(window, QPoint(0, 0)), w.size())


def docked_in_view(window: QMainWindow, dock: QDockWidget) -> bool:
    """A docked panel shown now: visible, and not a tab behind another (Qt keeps those
    "visible" and moves them out of the window, wholly above and left of it)."""
    if dock.parentWidget() is not window or not dock.isVisible() or dock.isFloating():
        return False
    r = rect_in(window, dock)
    return not (r.right() < 0 and r.bottom() < 0)


def top_level_parts(window: QMainWindow) -> dict[str, QWidget]:
    """The visible parts the window lays out side by side: docked panels, the map,
    toolbars, the status bar (floating docks are windows of their own)."""
    from PySide6.QtWidgets import QToolBar

    parts: dict[str, QWidget] = {}
    central = window.centralWidget()
    if central is not None and central.isVisible():
        parts["map"] = central
    for dock in window.findChildren(QDockWidget):
        if docked_in_view(window, dock):
            parts[dock.objectName() or repr(dock)] = dock
    for bar in window.findChildren(QToolBar):
        if bar.parentWidget() is window and bar.isVisible():
            parts[bar.objectName() or repr(bar)] = bar
    status = window.statusBar() if window.statusBar().isVisible() else None
    if status is not None:
        parts["status_bar"] = status
    return parts


def overlaps(window: QMainWindow) -> list[tuple[str, str]]:
    """Pairs of visible top-level parts whose rectangles intersect (a shared edge is
    not an overlap)."""
    parts = [(name, rect_in(window, w)) for name, w in top_level_parts(window).items()]
    out = []
    for i, (a, ra) in enumerate(parts):
        for b, rb in parts[i + 1:]:
            if ra.intersects(rb):
                out.append((a, b))
    return out


def outside_window(window: QMainWindow) -> list[str]:
    """Visible parts that reach beyond the window (e.g. a panel pushing the status bar off)."""
    inner = QRect(0, 0, window.width(), window.height())
    return [name for name, w in top_level_parts(window).items()
            if not inner.contains(rect_in(window, w))]


def sticking_out(dock: QDockWidget) -> list[str]:
    """Visible children of ``dock`` whose rectangle leaves the dock's (their layout
    could not give them their minimum size).  Scrolled contents (inside a viewport)
    are clipped on purpose and are not counted."""
    bounds = QRect(0, 0, dock.width(), dock.height())
    out = []
    for w in dock.findChildren(QWidget):
        if not w.isVisible() or w.isWindow() or _in_viewport(w, dock):
            continue
        if not bounds.contains(rect_in(dock, w)):
            out.append(f"{type(w).__name__}#{w.objectName()}")
    return out


def _in_viewport(w: QWidget, dock: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None and p is not dock:
        if p.objectName() == "qt_scrollarea_viewport":
            return True
        p = p.parentWidget()
    return False


def map_share(window: QMainWindow) -> float:
    central = window.centralWidget()
    return central.width() / max(1, window.width())


def cut_label(label: QLabel) -> bool:
    """A one-line label whose text is wider than the room it has."""
    if label.wordWrap() or not label.text() or label.textFormat() == Qt.TextFormat.RichText:
        return False
    need = label.fontMetrics().horizontalAdvance(label.text())
    margins = label.contentsMargins()
    room = label.width() - margins.left() - margins.right() - 2 * label.margin()
    return need > room


def cut_titles(window: QMainWindow) -> list[str]:
    """The titles that must be read whole (dock titles, the window's title in the
    toolbar) and are cut."""
    return [label.text() for label in window.findChildren(QLabel)
            if label.objectName() in READ_WHOLE and label.isVisible() and cut_label(label)]


def cut_cells(table: QTableWidget, columns: tuple[int, ...]) -> list[str]:
    """Texts of ``columns`` wider than their column (elided as "南…")."""
    fm = table.fontMetrics()
    # the item's text keeps the focus frame's margin + 1 on each side (QCommonStyle)
    pad = 2 * (table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    out = []
    for r in range(table.rowCount()):
        for c in columns:
            it = table.item(r, c)
            if it is not None and it.text() and fm.horizontalAdvance(it.text()) + pad > table.columnWidth(c):
                out.append(it.text())
    return out


def layout_problems(window: QMainWindow) -> list[str]:
    """What keeps the layout from holding, in words (empty: it holds)."""
    problems = [f"{a} overlaps {b}" for a, b in overlaps(window)]
    problems += [f"{name} leaves the window" for name in outside_window(window)]
    floor = map_share_floor(window.width())
    if map_share(window) < floor - 0.005:
        problems.append(f"the map keeps {map_share(window):.2f} of the width (< {floor})")
    screens = [s.availableVirtualGeometry() for s in (window.screen(),) if s is not None]
    for dock in window.findChildren(QDockWidget):
        if dock.isFloating() and dock.isVisible() and screens and not screens[0].contains(dock.geometry()):
            problems.append(f"{dock.objectName()} floats off the screen")
    return problems
