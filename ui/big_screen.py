"""Big-screen mode (大屏模式): the map fills a chosen monitor with no window chrome,
under a headline strip readable from several metres on a 3840×2160 wall, with the
legend (图例) of what the map draws at the left.

F10 (or the toolbar's 大屏 menu, which lists the monitors) enters it; F10 or Esc
returns to the workstation layout exactly as it was (docks, toolbars, geometry).
Type sizes follow the screen's height, so the strip reads the same on 1080p
and 4K walls and on high-DPI screens.
"""

from __future__ import annotations

from contextlib import nullcontext

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.feed import from_seconds, to_seconds
from app.map.headline import Headline
from ui import theme
from ui.docks.legend import LegendView
from ui.i18n import translate

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: headline number height as a share of the screen height (≈ 95 px on a 2160-line wall)
NUMBER_SHARE = 0.044
CAPTION_SHARE = 0.019
#: legend type as a share of the screen height (≈ 32 px on a 2160-line wall), its width
#: as a share of the map's
LEGEND_TEXT_SHARE = 0.016
LEGEND_WIDTH_SHARE = 0.18
LEGEND_MIN_PX = 12
#: the scale bar and north arrow grow on the wall by this factor over the UI scale
OVERLAY_WALL_FACTOR = 1.6
#: live, the figures are computed again this often (seconds) when nothing changed
FIGURES_EVERY_S = 30
TILES = [("on_patrol", QT_TRANSLATE_NOOP("BigScreen", "在岗巡查"), theme.ACCENT),
         ("cases_today", QT_TRANSLATE_NOOP("BigScreen", "今日案件"), theme.TEXT),
         ("open_cases", QT_TRANSLATE_NOOP("BigScreen", "未结案"), theme.TEXT),
         ("overdue", QT_TRANSLATE_NOOP("BigScreen", "超期"), theme.ALERT),
         ("closure_rate", QT_TRANSLATE_NOOP("BigScreen", "结案率·近12月"), theme.ACCENT_2),
         ("whistles_in_progress", QT_TRANSLATE_NOOP("BigScreen", "吹哨进行中"), theme.HIGHLIGHT)]


class HeadlineStrip(QFrame):
    """The figures across the top of the map."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("HeadlineStrip")
        self.setStyleSheet("#HeadlineStrip { background: rgba(3, 9, 20, 215); "
                           f"border-bottom: 2px solid {theme.ACCENT}; }}")
        self.title = QLabel()
        self.clock = QLabel()
        self.numbers: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.clock)
        row.addLayout(left)
        row.addStretch(1)
        for key, caption, colour in TILES:
            tile = QVBoxLayout()
            number = QLabel("—")
            number.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            number.setProperty("colour", colour)
            cap = QLabel(translate("BigScreen", caption))
            cap.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            cap.setProperty("colour", theme.TEXT_DIM)
            tile.addWidget(number)
            tile.addWidget(cap)
            row.addLayout(tile)
            row.addSpacing(10)
            self.numbers[key], self.captions[key] = number, cap
        self.title.setProperty("colour", theme.ACCENT)
        self.clock.setProperty("colour", theme.TEXT)
        self.fit_to(1080)
        self.hide()

    def fit_to(self, screen_height: int) -> None:
        """Type sizes for a screen this many (logical) pixels high."""
        number_px = max(24, round(screen_height * NUMBER_SHARE))
        caption_px = max(14, round(screen_height * CAPTION_SHARE))
        # type set in the style sheet: the theme's QSS would override setFont()
        for label in self.numbers.values():
            _style(label, number_px, True)
        for label in self.captions.values():
            _style(label, caption_px, False)
        _style(self.title, round(number_px * 0.62), True)
        _style(self.clock, caption_px, False)
        m = round(caption_px * 0.6)
        self.layout().setContentsMargins(m * 2, m, m * 2, m)
        self.layout().setSpacing(m * 2)

    def show_time(self, t: float, replay: bool) -> None:
        when = from_seconds(t).strftime("%Y-%m-%d %H:%M:%S")
        mode = self.tr("回放") if replay else self.tr("实时")
        self.clock.setText(self.tr("{when}  {mode}").format(when=when, mode=mode))

    def show_figures(self, h: Headline, title: str, t: float, replay: bool) -> None:
        self.title.setText(title)
        self.show_time(t, replay)
        for key, _, _ in TILES:
            value = getattr(h, key)
            self.numbers[key].setText(f"{value * 100:.1f}%" if key == "closure_rate"
                                      else f"{value:,}")


class LegendBoard(QFrame):
    """The legend on the wall: at the left of the map under the headline strip, its type
    sized for the screen like the strip's.  Clicks go through to the map."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window.canvas)
        self.setObjectName("BigScreenLegend")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("#BigScreenLegend { background: rgba(3, 9, 20, 200); "
                           f"border: 1px solid {theme.ACCENT}; border-radius: 4px; }}"
                           "#BigScreenLegend QWidget { background: transparent; }")
        self.title = QLabel(self.tr("图例"))
        self.title.setProperty("colour", theme.ACCENT)
        self.view = LegendView(window.canvas, window.layers, columns=2, text_px=16)
        self._fitted: tuple = (None, 0)  # (what height_for was asked, its answer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        self.fit_to(1080)
        self.hide()

    def fit_to(self, screen_height: int) -> None:
        """Type for a screen this many pixels high (:meth:`height_for` may shrink it)."""
        self.base_px = max(14, round(screen_height * LEGEND_TEXT_SHARE))
        self.set_text_px(self.base_px)

    def set_text_px(self, px: int) -> None:
        self.text_px = px
        _style(self.title, round(px * 1.2), True)
        self.view.set_text_px(px)
        m = round(px * 0.6)
        self.layout().setContentsMargins(m, m, m, m)

    def wanted_height(self, width: int) -> int:
        return (self.heightForWidth(width) if self.hasHeightForWidth()
                else self.sizeHint().height())

    def height_for(self, width: int, space: int) -> int:
        """The board's height at ``width``: its type shrunk (down to LEGEND_MIN_PX) until
        every key fits in ``space`` — a clipped legend would hide keys without saying so.
        Worked out again only when the keys, the width or the space changed."""
        key = (width, space, self.base_px, tuple(self.view.sections))
        if key == self._fitted[0]:
            return self._fitted[1]
        if self.text_px != self.base_px:
            self.set_text_px(self.base_px)
        need = self.wanted_height(width)
        while need > space and self.text_px > LEGEND_MIN_PX:
            self.set_text_px(max(LEGEND_MIN_PX, round(self.text_px * 0.9)))
            need = self.wanted_height(width)
        self._fitted = (key, min(need, space))
        return self._fitted[1]


