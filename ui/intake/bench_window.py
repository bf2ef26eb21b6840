"""The window of ``bench intake``'s ``window`` run, in a Qt process of its own (app/
never imports the UI): the in-process intake feeding a window on the DuckDB district
(offscreen, 1920×1080), and when each fix's marker was drawn.

    python -m ui.intake.bench_window DB '["intake url", "phones url", broker pid]' \
        WORKDIR DEVICES INTERVAL_S DURATION_S          # prints the run's figures (JSON)
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from app.intake.bench import Broker, _sustained


class WindowProbe:
    """A window on the district fed by the intake (offscreen, 1920×1080): when each fix's
    marker is drawn."""

    def __init__(self, store, intake, arrivals, at) -> None:
        from PySide6.QtWidgets import QApplication

        from app.clock import FixedClock
        from app.intake.feed import intake_feed
        from ui.main_window import MainWindow

        self.app = QApplication.instance() or QApplication([])
        # the window's clock a little ahead of the first fix: the feed's live time then
        # runs with the wall clock, as the phones' fix times do
        self.window = MainWindow(store, clock=FixedClock(at + timedelta(seconds=3)),
                                 feed=intake_feed(intake))
        self.window.resize(1920, 1080)
        self.window.show()
        self.pushed: list[tuple[int, np.ndarray, np.ndarray]] = []  # version, who, t
        self.drawn: list[tuple[float, int]] = []
        state = self.window.patrol

        def pushed(batch):  # after the window's state took the batch (same thread, in order)
            self.pushed.append((state.version, batch.worker.copy(), batch.t.copy()))

        self.window.patrol_controller.source.subscribe(pushed)
        view = self.window.canvas.view("patrol")
        apply = view._apply_markers

        def counted_apply(snap, version):
            apply(snap, version)
            self.drawn.append((time.monotonic(), version))

        view._apply_markers = counted_apply
        # roster index → phone number (BEN codes), -1 for the district's own workers
        bench = dict(store.rows("SELECT id, code FROM workers WHERE code LIKE 'BEN%'"))
        self.phone_of = np.array([int(bench[w][3:]) if w in bench else -1
                                  for w in np.asarray(state.roster.ids).tolist()])

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)

    def settle(self, stored: int, limit_s: float = 30.0) -> None:
        """Run until the ``stored`` fixes have reached the window and been drawn (or
        ``limit_s``)."""
        end = time.monotonic() + limit_s

        def behind() -> bool:
            if sum(len(who) for _, who, _ in self.pushed) < stored:
                return True
            return not self.drawn or max(v for _, v in self.drawn) < self.pushed[-1][0]

        while time.monotonic() < end and behind():
            self.run_for(0.1)

    def run_until(self, done) -> None:
        while not done():
            self.run_for(0.2)

    def drawn_at(self, arrivals) -> np.ndarray:
        """Per (round, phone): when the first snapshot holding it was drawn."""
        out = np.full(arrivals.at.shape, np.nan)
        if not self.drawn:
            return out
        times = np.array([t for t, _ in self.drawn])
        versions = np.maximum.accumulate(np.array([v for _, v in self.drawn]))
        shift = _epoch_shift(arrivals)
        for version, who, t in self.pushed:
            k = np.searchsorted(versions, version)
            if k >= len(times):
                continue
            phone = self.phone_of[who]
            ok = phone >= 0
            tst = np.round(t[ok]).astype(np.int64) + shift
            r = (tst - arrivals.tst0) // arrivals.step
            inside = (r >= 0) & (r < out.shape[0])
            out[r[inside], phone[ok][inside]] = np.fmin(out[r[inside], phone[ok][inside]],
                                                        times[k])
        return out

    def close(self) -> None:
        self.window.close()
        self.app.processEvents()


def _epoch_shift(arrivals) -> int:
    """Feed seconds (district-local time) → the phones' UTC epoch seconds."""
    from app.feed.fixes import to_seconds

    local = datetime.fromtimestamp(arrivals.tst0, arrivals.tz).replace(tzinfo=None)
    return arrivals.tst0 - int(round(to_seconds(local)))


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db, broker, workdir, devices, interval_s, duration_s = argv
    out = _sustained(Path(db), Broker(*json.loads(broker)), Path(workdir), int(devices),
                     float(interval_s), float(duration_s), lambda m: None, window=WindowProbe)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
