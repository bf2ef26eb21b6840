"""Case legend (案件图例): one coloured dot per kind and the overdue ring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from app.map.layers import CASE_KINDS
from ui import theme
from ui.texts import CASE_KIND_NAMES


def dot_icon(colour: str, ring: str | None = None, px: int = 18) -> QIcon:
    pm = QPixmap(px, px)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if ring:
        p.setPen(QColor(ring))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(1, 1, px - 3, px - 3)
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
        p.drawEllipse(px // 4, px // 4, px // 2, px // 2)
    p.end()
    return QIcon(pm)


def case_legend() -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 8, 0, 0)
    title = QLabel("案件图例（未结案 + 近30天）")
    title.setObjectName("FieldName")
    grid.addWidget(title, 0, 0, 1, 2)
    px = round(18 * theme.ui_scale())
    entries = [(CASE_KIND_NAMES[k], dot_icon(theme.CASE_COLOURS[k], px=px)) for k in CASE_KINDS]
    entries.append(("超期未结", dot_icon(theme.ALERT, ring=theme.ALERT, px=px)))
    for i, (name, icon) in enumerate(entries):
        label = QLabel(name)
        swatch = QLabel()
        swatch.setPixmap(icon.pixmap(px, px))
        cell = QHBoxLayout()
        cell.addWidget(swatch)
        cell.addWidget(label, 1)
        grid.addLayout(cell, 1 + i // 2, i % 2)
    return box


def kind_icon(kind: str) -> QIcon:
    """The map colour of a case kind as a small dot icon."""
    px = round(18 * theme.ui_scale())
    return dot_icon(theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"]), px=px)


def coverage_legend() -> QWidget:
    """Patrol coverage classes (巡查覆盖率) as the grids are coloured when it is on."""
    from ui.map.layers.boundaries import COVERAGE_CLASSES, COVERAGE_FILLS

    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 8, 0, 0)
    title = QLabel("巡查覆盖率（开启着色时）")
    title.setObjectName("FieldName")
    grid.addWidget(title, 0, 0, 1, 2)
    px = round(18 * theme.ui_scale())
    edges = [0.0, *COVERAGE_CLASSES, 1.0]
    names = [f"{round(a * 100)}–{round(b * 100)}%" for a, b in zip(edges, edges[1:], strict=False)]
    names[-1] = f"≥{round(edges[-2] * 100)}%"
    for i, (name, colour) in enumerate(zip(names, COVERAGE_FILLS, strict=True)):
        swatch = QLabel()
        pm = QPixmap(px, px)
        pm.fill(QColor(colour))
        swatch.setPixmap(pm)
        cell = QHBoxLayout()
        cell.addWidget(swatch)
        cell.addWidget(QLabel(name), 1)
        grid.addLayout(cell, 1 + i // 2, i % 2)
    return box
