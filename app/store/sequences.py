"""Ids and numbers that stay unique with several writers (编号).

* Row ids of cases, whistles and users come from database sequences:
  :func:`next_id` is ``SELECT nextval('case_id')``, the same SQL in DuckDB and in
  PostgreSQL.  Two writers never get the same id; a rolled-back transaction only
  leaves a gap.  The sequences are created by schema migration 5, each starting after
  the table's largest id (an old file keeps its ids); rows written with explicit ids
  (the demo generator's bulk load) move their sequence on (``DuckDBStore.bulk_insert``).
* The daily number of a case code (AJyyyymmdd + 5 digits + W) comes from
  ``daily_numbers``: one row per (kind, day), bumped by an upsert inside the writing
  transaction.  That row is the lock: PostgreSQL holds a row lock until commit; in
  DuckDB the store orders writers (see ``DuckDBStore.transaction``) and a concurrent
  bump would be a conflict, never a duplicate.

Step numbers of a case or whistle timeline stay ``max(seq) + 1``: see
app/workflow/cases.py.
"""

from __future__ import annotations

from datetime import date

from app.store.repository import DistrictRepository

#: sequence name -> (table, id column) whose ids it hands out
ID_SEQUENCES: dict[str, tuple[str, str]] = {
    "case_id": ("cases", "id"),
    "whistle_id": ("whistles", "id"),
    "user_id": ("users", "id"),
}
#: table -> the sequence of its ids
TABLE_SEQUENCES = {table: name for name, (table, _) in ID_SEQUENCES.items()}


def next_id(store: DistrictRepository, name: str) -> int:
    """The next id from sequence ``name`` (one of :data:`ID_SEQUENCES`)."""
    _known(name)
    return int(store.scalar(f"SELECT nextval('{name}')"))


def next_ids(store: DistrictRepository, name: str, n: int) -> list[int]:
    """``n`` new ids from sequence ``name``, ascending."""
    _known(name)
    if n <= 0:
        return []
    rows = store.rows(f"SELECT nextval('{name}') AS i FROM generate_series(1, ?) ORDER BY i",
                      [int(n)])
    return [int(r[0]) for r in rows]


def next_daily_number(store: DistrictRepository, kind: str, day: date) -> int:
    """The next number of ``kind`` (e.g. ``case``) on ``day``: 1, 2, 3 … per day.
    Call it inside the writing transaction (the number is taken only if it commits)."""
    return int(store.rows(
        "INSERT INTO daily_numbers (kind, day, last) VALUES (?, ?, 1) "
        "ON CONFLICT (kind, day) DO UPDATE SET last = daily_numbers.last + 1 RETURNING last",
        [kind, day])[0][0])


def create_sequences(store: DistrictRepository) -> None:
    """Migration step: the id sequences, each starting after its table's largest id,
    and the daily numbers of the case codes already given out."""
    for name, (table, col) in ID_SEQUENCES.items():
        start = int(store.scalar(f"SELECT coalesce(max({col}), 0) + 1 FROM {table}"))
        store.rows(f"CREATE SEQUENCE {name} START WITH {start}")
    day = ("to_date(substr(code, 3, 8), 'YYYYMMDD')" if store.dialect == "postgres"
           else "strptime(substr(code, 3, 8), '%Y%m%d')::DATE")
    store.rows(
        f"INSERT INTO daily_numbers (kind, day, last) "
        f"SELECT 'case', {day}, max(CAST(substr(code, 11, 5) AS INTEGER)) FROM cases "
        f"WHERE regexp_full_match(code, 'AJ[0-9]{{13}}W') GROUP BY 2")


def _known(name: str) -> None:
    if name not in ID_SEQUENCES:
        raise ValueError(f"unknown id sequence {name!r}")
