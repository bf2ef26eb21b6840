"""One long step of the import at a time, off the GUI thread (后台步骤): a progress bar,
the step's text and 取消.

The session's progress callback (:meth:`StepRunner.progress`) runs on the worker: it only
stores the latest (text, fraction) for a timer on the GUI thread to show, and raises
:class:`ImportCancelled` once 取消 was pressed - so a cancelled step stops at its next
report.  A commit passes its point of no return (:meth:`StepRunner.no_return`) before it
writes: from there 取消 is disabled and nothing raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ui.background import BackgroundWork
from ui.district_import.texts import step_text

WRITING_TEXT = QT_TRANSLATE_NOOP("StepRunner", "写入中，不能取消")
#: how often the GUI thread shows the worker's latest progress (ms)
POLL_MS = 60


class ImportCancelled(Exception):
    """取消 was pressed: the step stopped at its next progress report."""


class StepRunner(QWidget):
    """Runs ``fn`` on its :class:`BackgroundWork`; shows progress; 取消 stops it."""

    #: busy (True while a step runs)
    busyChanged = Signal(bool)
    #: the step passed its point of no return (it writes now; 取消 no longer possible)
    writing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportStepRunner")
        self.work = BackgroundWork(self)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(14)
        self.label = QLabel("")
        self.label.setObjectName("ImportStepText")
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("ImportStepCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 2)
        row.addWidget(self.bar, 3)
        row.addWidget(self.cancel_button)
        self._cancel = threading.Event()
        self._latest: tuple[str, float, bool] | None = None  # written by the worker
        self._shown: tuple[str, float, bool] | None = None
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._idle("")

    # -- worker side --------------------------------------------------------------------
    def progress(self, text: str, fraction: float) -> None:
        """The session's progress callback (worker thread)."""
        self.check()
        self._latest = (text, fraction, True)

    def check(self) -> None:
        """Raise :class:`ImportCancelled` if 取消 was pressed (worker thread)."""
        if self._cancel.is_set():
            raise ImportCancelled()

    def no_return(self, text: str) -> None:
        """From here the step runs to its end: 取消 is disabled (worker thread)."""
        self.check()
        self._latest = (text, self._latest[1] if self._latest else 0.0, False)

    def report(self, text: str, fraction: float) -> None:
        """Progress past the point of no return: shown, never raising (worker thread)."""
        self._latest = (text, fraction, False)

    # -- GUI side -----------------------------------------------------------------------
    def start(self, text: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_error: Callable[[Exception], None]) -> None:
        """Run ``fn()`` off the GUI thread; ``on_done(result)`` or ``on_error(exc)`` after."""
        self._cancel.clear()
        self._latest = self._shown = None
        self.busy = True
        self.setVisible(True)
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("取消"))
        self.timer.start()
        self.busyChanged.emit(True)
        self.work.run(_keeping_proj_context(fn), lambda r: self._end(on_done, r),
                      lambda e: self._end(on_error, e), owner=self)

    def _end(self, callback, value) -> None:
        self._poll()
        self.busy = False
        self.timer.stop()
        self._idle("")
        self.busyChanged.emit(False)
        callback(value)

    def _idle(self, text: str) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.label.setText(text)
        self.cancel_button.setEnabled(False)
        self.setVisible(False)

    def _poll(self) -> None:
        latest = self._latest
        if latest is None or latest == self._shown:
            return
        self._shown = latest
        text, fraction, cancellable = latest
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        self.label.setText(step_text(text))
        if not cancellable and self.cancel_button.text() != self.tr(WRITING_TEXT):
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(self.tr(WRITING_TEXT))
            self.writing.emit()

    def cancel(self) -> None:
        """Stop the running step at its next progress report (before any write)."""
        if self.busy and self.cancel_button.isEnabled():
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("正在取消…"))

    def close_work(self) -> None:
        """Cancel and wait: nothing is delivered afterwards (the wizard is closing)."""
        self._cancel.set()
        self.timer.stop()
        self.work.close()


def _keeping_proj_context(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` that, before its pool thread drops its Python thread state, keeps the PROJ
    context it may have made alive: the import reads .prj files and builds CRSs (pyproj)
    on the worker, and the next job on the same thread would find that context freed and
    crash the process (see app.geo.crs and tests/ui/test_proj_in_pool_threads.py)."""
    from app.geo.crs import _pin_proj_context

    def job():
        try:
            return fn()
        finally:
            _pin_proj_context()

    return job
