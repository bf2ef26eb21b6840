"""The replay bar (轨迹回放): live/replay switch, play/pause, time slider, speed 1×-600×.

Its label says 实时 while the map is live (the time now is the status bar's clock) and
shows the replay position while replaying.  The slider (:class:`TimeSlider`) carries
the hours of the day as marks with labels, jumps to wherever the groove is clicked, and
shows the time under the cursor while hovering."""

from __future__ import annotations

import math

import qtawesome as qta
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSlider,
    QToolBar,
    QWidget,
)

from app.feed import from_seconds
from app.feed.replay import SPEEDS
from ui import theme
from ui.i18n import translate
from ui.map.patrol_controller import PatrolController

SLIDER_STEPS = 2000
HOUR_S = 3600.0
#: hours between labelled marks, the first that leaves room for the labels
LABEL_STEPS = (1, 2, 3, 4, 6, 12)
#: a label needs its own width times this between it and the next
LABEL_ROOM = 1.8
#: hour-label type size at scale 1 (1080p); the app's scale makes it 26 px on a 4K wall
LABEL_PX = 13


class TimeSlider(QSlider):
    """A horizontal slider over a span of feed time (``start_s`` … ``end_s``).

    The groove and handle are drawn in the top band (scaled with the interface, so
    they read on a 4K wall as on 1080p); below them a mark for every hour, labelled
    every :meth:`label_step` hours.  A press anywhere on it jumps there (never a page
    step) and drags from there; hovering shows the time under the cursor
    (:attr:`hover_text`, boxed over the hour labels there: no pop-up to chase)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, SLIDER_STEPS)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.start_s, self.end_s = 0.0, 24 * HOUR_S
        self.hover_text = ""
        self._dragging = False
        self._hover_x: float | None = None
        self.label_font = theme.ui_font(round(LABEL_PX * theme.ui_scale()))

    # -- time and position -------------------------------------------------------------
    def set_span(self, start_s: float, end_s: float) -> None:
        self.start_s, self.end_s = float(start_s), float(max(end_s, start_s + 1.0))
        self.update()

    def time_at_value(self, value: int) -> float:
        return self.start_s + (self.end_s - self.start_s) * value / self.maximum()

    def _band_px(self) -> int:
        """Height of the band the groove and handle are drawn in (marks below it)."""
        return round(24 * theme.ui_scale())

    def _handle_r(self) -> int:
        return round(8 * theme.ui_scale())

    def _track(self) -> tuple[float, float]:
        """(x of the minimum, pixels from minimum to maximum): the handle's centre."""
        r = self._handle_r() + 1
        return float(r), max(1.0, self.width() - 2.0 * r)

    def x_at_fraction(self, fraction: float) -> float:
        x0, span = self._track()
        return x0 + span * min(max(fraction, 0.0), 1.0)

    def fraction_at_x(self, x: float) -> float:
        x0, span = self._track()
        return min(max((x - x0) / span, 0.0), 1.0)

    def value_at_x(self, x: float) -> int:
        return round(self.fraction_at_x(x) * self.maximum())

    def time_at_x(self, x: float) -> float:
        return self.start_s + (self.end_s - self.start_s) * self.fraction_at_x(x)

    # -- hour marks --------------------------------------------------------------------
    def hour_marks(self) -> list[tuple[float, int]]:
        """(feed time, hour of the day 0-24) of every whole hour in the span."""
        day0 = math.floor(self.start_s / (24 * HOUR_S)) * 24 * HOUR_S
        first = math.ceil(self.start_s / HOUR_S) * HOUR_S
        n = int(math.floor((self.end_s - first) / HOUR_S)) + 1
        return [(first + i * HOUR_S, round((first + i * HOUR_S - day0) / HOUR_S))
                for i in range(max(0, n))]

    def label_step(self) -> int:
        """Hours between labels: every hour when the slider is wide enough, else 2, 3 …"""
        _, span = self._track()
        px_per_hour = span * HOUR_S / (self.end_s - self.start_s)
        need = QFontMetrics(self.label_font).horizontalAdvance("00") * LABEL_ROOM
        return next((k for k in LABEL_STEPS if k * px_per_hour >= need), 24)

    def labelled_hours(self) -> list[int]:
        step = self.label_step()
        return [h for _, h in self.hour_marks() if h % step == 0]

    # -- size and painting -------------------------------------------------------------
    def _label_room(self) -> int:
        fm = QFontMetrics(self.label_font)
        return self._tick_px(True) + fm.height() + 2

    def _tick_px(self, labelled: bool) -> int:
        s = theme.ui_scale()
        return round((7 if labelled else 4) * s)

    def sizeHint(self) -> QSize:
        return QSize(round(84 * theme.ui_scale()), self._band_px() + self._label_room())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _ev) -> None:
        s = theme.ui_scale()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        cy = self._band_px() / 2
        x0, span = self._track()
        groove_h = max(3.0, 5 * s)
        xv = self.x_at_fraction(self.value() / self.maximum())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.qcolor(theme.TEXT_DIM, 90))
        painter.drawRoundedRect(QRectF(x0, cy - groove_h / 2, span, groove_h), groove_h / 2, groove_h / 2)
        painter.setBrush(theme.qcolor(theme.ACCENT))
        painter.drawRoundedRect(QRectF(x0, cy - groove_h / 2, xv - x0, groove_h), groove_h / 2, groove_h / 2)
        if self._hover_x is not None:  # where a click would jump to
            painter.setPen(QPen(theme.qcolor(theme.TEXT), max(1.0, s)))
            painter.drawLine(QPointF(self._hover_x, cy - groove_h * 1.6), QPointF(self._hover_x, cy + groove_h * 1.6))
        r = self._handle_r()
        painter.setPen(QPen(theme.qcolor("#ffffff" if self.hasFocus() else theme.ACCENT), max(1.5, 2 * s)))
        painter.setBrush(theme.qcolor(theme.WINDOW))
        painter.drawEllipse(QPointF(xv, cy), r, r)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setFont(self.label_font)
        fm = painter.fontMetrics()
        top = self._band_px()
        step = self.label_step()
        length = self.end_s - self.start_s
        for t, hour in self.hour_marks():
            x = round(self.x_at_fraction((t - self.start_s) / length))
            labelled = hour % step == 0
            painter.setPen(theme.qcolor(theme.TEXT if labelled else theme.TEXT_DIM))
            painter.drawLine(x, top, x, top + self._tick_px(labelled))
            if labelled:
                text = f"{hour:02d}"
                w = fm.horizontalAdvance(text)
                left = min(max(0, x - w // 2), self.width() - w)
                painter.drawText(QPoint(left, top + self._tick_px(True) + fm.ascent() + 1), text)
        if self._hover_x is not None and self.hover_text:
            self._paint_hover_time(painter, top + self._tick_px(True) - 1)
        painter.end()

    def _paint_hover_time(self, painter: QPainter, top: int) -> None:
        """The time under the cursor, boxed over the hour labels at the cursor."""
        fm = painter.fontMetrics()
        pad = max(2, round(3 * theme.ui_scale()))
        w, h = fm.horizontalAdvance(self.hover_text) + 2 * pad, fm.height() + 2
        left = min(max(0, round(self._hover_x - w / 2)), self.width() - w)
        painter.setPen(theme.qcolor(theme.ACCENT))
        painter.setBrush(theme.qcolor(theme.WINDOW))
        painter.drawRect(left, top, w - 1, h)
        painter.setPen(theme.qcolor(theme.TEXT))
        painter.drawText(QPoint(left + pad, top + 1 + fm.ascent()), self.hover_text)

    # -- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(ev)
            return
        self._dragging = True
        self.setSliderDown(True)
        self.setValue(self.value_at_x(ev.position().x()))  # a jump, not a page step
        ev.accept()

    def mouseMoveEvent(self, ev) -> None:
        x = ev.position().x()
        if self._dragging:
            self.setValue(self.value_at_x(x))
        self.hover_text = f"{from_seconds(self.time_at_x(x)):%H:%M:%S}"
        self._hover_x = self.x_at_fraction(self.fraction_at_x(x))
        self.update()
        ev.accept()

    def mouseReleaseEvent(self, ev) -> None:
        if self._dragging and ev.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            self.setSliderDown(False)
            ev.accept()
            return
        super().mouseReleaseEvent(ev)

    def leaveEvent(self, ev) -> None:
        self.hover_text = ""
        self._hover_x = None
        self.update()
        super().leaveEvent(ev)


class ReplayBar(QToolBar):
    """Bound to a :class:`PatrolController`; the slider spans the stored day."""

    def __init__(self, controller: PatrolController, parent: QWidget | None = None) -> None:
        super().__init__(translate("ReplayBar", "轨迹回放"), parent)
        self.setObjectName("ReplayBar")
        self.setMovable(False)
        self.controller = controller
        s = theme.ui_scale()
        self.setIconSize(self.iconSize() * s * 1.2)
        icon = lambda name: qta.icon(name, color=theme.ACCENT, color_active="#ffffff")  # noqa: E731
        self.replay_action = QAction(icon("mdi6.history"), self.tr("回放"), self)
        self.replay_action.setCheckable(True)
        self.replay_action.setToolTip(self.tr("实时 / 回放当天巡查轨迹 (R)"))
        self.replay_action.setShortcut(Qt.Key.Key_R)
        self.replay_action.toggled.connect(
            lambda on: controller.set_mode("replay" if on else "live"))
        self.play_action = QAction(icon("mdi6.play"), self.tr("播放"), self)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(Qt.Key.Key_Space)
        self.play_action.toggled.connect(self._on_play)
        self.slider = TimeSlider()
        self.slider.set_span(controller.clock.start, controller.clock.end)
        self.slider.setMinimumWidth(round(500 * s))
        self.slider.valueChanged.connect(self._on_slider)
        self.speed = QComboBox()
        self.speed.setToolTip(self.tr("回放速度"))
        for v in SPEEDS:
            self.speed.addItem(f"{v}×", v)
        self.speed.setCurrentIndex(SPEEDS.index(60))
        self.speed.currentIndexChanged.connect(
            lambda _i: controller.clock.set_speed(float(self.speed.currentData())))
        self.coverage_action = QAction(icon("mdi6.map-check-outline"), self.tr("覆盖率"), self)
        self.coverage_action.setCheckable(True)
        self.coverage_action.setToolTip(self.tr("按今日巡查覆盖率（已巡道路长度占比）为网格着色"))
        self.time_label = QLabel()
        self.time_label.setObjectName("ReplayTime")
        self.addAction(self.replay_action)
        self.addAction(self.play_action)
        self.addWidget(self.slider)
        self.addWidget(self.speed)
        self.addWidget(self.time_label)
        self.addSeparator()
        self.addAction(self.coverage_action)
        controller.timeChanged.connect(self._on_time)
        controller.modeChanged.connect(self._on_mode)
        self._syncing = False
        self._on_time(controller.state.now)
        self._on_mode(controller.mode)

    def _on_play(self, on: bool) -> None:
        c = self.controller
        if on and c.mode != "replay":
            self.replay_action.setChecked(True)
        if on and c.clock.t >= c.clock.end:
            c.seek(c.clock.start)
        c.clock.playing = on
        self.play_action.setText(self.tr("暂停") if on else self.tr("播放"))
        self.play_action.setIcon(qta.icon("mdi6.pause" if on else "mdi6.play", color=theme.ACCENT))

    def _on_slider(self, value: int) -> None:
        if self._syncing:
            return
        self.controller.seek(self.slider.time_at_value(value))

    def _on_time(self, t: float) -> None:
        c = self.controller
        replay = c.mode == "replay"
        self.time_label.setText(self.tr("回放 {time}").format(time=f"{from_seconds(t):%m-%d %H:%M:%S}")
                                if replay else self.tr("实时"))
        if replay:
            self._syncing = True
            self.slider.setValue(round(c.clock.fraction() * SLIDER_STEPS))
            self._syncing = False
        if c.mode == "replay" and not c.clock.playing and self.play_action.isChecked():
            self.play_action.setChecked(False)

    def _on_mode(self, mode: str) -> None:
        replay = mode == "replay"
        if self.replay_action.isChecked() != replay:
            self.replay_action.setChecked(replay)
        if not replay and self.play_action.isChecked():
            self.play_action.setChecked(False)
        if not replay:
            self._syncing = True
            self.slider.setValue(SLIDER_STEPS)
            self._syncing = False
        self._on_time(self.controller.state.now)
