"""Several threads acting on one database at once, each through a cursor of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


def on_cursors(store, work: Callable[[Any, Any], Any], args: Sequence[Any], *,
               expected: type[BaseException] | tuple[type[BaseException], ...] = (),
               timeout: float = 60.0) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(cursor, arg)`` for every arg in its own thread, each on a cursor of its
    own, all released together (a barrier); returns (results, the ``expected`` exceptions
    raised).  Any other exception fails the caller; so does a thread still running after
    ``timeout`` seconds."""
    start = threading.Barrier(len(args), timeout=timeout)
    results, refused, errors = [], [], []

    def run(arg) -> None:
        cursor = store.cursor()
        try:
            start.wait()
            results.append(work(cursor, arg))
        except expected as exc:
            refused.append(exc)
        except BaseException as exc:  # reported to the caller below
            errors.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return results, refused
