"""The workers layer's tick off the GUI thread: feed steps and snapshots in a worker,
in order, under the state's lock; the GUI thread only draws what comes back."""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QThread

from app.feed import FixBatch
from ui.map.patrol_feed import PatrolFeedWorker


def test_live_feed_runs_in_the_worker_and_reaches_the_layer(window, qtbot):
    c = window.patrol_controller
    view = window.canvas.view("patrol")
    threads = []
    c.source.subscribe(lambda batch: threads.append(QThread.currentThread()))
    c.feed_timer.stop()
    # a tick posted just before the stop may still be in the worker: the first step below
    # would then only add its wall time to the next one (a slow step's gap)
    qtbot.waitUntil(lambda: c.feed.steps_pending == 0, timeout=10_000)
    c.redraw_timer.setInterval(50)
    start = window.patrol.now
    for _ in range(2):
        c._wall -= 30.0  # as if the feed timer fired after 30 s of wall time
        c._on_feed_timer()
        qtbot.waitUntil(lambda: c.feed.steps_pending == 0, timeout=10_000)
    assert len(threads) >= 2
    assert all(t is not QThread.currentThread() for t in threads)
    # the redraw timer asked the worker for a snapshot and the view drew it
    qtbot.waitUntil(lambda: not view.needs_redraw() and window.patrol.now > start,
                    timeout=10_000)
    assert view.shown_workers() > 0 and view.trail_vertices > 0


def test_steps_and_snapshots_keep_their_order(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    state = window.patrol
    feed = PatrolFeedWorker(state)
    got = []
    feed.snapshotReady.connect(lambda snap, version: got.append((snap, version)))
    t = state.now + 30
    batch = FixBatch(np.array([0, 1, 2], np.int32), np.full(3, t), np.array([1.0, 2.0, 3.0]),
                     np.array([4.0, 5.0, 6.0]), np.zeros(3, np.float32))
    held = []

    def step():
        held.append(state.lock._is_owned())  # the worker holds the state's lock
        state.reset(t)
        state.push(batch)

    feed.run(step)
    assert feed.request_snapshot(None)
    assert not feed.request_snapshot(None)  # one on its way: redraws coalesce
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    snap, version = got[0]
    assert held == [True]
    assert snap.now == t and sorted(snap.x.tolist()) == [1.0, 2.0, 3.0]  # after the step
    assert version == state.version
    view = window.canvas.view("patrol")
    view.show(snap, version)
    assert view.shown_workers() == 3 and not view.needs_redraw()
    feed.close()
    feed.run(step)  # closed: nothing runs any more
    feed.wait()
    assert held == [True]


def test_replay_plays_through_the_worker(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    c.set_mode("replay")
    c.seek(c.clock.start + 9 * 3600)
    c.clock.playing = True
    before = c.clock.t
    with qtbot.waitSignal(c.timeChanged, timeout=10_000) as sig:
        c.post_step(10.0)  # 10 s of wall time at 60x
    assert sig.args[0] == c.clock.t == before + 600.0
    assert window.patrol.now == c.clock.t
    # a synchronous step waits for the worker first and sees its result
    c.step(1.0)
    assert c.clock.t == before + 660.0 == window.patrol.now


def test_a_failing_step_does_not_stop_the_feed(window, qtbot):
    c = window.patrol_controller
    c.feed_timer.stop()
    feed = PatrolFeedWorker(window.patrol)
    done = []
    feed.stepDone.connect(done.append)
    feed.run(lambda: 1 / 0)
    feed.run(lambda: "ok")
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert done == [None, "ok"] and feed.steps_pending == 0
    feed.close()


def test_live_feed_walks_on_from_the_stored_day(window, qtbot):
    """No jump at "now": each worker's first live fix lies near its last stored fix."""
    from app.feed.storage import load_history

    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    state = window.patrol
    recent = load_history(window.store, window.district_map.frame, state.roster.ids,
                          c.now - state.trail_s, c.now + 1)
    w, x, y = recent.last_positions()
    assert len(w) > 10
    batch = c.source.run_until(c.now + c.source.interval)  # the first live fixes
    first = {int(k): (bx, by) for k, bx, by in zip(batch.worker, batch.x, batch.y, strict=True)}
    gaps = np.array([np.hypot(first[k][0] - sx, first[k][1] - sy)
                     for k, sx, sy in zip(w.tolist(), x, y, strict=True) if k in first])
    assert len(gaps) > 10
    # stored fixes every 30-60 s at walking speed, plus GPS noise: tens of metres, no jump
    assert np.median(gaps) < 60 and np.percentile(gaps, 90) < 150, np.percentile(gaps, [50, 90])


def test_clicking_a_worker_opens_its_card(window, qtbot, store):
    from app.feed.worker_record import walked

    c = window.patrol_controller
    c.feed_timer.stop()
    c.redraw_timer.stop()
    view = window.canvas.view("patrol")
    view.refresh(force=True)
    snap = view.snapshot
    assert len(snap.worker) > 0
    k = int(snap.worker[0])
    worker_id = int(window.patrol.roster.ids[k])
    window.click_at(float(snap.x[0]), float(snap.y[0]))
    card = window.worker_card
    assert card.isVisible() and not window.case_card.isVisible()
    rec = card.record
    name, grid_code = store.rows("SELECT w.name, g.code FROM workers w JOIN grid_units g "
                                 "ON g.id = w.grid_id WHERE w.id = ?", [worker_id])[0]
    assert rec.id == worker_id and rec.name == name and rec.grid_code == grid_code
    assert name in card.title.text() and grid_code in card.fields["grid"].text()
    assert rec.fixes_today > 0 and rec.on_patrol_since is not None
    assert rec.on_patrol_since <= rec.last_fix
    assert rec.distance_m > 0 and rec.patrol_s > 0
    # the distance with the time on patrol it took (a walking pace can be judged)
    assert re.fullmatch(r"[\d.,]+ ?(米|公里)（巡查 \d+\.\d 小时）", card.fields["distance"].text())
    # the distance is the walk over the day's fixes, breaks excluded
    t = np.array([0.0, 60.0, 120.0, 3000.0, 3060.0])
    x = np.array([0.0, 30.0, 60.0, 500.0, 540.0])
    assert walked(t, x, np.zeros(5)) == (100.0, 3000.0)
    # a click away from every worker closes the card
    x0, y0, _, _ = window.district_map.extent
    window.click_at(x0 - 5000.0, y0 - 5000.0)
    assert not card.isVisible()
