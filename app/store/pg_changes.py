"""A seat's ear on the server (变更监听): one listening connection per seat, the changes
other seats committed published on this seat's :class:`~app.changes.ChangeFeed`.

Every write on the server adds numbered rows to ``change_log`` and a ``NOTIFY`` on
:data:`~app.store.pg_store.CHANNEL` at commit (app/store/pg_store.py).  The NOTIFY only
wakes the listener (its payload is a number, far under 8,000 bytes); what changed is
read from ``change_log WHERE seq > last_seen`` in pages, so a seat that was away
(server restarted, network lost) catches up everything it missed, in order, once:
``last_seen`` moves only after a page has been published.  A NOTIFY lost in between
costs nothing but latency: the log is read again every :data:`SAFETY_S` anyway.

Writers on the server are serialised by an advisory lock held until their commit is
visible, so ``seq`` grows in commit order and nothing can appear behind ``last_seen``.

Rows written by this seat's own store (``origin``) were already published locally after
their commit: they are skipped (``last_seen`` still moves past them).  A backlog too big
to name row by row (a bulk import, a long absence: more than :data:`RELOAD_ROWS` rows or
:data:`RELOAD_IDS` ids) is published as one ``Change("district", (), RELOAD_ACTION …)``:
followers reload everything once instead of reading every id.

The connection's state (:class:`ListenerState`: online, or offline since when and why)
is told to observers on the listener's thread; a lost connection is retried with
back-off (0.5 s doubling to 10 s).  Qt-free: the UI marshals to its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg

from app.changes import ENTITIES, Change, ChangeFeed
from app.store.pg_store import CHANNEL, ORIGIN
from app.store.target import DbTarget, parse_db

log = logging.getLogger(__name__)

#: read the change log at least this often even without a NOTIFY (a safety net)
SAFETY_S = 5.0
#: how long one wait for a NOTIFY lasts (and so the longest :meth:`close` waits for it)
WAIT_SLICE_S = 0.2
#: rows per read of the change log (one published batch each)
PAGE_ROWS = 1_000
#: a backlog over this many rows, or ids, is published as one reload marker
RELOAD_ROWS, RELOAD_IDS = 10_000, 50_000
#: the reload marker's action (entity "district", no ids)
RELOAD_ACTION = "district.reload"
#: back-off after a lost connection: first wait, doubling up to the last
BACKOFF_START_S, BACKOFF_MAX_S = 0.5, 10.0
CONNECT_TIMEOUT_S = 3
#: the longest close() waits for the thread (a connect under way is bounded by this too)
CLOSE_TIMEOUT_S = CONNECT_TIMEOUT_S + 2.0


@dataclass(frozen=True)
class ListenerState:
    """Whether the seat hears the server: ``online``, or offline ``since`` (local time,
    time zone aware) with the ``reason`` (the error's first line)."""

    online: bool
    since: datetime | None = None
    reason: str = ""


StateObserver = Callable[[ListenerState], None]
_NOT_YET = "尚未连接"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ChangeListener:
    """One seat's listening connection and its thread (see the module doc).

    ``after_seq``: publish changes after this change-log number (default: the newest
    when the listener first connects).  ``origin``: the seat's own rows, skipped.
    """

    def __init__(self, target: DbTarget | str, feed: ChangeFeed, *, origin: str = ORIGIN,
                 after_seq: int | None = None, safety_s: float = SAFETY_S,
                 page_rows: int = PAGE_ROWS, reload_rows: int = RELOAD_ROWS,
                 reload_ids: int = RELOAD_IDS) -> None:
        self.target = parse_db(target)
        self.feed = feed
        self.origin = origin
        self.safety_s, self.page_rows = safety_s, page_rows
        self.reload_rows, self.reload_ids = reload_rows, reload_ids
        #: the last change-log number read (and published, unless it was our own)
        self.last_seen: int | None = after_seq
        self._state = ListenerState(False, None, _NOT_YET)
        self._observers: list[StateObserver] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._first_try = threading.Event()
        self._conn: psycopg.Connection | None = None
        self._thread: threading.Thread | None = None
        # figures for tests and the bench
        self.batches = 0  # batches published
        self.delivered = 0  # changes published (reload markers included)
        self.reload_markers = 0
        self.connects = 0  # successful connections (1 + reconnections)

    # -- the state ----------------------------------------------------------------------
    @property
    def state(self) -> ListenerState:
        return self._state

    @property
    def online(self) -> bool:
        return self._state.online

    def observe(self, callback: StateObserver) -> Callable[[], None]:
        """Call ``callback(state)`` (on the listener's thread) whenever the connection
        goes or comes back; returns the unsubscribe."""
        with self._lock:
            self._observers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._observers:
                    self._observers.remove(callback)

        return unsubscribe

    def _set_state(self, state: ListenerState) -> None:
        """Keep ``state``; observers hear when the seat goes offline or comes back (not
        of each failed retry meanwhile)."""
        flipped = state.online != self._state.online or self._state.reason == _NOT_YET
        self._state = state
        if not flipped:
            return
        with self._lock:
            observers = list(self._observers)
        for cb in observers:
            try:
                cb(state)
            except Exception:
                log.exception("listener state observer failed")

    # -- running ------------------------------------------------------------------------
    def start(self, wait_s: float = CONNECT_TIMEOUT_S + 1.0) -> ChangeListener:
        """Start the thread; wait (at most ``wait_s``) for its first connection attempt,
        so that :attr:`state` and the start position are known on return."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="gridcc-change-listener",
                                        daemon=True)
        self._thread.start()
        self._first_try.wait(wait_s)
        return self

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Stop listening; True when the thread ended within ``timeout`` seconds."""
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self) -> None:
        backoff = BACKOFF_START_S
        while not self._stop.is_set():
            try:
                self._connect()
                self._catch_up()
                self._set_state(ListenerState(True))
                backoff = BACKOFF_START_S  # (only once really back: no tight loop)
                self._first_try.set()
                self._listen()
            except Exception as exc:  # never let the thread die: retry after a wait
                if not isinstance(exc, psycopg.Error | OSError):
                    log.exception("change listener: unexpected error")
                self._drop()
                if self._stop.is_set():
                    break
                since = self._state.since or datetime.now().astimezone()
                self._set_state(ListenerState(False, since, _first_line(exc)))
                self._first_try.set()
                log.warning("change listener: server lost (%s); retrying in %.1f s",
                            _first_line(exc), backoff)
                if self._stop.wait(backoff):
                    break
                backoff = min(backoff * 2, BACKOFF_MAX_S)
        self._drop()
        self._first_try.set()

    def _connect(self) -> None:
        conn = psycopg.connect(
            self.target.conninfo, autocommit=True, application_name="gridcc-listener",
            connect_timeout=CONNECT_TIMEOUT_S,
            # a peer that vanished without closing (network lost) is noticed in ~10 s
            keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            tcp_user_timeout=10_000)
        self._conn = conn
        # LISTEN before reading the position: a commit in between is heard, not lost
        conn.execute(f"LISTEN {CHANNEL}")
        if self.last_seen is None:
            self.last_seen = int(conn.execute(
                "SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])
        self.connects += 1

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # a broken connection may complain while closing
                pass

    def _listen(self) -> None:
        """Wait for NOTIFYs in short slices (so that close() is prompt); read the log on
        each wake, and every ``safety_s`` regardless."""
        conn = self._conn
        assert conn is not None
        checked = time.monotonic()
        while not self._stop.is_set():
            woke = False
            for _n in conn.notifies(timeout=WAIT_SLICE_S, stop_after=1):
                woke = True
            if woke or time.monotonic() - checked >= self.safety_s:
                self._catch_up()
                checked = time.monotonic()

    # -- reading the change log --------------------------------------------------------
    def _catch_up(self) -> None:
        """Publish every change after :attr:`last_seen` (other seats' only), in order."""
        conn = self._conn
        assert conn is not None and self.last_seen is not None
        head = int(conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])
        if head <= self.last_seen:
            return
        rows, ids = conn.execute(
            "SELECT count(*), coalesce(sum(cardinality(ids)), 0) FROM change_log "
            "WHERE seq > %s AND seq <= %s AND origin <> %s",
            [self.last_seen, head, self.origin]).fetchone()
        if rows > self.reload_rows or ids > self.reload_ids:
            log.info("change listener: %d changes (%d ids) behind: one reload", rows, ids)
            marker = Change("district", (), RELOAD_ACTION, "system", datetime.now(),
                            seq=head, origin="change_log")
            self._publish([marker])
            self.reload_markers += 1
            self.last_seen = head
            return
        pos = self.last_seen
        while rows and pos < head and not self._stop.is_set():
            page = conn.execute(
                "SELECT seq, entity, ids, action, actor, at, origin FROM change_log "
                "WHERE seq > %s AND seq <= %s AND origin <> %s ORDER BY seq LIMIT %s",
                [pos, head, self.origin, self.page_rows]).fetchall()
            if not page:
                break
            batch = [Change(e, tuple(i), a, who, at, seq=int(s), origin=o)
                     for s, e, i, a, who, at, o in page if e in ENTITIES]
            self._publish(batch)
            pos = int(page[-1][0])
            self.last_seen = pos
        if not self._stop.is_set():
            self.last_seen = head  # what is left are this seat's own rows

    def _publish(self, batch: list[Change]) -> None:
        if batch:
            self.feed.publish(batch)
            self.batches += 1
            self.delivered += len(batch)


def listener_for(store) -> ChangeListener:
    """The (not yet started) listener of a :class:`~app.store.pg_store.PostgresStore`,
    positioned at the change log's head now: what commits from here on is published on
    ``store.changes`` once it is started, even if it starts later (a window takes the
    position before it reads the district and starts listening when it is built)."""
    head = store.scalar("SELECT coalesce(max(seq), 0) FROM change_log")
    return ChangeListener(store.target, store.changes, origin=getattr(store, "origin", ORIGIN),
                          after_seq=int(head))


def start_listener(store) -> ChangeListener:
    """The listener of a :class:`~app.store.pg_store.PostgresStore` (one per seat: per
    process or window, never per panel), started; its changes go to ``store.changes``.
    Close it with :meth:`ChangeListener.close` before closing the store."""
    return listener_for(store).start()