def _style(label: QLabel, px: int, bold: bool) -> None:
    label.setStyleSheet(f"color: {label.property('colour')}; font-size: {px}px; "
                        f"font-weight: {700 if bold else 400}; background: transparent;")
    label.ensurePolished()


class BigScreenMode(QObject):
    """Enters and leaves big-screen mode for a main window."""

    #: True on entering, False on leaving: plugins add their own overlays (e.g. 红黑榜)
    toggled = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.strip = HeadlineStrip(window.canvas)
        self.legend = LegendBoard(window)
        self.legend.view.rebuilt.connect(self._place)
        self._saved_state: QByteArray | None = None
        self._saved_geometry: QByteArray | None = None
        self._hidden: list[QWidget] = []
        self._fitting = False
        #: canvas pixels plugins' overlays cover, by side (see :meth:`reserve`)
        self._reserved: dict[str, int] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self._ticks = 0
        self._esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._esc.activated.connect(self.leave)
        window.canvas.viewChanged.connect(self._place)
        window.district_model.headlineChanged.connect(self._changed)

    def screens(self) -> list:
        return list(QGuiApplication.screens())

    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self, screen_index: int | None = None) -> None:
        """Fullscreen on monitor ``screen_index`` (default: the window's), no chrome."""
        w = self.window
        if self.active:
            return
        self.active = True
        self._saved_state = w.saveState()
        self._saved_geometry = w.saveGeometry()
        self._hidden = [x for x in [*w.docks.values(), w.toolbar, w.replay_bar, w.statusBar()]
                        if x.isVisible()]
        with self._docks_quiet():
            for x in self._hidden:
                x.hide()
        screens = self.screens()
        screen = screens[screen_index] if screen_index is not None and 0 <= screen_index < len(
            screens) else (w.screen() or QGuiApplication.primaryScreen())
        if w.windowHandle() is not None and screen is not None:
            w.windowHandle().setScreen(screen)
        if screen is not None:
            w.setGeometry(screen.geometry())
        height = screen.geometry().height() if screen is not None else w.height()
        self.strip.fit_to(height)
        self.legend.fit_to(height)
        self._scale_overlays(theme.ui_scale() * OVERLAY_WALL_FACTOR)
        w.showFullScreen()
        self.strip.show()
        self.strip.raise_()
        self.legend.show()
        self.legend.raise_()
        self._place()
        self.refresh()
        self.timer.start()
        QTimer.singleShot(0, self, self.fit_map)
        self.toggled.emit(True)

    def reserve(self, side: str, px: int) -> None:
        """An overlay of a plugin covers ``px`` of the map's ``side`` ("left", "right"): the
        district is fitted beside it (0 gives the room back)."""
        if int(px) > 0:
            self._reserved[side] = int(px)
        elif self._reserved.pop(side, None) is None:
            return  # nothing was reserved there
        self.fit_map()

    def free_box(self) -> QRectF:
        """The part of the map no overlay covers (canvas pixels): below the strip, right
        of the legend, left of what plugins reserved."""
        c = self.window.canvas
        margin = round(c.height() * 0.012)
        left = self.legend.geometry().right() + 1 if self.legend.isVisible() else 0
        left = max(left, self._reserved.get("left", 0)) + margin
        right = c.width() - self._reserved.get("right", 0) - margin
        top = (self.strip.geometry().bottom() + 1 if self.strip.isVisible() else 0) + margin
        return QRectF(left, top, max(1, right - left), max(1, c.height() - margin - top))

    def fit_map(self) -> None:
        """The whole district in :meth:`free_box`: below the headline strip, beside the
        legend (and the boards plugins reserved room for)."""
        if not self.active:
            return
        self._place()
        c = self.window.canvas
        ext, box = c.extent(), self.free_box()
        if ext.isEmpty() or c.width() <= 0 or c.height() <= 0:
            c.zoom_to_extent(top_px=self.strip.height())
            return
        mpp = max(ext.width() / box.width(), ext.height() / box.height()) * 1.03
        # the view (map y up) whose box centre is the district's centre
        x0 = ext.center().x() - box.center().x() * mpp
        y1 = ext.center().y() + box.center().y() * mpp
        c.viewbox.setRange(rect=QRectF(x0, y1 - c.height() * mpp, c.width() * mpp,
                                       c.height() * mpp), padding=0)

    def _docks_quiet(self):
        """The workspaces do not rearrange the docks this mode hides and shows again."""
        ws = getattr(self.window, "workspaces", None)
        return ws.quiet() if ws is not None else nullcontext()

    def leave(self) -> None:
        """Back to the workstation layout as it was."""
        if not self.active:
            return
        w = self.window
        self.active = False
        self.timer.stop()
        self._reserved.clear()
        self.strip.hide()
        self.legend.hide()
        self._scale_overlays(theme.ui_scale())
        w.showNormal()
        with self._docks_quiet():
            for x in self._hidden:
                x.show()
            if self._saved_state is not None:
                w.restoreState(self._saved_state)
        if self._saved_geometry is not None:
            w.restoreGeometry(self._saved_geometry)
        self.toggled.emit(False)

    def _tick(self) -> None:
        """Every second the clock; the figures (over every case: a few ms at Jinhua scale)
        every FIGURES_EVERY_S live, for what time alone changes (超期, 今日 at midnight),
        every second in replay; a change refreshes them at once (``_changed``)."""
        self._ticks += 1
        replay = self.window.patrol_controller.mode == "replay"
        if replay or self._ticks % FIGURES_EVERY_S == 0:
            self.refresh()
        else:
            self.strip.show_time(self._shown_time(), False)

    def _changed(self) -> None:
        """The model read a change: its figures (computed on its worker) at once."""
        if not self.active:
            return
        w = self.window
        if w.patrol_controller.mode == "replay" or w.district_model.headline is None:
            self.refresh()
            return
        at, h = w.district_model.headline
        self.strip.show_figures(replace(h, on_patrol=w.patrol.on_patrol()), self._title(),
                                to_seconds(at), False)

    def _scale_overlays(self, scale: float) -> None:
        overlays = getattr(self.window, "map_overlays", None)  # (ui.map.overlays)
        if overlays is not None:
            overlays.set_ui_scale(scale)

    def _place(self) -> None:
        c = self.window.canvas
        if self.strip.isVisible():
            self.strip.setGeometry(0, 0, c.width(), self.strip.sizeHint().height())
        if self.legend.isVisible():
            margin = round(c.height() * 0.012)
            top = (self.strip.geometry().bottom() + 1 if self.strip.isVisible() else 0) + margin
            overlays = getattr(self.window, "map_overlays", None)  # the scale bar below
            bottom = (overlays.top() if overlays is not None else c.height()) - margin
            width = round(c.width() * LEGEND_WIDTH_SHARE)
            if self._fitting:  # (the board's own rebuilds while it finds its type size)
                return
            self._fitting = True
            try:
                height = self.legend.height_for(width, bottom - top)
            finally:
                self._fitting = False
            self.legend.setGeometry(margin, top, width, max(0, height))

    def _title(self) -> str:
        return self.tr("{district} 网格化管理指挥中心").format(
            district=self.window.district_map.district_name)

    def headline(self) -> Headline:
        """The figures shown (the same as the status strip's: live, or at the replay
        position)."""
        from ui.status_strip import headline_of

        return headline_of(self.window)

    def _shown_time(self) -> float:
        ctrl = self.window.patrol_controller
        if ctrl.mode == "replay":
            return ctrl.shown_time()
        return to_seconds(self.window.district_model.now())

    def refresh(self) -> None:
        """Figures and clock (the strip's 1 s timer: the clock and what time alone changes,
        such as 超期; the district model's ``headlineChanged`` after every change)."""
        w = self.window
        self.strip.show_figures(self.headline(), self._title(), self._shown_time(),
                                w.patrol_controller.mode == "replay")
        self._place()
