"""The window's district model (区情模型): one subscription to the store's change feed,
the live cases and whistles, and the signals every panel and map layer follows.

Changes may be published on any thread (a commit on a worker, later another seat); a
process-wide relay hands them to the GUI thread with a queued signal.  A burst of
changes is coalesced for :data:`COALESCE_MS`, then the rows they name are read on the
model's worker with a cursor of its own (:func:`app.live.district_state.fetch`) and
the next state is computed there too; the GUI thread only swaps it in and emits what
changed (``casesChanged(ids)``, ``whistlesChanged(ids)``, ``headlineChanged``,
``urgentCases(list)``).  Nothing here polls: timers left in the panels only count down.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.changes import Change
from app.clock import Clock
from app.geo.crs import LocalFrame
from app.live.district_state import DistrictState, Reload, fetch, load_whistle_rows
from app.map.layers import CaseData, empty_cases
from app.store import DistrictRepository
from ui.background import BackgroundWork
from ui.lifetime import connect_while

log = logging.getLogger(__name__)
#: changes arriving within this many ms are read together
COALESCE_MS = 15
#: a failed read is tried again after this, doubling up to RETRY_MAX_MS
RETRY_MS, RETRY_MAX_MS = 1_000, 30_000


class _CallableClock:
    """A ``Clock`` around a plain ``() -> datetime`` (the panels' older clock argument)."""

    def __init__(self, fn: Callable[[], datetime]) -> None:
        self.fn = fn

    def now(self) -> datetime:
        return self.fn()


def as_clock(clock: Clock | Callable[[], datetime] | None) -> Clock:
    if clock is None:
        from app.clock import district_clock

        return district_clock()
    return clock if callable(getattr(clock, "now", None)) else _CallableClock(clock)


class _Relay(QObject):
    """Process-wide, never deleted: a publisher on any thread emits here, never on a
    model that the GUI thread may be deleting at that moment."""

    arrived = Signal(object, object)  # (model key, changes)


_relay: _Relay | None = None
_models: dict[int, weakref.ref] = {}


def _deliver(key: int, changes: list) -> None:
    ref = _models.get(key)
    model = ref() if ref is not None else None
    if model is not None:
        model._queue(changes)


def _relay_on_gui_thread() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
        _relay.arrived.connect(_deliver, Qt.ConnectionType.QueuedConnection)
    return _relay


class DistrictModel(QObject):
    """The live cases and whistles of one window (see the module doc)."""

    casesChanged = Signal(object)  # tuple of case ids (None: every case)
    whistlesChanged = Signal(object)  # tuple of whistle ids (None: every whistle)
    headlineChanged = Signal()
    #: urgent cases among the new ones (list of app.video.alarms.UrgentCase)
    urgentCases = Signal(object)
    #: facts of changed cases (list of app.live.district_state.CaseFacts), for list filters
    caseFacts = Signal(object)

    def __init__(self, store: DistrictRepository, frame: LocalFrame,
                 clock: Clock | Callable[[], datetime] | None = None, *,
                 cases: CaseData | None = None, load_whistles: str = "now",
                 parent: QObject | None = None) -> None:
        """``load_whistles``: "now" (read here), "later" (on the worker) or "no"."""
        super().__init__(parent)
        self.store, self.frame = store, frame
        self.clock = as_clock(clock)
        self.state = DistrictState.initial(cases if cases is not None
                                           else empty_cases(self.clock.now()))
        self.whistles_loaded = False
        self._pending: list[Change] = []
        self._reading: list[Change] = []  # the batch on the worker now
        self._retry_ms = 0  # after a failed read: the wait before the next try
        self._busy = False
        self.reloads = 0  # reloads applied (tests, the bench)
        self.full_reloads = 0  # of them, everything read again (a "district" change)
        self.last_reload: Reload | None = None
        self.headline = None  # (time, Headline) computed with the last read
        #: GUI-thread seconds of the last change's refresh (queue, post, swap and signals)
        self.last_gui_s = 0.0
        #: worker seconds of the last read (queries and merging the arrays)
        self.last_worker_s = 0.0
        self._gui_s = 0.0
        self.work = BackgroundWork(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        key = id(self)
        _models[key] = weakref.ref(self)
        relay = _relay_on_gui_thread()
        self._in_flight = [0]  # published, not yet queued here (guarded by _lock)
        self._lock = threading.Lock()
        in_flight, lock = self._in_flight, self._lock

        def heard(changes: list[Change]) -> None:  # any thread
            with lock:
                in_flight[0] += 1
            relay.arrived.emit(key, changes)

        self._unsubscribe = store.changes.subscribe(heard)
        unsubscribe = self._unsubscribe
        self.destroyed.connect(lambda *_a: (unsubscribe(), _models.pop(key, None)))
        if load_whistles == "now":
            self._take_whistles(load_whistle_rows(store, frame))
        elif load_whistles == "later":
            self._busy = True
            cursor_of = store.cursor
            self.work.run(lambda: _read_all_whistles(cursor_of, frame), self._whistles_read,
                          self._failed)

    # -- state handed in by the start-up --------------------------------------------------
    def take_cases(self, cases: CaseData) -> None:
        """The cases the start-up read (the whole layer): they replace the model's.  The
        map's layers show the model's copies from then on (the whistle layer the model's
        rows once they are read, whatever the start-up read for it)."""
        self.state = self.state.with_cases(cases)
        self.casesChanged.emit(None)  # None: every case
        if self.whistles_loaded:
            self.whistlesChanged.emit(None)
        self.headlineChanged.emit()

    def _whistles_read(self, rows) -> None:
        self._busy = False
        self._take_whistles(rows)
        self._schedule()

    def _take_whistles(self, rows) -> None:
        self.state = self.state.with_whistles(rows)
        self.whistles_loaded = True
        self.whistlesChanged.emit(None)
        self.headlineChanged.emit()

    # -- following the change feed --------------------------------------------------------
    def _queue(self, changes: list[Change]) -> None:
        """GUI thread: changes the relay brought; read together after COALESCE_MS."""
        t0 = time.perf_counter()
        with self._lock:
            self._in_flight[0] -= 1
        # ("district": a reload marker or a re-anchored demo: everything is read again)
        followed = [c for c in changes if c.entity in ("case", "whistle", "district")]
        if followed:
            if not self._pending and not self._busy:
                self._gui_s = 0.0
            self._pending.extend(followed)
            self._schedule()
        self._gui_s += time.perf_counter() - t0

    def _schedule(self) -> None:
        if self._pending and not self._busy and not self._timer.isActive():
            self._timer.start(COALESCE_MS)

    def _flush(self) -> None:
        if self._busy or not self._pending:
            return
        t0 = time.perf_counter()
        batch, self._pending = self._pending, []
        self._reading = batch
        self._busy = True
        now = self.clock.now()
        cursor_of, frame, known = self.store.cursor, self.frame, self.state.whistles
        state = self.state

        def job():  # worker thread: a cursor of its own, no widget
            w0 = time.perf_counter()
            cursor = cursor_of()
            try:
                r = fetch(cursor, frame, batch, now, known)
            finally:
                cursor.close()
            new = state.updated(r)
            headline = new.headline(now)  # (over a million cases: here, not on the GUI)
            return r, state, new, headline, time.perf_counter() - w0

        self.work.run(job, self._applied, self._failed)
        self._gui_s += time.perf_counter() - t0

    def _applied(self, result) -> None:
        t0 = time.perf_counter()
        self._busy = False
        r, base, state, headline, self.last_worker_s = result
        self._reading, self._retry_ms = [], 0
        if base is not self.state:  # the start-up handed its cases in meanwhile
            state = self.state.updated(r)
            headline = None
        self.state = state
        #: the headline figures as the last read left them: (clock time, Headline)
        self.headline = (r.now, headline) if headline is not None else None
        self.last_reload = r
        self.reloads += 1
        if r.full:
            self.full_reloads += 1
            self.casesChanged.emit(None)  # None: every case, every whistle
            self.whistlesChanged.emit(None)
        if r.case_ids:
            self.caseFacts.emit(list(r.case_facts))
            self.casesChanged.emit(r.case_ids)
        if r.whistle_ids:
            self.whistlesChanged.emit(r.whistle_ids)
        self.headlineChanged.emit()
        if r.urgent:
            self.urgentCases.emit(list(r.urgent))
        self._gui_s += time.perf_counter() - t0
        self.last_gui_s = self._gui_s
        self._schedule()

    def _failed(self, exc: Exception) -> None:
        """A read failed (the database busy or gone …): the batch is kept and read again
        after a wait that doubles with each failure (never lost, never a tight loop)."""
        self._retry_ms = min(max(2 * self._retry_ms, RETRY_MS), RETRY_MAX_MS)
        log.warning("district model: changes could not be read (%s); trying again in %.0f s",
                    exc, self._retry_ms / 1000)
        self._pending = self._reading + self._pending
        self._reading = []
        self._busy = False
        self._timer.start(self._retry_ms)

    def retry_now(self) -> None:
        """The server is back: a read that failed is tried again at once (not after the
        back-off's wait)."""
        if self._retry_ms and self._pending and not self._busy:
            self._timer.start(0)

    @property
    def retrying(self) -> bool:
        """A failed read waits to be tried again (its changes are kept)."""
        return self._retry_ms > 0

    def settled(self) -> bool:
        """No change waits to be read and no read is under way."""
        with self._lock:
            if self._in_flight[0]:
                return False
        return not self._pending and not self._busy and not self._timer.isActive()

    def now(self) -> datetime:
        return self.clock.now()

    def shutdown(self) -> None:
        """Stop following (the window closes): no read may land afterwards."""
        self._unsubscribe()
        self._timer.stop()
        self._pending = self._reading = []
        self.work.close()


def _read_all_whistles(cursor_of, frame: LocalFrame):
    cursor = cursor_of()
    try:
        return load_whistle_rows(cursor, frame)
    finally:
        cursor.close()


def follow_on_map(model: DistrictModel, canvas, layers) -> None:
    """The map's case and whistle layers follow ``model``: a change hands the layer the
    model's arrays (only the changed rows were read and replaced); the case layer
    filters them in its worker, the few whistles are drawn at once."""

    def cases(_ids) -> None:
        if "cases" not in layers:
            return
        view = canvas.view("cases")
        data = model.state.cases
        if view.layer.data is not data:
            r = model.last_reload
            fresh = r.cases if r is not None else None
            if r is not None and r.full and fresh is data:  # everything read again
                view.reload(data, kinds=list(r.kinds))
            elif fresh is not None and _ids is not None:
                view.reload(data, kinds=sorted(set(view._kinds) | set(fresh.kind.tolist())),
                            written=model.state.cases_written)
            else:
                view.reload(data)

    def whistles(_ids) -> None:
        if "whistles" in layers:
            view = canvas.view("whistles")
            if view.layer.data is not model.state.whistle_data:
                view.reload(model.state.whistle_data)

    # the canvas may go before the model (both children of the window): stop with it
    connect_while(canvas, model.casesChanged, cases)
    connect_while(canvas, model.whistlesChanged, whistles)
    if model.whistles_loaded:
        whistles(None)
