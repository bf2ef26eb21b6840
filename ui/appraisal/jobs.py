"""Appraisal figures computed off the GUI thread (the GUI thread never stalls > 50 ms).

One :class:`AppraisalJobs` per district store, shared by the appraisal panels
(:func:`jobs_for`): a :class:`ui.background.BackgroundWork` (one thread) and its own
DuckDB cursor (``store.cursor()``, created on the GUI thread, used only by the worker).
One thread and one cursor because the engine keeps its per-case facts in a temporary
table of the connection it is given: a second cursor would build them a second time.

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
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject

from ui.background import BackgroundWork


class AppraisalJobs(QObject):
    """A serial worker with its own cursor on ``store``; results come back by channel."""

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cursor = store.cursor()  # created here, used only by the worker
        self.work = BackgroundWork(self, keep_thread=True, interrupt=self.cursor.interrupt,
                                   before_job=self.cursor.reset_interrupt)
        #: seconds the worker spent on the last job of each kind of channel (bench)
        self.worker_seconds: dict[str, float] = {}
        self.closed = False

    def submit(self, channel: str, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None] | None = None, *,
               owner: QObject | None = None) -> int:
        """Run ``fn(cursor_store)`` on the worker; the generation of this request."""
        if self.closed:
            raise RuntimeError("appraisal worker closed")
        cursor, seconds, kind = self.cursor, self.worker_seconds, channel.split("#")[0]

        def job():
            t0 = time.perf_counter()
            try:
                return fn(cursor)
            finally:
                seconds[kind] = time.perf_counter() - t0

        return self.work.run(job, on_done, on_error, channel=channel, owner=owner)

    def current(self, channel: str, generation: int) -> bool:
        return self.work.current(channel, generation)

    def cancel(self, channel: str) -> None:
        """Whatever ``channel`` asked for so far will not be shown."""
        self.work.cancel(channel)

    def busy(self, channel: str | None = None) -> bool:
        """Is a request of ``channel`` (of any channel) still being computed?"""
        return self.work.busy(channel)

    #: results thrown away because a newer request of their channel came, jobs skipped
    #: before they started, running jobs interrupted (tests, logs)
    dropped = property(lambda self: self.work.dropped)
    skipped = property(lambda self: self.work.skipped)
    interrupted = property(lambda self: self.work.interrupted)

    # -- lifetime -----------------------------------------------------------------------
    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (tests, shutdown); results are delivered when
        the event loop runs next."""
        return self.work.wait(msecs)

    def close(self) -> None:
        """Wait for the running job, drop the queued ones, close the cursor."""
        if self.closed:
            return
        self.closed = True
        self.work.close()
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
BUSY_TEXT = QT_TRANSLATE_NOOP("AppraisalJobs", "计算中…")


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
    from ui.i18n import translate

    label = QLabel(translate("AppraisalJobs", BUSY_TEXT))
    label.setObjectName("AppraisalBusy")
    label.setStyleSheet(f"color: {theme.ACCENT}; font-weight: bold;")
    label.hide()
    return label
