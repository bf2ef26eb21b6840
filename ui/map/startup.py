"""Start-up in stages: the grid boundaries paint first, the rest follows.

At Jinhua scale (100,000 buildings, 1,000,000 cases) reading and preparing every
layer before the window shows costs seconds.  The main window therefore opens
with the district's grid levels only (:func:`app.map.layers.load_district_base`);
once the map has painted, :class:`DeferredStartup`

1. reads buildings, cases, whistles and the workers' last stored minutes in a
   worker thread, through a DuckDB cursor of its own (read-only use; the GUI
   thread's connection is never shared), and prepares the building paths there
   as well - the GUI thread stays free meanwhile;
2. hands the loaded data to the layer views (``reload``) on the GUI thread;
3. builds the dock panels on the GUI thread, one per event-loop turn, so the
   window keeps answering in between (after the load: built while the worker
   runs, both slowed each other down).

Each stage reports in the status bar (``progress``); ``finished`` fires once
everything is in place.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.map.layers import DistrictMap, load_deferred_layers
from ui.background import BackgroundWork

log = logging.getLogger(__name__)

#: start loading even if no paint happened by then (a window that is never shown)
START_ANYWAY_MS = 1500


def load_in_worker(store, base: DistrictMap, recent: Callable | None = None):
    """Worker thread: read the deferred layers through ``store`` (a cursor of its own),
    prepare the building paths, and call ``recent(store)`` (the workers' last stored
    minutes); returns (DeferredLayers, building preparation, recent result, case kinds)."""
    from ui.map.layers.buildings import prepare_buildings

    try:
        layers = load_deferred_layers(store, base)
        kinds = sorted(set(layers.cases.kind.tolist()))  # (a million str: not on the GUI)
        return layers, prepare_buildings(layers.buildings), \
            (recent(store) if recent is not None else None), kinds
    except Exception as exc:  # reported in the status bar; the grids stay usable
        log.exception("could not load the map layers")
        return exc
    finally:
        store.close()


class DeferredStartup(QObject):
    """Runs the stages of the module docstring once :meth:`start` is called."""

    #: a short status text for the status bar ("" when done)
    progress = Signal(str)
    #: the data arrived and every panel is built
    finished = Signal()

    def __init__(self, store, base: DistrictMap, apply: Callable[..., None],
                 panels: list[Callable[[], None]], parent: QObject | None = None, *,
                 recent: Callable | None = None) -> None:
        super().__init__(parent)
        self._recent = recent
        self._store = store
        self._base = base
        self._apply = apply
        self._panels = list(panels)
        self._work = BackgroundWork(self)
        self.started = False
        self.loaded = False
        self.done = False
        self.closed = False
        #: the error that kept the layers from loading (shown in the status bar)
        self.error: Exception | None = None
        #: seconds from start() to data applied / everything done (for logs and the bench)
        self.load_seconds: float | None = None
        self.total_seconds: float | None = None
        self._t0 = 0.0
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(START_ANYWAY_MS)
        self._fallback.timeout.connect(self.start)
        self._fallback.start()

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        self._fallback.stop()
        self._t0 = time.perf_counter()
        self.progress.emit(self.tr("正在加载建筑物、案件…"))
        cursor = self._store.cursor()  # created here, used only by the worker
        base, recent = self._base, self._recent
        self._work.run(lambda: load_in_worker(cursor, base, recent), self._loaded)

    def _next_panel(self) -> None:
        if self.closed:
            return
        if self._panels:
            build = self._panels.pop(0)
            try:
                build()
            except Exception:  # one panel must not keep the others from opening
                log.exception("panel failed to build")
            QTimer.singleShot(0, self, self._next_panel)
            return
        self._maybe_done()

    def _loaded(self, result) -> None:
        if self.closed:
            return
        if isinstance(result, Exception):
            self.error = result
        else:
            self.progress.emit(self.tr("正在显示建筑物、案件…"))
            self._apply(*result)
        self.loaded = True
        self.load_seconds = time.perf_counter() - self._t0
        if self._panels:
            self.progress.emit(self.tr("正在打开面板…"))
        QTimer.singleShot(0, self, self._next_panel)

    def _maybe_done(self) -> None:
        if self.done or not self.loaded or self._panels:
            return
        self.done = True
        self.total_seconds = time.perf_counter() - self._t0
        log.info("deferred layers in %.2f s, everything in %.2f s after the first paint",
                 self.load_seconds or 0.0, self.total_seconds)
        if self.error is not None:
            first = (str(self.error).strip().splitlines() or [type(self.error).__name__])[0]
            self.progress.emit(self.tr("建筑物、案件未能加载：{reason}").format(reason=first))
        else:
            self.progress.emit("")
        self.finished.emit()

    def wait(self) -> None:
        """Block until a running worker finished and apply nothing more (window closing)."""
        self.closed = True
        self._panels.clear()
        self._fallback.stop()
        self._work.wait()
