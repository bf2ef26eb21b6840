"""The workers layer's periodic work off the GUI thread.

Every feed step (the simulator walking 10,000 workers, or the replay pushing the
stored fixes of the last seconds) and every snapshot for a redraw (ring buffers
-> flat trail arrays) runs in one worker thread, in the order asked: a
one-thread pool is a queue.  The :class:`app.feed.live.PatrolState` is guarded by
its lock, so the few GUI-thread operations on it (a mode switch, a test's
synchronous ``step``) never see a half-written buffer.  The GUI thread only posts
jobs and, when a snapshot arrives, hands its arrays to the view.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.feed.live import PatrolSnapshot, PatrolState
from ui.background import BackgroundWork

log = logging.getLogger(__name__)


class PatrolFeedWorker(QObject):
    """Feed steps and snapshots in order, in a worker thread (see module doc)."""

    #: a snapshot asked for with :meth:`request_snapshot` (PatrolSnapshot, state version)
    snapshotReady = Signal(object, int)
    #: a step posted with :meth:`run` finished (its result)
    stepDone = Signal(object)

    def __init__(self, state: PatrolState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._work = BackgroundWork(self)
        self.steps_pending = 0
        self.snapshot_pending = False
        #: worker seconds of the last step and the last snapshot (for the bench)
        self.last_step_s = 0.0
        self.last_snapshot_s = 0.0
        self._closed = False

    def run(self, step: Callable[[], object]) -> None:
        """Run ``step()`` (it mutates the state) in the worker, under the state's lock."""
        if self._closed:
            return
        self.steps_pending += 1
        state = self.state

        def job():
            t0 = time.perf_counter()
            try:
                with state.lock:
                    return step()
            except Exception:  # a failed step must not stop the feed
                log.exception("patrol feed step failed")
                return None
            finally:
                self.last_step_s = time.perf_counter() - t0

        self._work.run(job, self._step_done)

    def _step_done(self, result) -> None:
        self.steps_pending -= 1
        if not self._closed:
            self.stepDone.emit(result)

    def request_snapshot(self, trail_s: float | None) -> bool:
        """Ask for a snapshot (after every step posted so far); False while one is
        still on its way (redraws coalesce)."""
        if self._closed or self.snapshot_pending:
            return False
        self.snapshot_pending = True
        state = self.state

        def job():
            t0 = time.perf_counter()
            try:
                with state.lock:
                    return state.snapshot(trail_s), state.version
            except Exception:
                log.exception("patrol snapshot failed")
                return None
            finally:
                self.last_snapshot_s = time.perf_counter() - t0

        self._work.run(job, self._snapshot_done)
        return True

    def _snapshot_done(self, result: tuple[PatrolSnapshot, int] | None) -> None:
        self.snapshot_pending = False
        if result is not None and not self._closed:
            self.snapshotReady.emit(*result)

    def busy(self) -> bool:
        return self.steps_pending > 0 or self.snapshot_pending

    def wait(self) -> None:
        """Wait for every posted job (the GUI thread may then touch the state freely)."""
        self._work.wait()

    def close(self) -> None:
        self._closed = True
        self._work.wait()
