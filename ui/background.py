"""Qt-free domain work off the GUI thread, its result back on it (后台任务): the one
background-work helper of ``ui/`` (Orange3's concurrent helper, minimal).

``BackgroundWork(owner).run(fn, on_done, on_error, channel=…, owner=…)`` calls ``fn()`` on
a private pool (one thread unless told) and ``on_done(result)`` — or ``on_error(exc)`` —
on the GUI thread.  ``fn`` touches no widget and no store connection the GUI thread uses.

Callbacks never outlive their objects:

* a worker never emits on an owner's objects (they may be deleted on the GUI thread at
  that very moment): one process-wide relay, made on the GUI thread, carries the result;
* the GUI thread then calls back only if the BackgroundWork still exists and is not
  closed, and the job's ``owner`` (a panel that asked) still exists;
* with a ``channel``, a newer request overtakes the older ones: a job not yet started is
  skipped, a finished one's result dropped, a running one interrupted through the
  ``interrupt`` hook (e.g. DuckDB's ``cursor.interrupt()``).

:func:`wait_all` waits for every live pool (the tests' teardown drains with it).
"""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

#: the result of a job that was overtaken before it started
SKIPPED = object()


@dataclass(frozen=True)
class _Ticket:
    """What the GUI thread needs to deliver a result (plain Python)."""

    work: BackgroundWork
    channel: str | None
    generation: int
    on_done: Callable[[Any], None]
    on_error: Callable[[Exception], None] | None
    owner: QObject | None


class _Relay(QObject):
    """Carries finished jobs to the GUI thread; one for the process (never deleted)."""

    done = Signal(object, object, object)  # (ticket, result, error)


_RELAY: _Relay | None = None
_LIVE: weakref.WeakSet = weakref.WeakSet()


def _relay() -> _Relay:
    global _RELAY
    if _RELAY is None:
        _RELAY = _Relay()
        _RELAY.done.connect(_deliver)
    return _RELAY


def _deliver(ticket: _Ticket, result, error) -> None:  # GUI thread
    work = ticket.work
    if not shiboken6.isValid(work):
        return  # its owner was deleted: nobody left to call back
    work._delivered(ticket, result, error)


class _Job(QRunnable):
    def __init__(self, ticket: _Ticket, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.ticket, self.fn = ticket, fn

    def run(self) -> None:  # worker thread
        t = self.ticket
        work = t.work
        result = error = None
        if not work._start(t):
            result = SKIPPED
        else:
            try:
                result = self.fn()
            except Exception as exc:  # a failed job must not take the window down
                error = exc
            finally:
                work._finish()
        _relay().done.emit(t, result, error)


class BackgroundWork(QObject):
    """A private pool and the lifetime-safe way back to the GUI thread (module doc)."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 1,
                 keep_thread: bool = False, interrupt: Callable[[], None] | None = None,
                 before_job: Callable[[], None] | None = None) -> None:
        _relay()  # made on the GUI thread, before a worker can need it
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        if keep_thread:
            self.pool.setExpiryTimeout(-1)  # no new thread per burst
        self._interrupt = interrupt
        self._before_job = before_job
        self._generation = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._outstanding = 0
        self._outstanding_by: dict[str, int] = {}
        #: (channel, generation) of the job running now; guarded by _lock
        self.running: tuple[str | None, int] | None = None
        self._lock = threading.Lock()
        self.closed = False
        #: overtaken results thrown away, overtaken jobs never started, running ones
        #: interrupted (tests, logs)
        self.dropped = self.skipped = self.interrupted = 0
        _LIVE.add(self)

    # -- requests -------------------------------------------------------------------------
    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None, *,
            channel: str | None = None, owner: QObject | None = None) -> int:
        """Run ``fn()`` on the pool; the request's generation.  Closed: nothing runs."""
        gen = next(self._generation)
        if self.closed:
            return gen
        if channel is not None:
            self._latest[channel] = gen
            self._interrupt_stale(channel)
            self._outstanding_by[channel] = self._outstanding_by.get(channel, 0) + 1
        self._outstanding += 1
        self.pool.start(_Job(_Ticket(self, channel, gen, on_done, on_error, owner), fn))
        return gen

    def current(self, channel: str | None, generation: int) -> bool:
        """Is this the latest request of its channel (a job without one always is)?"""
        return channel is None or self._latest.get(channel) == generation

    def cancel(self, channel: str) -> None:
        """Whatever ``channel`` asked for so far will not be delivered."""
        if self._outstanding_by.get(channel):
            self._latest[channel] = next(self._generation)
            self._interrupt_stale(channel)

    def busy(self, channel: str | None = None) -> bool:
        """Jobs (of ``channel``) asked for and not yet delivered."""
        if channel is None:
            return self._outstanding > 0
        return bool(self._outstanding_by.get(channel))

    def _interrupt_stale(self, channel: str | None = None) -> None:
        with self._lock:
            run = self.running
            if run is None or (channel is not None and run[0] != channel):
                return
            if not self.current(*run) and self._interrupt is not None:
                self._interrupt()
                self.interrupted += 1

    # -- worker side --------------------------------------------------------------------
    def _start(self, t: _Ticket) -> bool:  # worker thread
        with self._lock:
            if self.closed or not self.current(t.channel, t.generation):
                return False
            self.running = (t.channel, t.generation)
            if self._before_job is not None:
                self._before_job()  # e.g. forget an interrupt aimed at an earlier job
        return True

    def _finish(self) -> None:  # worker thread
        with self._lock:
            self.running = None

    # -- GUI side -------------------------------------------------------------------------
    def _delivered(self, t: _Ticket, result, error) -> None:
        self._outstanding -= 1
        if t.channel is not None:
            left = self._outstanding_by.get(t.channel, 1) - 1
            if left > 0:
                self._outstanding_by[t.channel] = left
            else:
                self._outstanding_by.pop(t.channel, None)
        if self.closed:
            return
        if result is SKIPPED:
            self.skipped += 1
            return
        if not self.current(t.channel, t.generation):
            self.dropped += 1
            return
        if t.owner is not None and not shiboken6.isValid(t.owner):
            return  # the panel that asked has been deleted
        if error is None:
            t.on_done(result)
        elif t.on_error is not None:
            t.on_error(error)
        else:
            log.error("background job failed", exc_info=(type(error), error,
                                                         error.__traceback__))

    # -- lifetime -------------------------------------------------------------------------
    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle; results arrive when the event loop runs next."""
        return self.pool.waitForDone(msecs)

    def close(self) -> None:
        """Skip the queued jobs, interrupt the running one, wait for it; nothing is
        delivered afterwards."""
        if self.closed:
            return
        with self._lock:
            self.closed = True
        for channel in list(self._latest):
            self._latest[channel] = next(self._generation)
        self._interrupt_stale()
        self.pool.waitForDone()


def wait_all(msecs: int = 30_000) -> bool:
    """Wait for every live pool to be idle (tests' teardown; shutdown)."""
    ok = True
    for work in list(_LIVE):
        if shiboken6.isValid(work):
            ok = work.wait(msecs) and ok
    return ok
