"""The status strip (状态指标条): the big screen's headline figures in the workstation's
status bar - 在岗巡查, 今日案件, 未结案件, 超期, 吹哨办理中, 结案率 - computed by the same
function (:func:`app.live.figures.shown_headline`, through :func:`headline_of`), so
the operator's desk and the wall never disagree.

It follows the district model (``headlineChanged``: the figures its worker computed with
the change), the replay position, and the clock (every :data:`FIGURES_EVERY_S` live, for
what time alone changes: 超期, 今日 at midnight).  When the status bar is narrow it
drops to short captions, then drops figures from the end, so the position and the clock
always stay in sight (:meth:`StatusStrip.fit`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.live.figures import shown_headline
from app.map.headline import Headline
from ui import theme

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: live, the figures are computed again this often (seconds) when nothing changed
FIGURES_EVERY_S = 30
#: (Headline field, caption, short caption, colour), in the big screen's order
FIGURES = [
    ("on_patrol", QT_TRANSLATE_NOOP("StatusStrip", "在岗巡查"),
     QT_TRANSLATE_NOOP("StatusStrip", "巡查"), theme.ACCENT),
    ("cases_today", QT_TRANSLATE_NOOP("StatusStrip", "今日案件"),
     QT_TRANSLATE_NOOP("StatusStrip", "今日"), theme.TEXT),
    ("open_cases", QT_TRANSLATE_NOOP("StatusStrip", "未结案件"),
     QT_TRANSLATE_NOOP("StatusStrip", "未结"), theme.TEXT),
    ("overdue", QT_TRANSLATE_NOOP("StatusStrip", "超期"),
     QT_TRANSLATE_NOOP("StatusStrip", "超期"), theme.ALERT),
    ("whistles_in_progress", QT_TRANSLATE_NOOP("StatusStrip", "吹哨办理中"),
     QT_TRANSLATE_NOOP("StatusStrip", "吹哨"), theme.HIGHLIGHT),
    ("closure_rate", QT_TRANSLATE_NOOP("StatusStrip", "结案率"),
     QT_TRANSLATE_NOOP("StatusStrip", "结案"), theme.ACCENT_2),
]


def headline_of(window: MainWindow) -> Headline:
    """The headline figures of ``window`` at the moment it shows: live, the district
    model's cases and whistles at the clock's time; in replay, as they stood at the
    replay position (the big screen and the status strip both read this)."""
    ctrl = window.patrol_controller
    replay = (ctrl.shown_time(), ctrl.timeline()) if ctrl.mode == "replay" else None
    return shown_headline(window.district_model.state, window.district_model.now(),
                          window.patrol.on_patrol(), replay)


def figure_text(key: str, h: Headline) -> str:
    """A figure as the strips write it: 1,234 or 97.6%."""
    value = getattr(h, key)
    return f"{value * 100:.1f}%" if key == "closure_rate" else f"{value:,}"


class StatusStrip(QWidget):
    """The six figures, one label each; :meth:`follow` binds it to a main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusStrip")
        # it gives way first when the bar is short of room (never the clock)
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        sc = theme.ui_scale()
        self.setStyleSheet(f"QLabel {{ padding: 0 {round(7 * sc)}px; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(round(5 * sc), 0, 0, 0)
        row.setSpacing(0)
        self.replay_tag = QLabel(self.tr("回放"))
        self.replay_tag.setObjectName("StripReplay")
        self.replay_tag.setStyleSheet(f"color: {theme.HIGHLIGHT}; font-weight: bold;")
        self.replay_tag.setVisible(False)
        row.addWidget(self.replay_tag)
        self.tiles: dict[str, QLabel] = {}
        for key, _caption, _short, _colour in FIGURES:
            tile = QLabel()
            tile.setObjectName(f"Strip_{key}")
            row.addWidget(tile)
            self.tiles[key] = tile
        row.addStretch(1)  # packed to the left, messages have their place
        self.compact = False
        self.shown_count = len(FIGURES)
        self.headline: Headline | None = None
        self._window: MainWindow | None = None
        self._ticks = 0
        self._shown_t: float | None = None
        self.setToolTip(self.tr("指挥中心指标，与大屏一致：在岗巡查、今日案件、未结案件、超期、"
                                "吹哨办理中，结案率按近12个月（结案数 ÷ 应结案数）"))
        self._write()

    # -- what it shows -------------------------------------------------------------------
    def show_figures(self, h: Headline, replay: bool = False) -> None:
        self.headline = h
        self.replay_tag.setVisible(replay)
        self._write()

    def figures(self) -> dict[str, str]:
        """Each figure's text as shown (— before the first figures)."""
        h = self.headline
        return {key: figure_text(key, h) if h is not None else "—" for key, *_ in FIGURES}

    def _write(self) -> None:
        texts = self.figures()
        for key, caption, short, colour in FIGURES:
            name = self.tr(short if self.compact else caption)
            self.tiles[key].setText(
                f'<span style="color:{theme.TEXT_DIM}">{name}</span> '
                f'<b style="color:{colour}">{texts[key]}</b>')
            self.tiles[key].setToolTip(self.tr(caption))

    def fit(self, room: int) -> bool:
        """Full captions if they fit in ``room`` pixels, else short ones, else only as
        many figures as fit; whether all of them show."""
        for compact in (False, True):
            self._set_compact(compact)
            self._show_first(len(FIGURES))
            if self._width() <= room:
                return True
        n = len(FIGURES)
        while n > 0 and self._width() > room:
            n -= 1
            self._show_first(n)
        return False

    def _set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._write()

    def _show_first(self, n: int) -> None:
        self.shown_count = n
        for i, (key, *_rest) in enumerate(FIGURES):
            self.tiles[key].setVisible(i < n)

    def _width(self) -> int:
        parts = [self.tiles[key] for key, *_ in FIGURES[:self.shown_count]]
        if self.replay_tag.isVisibleTo(self):
            parts.append(self.replay_tag)
        m = self.layout().contentsMargins()
        return sum(p.sizeHint().width() for p in parts) + m.left() + m.right()

    # -- following a window ----------------------------------------------------------------
    def follow(self, window: MainWindow) -> None:
        """Show ``window``'s figures from now on (the model's changes, the replay
        position, the clock)."""
        self._window = window
        window.district_model.headlineChanged.connect(self._model_changed)
        window.patrol_controller.modeChanged.connect(self._mode_changed)
        # a child of the strip: it stops with it
        self._timer = QTimer(self, interval=1000, timeout=self._tick)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Compute the figures now (the same function as the big screen)."""
        w = self._window
        if w is None:
            return
        ctrl = w.patrol_controller
        self._shown_t = ctrl.shown_time()
        self.show_figures(headline_of(w), ctrl.mode == "replay")

    def _mode_changed(self, _mode: str) -> None:
        self.refresh()

    def _model_changed(self) -> None:
        """The model read a change: its figures (computed on its worker) at once."""
        w = self._window
        if w.patrol_controller.mode == "replay" or w.district_model.headline is None:
            self.refresh()
            return
        _at, h = w.district_model.headline
        self.show_figures(replace(h, on_patrol=w.patrol.on_patrol()), False)

    def _tick(self) -> None:
        """Every second: in replay when the position moved; live every FIGURES_EVERY_S
        (only while the strip shows: the big screen hides the status bar)."""
        if not self.isVisible():
            return
        self._ticks += 1
        ctrl = self._window.patrol_controller
        if ctrl.mode == "replay":
            if ctrl.shown_time() != self._shown_t:
                self.refresh()
        elif self._ticks % FIGURES_EVERY_S == 0:
            self.refresh()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self.refresh()  # back from the big screen: current at once
