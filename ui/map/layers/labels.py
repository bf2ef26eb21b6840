"""Labels (注记) for streets, communities and grids, drawn in screen space.

Level of detail falls out of the geometry: a unit is labelled only when it is at
least as wide on screen as its label.  Candidates that pass are then culled
greedily (coarser level and bigger unit first) so that no two labels overlap.
Text gets a dark halo so it reads on any fill.
"""

from __future__ import annotations

import time
from math import ceil
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsObject

from app.map.labels import LabelCandidates, declutter
from ui import theme
from ui.map.layers.base import LayerView, register_view

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

#: (pixel size at scale 1, bold, colour) per level
LEVEL_STYLE = {2: (26, True, "#ffffff"), 3: (19, True, "#9af8ec"), 4: (15, False, "#d2e2f6")}
#: a unit must be at least this wide on screen, relative to its label, to get one;
#: street and community names may overhang a little (they matter most when zoomed out)
FIT = {2: 0.5, 3: 0.6, 4: 0.85}
#: no labels of this level when coarser than this many metres per pixel (grid names
#: scattered over the district overview are noise without their community)
MAX_MPP = {4: 2.0}
HALO = "#01050c"
#: GUI-thread time one idle step may spend drawing new label sprites (antialiased
#: text outlines cost ~1 ms each at 4K); a paint never draws them itself
SPRITE_BUDGET_S = 0.008

#: indices of the labels shown, their centres (N, 2) and rectangles (N, 4) in pixels
Layout = tuple[np.ndarray, np.ndarray, np.ndarray]


