"""Appraisal figures computed off the GUI thread (the GUI thread never stalls > 50 ms).

One :class:`AppraisalJobs` per district store, shared by the appraisal panels
(:func:`jobs_for`): a one-thread pool and its own DuckDB cursor (``store.cursor()``,
created on the GUI thread, used only by the worker).  One thread and one cursor
because the engine keeps its per-case facts in a temporary table of the connection
it is given: a second cursor would build them a second time.

``submit(channel, fn, on_done, on_error, owner=...)`` runs ``fn(cursor_store)`` on the
worker and calls ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.  Each
channel (e.g. 'scoring.league') keeps a generation: a job that a newer request of its
channel overtook is skipped if it has not started, and its result is dropped if it
has; a job that is running when it is overtaken is interrupted (``cursor.interrupt()``:
its query stops at once, :class:`app.store.StoreInterrupted`), so the operator who flips
through periods waits only for the last one asked for.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

#: the worker found the job overtaken before starting it
SKIPPED = object()


class _Carrier(QObject):
    """Lives on the GUI thread; a worker's emit reaches it as a queued call."""

    finished = Signal(object, object, object)  # (ticket, result, error)


@dataclass(frozen=True)
class _Ticket:
    """What the GUI thread needs to deliver a result (plain Python: the runnable itself
    is deleted by the pool once it has run)."""

    channel: str
    generation: int
    on_done: Callable[[Any], None]
    on_error: Callable[[Exception], None] | None
    owner: QObject | None


