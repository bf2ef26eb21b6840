"""Drives the workers layer: the live feed or the replay of the stored day.

The live feed is injected (``feed=``: a :class:`~app.feed.fixes.PatrolFeed` or a
factory given the roster; the simulator when nothing is given) and its time follows
the window's clock (``clock=``; a fixed clock or none: its moment moved on by the wall
time elapsed).  Two timers on the GUI thread: a feed step every :data:`FEED_MS` and a
redraw every :data:`REDRAW_MS` that only repaints when the state changed.  With the
view given, both run in a worker thread (:class:`ui.map.patrol_feed.PatrolFeedWorker`):
the GUI thread posts the step, and draws the snapshot that comes back.  When the
store is writable, the fixes are stored every :data:`~app.feed.storage.FLUSH_INTERVAL_S`
by one :class:`~app.feed.storage.FixWriter` on a worker of its own (a cursor of its
own); a failing write is retried and reported (:attr:`PatrolController.fixStatus`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from datetime import time as dtime

from PySide6.QtCore import QObject, QTimer, Signal

from app.clock import Clock, is_live
from app.feed import RoadLoops, to_seconds
from app.feed.coverage import coverage_by_grid
from app.feed.fixes import FeedFactory, PatrolFeed
from app.feed.live import PatrolState
from app.feed.replay import ReplayClock, Timeline, TrailReplay, load_timeline
from app.feed.simulator import load_roster, simulated_feed
from app.feed.storage import (
    FLUSH_INTERVAL_S,
    FixWriter,
    PatrolHistory,
    WriteStatus,
    load_history,
)
from app.map.layers import DistrictMap
from ui.background import BackgroundWork
from ui.i18n import translate
from ui.map.patrol_feed import PatrolFeedWorker

log = logging.getLogger(__name__)

FEED_MS = 250
REDRAW_MS = 500
# live, a step's end asks for a redraw when the last was asked this long ago: one redraw
# every other step (REDRAW_MS apart), right after the step that brought the fixes
STEP_REDRAW_S = (REDRAW_MS - FEED_MS / 2) / 1000


def fix_status_text(status: WriteStatus) -> str:
    """What the status bar says about storing fixes ("" while all is well)."""
    if not status.ok:
        text = translate("PatrolController", "轨迹写入失败，{pending} 条待重试").format(
            pending=status.pending)
    elif status.lost:
        text = translate("PatrolController", "轨迹写入已恢复")
    else:
        return ""
    if status.lost:
        text += translate("PatrolController", "（积压超过上限，最早的 {lost} 条已放弃）").format(
            lost=status.lost)
    return text


def patrol_state(store, dmap: DistrictMap) -> PatrolState:
    """The workers layer's state for a district (roster, road loops), empty: only the
    workers whose tracks the signed-in account may see (a wall account of one street
    sees that street's)."""
    from app.auth.session import current_user
    from app.privacy.wall import visible_worker_ids

    grids = dmap.levels[4]
    roster = load_roster(store, grids.ids).only(visible_worker_ids(store, current_user()))
    return PatrolState(roster, RoadLoops.from_grids(grids.geoms), to_seconds(dmap.now))


class PatrolController(QObject):
    """Live or replay; see the module docstring."""

    modeChanged = Signal(str)  # "live" or "replay"
    timeChanged = Signal(float)  # feed seconds of what is shown
    coverageReady = Signal(object)  # (G,) share of each grid's roads walked today
    #: storing fixes failed or recovered: a line for the status bar ("" when all is well)
    fixStatus = Signal(str)

    def __init__(self, store, dmap: DistrictMap, state: PatrolState, redraw,
                 parent: QObject | None = None, *, start_timers: bool = True,
                 view=None, load_recent: bool = True,
                 feed: PatrolFeed | FeedFactory | None = None,
                 clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.dmap = dmap
        self.state = state
        self._redraw = redraw
        #: the window's clock: live time follows it (None: generation time + wall time)
        self.district_clock = clock
        start = clock.now() if clock is not None else dmap.now
        self.now = to_seconds(start)
        state.set_now(self.now)
        self.day_start = to_seconds(datetime.combine(start.date(), dtime(0, 0)))
        self.mode = "live"
        self.clock = ReplayClock(self.day_start, self.now, speed=60.0)
        self._history: PatrolHistory | None = None
        self._timeline: Timeline | None = None
        self._replay: TrailReplay | None = None
        if feed is None:
            feed = simulated_feed
        #: the live feed (PatrolFeed): its batches reach the state and the fix writer
        self.source: PatrolFeed = (feed if hasattr(feed, "subscribe")
                                   else feed(state.roster, state.loops, self.now))
        self.source.subscribe(state.push)
        self.writer: FixWriter | None = None
        self.write_status = WriteStatus()
        self._writes = BackgroundWork(self)
        self.write_timer = QTimer(self)
        self.write_timer.setInterval(round(FLUSH_INTERVAL_S * 1000))
        self.write_timer.timeout.connect(self.post_write)
        if not getattr(store, "read_only", True):
            # fed from the feed's worker, written on its own: a cursor of its own
            self.writer = FixWriter(store.cursor(), dmap.frame, state.roster.ids, clock=clock)
            self.source.subscribe(self.writer.add)
        self._live_t = self.now
        self._wall = time.monotonic()
        self.background = BackgroundWork(self)
        self.coverage = None
        self.feed_timer = QTimer(self)
        self.feed_timer.setInterval(FEED_MS)
        self.feed_timer.timeout.connect(self._on_feed_timer)
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.feed = PatrolFeedWorker(state, self)
        self.view = view
        if view is not None:
            self.feed.snapshotReady.connect(view.show_with_trails)
            self.feed.stepDone.connect(self._step_done)
            self.redraw_timer.timeout.connect(self._on_redraw_timer)
        else:
            self.redraw_timer.timeout.connect(self._redraw)
        self._wall_pending = 0.0
        self._asked_at = float("-inf")  # when the last snapshot was asked for (monotonic)
        # start with the last minutes of the stored day, so trails show at once (a staged
        # start-up reads them in its worker and hands them over: :meth:`take_recent`)
        if load_recent:
            self.take_recent(self.load_recent(store))
        if start_timers:
            self.feed_timer.start()
            self.redraw_timer.start()
            if self.writer is not None:
                self.write_timer.start()

    def load_recent(self, store) -> PatrolHistory:
        """The stored fixes of the trail window before "now" (``store``: a cursor of its
        own when called off the GUI thread)."""
        return load_history(store, self.dmap.frame, self.state.roster.ids,
                            self.now - self.state.trail_s, self.now + 1)

    def take_recent(self, recent: PatrolHistory, in_worker: bool = False) -> None:
        """Show the stored day's last minutes; the live feed walks on from each worker's
        last fix (no jump at "now").  ``in_worker``: as a step of the feed worker (a
        quarter of a million fixes into the buffers: not on the GUI thread)."""
        t0, now = self.now - self.state.trail_s, self.now

        def take() -> None:
            if self.mode == "live":
                self.state.push(recent.batch(t0, now))
                self.state.set_now(max(now, self._live_t))
            walk_on = getattr(self.source, "continue_from", None)  # the simulator's
            if walk_on is not None:
                walk_on(*recent.last_positions())

        if in_worker:
            self.feed.run(take)
            return
        self.feed.wait()
        with self.state.lock:
            take()

    # -- feed ----------------------------------------------------------------------------
    def _on_feed_timer(self) -> None:
        wall = time.monotonic()
        self._wall_pending += wall - self._wall
        self._wall = wall
        if self.view is None:
            self.step(self._wall_pending)
            self._wall_pending = 0.0
        elif self.feed.steps_pending == 0:  # a slow step: the next one covers the gap
            self.post_step(self._wall_pending)
            self._wall_pending = 0.0

    def post_step(self, wall_s: float) -> None:
        """:meth:`step` in the feed worker: the clocks move here, the fixes there."""
        if self.mode == "live":
            self._live_t = self._live_next(wall_s)
            t, source, state = self._live_t, self.source, self.state

            def live() -> None:
                state.set_now(t)  # first: fixes up to t are not from the future
                source.advance(t)

            self.feed.run(live)
        elif self.clock.playing:
            t = self.clock.advance(wall_s)
            self.feed.run(lambda: ("replay", t) if self._replay_step(t) else None)

    def _live_next(self, wall_s: float) -> float:
        """Live feed time after ``wall_s`` more seconds: the window's clock when it follows
        the wall clock (never backwards); a fixed clock (``--now``, tests) or none: the
        wall time elapsed since its moment."""
        clock = self.district_clock
        if clock is not None and is_live(clock):
            return max(self._live_t, to_seconds(clock.now()))
        return self._live_t + wall_s

    def _step_done(self, result) -> None:
        if result is not None and result[0] == "replay" and self.mode == "replay":
            self.timeChanged.emit(result[1])
        elif (self.mode == "live" and self.redraw_timer.isActive()
              and time.monotonic() - self._asked_at >= STEP_REDRAW_S):
            # live, the redraws follow the steps: what a step brought is drawn at once,
            # not up to a redraw interval later (still one redraw per REDRAW_MS)
            self._redraw_if_needed()

    def _on_redraw_timer(self) -> None:
        if self.mode == "live" and time.monotonic() - self._asked_at < REDRAW_MS / 1000:
            return  # the steps keep the redraws going
        self._redraw_if_needed()

    def _redraw_if_needed(self) -> None:
        if (self.view is not None and self.view.needs_redraw()
                and not self.view.awaiting_trails()):
            self._request_snapshot()

    def _request_snapshot(self) -> None:
        if self.feed.request_snapshot(self.view.trail_window()):
            self._asked_at = time.monotonic()

    def step(self, wall_s: float) -> None:
        """Move on by ``wall_s`` real seconds (live: 1×; replay: the clock's speed), here
        on the calling thread."""
        self.feed.wait()
        with self.state.lock:
            if self.mode == "live":
                self._live_t = self._live_next(wall_s)
                self.state.set_now(self._live_t)
                self.source.advance(self._live_t)
            elif self.clock.playing:
                self.show_replay(self.clock.advance(wall_s))

    # -- replay --------------------------------------------------------------------------
    def history(self) -> PatrolHistory:
        if self._history is None:
            self._history = load_history(self.store, self.dmap.frame, self.state.roster.ids,
                                         self.day_start, self.now + 1)
        return self._history

    def timeline(self) -> Timeline:
        if self._timeline is None:
            self._timeline = load_timeline(self.store)
        return self._timeline

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.feed.wait()  # no step of the old mode may land after the switch
        with self.state.lock:
            self._set_mode(mode)
        self.modeChanged.emit(mode)
        self._redraw()

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == "replay":
            self._replay = TrailReplay(self.history(), self.state.buffer, self.state.trail_s)
            self.clock.playing = False
            self.seek(self.clock.t)
        else:
            self.clock.playing = False
            self._replay = None
            self._live_t = self._live_next(0.0)
            self.state.reset(self._live_t)
            recent = self.history().batch(self._live_t - self.state.trail_s, self._live_t)
            self.state.push(recent)
            self.state.set_now(self._live_t)
            self.timeChanged.emit(self._live_t)

    def seek(self, t: float) -> None:
        if self.mode != "replay":
            self.set_mode("replay")
        self.show_replay(self.clock.seek(t))

    def show_replay(self, t: float) -> None:
        self.feed.wait()
        with self.state.lock:
            shown = self._replay_step(t)
        if shown:
            self.timeChanged.emit(t)

    def _replay_step(self, t: float) -> bool:
        """The trails as they stood at ``t`` (caller holds the state's lock)."""
        replay = self._replay
        if replay is None:
            return False
        if replay.t is None or not (replay.t <= t <= replay.t + self.state.trail_s):
            self.state.reset(t)
        replay.show(t)
        self.state.set_now(t)
        self.state.version += 1
        return True

    def shown_time(self) -> float:
        return self.clock.t if self.mode == "replay" else self._live_t

    def compute_coverage(self) -> None:
        """Patrol coverage today up to the moment shown, computed off the GUI thread;
        :attr:`coverageReady` carries the result."""
        hist = self.history()  # loaded here, on the GUI thread (the store is not shared)
        s = hist.between(self.day_start, self.shown_time())
        grid = self.state.roster.grid[hist.worker[s]]
        x, y, loops = hist.x[s], hist.y[s], self.state.loops
        worker, t = hist.worker[s], hist.t[s]
        self.background.run(lambda: coverage_by_grid(loops, grid, x, y, worker=worker, t=t),
                            self._coverage_done)

    def _coverage_done(self, values) -> None:
        self.coverage = values
        self.coverageReady.emit(values)

    # -- storing fixes --------------------------------------------------------------------
    def post_write(self) -> None:
        """Store the fixes collected since the last write, on the writer's worker."""
        if self.writer is not None and self.writer.pending and not self._writes.busy():
            self._writes.run(self.writer.flush, self._written)

    def _written(self, status: WriteStatus) -> None:
        if status == self.write_status:
            return
        if not status.ok:
            log.warning("patrol fixes not stored (%d pending, %d lost): %s",
                        status.pending, status.lost, status.error)
        self.write_status = status
        self.fixStatus.emit(fix_status_text(status))

    def flush(self) -> None:
        """Store what is pending now, here (the writer's worker idle first)."""
        if self.writer is None:
            return
        self._writes.wait()
        status = self.writer.flush()
        if not status.ok:
            log.error("patrol fixes could not be stored: %d left unwritten (%s)",
                      status.pending, status.error)

    def stop(self) -> None:
        self.feed_timer.stop()
        self.redraw_timer.stop()
        self.write_timer.stop()
        self.feed.close()
        self.background.close()
        self.flush()
        self._writes.close()
