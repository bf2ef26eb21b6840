"""The per-case facts table the indicators count over (pre-aggregation, exact).

Each case becomes one narrow row of :data:`app.appraisal.definitions.CASE_FACTS`
(the date of each loop step, on-time/rework/return flags, working hours to close)
plus its grid, community, street, department and reporter.  Counting over it gives
exactly the same numbers as counting over ``cases`` (tests check this), only faster.

* DuckDB (one seat): a temporary table of the store's connection, built on first use
  (≈0.3 s for a million cases) and rebuilt whenever the case data change: every change
  of a case through the workflow or an import adds rows to ``cases`` or
  ``case_transitions``, so their row counts are the fingerprint.
* PostgreSQL (many seats): one real table on the server shared by every seat, kept
  current incrementally by triggers and a refresh per change batch
  (app/appraisal/server_facts.py); inside a transaction, or for a role that cannot set
  it up, the facts are a subquery.
"""

from __future__ import annotations

from app.appraisal.definitions import CASE_FACTS
from app.appraisal.sql import GRID_MAP, RETURNED, ensure_workdays, work_hours_sql

TABLE = "temp.appraisal_case_facts"
_ATTR = "_appraisal_facts_fingerprint"
_SPAN = "_appraisal_facts_span"


def _fingerprint(store) -> tuple[int, int]:
    return (int(store.scalar("SELECT count(*) FROM cases")),
            int(store.scalar("SELECT count(*) FROM case_transitions")))


def facts_sql(workdays: str = "temp.appraisal_workdays", returned: str = RETURNED) -> str:
    """SELECT building the facts of every case (``returned``: the ids of the cases ever
    returned, or a subset of them that covers the cases selected)."""
    exprs = []
    for name, (sql, _) in CASE_FACTS.items():
        if sql == "@work_hours":
            sql = work_hours_sql("c.accepted_at", "c.closed_at", "wa", "wc")
        exprs.append(f"{sql} AS {name}")
    return (f"SELECT c.id, c.grid_id, gm.community_id, gm.street_id, c.department_id, "
            f"c.reporter_worker_id, {', '.join(exprs)} "
            f"FROM cases c LEFT JOIN {GRID_MAP} gm ON gm.grid_id = c.grid_id "
            f"LEFT JOIN {returned} ret ON ret.case_id = c.id "
            f"LEFT JOIN {workdays} wa ON wa.day = CAST(c.accepted_at AS DATE) "
            f"LEFT JOIN {workdays} wc ON wc.day = CAST(c.closed_at AS DATE)")


def ensure_facts(store) -> str:
    """The facts table's name (or a subquery), (re)built if the cases changed since it
    was made."""
    if store.dialect == "postgres":
        return _server_facts(store)
    fp = _fingerprint(store)
    if getattr(store, _ATTR, None) == fp:
        return TABLE
    store.rows(f"CREATE OR REPLACE TEMP TABLE appraisal_case_facts AS "
               f"{facts_sql(ensure_workdays(store))}")
    dates = [n for n in CASE_FACTS if n.startswith("d_")]
    lo, hi = store.rows(f"SELECT least({', '.join(f'min({d})' for d in dates)}), "
                        f"greatest({', '.join(f'max({d})' for d in dates)}) FROM {TABLE}")[0]
    try:
        setattr(store, _ATTR, fp)
        setattr(store, _SPAN, (lo, hi))
    except AttributeError:  # a store that takes no attributes: rebuild each time
        pass
    return TABLE


def _server_facts(store) -> str:
    from app.appraisal.server_facts import server_facts

    shared = server_facts(store, facts_sql)
    if shared is not None:
        table, span = shared
        _set(store, _SPAN, span)
        return table
    from app.appraisal.server_facts import WORKDAYS

    shared_days = store.scalar(f"SELECT to_regclass('public.{WORKDAYS}') IS NOT NULL")
    inline = f"({facts_sql(WORKDAYS if shared_days else ensure_workdays(store))})"
    dates = [n for n in CASE_FACTS if n.startswith("d_")]
    span = store.rows(f"SELECT least({', '.join(f'min({d})' for d in dates)}), "
                      f"greatest({', '.join(f'max({d})' for d in dates)}) FROM {inline} f")[0]
    _set(store, _SPAN, tuple(span))
    return inline


def _set(store, attr: str, value) -> None:
    try:
        setattr(store, attr, value)
    except AttributeError:
        pass


def facts_span(store):
    """(first, last) date of any loop step in the facts (None, None when there are no
    cases): a period outside it counts nothing, without a query."""
    ensure_facts(store)
    return getattr(store, _SPAN, (None, None))