class _Job(QRunnable):
    def __init__(self, jobs: AppraisalJobs, ticket: _Ticket, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.jobs, self.ticket, self.fn = jobs, ticket, fn
        self.channel, self.generation = ticket.channel, ticket.generation

    def run(self) -> None:  # worker thread
        jobs = self.jobs
        if not jobs.current(self.channel, self.generation):
            result, error = SKIPPED, None
        else:
            t0 = time.perf_counter()
            with jobs.running_lock:
                jobs.running = (self.channel, self.generation)
                jobs.cursor.reset_interrupt()  # an interrupt aimed at an earlier job
            try:
                result, error = self.fn(jobs.cursor), None
            except Exception as exc:  # shown in the panel; never takes the window down
                result, error = None, exc
            finally:
                with jobs.running_lock:
                    jobs.running = None
            jobs.worker_seconds[self.channel.split("#")[0]] = time.perf_counter() - t0
        try:
            jobs.carrier.finished.emit(self.ticket, result, error)
        except RuntimeError:  # the jobs object went away with the application
            pass


class AppraisalJobs(QObject):
    """A serial worker with its own cursor on ``store``; results come back by channel."""

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cursor = store.cursor()  # created here, used only by the worker
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # keep the one thread: no new thread per burst
        self.carrier = _Carrier(self)
        self.carrier.finished.connect(self._deliver)
        self._generation = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._outstanding: dict[str, int] = {}  # channel -> jobs not yet delivered
        #: results thrown away because a newer request of their channel came (tests, logs)
        self.dropped = 0
        self.skipped = 0
        #: seconds the worker spent on the last job of each kind of channel (bench)
        self.worker_seconds: dict[str, float] = {}
        self.closed = False
        #: (channel, generation) of the job on the worker now; guarded by running_lock
        self.running: tuple[str, int] | None = None
        self.running_lock = threading.Lock()
        self.interrupted = 0

    # -- requests -----------------------------------------------------------------------
    def submit(self, channel: str, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None] | None = None, *,
               owner: QObject | None = None) -> int:
        """Run ``fn(cursor_store)`` on the worker; the generation of this request."""
        if self.closed:
            raise RuntimeError("appraisal worker closed")
        gen = next(self._generation)
        self._latest[channel] = gen
        self._interrupt_stale(channel)
        self._outstanding[channel] = self._outstanding.get(channel, 0) + 1
        self.pool.start(_Job(self, _Ticket(channel, gen, on_done, on_error, owner), fn))
        return gen

    def _interrupt_stale(self, channel: str | None = None) -> None:
        """Stop the running job if it is overtaken (of ``channel``; any when None)."""
        with self.running_lock:
            run = self.running
            if run is None or (channel is not None and run[0] != channel):
                return
            if not self.current(*run):
                self.cursor.interrupt()
                self.interrupted += 1

    def current(self, channel: str, generation: int) -> bool:
        return self._latest.get(channel) == generation

    def cancel(self, channel: str) -> None:
        """Whatever ``channel`` asked for so far will not be shown."""
        if self._outstanding.get(channel):
            self._latest[channel] = next(self._generation)
            self._interrupt_stale(channel)

    def busy(self, channel: str | None = None) -> bool:
        """Is a request of ``channel`` (of any channel) still being computed?"""
        if channel is None:
            return any(self._outstanding.values())
        return bool(self._outstanding.get(channel))

    def _deliver(self, job: _Ticket, result, error) -> None:  # GUI thread
        left = self._outstanding.get(job.channel, 1) - 1
        if left > 0:
            self._outstanding[job.channel] = left
        else:
            self._outstanding.pop(job.channel, None)
        if result is SKIPPED:
            self.skipped += 1
            return
        if not self.current(job.channel, job.generation):
            self.dropped += 1
            return
        if job.owner is not None and not shiboken6.isValid(job.owner):
            return  # the panel that asked has been deleted
        if error is None:
            job.on_done(result)
        elif job.on_error is not None:
            job.on_error(error)
        else:
            log.error("appraisal job %s failed: %s", job.channel, error)

    # -- lifetime -----------------------------------------------------------------------
    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (tests, shutdown); results are delivered when
        the event loop runs next."""
        return self.pool.waitForDone(msecs)

    def close(self) -> None:
        """Wait for the running job, drop the queued ones, close the cursor."""
        if self.closed:
            return
        self.closed = True
        for channel in list(self._latest):
            self._latest[channel] = next(self._generation)  # queued jobs are skipped
        self._interrupt_stale()  # and the running one stops
        self.pool.waitForDone()
        self.cursor.reset_interrupt()
        self.cursor.close()


_REGISTRY: dict[int, tuple[Any, AppraisalJobs]] = {}
_CHANNELS = itertools.count(1)


def channel_name(what: str) -> str:
    """A channel of its own for one panel's requests of one kind ('league', 'trend'):
    the panels share the worker, not their generations."""
    return f"{what}#{next(_CHANNELS)}"


def jobs_for(store) -> AppraisalJobs:
    """The appraisal worker of ``store`` (created on first use, shared by the panels;
    closed when the application quits, or by :func:`close_jobs`)."""
    entry = _REGISTRY.get(id(store))
    if entry is not None and entry[0] is store and not entry[1].closed \
            and shiboken6.isValid(entry[1]):
        return entry[1]
    app = QCoreApplication.instance()
    jobs = AppraisalJobs(store, app)
    _REGISTRY[id(store)] = (store, jobs)
    if app is not None:
        app.aboutToQuit.connect(jobs.close)
    return jobs


def close_jobs(store) -> None:
    """Stop ``store``'s appraisal worker (before the store is closed)."""
    entry = _REGISTRY.pop(id(store), None)
    if entry is not None and shiboken6.isValid(entry[1]):
        entry[1].close()


def first_line(exc: BaseException) -> str:
    """An error in one line for a panel's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: opacity of a panel's previous figures while new ones are computed
DIMMED = 0.4
BUSY_TEXT = "计算中…"


def dim(widget, on: bool) -> None:
    """Show ``widget``'s content faded (``on``) or as it is: the last figures stay in
    view while new ones are computed, clearly not current."""
    from PySide6.QtWidgets import QGraphicsOpacityEffect

    if on:
        if not isinstance(widget.graphicsEffect(), QGraphicsOpacityEffect):
            effect = QGraphicsOpacityEffect(widget)
            effect.setOpacity(DIMMED)
            widget.setGraphicsEffect(effect)
    elif widget.graphicsEffect() is not None:
        widget.setGraphicsEffect(None)


def busy_label():
    """The unobtrusive '计算中…' marker of a panel (hidden while idle)."""
    from PySide6.QtWidgets import QLabel

    from ui import theme

    label = QLabel(BUSY_TEXT)
    label.setObjectName("AppraisalBusy")
    label.setStyleSheet(f"color: {theme.ACCENT}; font-weight: bold;")
    label.hide()
    return label
