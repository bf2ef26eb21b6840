"""The change feed (变更流): what was committed, told to whoever follows the district.

Every committed write publishes :class:`Change` records *after* its transaction
commits (never before, never for a rolled-back one): the store collects them with
:meth:`ChangeFeed.stage` while the transaction runs and hands them to
:meth:`ChangeFeed.publish` once COMMIT returned.  Views (the UI's district model, a
seat's listener) subscribe and reload only the ids named.

Changes carry ids, not rows: the same record can come from this process, or, with a
shared server, from another seat (``origin`` says which, ``seq`` numbers the change
log there), so a follower always reads the current state from the store.

Qt-free: subscribers are called on the thread that committed; a UI marshals them to
its own thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

log = logging.getLogger(__name__)

#: entities a change can name (the tables the live views follow)
ENTITIES = ("case", "whistle", "gps_fix", "user", "camera", "district")


@dataclass(frozen=True)
class Change:
    """One committed change: ``entity`` and the ``ids`` it touched.

    ``action`` is the workflow action (``case.dispatch``, ``whistle.report_in``,
    ``case.import`` …); ``actor`` the user name; ``at`` the district time it happened.
    """

    entity: str
    ids: tuple[int, ...]
    action: str
    actor: str
    at: datetime
    #: number in the server's change log (None for a change made in this process)
    seq: int | None = None
    origin: str = field(default="local", compare=False)

    def __post_init__(self) -> None:
        if self.entity not in ENTITIES:
            raise ValueError(f"unknown change entity {self.entity!r}")
        object.__setattr__(self, "ids", tuple(int(i) for i in self.ids))


Subscriber = Callable[[list[Change]], None]


class ChangeFeed:
    """A thread-safe publisher of committed changes (see the module doc).

    Subscribers get lists of changes (one list per committed transaction or per
    batch that arrived from outside); an exception in one subscriber is logged and
    does not keep the others from hearing about the change.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []
        self.published = 0  # changes published so far (for tests and the bench)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(changes)`` after every commit; returns the unsubscribe."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, changes: Iterable[Change]) -> None:
        """Tell every subscriber about ``changes`` (already committed)."""
        batch = list(changes)
        if not batch:
            return
        with self._lock:
            subscribers = list(self._subscribers)
            self.published += len(batch)
        for cb in subscribers:
            try:
                cb(batch)
            except Exception:  # a broken view must not break the write that succeeded
                log.exception("change subscriber failed")
