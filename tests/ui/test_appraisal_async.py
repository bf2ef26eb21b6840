"""The appraisal panels compute on the appraisal worker, never on the GUI thread: the
GUI keeps running while a figure is computed, only the last request's result is
shown, and an engine failure is a one-line message in the panel."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer

import app.appraisal as engine
from app.appraisal import latest_complete_month, parse_period
from ui.appraisal.jobs import BUSY_TEXT, jobs_for

GUI_THREAD = threading.get_ident()


@pytest.fixture
def dock(store, themed_app, qtbot):
    from ui.appraisal.scoring_dock import ScoringDock

    d = ScoringDock(store)
    qtbot.addWidget(d)
    d.resize(1500, 600)
    yield d
    jobs_for(store).wait()  # no job of this test may outlive it


def slow(fn, seconds_for, calls: list):
    """``fn`` that first sleeps (on the thread that calls it) ``seconds_for(period)``."""

    def wrapped(store, period, *args, **kwargs):
        calls.append((period.label, threading.get_ident()))
        time.sleep(seconds_for(period))
        return fn(store, period, *args, **kwargs)

    return wrapped


def test_scores_are_computed_on_the_worker_with_its_own_cursor(dock, store, qtbot,
                                                                monkeypatch):
    calls, stores = [], []
    real = engine.department_scores

    def spy(s, period, *a, **kw):
        calls.append(threading.get_ident())
        stores.append(s)
        return real(s, period, *a, **kw)

    monkeypatch.setattr("ui.appraisal.scoring_dock.department_scores", spy)
    dock.refresh()
    assert dock.busy()
    qtbot.waitUntil(lambda: not dock.busy())
    assert calls and all(t != GUI_THREAD for t in calls)
    assert stores[0] is not store and stores[0] is dock.jobs.cursor  # a cursor of its own
    expected = real(store, dock.period)
    table = dock.leagues["department"].table
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == [s.name for s in expected]
    # asked again: from the cache, at once, nothing computed
    dock.set_period(dock.period)
    assert not dock.busy() and len(calls) == 1


def test_gui_thread_runs_while_a_slow_computation_runs(dock, qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr("ui.appraisal.scoring_dock.department_scores",
                        slow(engine.department_scores, lambda _p: 0.6, calls))
    ticks_while_busy = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: dock.busy() and ticks_while_busy.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    dock.refresh()
    assert time.perf_counter() - t0 < 0.05  # refresh() returns at once
    # meanwhile: the marker, the last figures dimmed, no wait cursor
    assert dock.busy_label.isVisibleTo(dock) and dock.busy_label.text() == BUSY_TEXT
    assert dock.tabs.graphicsEffect() is not None
    qtbot.waitUntil(lambda: not dock.busy(), timeout=10_000)
    timer.stop()
    assert calls and calls[0][1] != GUI_THREAD
    # the GUI thread's timer kept firing during the 0.6 s the worker slept
    assert len(ticks_while_busy) >= 15
    gaps = [b - a for a, b in zip(ticks_while_busy, ticks_while_busy[1:], strict=False)]
    assert max(gaps) < 0.2
    assert not dock.busy_label.isVisibleTo(dock) and dock.tabs.graphicsEffect() is None
    assert dock.leagues["department"].table.rowCount() > 0


def test_only_the_last_requested_period_is_shown(dock, qtbot, monkeypatch):
    latest = latest_complete_month(dock._store)
    a, b, c = latest, latest.previous(), latest.previous().previous()
    calls = []
    # the first request is slow: without the guard its result would land last
    monkeypatch.setattr("ui.appraisal.scoring_dock.department_scores",
                        slow(engine.department_scores,
                             lambda p: 0.5 if p.label == a.label else 0.0, calls))
    shown = []
    dock.scoresChanged.connect(lambda d: shown.append(d.shown_period.label))
    dock.loaded = True
    jobs = dock.jobs
    dropped, skipped = jobs.dropped, jobs.skipped
    dock.set_period(a)
    qtbot.waitUntil(lambda: bool(calls))  # a is running on the worker
    dock.set_period(b)  # queued behind a; overtaken by c before it starts
    dock.set_period(c)
    qtbot.waitUntil(lambda: not dock.busy(), timeout=10_000)
    qtbot.wait(50)  # anything still queued would have landed by now
    assert shown == [c.label]
    assert dock.shown_period.label == c.label
    assert [label for label, _t in calls] == [a.label, c.label]  # b never computed
    assert jobs.dropped == dropped + 1 and jobs.skipped == skipped + 1
    expected = engine.department_scores(dock._store, c)
    table = dock.leagues["department"].table
    assert [table.item(r, 2).text() for r in range(table.rowCount())] == [
        f"{s.score:.2f}" for s in expected]


def test_an_engine_failure_is_one_line_in_the_panel(dock, qtbot, monkeypatch):
    def broken(_store, _period, *_a, **_kw):
        raise RuntimeError("IO Error: could not read block 42\nat the second line")

    monkeypatch.setattr("ui.appraisal.scoring_dock.department_scores", broken)
    dock.refresh()
    qtbot.waitUntil(lambda: not dock.busy())
    text = dock.message.text()
    assert text.startswith(f"无法计算 {dock.period.start.year}年")
    assert text.endswith("IO Error: could not read block 42") and "\n" not in text
    assert not dock.busy_label.isVisibleTo(dock) and dock.tabs.graphicsEffect() is None
    # the panel still works: the engine recovers, the next request shows the figures
    monkeypatch.setattr("ui.appraisal.scoring_dock.department_scores", engine.department_scores)
    dock.refresh()
    qtbot.waitUntil(lambda: not dock.busy())
    assert dock.leagues["department"].table.rowCount() > 0 and dock.message.text() == ""


def test_indicator_and_trend_failures_stay_in_their_panel(dock, store, qtbot, monkeypatch):
    from ui.appraisal.trend_panel import TrendPanel

    dock.refresh()
    qtbot.waitUntil(lambda: not dock.busy())

    def broken(*_a, **_kw):
        raise ValueError("周期 2026-10 的指标表损坏")

    monkeypatch.setattr("ui.appraisal.indicator_panel.compute_indicators", broken)
    dock.leagues["department"].select_row(0)
    panel = dock.indicators
    qtbot.waitUntil(lambda: not panel.busy())
    assert panel.status.text().endswith("：周期 2026-10 的指标表损坏")
    assert panel.row is None and not panel.open_drill_down(0)  # nothing to drill into

    monkeypatch.setattr("ui.appraisal.trend_panel.score_trend", broken)
    trend = TrendPanel(store)
    qtbot.addWidget(trend)
    trend.load()
    qtbot.waitUntil(lambda: not trend.busy())
    assert trend.message.text() == "无法计算得分：周期 2026-10 的指标表损坏"
    assert trend.chart.items == {}


def test_trend_choice_made_while_loading_wins(store, themed_app, qtbot):
    from ui.appraisal.trend_panel import TrendPanel

    panel = TrendPanel(store)
    qtbot.addWidget(panel)
    panel.load()
    ids = [int(d.department_id) for d in engine.department_scores(
        store, parse_period(panel.months[-1].label))[-2:]]
    panel.choose(ids)  # before the list has arrived
    qtbot.waitUntil(lambda: not panel.busy() and panel.list.count() > 0)
    assert [d for d, _n in panel.chosen()] == ids
    assert list(panel.chart.point_counts()) == [n for _d, n in panel.chosen()]


def test_a_refused_publication_is_shown_and_writes_nothing(small_db_copy, themed_app, qtbot):
    from datetime import datetime

    from app.auth.accounts import authenticate
    from app.auth.permissions import Role
    from app.auth.session import sign_in, sign_out
    from app.demo.accounts import DEMO_PASSWORDS
    from app.store import open_store
    from ui.appraisal.jobs import close_jobs
    from ui.appraisal.scoring_dock import ScoringDock

    db = open_store(small_db_copy)
    try:
        sign_in(authenticate(db, "supervisor", DEMO_PASSWORDS[Role.SUPERVISION_OFFICE],
                             at=datetime(2026, 11, 20, 10, 30)))
        dock = ScoringDock(db)
        qtbot.addWidget(dock)
        before = db.scalar("SELECT count(*) FROM appraisal_publications")
        dock.period = parse_period("2026-11")  # the month in progress: the engine refuses
        assert dock.publish(confirm=False)
        qtbot.waitUntil(lambda: not dock.publishing() and not dock.busy(), timeout=20_000)
        text = dock.message.text()
        assert text.startswith("未发布：") and "2026-11" in text and "\n" not in text
        assert db.scalar("SELECT count(*) FROM appraisal_publications") == before
        assert dock.publish_button.isEnabled()  # may be tried again once the month ends
    finally:
        sign_out()
        close_jobs(db)
        db.close()


def test_a_result_for_a_deleted_panel_is_not_delivered(store, themed_app, qtbot):
    from PySide6.QtWidgets import QWidget

    from ui.appraisal.jobs import AppraisalJobs, channel_name

    jobs = AppraisalJobs(store)
    try:
        owner = QWidget()
        got, started = [], threading.Event()

        def work(cur):
            started.set()
            time.sleep(0.3)
            return cur.scalar("SELECT count(*) FROM cases")

        channel = channel_name("test")
        jobs.submit(channel, work, got.append, got.append, owner=owner)
        queued = channel_name("queued")
        jobs.submit(queued, lambda cur: 1, got.append, owner=owner)
        assert started.wait(5)
        owner.deleteLater()  # the panel goes while its figures are computed
        qtbot.waitUntil(lambda: not jobs.busy(), timeout=5_000)
        assert got == [] and jobs.dropped == 0  # current, but nobody left to show it
    finally:
        jobs.close()
    with pytest.raises(RuntimeError, match="closed"):
        jobs.submit("late", lambda cur: 1, got.append)


def test_closing_the_worker_skips_what_is_queued_and_closes_its_cursor(store, themed_app, qtbot):
    from ui.appraisal.jobs import AppraisalJobs

    jobs = AppraisalJobs(store)
    ran, got, started = [], [], threading.Event()

    def a(_cur):
        started.set()
        time.sleep(0.2)
        ran.append("a")

    jobs.submit("a", a, got.append)
    jobs.submit("b", lambda cur: ran.append("b"), got.append)
    assert started.wait(5)
    jobs.close()  # waits for a, b is skipped
    assert ran == ["a"]
    qtbot.wait(20)
    assert got == []  # closed: nothing is current any more
    assert store.scalar("SELECT 1") == 1  # the district's own connection is untouched
    with pytest.raises(Exception, match="(?i)closed"):
        jobs.cursor.scalar("SELECT 1")


def test_an_overtaken_running_query_is_interrupted(store, themed_app, qtbot):
    """A job overtaken while its query runs stops at once (StoreInterrupted, dropped);
    a running job of another channel is not touched."""
    from app.store import StoreInterrupted
    from ui.appraisal.jobs import AppraisalJobs, channel_name

    long_query = "SELECT sum(i * i % 7) FROM range(400000000) t(i)"  # ≈ 4 s here
    jobs = AppraisalJobs(store)
    try:
        channel = channel_name("league")
        got, errors, started = [], [], threading.Event()
        raised: list[BaseException] = []

        def old(cur):
            started.set()
            try:
                return cur.scalar(long_query)
            except StoreInterrupted as exc:
                raised.append(exc)
                raise

        jobs.submit(channel, old, got.append, errors.append)
        assert started.wait(5)
        time.sleep(0.1)  # the query is running
        t0 = time.perf_counter()
        jobs.submit(channel, lambda cur: cur.scalar("SELECT 42"), got.append, errors.append)
        qtbot.waitUntil(lambda: got == [42], timeout=3_000)
        assert time.perf_counter() - t0 < 2.0  # not the ≈ 4 s the old query needed
        assert len(raised) == 1 and "interrupted" in str(raised[0])
        assert errors == [] and jobs.interrupted == 1 and jobs.dropped == 1

        # another channel's request does not stop a running job; the cursor works after
        other_started, other = threading.Event(), []

        def medium(cur):
            other_started.set()
            return cur.scalar("SELECT sum(i * i % 7) FROM range(20000000) t(i)")

        jobs.submit(channel_name("trend"), medium, other.append, errors.append)
        assert other_started.wait(5)
        jobs.submit(channel, lambda cur: cur.scalar("SELECT 7"), got.append, errors.append)
        qtbot.waitUntil(lambda: bool(other) and got == [42, 7], timeout=10_000)
        assert errors == [] and jobs.interrupted == 1 and other[0] > 0
    finally:
        jobs.close()
