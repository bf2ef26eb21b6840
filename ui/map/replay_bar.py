"""The replay bar (轨迹回放): live/replay switch, play/pause, time slider, speed 1×-600×.

Its label says 实时 while the map is live (the time now is the status bar's clock) and
shows the replay position while replaying."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QToolBar, QWidget

from app.feed import from_seconds
from app.feed.replay import SPEEDS
from ui import theme
from ui.map.patrol_controller import PatrolController

SLIDER_STEPS = 2000


class ReplayBar(QToolBar):
    """Bound to a :class:`PatrolController`; the slider spans the stored day."""

    def __init__(self, controller: PatrolController, parent: QWidget | None = None) -> None:
        super().__init__("轨迹回放", parent)
        self.setObjectName("ReplayBar")
        self.setMovable(False)
        self.controller = controller
        s = theme.ui_scale()
        self.setIconSize(self.iconSize() * s * 1.2)
        icon = lambda name: qta.icon(name, color=theme.ACCENT, color_active="#ffffff")  # noqa: E731
        self.replay_action = QAction(icon("mdi6.history"), "回放", self)
        self.replay_action.setCheckable(True)
        self.replay_action.setToolTip("实时 / 回放当天巡查轨迹 (R)")
        self.replay_action.setShortcut(Qt.Key.Key_R)
        self.replay_action.toggled.connect(
            lambda on: controller.set_mode("replay" if on else "live"))
        self.play_action = QAction(icon("mdi6.play"), "播放", self)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(Qt.Key.Key_Space)
        self.play_action.toggled.connect(self._on_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(round(500 * s))
        self.slider.valueChanged.connect(self._on_slider)
        self.speed = QComboBox()
        for v in SPEEDS:
            self.speed.addItem(f"{v}×", v)
        self.speed.setCurrentIndex(SPEEDS.index(60))
        self.speed.currentIndexChanged.connect(
            lambda _i: controller.clock.set_speed(float(self.speed.currentData())))
        self.coverage_action = QAction(icon("mdi6.map-check-outline"), "覆盖率", self)
        self.coverage_action.setCheckable(True)
        self.coverage_action.setToolTip("按今日巡查覆盖率（已巡道路长度占比）为网格着色")
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
        self.play_action.setText("暂停" if on else "播放")
        self.play_action.setIcon(qta.icon("mdi6.pause" if on else "mdi6.play", color=theme.ACCENT))

    def _on_slider(self, value: int) -> None:
        if self._syncing:
            return
        c = self.controller
        c.seek(c.clock.start + (c.clock.end - c.clock.start) * value / SLIDER_STEPS)

    def _on_time(self, t: float) -> None:
        c = self.controller
        replay = c.mode == "replay"
        self.time_label.setText(f"回放 {from_seconds(t):%m-%d %H:%M:%S}" if replay else "实时")
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
