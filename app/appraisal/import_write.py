"""Writing checked cases (历史案件入库): one transaction, written a slice at a time.

The cases and their ``case_transitions`` (one row per loop step that happened, the
workflow's actions and statuses) are built as arrays from :class:`CaseRows` — no
Python object per step — and inserted in slices of :data:`SLICE` cases (the steps:
one loop step at a time), each slice's columns built just before its insert: a whole
file's columns at once would double the memory the cases already take.  The audit
record and the change go in the same transaction, under the store's write lock for
that transaction only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import numpy as np
import pyarrow as pa

from app.appraisal.import_rows import NO_TIME, STEP_COLUMNS, STEPS, CaseRows, codes_taken

_ACTIONS = [s[1] for s in STEPS] + ["void"]
_TO = [s[3] for s in STEPS] + ["voided"]
_VOID = len(STEPS)
#: cases (or steps) a single insert writes
SLICE = 1 << 16


class CodesTaken(Exception):
    """Cases with these codes were written by someone else since the file was checked
    (``rows``: the rows of the import; ``codes``: row: code)."""

    def __init__(self, rows: list[int], codes: dict[int, str]):
        super().__init__(rows)
        self.rows = rows
        self.codes = codes


def _words(indices: np.ndarray, words: list[str]) -> pa.Array:
    """``words[i]`` for each index (null where negative), as a dictionary-encoded column."""
    indices = np.asarray(indices, dtype=np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(indices, mask=indices < 0), pa.array(words))


def _times(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values)
    return pa.array(values, type=pa.timestamp("us"), mask=values == NO_TIME)


def _new_ids(store, n: int) -> np.ndarray:
    """``n`` new case ids, ascending (app.store.sequences.next_ids, as one array: a
    list of a million Python ints would cost more than the cases themselves)."""
    return store.columns("SELECT nextval('case_id') AS i FROM generate_series(1, ?) "
                         "ORDER BY i", [int(n)])["i"].astype(np.int64)


def write_cases(store, rows: CaseRows, *, grid_ids: np.ndarray, username: str, role: str,
                at: datetime, file_name: str) -> tuple[int, int, int]:
    """Write ``rows`` (checked and placed: ``grid_ids`` the grid row of each), emptied
    once written; (cases, steps, first id).  CodesTaken, and nothing written (``rows``
    kept), when a code was taken meanwhile."""
    from app.audit import append as audit
    from app.changes import Change

    n = len(rows)
    codes = rows.code.arrow()
    with _lean_writes(store), store.transaction():
        clash = codes_taken(store, codes)
        if len(clash):
            raise CodesTaken(clash.tolist(), {int(i): codes[int(i)].as_py() for i in clash[:1000]})
        ids = _new_ids(store, n)
        done, void = _steps_done(rows)
        status = done - 1
        status[void] = _VOID
        for lo in range(0, n, SLICE):
            store.bulk_insert("cases", _cases(rows, codes, ids, status, grid_ids,
                                              slice(lo, lo + SLICE)))
        span = f"{codes[0].as_py()}…{codes[-1].as_py()}"
        del codes
        rows.drop_texts()  # written: the steps need only the times
        m = 0
        for steps in _steps(rows, ids, done, void, username):
            m += store.bulk_insert("case_transitions", steps)
        rows.drop()
        audit(store, at=at, username=username, role=role, action="case.import", entity="case",
              entity_id=span, after={"file": file_name, "cases": n, "transitions": m})
        store.stage_change(Change("case", tuple(ids.tolist()), "case.import", username, at))
    return n, m, int(ids[0])


#: DuckDB's settings while an import writes: one thread and small row-group buffers
#: (two threads, each buffering up to a fifth of the memory limit, cost ~50 MB more at
#: 150,000 cases and gain nothing on a busy desktop), and no checkpoint at the commit
#: (it would rewrite the tables while the import's arrays are still held: ~30 MB
#: more); the WAL keeps the commit durable and the next checkpoint (at the latest,
#: closing the store) folds it in.  GridCC sets none of them elsewhere: afterwards the
#: thread count is put back and the others reset to DuckDB's defaults (a value read
#: back is rounded, "1.2 GiB").
_LEAN_WRITES = {"threads": "1", "write_buffer_row_group_memory_limit": "8MB",
                "checkpoint_threshold": "1GB"}


@contextmanager
def _lean_writes(store):
    """:data:`_LEAN_WRITES` for the block (DuckDB only), the settings restored after."""
    if store.dialect != "duckdb":
        yield
        return
    threads = int(store.scalar("SELECT current_setting('threads')"))
    for k, v in _LEAN_WRITES.items():
        store.rows(f"SET {k} = '{v}'")
    try:
        yield
    finally:
        store.rows(f"SET threads = {threads}")
        for k in _LEAN_WRITES.keys() - {"threads"}:
            store.rows(f"RESET {k}")


def _cases(rows: CaseRows, codes: pa.Array, ids: np.ndarray, status: np.ndarray,
           grid_ids: np.ndarray, part: slice) -> dict:
    """The ``cases`` columns of the rows in ``part``."""
    lo, hi = part.indices(len(rows))[:2]
    satisfaction = rows.numbers("satisfaction")[part]
    return {
        "id": ids[part], "code": codes.slice(lo, hi - lo),
        "category_code": rows.category_codes(part), "source": rows.source_names(part),
        "status": _words(status[part], _TO), "description": rows.descriptions(part),
        "lon": rows.numbers("lon")[part], "lat": rows.numbers("lat")[part],
        "grid_id": grid_ids[part], "department_id": rows.numbers("department")[part],
        **{c: _times(rows.time_array(c)[part]) for c in ("reported_at", *STEP_COLUMNS,
                                                          "deadline_at")},
        "rework_count": np.zeros(hi - lo, np.int8),
        "satisfaction": pa.array(satisfaction, mask=satisfaction == 0),
    }


def _steps_done(rows: CaseRows) -> tuple[np.ndarray, np.ndarray]:
    """How many loop steps each case went through (accept always, no gaps: checked),
    and the rows of the voided cases."""
    done = np.zeros(len(rows), np.int64)
    for col in STEP_COLUMNS:
        done += rows.time_array(col) != NO_TIME
    return done, np.flatnonzero(rows.time_array("voided_at") != NO_TIME)


def _steps(rows: CaseRows, ids: np.ndarray, done: np.ndarray, void: np.ndarray,
           username: str) -> Iterator[dict]:
    """The ``case_transitions`` columns, a loop step (and a slice of cases) at a time:
    every case's k-th step, ..., then the voids."""
    for k, col in enumerate(STEP_COLUMNS):
        t = rows.time_array(col)
        has = np.flatnonzero(t != NO_TIME)
        for lo in range(0, len(has), SLICE):
            part = has[lo:lo + SLICE]
            yield _step_columns(ids[part], seq=k + 1, step=k, before=k - 1, at=t[part],
                                username=username)
    voided = rows.time_array("voided_at")
    for lo in range(0, len(void), SLICE):
        part = void[lo:lo + SLICE]
        yield _step_columns(ids[part], seq=done[part] + 1, step=_VOID, before=done[part] - 1,
                            at=voided[part], username=username)


def _step_columns(case_ids: np.ndarray, *, seq, step: int, before, at: np.ndarray,
                  username: str) -> dict:
    m = len(case_ids)
    return {
        "case_id": case_ids,
        "seq": np.broadcast_to(np.asarray(seq, np.int16), (m,)),
        "action": _words(np.full(m, step), _ACTIONS),
        "from_status": _words(np.broadcast_to(before, (m,)), _TO),  # accept: none (-1)
        "to_status": _words(np.full(m, step), _TO),
        "occurred_at": _times(at),
        "actor_role": _words(np.zeros(m), ["import"]),
        "note": _words(np.zeros(m), ["历史导入"]),
        "actor_name": _words(np.zeros(m), [username]),
    }
