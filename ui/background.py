"""Run Qt-free domain work off the GUI thread and get the result back on it.

``run_in_background(fn, on_done, owner)`` calls ``fn()`` on ``owner``'s pool and
``on_done(result)`` on the GUI thread (Orange3's concurrent helper, minimal).
``fn`` must touch no widget and no store connection shared with the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object, object)  # (callback, result)


class BackgroundWork(QObject):
    """A private one-thread pool and the relay back to the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(lambda cb, result: cb(result))

    def run(self, fn: Callable[[], object], on_done: Callable[[object], None]) -> None:
        relay = self._relay

        class _Job(QRunnable):
            def run(self) -> None:  # worker thread
                try:
                    result = fn()
                except Exception:  # a failed background job must not take the map down
                    log.exception("background job failed")
                    return
                relay.done.emit(on_done, result)

        self.pool.start(_Job())

    def wait(self) -> None:
        self.pool.waitForDone()
