"""Catch callbacks that outlive their objects (a timer, a worker's result or a relay
firing after the widget it touches was deleted).

Such a callback raises shiboken's "Internal C++ object (…) already deleted" inside the
event loop, usually long after the test that caused it - in whichever test runs the
event loop next.  :class:`LateCallbackGuard` records those errors (from
``sys.excepthook``, where PySide reports an exception escaping a slot or a timer, and
from ``sys.unraisablehook``), and :meth:`LateCallbackGuard.drain` makes them happen
inside the test that caused them: it waits for every background pool, deletes what
was scheduled for deletion and runs the event loop until nothing is left.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

DELETED = "already deleted"
#: rounds of (wait for pools, delete, process events) at teardown
DRAIN_ROUNDS = 4


def is_late(exc: BaseException | None) -> bool:
    return isinstance(exc, RuntimeError) and DELETED in str(exc)


class LateCallbackGuard:
    """Records late callbacks while installed; other errors pass to the previous hooks."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._prev_except = self._prev_unraisable = None

    def install(self) -> None:
        self._prev_except, sys.excepthook = sys.excepthook, self._excepthook
        self._prev_unraisable, sys.unraisablehook = sys.unraisablehook, self._unraisable

    def uninstall(self) -> None:
        if self._prev_except is not None:
            sys.excepthook, self._prev_except = self._prev_except, None
            sys.unraisablehook, self._prev_unraisable = self._prev_unraisable, None

    def _excepthook(self, exc_type, exc, tb) -> None:
        if is_late(exc):
            self.errors.append("".join(traceback.format_exception(exc_type, exc, tb)))
        else:
            self._prev_except(exc_type, exc, tb)

    def _unraisable(self, unraisable) -> None:
        if is_late(unraisable.exc_value):
            self.errors.append("".join(traceback.format_exception(
                unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)))
        else:
            self._prev_unraisable(unraisable)

    def drain(self) -> None:
        """Let everything pending happen now: background jobs finish, their results
        arrive, deleteLater()s are carried out, zero-timers fire."""
        from ui.background import wait_all

        app = QCoreApplication.instance()
        if app is None:
            return
        for _ in range(DRAIN_ROUNDS):
            wait_all()
            QThreadPool.globalInstance().waitForDone(30_000)
            app.processEvents()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()

    def take(self) -> list[str]:
        """The late callbacks seen so far (forgotten once taken)."""
        errors, self.errors = self.errors, []
        return errors
