"""Writing checked cases (历史案件入库): one transaction, built column by column.

The cases and their ``case_transitions`` (one row per loop step that happened, the
workflow's actions and statuses) are built as arrays from :class:`CaseRows` — no
Python object per step — and written with two bulk inserts, the audit record and
the change, under the store's write lock for that transaction only.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.appraisal.import_rows import NO_TIME, STEP_COLUMNS, STEPS, CaseRows

_ACTIONS = [s[1] for s in STEPS] + ["void"]
_TO = [s[3] for s in STEPS] + ["voided"]
_VOID = len(STEPS)


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
    """Write ``rows`` (checked and placed: ``grid_ids`` the grid row of each); (cases,
    steps, first id).  CodesTaken, and nothing written, when a code was taken meanwhile."""
    from app.audit import append as audit
    from app.changes import Change

    n = len(rows)
    codes = rows.code.arrow()
    with store.transaction():
        taken = pa.array(store.columns("SELECT code FROM cases")["code"], pa.string())
        clash = np.flatnonzero(pc.is_in(codes, value_set=taken).to_numpy(zero_copy_only=False))
        if len(clash):
            raise CodesTaken(clash.tolist(), {int(i): codes[int(i)].as_py() for i in clash[:1000]})
        ids = _new_ids(store, n)
        steps, status = _steps(rows, ids, username)
        satisfaction = rows.numbers("satisfaction")
        store.bulk_insert("cases", {
            "id": ids, "code": codes, "category_code": rows.category_codes(),
            "source": rows.source_names(), "status": _words(status, _TO),
            "description": rows.descriptions(),
            "lon": rows.numbers("lon"), "lat": rows.numbers("lat"),
            "grid_id": grid_ids, "department_id": rows.numbers("department"),
            **{c: _times(rows.time_array(c)) for c in ("reported_at", *STEP_COLUMNS,
                                                       "deadline_at")},
            "rework_count": np.zeros(n, np.int8),
            "satisfaction": pa.array(satisfaction, mask=satisfaction == 0),
        })
        m = store.bulk_insert("case_transitions", steps)
        del steps
        audit(store, at=at, username=username, role=role, action="case.import", entity="case",
              entity_id=f"{codes[0].as_py()}…{codes[-1].as_py()}",
              after={"file": file_name, "cases": n, "transitions": m})
        store.stage_change(Change("case", tuple(ids.tolist()), "case.import", username, at))
    return n, m, int(ids[0])


def _steps(rows: CaseRows, ids: np.ndarray, username: str) -> tuple[dict, np.ndarray]:
    """The ``case_transitions`` columns (built a step at a time: one column of times
    in memory at once) and each case's status (an index into _TO) after its steps."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("case_id", "seq", "step", "from", "at")}
    done = np.zeros(len(rows), np.int64)  # steps so far: accept always, no gaps (checked)
    for k, col in enumerate(STEP_COLUMNS):
        t = rows.time_array(col)
        has = np.flatnonzero(t != NO_TIME)
        done[has] += 1
        _add(parts, ids[has], seq=k + 1, step=k, before=k - 1, at=t[has])
    voided = rows.time_array("voided_at")
    void = np.flatnonzero(voided != NO_TIME)
    _add(parts, ids[void], seq=done[void] + 1, step=_VOID, before=done[void] - 1,
         at=voided[void])
    status = done - 1
    status[void] = _VOID
    columns = {k: np.concatenate(v) for k, v in parts.items()}
    m = len(columns["case_id"])
    return {
        "case_id": columns["case_id"],
        "seq": columns["seq"],
        "action": _words(columns["step"], _ACTIONS),
        "from_status": _words(columns["from"], _TO),  # accept: none (-1)
        "to_status": _words(columns["step"], _TO),
        "occurred_at": _times(columns["at"]),
        "actor_role": _words(np.zeros(m), ["import"]),
        "note": _words(np.zeros(m), ["历史导入"]),
        "actor_name": _words(np.zeros(m), [username]),
    }, status


def _add(parts, case_ids: np.ndarray, *, seq, step: int, before, at: np.ndarray) -> None:
    shape = case_ids.shape
    parts["case_id"].append(case_ids)
    parts["seq"].append(np.broadcast_to(np.asarray(seq, np.int16), shape))
    parts["step"].append(np.full(shape, step, np.int8))
    parts["from"].append(np.broadcast_to(np.asarray(before, np.int8), shape))
    parts["at"].append(at)
