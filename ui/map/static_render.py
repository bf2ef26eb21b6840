"""Static layers rendered off the GUI thread into one cached image (QGIS map-renderer style).

Grids, streets and buildings change only when the view settles or a layer
setting changes.  Each static layer view hands the cache a *static painter*: a
callable ``paint(painter, rect, metres_per_pixel)`` that draws with immutable
data (numpy arrays, QPainterPaths, pens) and touches no QObject, so it can run
in a worker thread.  The cache renders every visible static painter, bottom to
top, into one ``QImage`` on its :class:`ui.background.BackgroundWork` (one thread; a
render that finishes after the canvas is gone is dropped); while the user pans or
zooms, :class:`CachedMapImage` shows the last image transformed to where it
belongs (the old picture scaled, like QGIS) until the new one arrives.

The GUI thread only snapshots the job (a list of callables and the view
rectangle) and blits one image per frame, so it never waits for a render.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsObject

from ui.background import BackgroundWork

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

log = logging.getLogger(__name__)

#: paint(painter, map rect, metres per pixel) - must be thread-safe (no QObject, no widget)
StaticPainter = Callable[[QPainter, QRectF, float], None]
#: wait this long after the last pan/zoom step before re-rendering (the view "settles")
SETTLE_MS = 120
#: z of the cached image: below every layer view's items
CACHE_Z = -1000.0


@dataclass(frozen=True)
class RenderJob:
    """One render request: what to draw and where, fixed at the moment it was asked for."""

    generation: int
    rect: QRectF  # map rectangle (metres)
    width: int  # device pixels
    height: int
    dpr: float
    painters: tuple[StaticPainter, ...]


def render_job(job: RenderJob) -> QImage:
    """Draw ``job`` into a new image (any thread: QImage and QPainter on an image are safe)."""
    image = QImage(max(1, job.width), max(1, job.height), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    mpp = job.rect.width() / max(1, job.width) * job.dpr
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setTransform(map_to_image(job.rect, job.width, job.height))
        for paint in job.painters:
            painter.save()
            paint(painter, QRectF(job.rect), mpp)
            painter.restore()
    finally:
        painter.end()
    image.setDevicePixelRatio(job.dpr)
    return image


def map_to_image(rect: QRectF, width: int, height: int) -> QTransform:
    """Map metres (y up) -> image pixels (y down) for ``rect`` filling the image."""
    sx = width / rect.width() if rect.width() else 1.0
    sy = height / rect.height() if rect.height() else 1.0
    return QTransform(sx, 0.0, 0.0, -sy, -rect.left() * sx, rect.bottom() * sy)


def _render_timed(job: RenderJob) -> tuple[int, QImage, QRectF, float]:
    """Worker thread: the job's image and how long it took."""
    t0 = time.perf_counter()
    image = render_job(job)
    return job.generation, image, QRectF(job.rect), time.perf_counter() - t0


class CachedMapImage(QGraphicsObject):
    """The last static render, drawn where it belongs under the current view transform."""

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.image_rect = QRectF()
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(CACHE_Z)

    def set_image(self, image: QImage, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.image = image
        self.image_rect = QRectF(rect)
        self._bounds = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.image is None:
            return
        # the map transform flips y; map the rectangle to the device and blit upright
        target = painter.transform().mapRect(self.image_rect)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        dpr = self.image.devicePixelRatio()
        w, h = self.image.width() / dpr, self.image.height() / dpr
        if abs(target.width() - w) < 0.5 and abs(target.height() - h) < 0.5:
            # a pure pan: blit at whole pixels (Qt's unscaled fast path, no resampling)
            painter.drawImage(QPointF(round(target.left()), round(target.top())), self.image)
        else:
            painter.drawImage(target, self.image)
        painter.restore()


class StaticMapCache(QObject):
    """Collects static painters, schedules renders, keeps the image (see module doc)."""

    #: a new image arrived (render seconds)
    rendered = Signal(float)

    def __init__(self, canvas: MapCanvas, z: float = CACHE_Z) -> None:
        super().__init__(canvas)
        self._canvas = canvas
        self._sources: list[tuple[Callable[[], float], Callable[[], list[StaticPainter]]]] = []
        self.item = CachedMapImage()
        canvas.add_item(self.item)
        self.item.setZValue(z)
        self._work = BackgroundWork(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.render_now)
        self.requested = 0  # generation of the latest request
        self.started = 0  # generation of the latest job handed to the pool
        self.finished = 0  # generation of the image on screen
        self.render_count = 0
        self.last_render_s = 0.0
        self._busy = False
        self._pending = False
        self._scheduled = False
        self._closed = False
        canvas.viewChanged.connect(self.view_changed)

    def add_source(self, z: Callable[[], float],
                   painters: Callable[[], list[StaticPainter]]) -> None:
        """A static layer: its z (for ordering) and a function listing its painters now
        (empty when hidden).  Both are called on the GUI thread when a render starts."""
        source = (z, painters)
        self._sources.append(source)
        self.invalidate()
        return source

    def remove_source(self, source) -> None:
        if source in self._sources:
            self._sources.remove(source)
            self.invalidate()

    # -- scheduling ----------------------------------------------------------------------
    def view_changed(self) -> None:
        """Pan/zoom step: keep showing the old image, re-render once the view settles."""
        self.requested += 1
        self._settle.start()

    def invalidate(self) -> None:
        """Content changed (layer on/off, order, style): re-render as soon as possible."""
        self.requested += 1
        self._settle.stop()
        if not self._scheduled:  # many changes in one event-loop turn: one render
            self._scheduled = True
            QTimer.singleShot(0, self, self._scheduled_render)

    def _scheduled_render(self) -> None:
        self._scheduled = False
        self.render_now()

    def render_now(self) -> None:
        if self._closed:
            return
        if self._busy:
            self._pending = True  # one job at a time: the latest request wins afterwards
            return
        canvas = self._canvas
        vp = canvas.viewport()
        rect = canvas.visible_rect()
        if vp.width() <= 0 or vp.height() <= 0 or rect.width() <= 0 or rect.height() <= 0:
            return
        dpr = float(vp.devicePixelRatioF())
        sources = sorted(self._sources, key=lambda s: s[0]())
        painters = tuple(p for _, get in sources for p in get())
        job = RenderJob(self.requested, QRectF(rect), round(vp.width() * dpr),
                        round(vp.height() * dpr), dpr, painters)
        self._busy = True
        self._pending = False
        self.started = job.generation
        self._work.run(lambda: _render_timed(job), self._on_done, self._on_failed)

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False  # the next request renders again
        log.error("map render failed: %s", exc)

    def _on_done(self, result: tuple[int, QImage, QRectF, float]) -> None:
        generation, image, rect, seconds = result
        self._busy = False
        if self._closed:
            return
        self.finished = generation
        self.render_count += 1
        self.last_render_s = seconds
        self.item.set_image(image, rect)
        self.rendered.emit(seconds)
        if self._pending or generation < self.requested and not self._settle.isActive():
            self.render_now()

    def rendering(self) -> bool:
        """A render is running in the worker."""
        return self._busy

    def is_current(self) -> bool:
        """The image on screen answers the latest request."""
        return self.finished == self.requested and not self._busy

    def shutdown(self) -> None:
        """Stop scheduling and wait for a running job (no work may outlive the canvas)."""
        if self._closed:
            return
        self._closed = True
        self._settle.stop()
        self._work.close()