class LabelItem(QGraphicsObject):
    """One item that lays out and paints every visible label."""

    def __init__(self, data: LabelCandidates, canvas: MapCanvas) -> None:
        super().__init__()
        self._data = data
        self._canvas = canvas
        scale = theme.ui_scale()
        self._fonts = {lv: theme.ui_font(round(px * scale), bold)
                       for lv, (px, bold, _) in LEVEL_STYLE.items()}
        self._brushes = {lv: QBrush(theme.qcolor(c)) for lv, (_, _, c) in LEVEL_STYLE.items()}
        self._halo = QPen(theme.qcolor(HALO, 235), max(3.0, 4.0 * scale))
        self._halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._pad = 3.0 * scale
        self._w, self._h = self._measure()
        self._sprites: dict[int, tuple[QPixmap, QPointF]] = {}
        self._dpr = 1.0
        # the idle builder's timer is the canvas's child: it dies with the canvas, so a
        # build step can never run against a deleted canvas (a singleShot bound to this
        # item outlived the canvas when the item had left the scene)
        self._build_timer = QTimer(canvas)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_step)
        self._fit = np.array([FIT.get(int(lv), 1.0) for lv in data.level], dtype=float)
        self._rect = QRectF()
        self._layout_key: tuple | None = None
        self._layout: tuple[np.ndarray, np.ndarray, np.ndarray] = (
            np.empty(0, np.int64), np.empty(0), np.empty(0))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def _measure(self) -> tuple[np.ndarray, np.ndarray]:
        w = np.zeros(len(self._data))
        h = np.zeros(len(self._data))
        metrics = {lv: QFontMetricsF(f) for lv, f in self._fonts.items()}
        for i, (text, lv) in enumerate(zip(self._data.text, self._data.level, strict=True)):
            m = metrics.get(int(lv))
            if m is not None:
                w[i] = m.horizontalAdvance(str(text))
                h[i] = m.ascent() + m.descent()
        return w, h

    # -- layout --------------------------------------------------------------------------
    def layout(self, t: QTransform, width: float, height: float) -> Layout:
        """Indices, centres (N, 2) and rectangles (N, 4) of the labels to show under ``t``."""
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy(), width, height)
        if key == self._layout_key:
            return self._layout
        d = self._data
        px = t.m11() * d.x + t.m21() * d.y + t.dx()
        py = t.m12() * d.x + t.m22() * d.y + t.dy()
        px_per_m = float(np.hypot(t.m11(), t.m12())) or 1.0
        # the whole label on screen: a label cut by the edge reads as a different name
        hw, hh = self._w / 2 + self._pad, self._h / 2 + self._pad
        on_screen = (px - hw >= 0) & (px + hw <= width) & (py - hh >= 0) & (py + hh <= height)
        fits = d.width_m * px_per_m >= self._fit * self._w
        for lv, max_mpp in MAX_MPP.items():
            if 1.0 / px_per_m > max_mpp:
                fits &= d.level != lv
        cand = np.flatnonzero(on_screen & fits & (self._w > 0))
        p = self._pad
        rects = np.column_stack([
            px[cand] - self._w[cand] / 2 - p, py[cand] - self._h[cand] / 2 - p,
            px[cand] + self._w[cand] / 2 + p, py[cand] + self._h[cand] / 2 + p,
        ]) if len(cand) else np.empty((0, 4))
        keep = declutter(rects)
        idx = cand[keep]
        centres = np.column_stack([px[idx], py[idx]]) if len(idx) else np.empty((0, 2))
        self._layout_key = key
        self._layout = (idx, centres, rects[keep] if len(keep) else np.empty((0, 4)))
        return self._layout

    def current_layout(self) -> Layout:
        """The layout for the canvas as it is now (what the next paint will draw)."""
        view = self._canvas
        t = self.deviceTransform(view.viewportTransform())
        vp = view.viewport()
        return self.layout(t, vp.width(), vp.height())

    # -- QGraphicsItem -------------------------------------------------------------------
    def view_changed(self) -> None:
        self.prepareGeometryChange()
        self._rect = self._canvas.visible_rect()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        vp = self._canvas.viewport()
        idx, centres, _ = self.layout(painter.transform(), vp.width(), vp.height())
        if len(idx) == 0:
            return
        dpr = painter.device().devicePixelRatioF()
        painter.save()
        painter.resetTransform()
        missing = False
        for i, (cx, cy) in zip(idx.tolist(), centres.tolist(), strict=True):
            cached = self._sprites.get(i)
            if cached is None or cached[0].devicePixelRatio() != dpr:
                missing = True  # drawn by the idle builder; a paint must stay short
                continue
            sprite, offset = cached
            painter.drawPixmap(QPointF(round(cx) + offset.x(), round(cy) + offset.y()), sprite)
        painter.restore()
        if missing:
            self._dpr = dpr
            self._schedule_build()

    def _schedule_build(self) -> None:
        if self.scene() is not None:  # a removed item builds nothing
            self._build_timer.start()

    def stop(self) -> None:
        """No more idle steps (the view is being removed)."""
        self._build_timer.stop()
        self._build_timer.timeout.disconnect(self._build_step)

    def _build_step(self) -> None:
        """Idle step: draw missing sprites of the current layout for up to
        :data:`SPRITE_BUDGET_S`, then go on in the next step; one repaint at the end
        (a repaint per step would cost a whole 4K frame each time)."""
        dpr = self._dpr
        deadline = time.perf_counter() + SPRITE_BUDGET_S
        idx = self.current_layout()[0]
        todo = [i for i in idx.tolist()
                if i not in self._sprites or self._sprites[i][0].devicePixelRatio() != dpr]
        for i in todo:
            self._sprite(i, dpr)
            if time.perf_counter() > deadline:
                break
        if all(i in self._sprites and self._sprites[i][0].devicePixelRatio() == dpr
               for i in todo):
            self.update()
        else:
            self._schedule_build()

    def complete(self) -> bool:
        """Every label of the current layout has been drawn (no sprite still pending)."""
        idx = self.current_layout()[0]
        return not self._build_timer.isActive() and all(i in self._sprites for i in idx.tolist())

    def _sprite(self, i: int, dpr: float) -> tuple[QPixmap, QPointF]:
        """The label drawn once (antialiased text and halo) into a pixmap, reused each frame.

        Stroking hundreds of text outlines per frame costs more than the whole map.
        """
        cached = self._sprites.get(i)
        if cached is not None and cached[0].devicePixelRatio() == dpr:
            return cached
        path = self._path(i)
        m = self._halo.widthF()
        r = path.boundingRect().adjusted(-m, -m, m, m)
        sprite = QPixmap(max(1, ceil(r.width() * dpr)), max(1, ceil(r.height() * dpr)))
        sprite.setDevicePixelRatio(dpr)
        sprite.fill(Qt.GlobalColor.transparent)
        p = QPainter(sprite)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.translate(-r.left(), -r.top())
        p.strokePath(path, self._halo)
        p.fillPath(path, self._brushes[int(self._data.level[i])])
        p.end()
        self._sprites[i] = (sprite, r.topLeft())
        return self._sprites[i]

    def _path(self, i: int) -> QPainterPath:
        lv = int(self._data.level[i])
        font = self._fonts[lv]
        m = QFontMetricsF(font)
        path = QPainterPath()
        path.addText(QPointF(-self._w[i] / 2, m.ascent() - self._h[i] / 2), font,
                     str(self._data.text[i]))
        return path


@register_view(LabelCandidates)
class LabelView(LayerView):
    """Street / community / grid names; see the module docstring."""

    def build(self) -> None:
        self.item = LabelItem(self.layer.data, self.canvas)
        self.add(self.item)
        self.canvas.viewChanged.connect(self.item.view_changed)
        self.item.view_changed()

    def visible_labels(self) -> list[str]:
        idx, _, _ = self.item.current_layout()
        return [str(self.layer.data.text[i]) for i in idx]

    def complete(self) -> bool:
        """Every label shown has been drawn (see :data:`SPRITE_BUDGET_S`)."""
        return not self.is_visible() or self.item.complete()

    def visible_rects(self) -> np.ndarray:
        """Screen rectangles (x0, y0, x1, y1) of the labels currently shown."""
        if not self.is_visible():
            return np.empty((0, 4))
        return self.item.current_layout()[2]

    def remove(self) -> None:
        self.canvas.viewChanged.disconnect(self.item.view_changed)
        self.item.stop()
        super().remove()
