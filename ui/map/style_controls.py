"""The 2D/2.5D switch with lean angle and height exaggeration, remembered between runs.

A checkable toolbar action switches the buildings between flat and extruded;
its menu holds two sliders (view angle 0-359°, exaggeration 0.2-3×).  The
style is saved in the window settings (``map/*`` keys) on every change.
"""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFormLayout, QLabel, QMenu, QSlider, QWidget, QWidgetAction

from app.map.extrusion import MapStyle
from ui import theme
from ui.map.canvas import MapCanvas
from ui.settings import window_settings


def load_map_style() -> MapStyle:
    """The style saved by an earlier run (defaults where missing or unreadable)."""
    s = window_settings()
    d = MapStyle()
    try:
        mode = str(s.value("map/mode", d.mode))
        angle = float(s.value("map/angle_deg", d.angle_deg))
        exaggeration = float(s.value("map/exaggeration", d.exaggeration))
    except (TypeError, ValueError):
        return d
    if mode not in ("2d", "2.5d"):
        mode = d.mode
    return MapStyle(mode=mode, angle_deg=angle % 360.0,
                    exaggeration=min(3.0, max(0.2, exaggeration)))


def save_map_style(style: MapStyle) -> None:
    s = window_settings()
    s.setValue("map/mode", style.mode)
    s.setValue("map/angle_deg", float(style.angle_deg))
    s.setValue("map/exaggeration", float(style.exaggeration))
    s.sync()


class MapStyleControls(QObject):
    """The "2.5D" action (key D) and its angle/exaggeration menu, bound to a canvas."""

    def __init__(self, canvas: MapCanvas, parent: QWidget, persist: bool = True) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._persist = persist
        style = load_map_style() if persist else canvas.map_style
        canvas.set_map_style(style)
        self.action = QAction(qta.icon("mdi6.cube-outline", color=theme.ACCENT,
                                       color_active="#ffffff"), "2.5D", parent)
        self.action.setCheckable(True)
        self.action.setChecked(style.extruded)
        self.action.setToolTip(self.tr("二维 / 2.5维半立体切换 (D)"))
        self.action.setShortcut(QKeySequence(Qt.Key.Key_D))
        self.action.toggled.connect(self._on_toggled)
        self.menu = QMenu(parent)
        panel = QWidget()
        form = QFormLayout(panel)
        self.angle = self._slider(0, 359, round(style.angle_deg))
        self.exaggeration = self._slider(2, 30, round(style.exaggeration * 10))
        self.angle_label = QLabel()
        self.exaggeration_label = QLabel()
        form.addRow(self.tr("视角"), self.angle)
        form.addRow("", self.angle_label)
        form.addRow(self.tr("高度夸张"), self.exaggeration)
        form.addRow("", self.exaggeration_label)
        holder = QWidgetAction(self.menu)
        holder.setDefaultWidget(panel)
        self.menu.addAction(holder)
        self.action.setMenu(self.menu)
        self._update_labels()

    def _slider(self, lo: int, hi: int, value: int) -> QSlider:
        s = QSlider(Qt.Orientation.Horizontal)
        s.setRange(lo, hi)
        s.setValue(value)
        s.setMinimumWidth(round(220 * theme.ui_scale()))
        s.valueChanged.connect(self._on_slider)
        return s

    def style(self) -> MapStyle:
        return MapStyle(mode="2.5d" if self.action.isChecked() else "2d",
                        angle_deg=float(self.angle.value()),
                        exaggeration=self.exaggeration.value() / 10.0)

    def _apply(self) -> None:
        style = self.style()
        self._canvas.set_map_style(style)
        if self._persist:
            save_map_style(style)
        self._update_labels()

    def _on_toggled(self, _on: bool) -> None:
        self._apply()

    def _on_slider(self, _value: int) -> None:
        self._apply()

    def _update_labels(self) -> None:
        self.angle_label.setText(f"{self.angle.value()}°")
        self.exaggeration_label.setText(f"{self.exaggeration.value() / 10:.1f}×")
