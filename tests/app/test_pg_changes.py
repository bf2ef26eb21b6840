"""Seats that see each other (app/store/pg_changes.py), on a real PostgreSQL server: a
change committed at one seat reaches the others' change feeds once, with its change-log
number and origin; a seat that was away catches up in order; five seats survive a server
restart with nothing lost or doubled; a commit whose connection dies is reported as done
or not done, as it really was."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import psycopg
import pytest

from app.auth.accounts import get_user
from app.changes import Change, ChangeFeed
from app.store import open_store
from app.store.errors import StoreDisconnected
from app.store.pg_changes import RELOAD_ACTION, ChangeListener, start_listener
from app.store.pg_store import CHANNEL
from app.workflow import whistles

T0 = datetime(2026, 11, 20, 10, 30)
WAIT_S = 15.0


class Heard:
    """What a feed published, in order (thread-safe), with a wait for a condition."""

    def __init__(self, feed: ChangeFeed) -> None:
        self.changes: list[Change] = []
        self.batches = 0
        self._cond = threading.Condition()
        self.unsubscribe = feed.subscribe(self._heard)

    def _heard(self, batch: list[Change]) -> None:
        with self._cond:
            self.changes.extend(batch)
            self.batches += 1
            self._cond.notify_all()

    def wait(self, done, timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done(self.changes):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not heard within {timeout} s: {self.changes[-5:]}")
                self._cond.wait(left)

    def of(self, action: str) -> list[Change]:
        with self._cond:
            return [c for c in self.changes if c.action == action]


def _wait(cond, timeout: float = WAIT_S, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.02)


def _blow(store, title: str = "占道经营整治") -> int:
    ids = dict(store.rows("SELECT code, id FROM departments"))
    grid = store.scalar("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.id LIMIT 1")
    return whistles.blow(store, get_user(store, "sec01"), grid_id=grid,
                         department_ids=[ids["CG"], ids["HW"]], title=title, description="",
                         lon=117.15, lat=39.17, at=T0, report_hours=2, finish_hours=27)


@pytest.fixture
def seats(pg_small_url):
    """Two seats (store + listener + what their feeds heard) on one server database."""
    opened = []
    for _ in range(2):
        store = open_store(pg_small_url)
        listener = start_listener(store)
        opened.append((store, listener, Heard(store.changes)))
    yield opened
    for store, listener, _ in opened:
        assert listener.close(), "the listener thread did not stop"
        store.close()


def test_a_whistle_at_one_seat_reaches_the_other_once(seats):
    (a, la, heard_a), (b, lb, heard_b) = seats
    assert la.online and lb.online and a.origin != b.origin
    wid = _blow(a)
    heard_b.wait(lambda cs: any(c.action == "whistle.blow" for c in cs))
    (blown,) = heard_b.of("whistle.blow")
    assert blown.ids == (wid,) and blown.entity == "whistle" and blown.origin == a.origin
    assert blown.seq == a.scalar("SELECT coalesce(max(seq), 0) FROM change_log")
    # a department reports in at B: A hears it; A's own blow was published once (locally)
    whistles.report_in(b, get_user(b, "dept_cg"), wid, at=T0, by="张三")
    heard_a.wait(lambda cs: any(c.action == "whistle.report_in" for c in cs))
    (report,) = heard_a.of("whistle.report_in")
    assert report.origin == b.origin and report.seq > blown.seq
    assert [(c.seq, c.origin) for c in heard_a.of("whistle.blow")] == [(None, "local")]
    assert len(heard_b.of("whistle.report_in")) == 1 and heard_b.of("whistle.report_in")[0].seq is None
    # each listener moves past the other's change and, a moment later, its own
    _wait(lambda: la.last_seen == lb.last_seen == report.seq, what="both listeners at the end")


def test_a_seat_that_was_away_catches_up_in_order(seats, pg_small_url):
    (a, _la, _), (b, lb, heard_b) = seats
    assert lb.close()
    away_from = lb.last_seen
    wids = [_blow(a, f"事项{i}") for i in range(3)]
    whistles.report_in(a, get_user(a, "dept_cg"), wids[0], at=T0, by="李四")
    back = ChangeListener(b.target, b.changes, origin=b.origin, after_seq=away_from).start()
    try:
        heard_b.wait(lambda cs: len(cs) >= 4)
        log = a.rows("SELECT seq, action, ids FROM change_log WHERE seq > ? ORDER BY seq",
                     [away_from])
        assert [(c.seq, c.action, list(c.ids)) for c in heard_b.changes] == \
            [(s, act, list(ids)) for s, act, ids in log]
        assert [c.ids[0] for c in heard_b.changes[:3]] == wids
    finally:
        assert back.close()


def test_a_listener_whose_connection_is_killed_reconnects_and_misses_nothing(seats, pg_small_url):
    (a, _la, _), (b, lb, heard_b) = seats
    states = []
    lb.observe(states.append)
    with psycopg.connect(pg_small_url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'gridcc-listener' AND datname = current_database() "
            "AND pid <> pg_backend_pid()").fetchall()
    assert len(killed) == 2  # both seats' listeners (one connection each, no more)
    wids = [_blow(a, f"断线期间{i}") for i in range(3)]
    heard_b.wait(lambda cs: len(cs) >= 3)
    _wait(lambda: lb.online, what="listener online")
    assert [c.ids[0] for c in heard_b.changes] == wids
    assert lb.connects == 2
    assert [s.online for s in states] == [False, True]
    assert states[0].since is not None and states[0].reason


def test_a_bulk_burst_is_one_reload_and_payloads_stay_small(seats, pg_small_url):
    (a, _la, heard_a), (_b, lb, heard_b) = seats
    with psycopg.connect(pg_small_url, autocommit=True) as spy:
        spy.execute(f"LISTEN {CHANNEL}")
        with a.transaction():  # a bulk import: one change naming 120,000 cases
            a.stage_change(Change("case", range(1, 120_001), "case.import", "importer", T0))
        with a.transaction():  # and many small ones at once
            for i in range(12):
                a.stage_change(Change("case", (i + 1,), "case.dispatch", "dispatcher", T0))
        payloads = [n.payload for n in spy.notifies(timeout=5.0, stop_after=2)]
    assert len(payloads) == 2 and all(len(p.encode()) < 8000 and p.isdigit() for p in payloads)
    head = a.scalar("SELECT max(seq) FROM change_log")
    _wait(lambda: lb.last_seen == head, what="seat B at the head of the log")
    # the import is never read id by id: one reload marker stands for it (and for the
    # small ones if they were already committed when B read the log)
    (marker,) = [c for c in heard_b.changes if c.entity == "district"]
    assert marker.action == RELOAD_ACTION and marker.ids == () and lb.reload_markers == 1
    assert not heard_b.of("case.import")
    dispatched = [int(s) for (s,) in a.rows(
        "SELECT seq FROM change_log WHERE action = 'case.dispatch' ORDER BY seq")]
    assert [c.seq for c in heard_b.of("case.dispatch")] == [s for s in dispatched
                                                            if s > marker.seq]
    assert lb.batches <= 2
    assert heard_a.of("case.import")[0].seq is None  # A's own: published once, locally


def test_a_backlog_over_the_limit_is_one_reload_marker(seats):
    (a, _la, _), (b, lb, heard_b) = seats
    assert lb.close()
    with a.transaction():
        for i in range(30):
            a.stage_change(Change("case", (i + 1,), "case.dispatch", "dispatcher", T0))
    back = ChangeListener(b.target, b.changes, origin=b.origin, after_seq=lb.last_seen,
                          reload_rows=20).start()
    try:
        heard_b.wait(lambda cs: len(cs) >= 1)
        _wait(lambda: back.last_seen == a.scalar("SELECT max(seq) FROM change_log"))
        assert [(c.entity, c.action) for c in heard_b.changes] == [("district", RELOAD_ACTION)]
        assert back.reload_markers == 1
    finally:
        assert back.close()


# -- a commit whose connection dies ---------------------------------------------------------
def _kill_at_commit(store, admin, *, after: bool) -> None:
    """The next COMMIT on ``store``'s connection loses its server: before the COMMIT
    reaches it (``after=False``) or once it has committed, before the caller hears."""
    conn = store._conn
    pid = conn.info.backend_pid
    execute = conn.execute

    def terminate():
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        _wait(lambda: not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                        [pid]).fetchall(), what="backend gone")

    def dying(sql, params=None, **kw):
        if sql != "COMMIT":
            return execute(sql, params, **kw)
        if after:
            execute(sql)
            terminate()
            return execute("SELECT 1")  # the reply that never comes: the connection is gone
        terminate()
        return execute(sql)

    conn.execute = dying


@pytest.mark.parametrize("after", [False, True], ids=["killed_before_commit", "killed_after_commit"])
def test_a_commit_whose_connection_dies_is_reported_as_it_was(seats, pg_small_url, after):
    (a, _la, heard_a), (_b, _lb, heard_b) = seats
    before = a.scalar("SELECT count(*) FROM whistles"), a.scalar("SELECT coalesce(max(seq), 0) FROM change_log")
    with psycopg.connect(pg_small_url, autocommit=True) as admin:
        _kill_at_commit(a, admin, after=after)
        if after:
            wid = _blow(a, "提交后断线")  # done: no error, and there once
        else:
            with pytest.raises(StoreDisconnected, match="未执行"):
                _blow(a, "提交前断线")
    n, head = a.scalar("SELECT count(*) FROM whistles"), a.scalar("SELECT coalesce(max(seq), 0) FROM change_log")
    if after:
        assert n == before[0] + 1 and head == before[1] + 1
        assert a.scalar("SELECT count(*) FROM whistles WHERE id = ? AND title = '提交后断线'",
                        [wid]) == 1
        heard_b.wait(lambda cs: any(c.action == "whistle.blow" for c in cs))
        assert [c.ids for c in heard_a.of("whistle.blow")] == [(wid,)]
    else:
        assert (n, head) == before  # nothing half-written
        assert not heard_a.changes
    # the seat goes on: the next action works on a new connection; B heard each blow once
    wid2 = _blow(a, "恢复后")
    heard_b.wait(lambda cs: any(c.ids == (wid2,) for c in cs))
    assert len(heard_b.of("whistle.blow")) == (2 if after else 1)


# -- five seats through a server restart (a cluster of this module's own) -------------------
@pytest.fixture(scope="module")
def own_server(small_db_path):
    """A server only these tests restart (the session's cluster serves everyone else)."""
    from app.store.pg_copy import copy_district
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    url = cluster.create_db("seats")
    with open_store(url, create=True) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    yield cluster, url
    cluster.destroy()


def test_five_seats_survive_a_server_restart_with_nothing_lost_or_doubled(own_server):
    from app.store import StoreError

    cluster, url = own_server
    seats = []
    for _ in range(5):
        store = open_store(url)
        listener = start_listener(store)
        came_back: list[float] = []
        listener.observe(lambda s, t=came_back: t.append(time.monotonic()) if s.online else None)
        seats.append((store, listener, Heard(store.changes), came_back))
    writer = seats[0][0]
    committed, not_done = [], []
    stop = threading.Event()

    def write() -> None:  # seat 0 acts every 20 ms through the restart
        k = 0
        while not stop.is_set():
            k += 1
            try:
                writer.stage_change(Change("case", (k,), "test.mark", "tester", T0))
                committed.append(k)
            except StoreError:  # StoreDisconnected: reported as not done
                not_done.append(k)
            stop.wait(0.02)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        _wait(lambda: len(committed) >= 10, what="writes before the restart")
        cluster.restart()
        up = time.monotonic()
        n = len(committed)
        _wait(lambda: len(committed) >= n + 10, what="writes after the restart")
    finally:
        stop.set()
        thread.join(10)
    try:
        assert not_done, "the restart went unnoticed: the test did not test it"
        for i, (_store, listener, heard, came_back) in enumerate(seats):
            _wait(lambda li=listener: li.online, what=f"seat {i} online")
            assert came_back and came_back[-1] - up <= 10.0, f"seat {i} back after > 10 s"
            want = committed if i else []
            heard.wait(lambda cs, w=want: sum(c.action == "test.mark" for c in cs
                                              if c.seq is not None) >= len(w))
            from_server = [c.ids[0] for c in heard.of("test.mark") if c.seq is not None]
            assert from_server == want  # every committed change once, in order, none other
            assert listener.connects == 2
        local = [c.ids[0] for c in seats[0][2].of("test.mark")]
        assert local == committed  # the writer heard its own once (locally)
        logged = [int(r[0]) for r in writer.rows(
            "SELECT ids[1] FROM change_log WHERE action = 'test.mark' ORDER BY seq")]
        assert logged == committed  # what was reported not done is not there
    finally:
        for store, listener, _, _ in seats:
            assert listener.close()
            store.close()


def _stop_server_at_commit(store, cluster, then) -> None:
    """The next COMMIT on ``store``'s connection commits, then the server stops before
    the caller hears (the lookup of the outcome finds no server at first); ``then()``
    runs once it is down."""
    conn = store._conn
    execute = conn.execute

    def dying(sql, params=None, **kw):
        if sql != "COMMIT":
            return execute(sql, params, **kw)
        execute(sql)
        cluster.stop()
        then()
        return execute("SELECT 1")

    conn.execute = dying


@pytest.mark.parametrize("down_s", [1.0, None], ids=["server_back_soon", "server_stays_down"])
def test_a_commit_lost_while_the_server_goes_down_is_looked_up_not_guessed(own_server,
                                                                          monkeypatch, down_s):
    from app.store import pg_store

    cluster, url = own_server
    monkeypatch.setattr(pg_store, "COMMIT_LOOKUP_S", 2.0 if down_s is None else 10.0)
    store = open_store(url)
    mark = int(time.time() * 1000)
    back = threading.Timer(down_s, cluster.start) if down_s is not None else None
    try:
        _stop_server_at_commit(store, cluster, back.start if back is not None else lambda: None)
        if back is not None:
            store.stage_change(Change("case", (mark,), "test.lost_commit", "tester", T0))
        else:  # the outcome cannot be known yet: said so, not called "not done"
            with pytest.raises(StoreDisconnected, match="无法确认"):
                store.stage_change(Change("case", (mark,), "test.lost_commit", "tester", T0))
    finally:
        if back is not None and back.is_alive():
            back.join()
        elif back is None:
            cluster.start()
        store.close()
    with open_store(url) as check:  # it had committed: there, once
        assert check.scalar("SELECT count(*) FROM change_log WHERE action = 'test.lost_commit' "
                            "AND ids[1] = ?", [mark]) == 1


def test_a_batch_naming_more_cases_than_a_query_takes_is_read_as_a_whole(pg_small_url):
    """Changes piled up (a bulk import read by id, a failed read kept) may name more ids
    than PostgreSQL takes as parameters: the follower reads everything once instead."""
    from app.live.district_state import READ_BY_ID_MAX, DistrictState, fetch
    from app.map.layers import district_frame, empty_cases, load_cases

    with open_store(pg_small_url) as store:
        frame = district_frame(store)
        ids = range(1, 70_001)  # > 65,535 parameters
        assert len(ids) > READ_BY_ID_MAX
        changes = [Change("case", ids[i:i + 10_000], "case.import", "importer", T0)
                   for i in range(0, len(ids), 10_000)]
        r = fetch(store, frame, changes, T0)
        assert r.full and r.kinds
        assert sorted(r.cases.ids.tolist()) == sorted(load_cases(store, frame, T0).ids.tolist())
        assert set(r.whistles) == {int(i) for (i,) in store.rows("SELECT id FROM whistles")}
        after = DistrictState.initial(empty_cases(T0)).updated(r)
        assert after.cases is r.cases and set(after.whistles) == set(r.whistles)


def test_a_listener_stops_promptly_even_while_the_server_is_gone(own_server):
    cluster, url = own_server
    store = open_store(url)
    listener = start_listener(store)
    went = threading.Event()
    listener.observe(lambda s: went.set() if not s.online else None)
    cluster.stop()
    try:
        assert went.wait(WAIT_S) and not listener.online
        assert listener.state.since is not None and listener.state.reason
        t0 = time.monotonic()
        assert listener.close()  # waiting out its back-off, or connecting: bounded
        assert time.monotonic() - t0 < 1.0
    finally:
        cluster.start()
        store.close()
