"""The per-case facts on a PostgreSQL server: one real table shared by every seat,
kept up to date incrementally (DuckDB keeps its per-connection temporary table, see
app/appraisal/facts.py).

How it stays current
--------------------
* Statement triggers on ``cases`` and ``case_transitions`` write the ids of the cases a
  statement touched into ``appraisal_facts_dirty`` (one set-based insert from the
  statement's transition table, in the writer's own transaction: committed with the
  change or not at all).  A change of the grid hierarchy (units added or removed, a
  parent or level changed; not a boundary redrawn) or a TRUNCATE writes NULL: "rebuild
  everything".
* Before counting, a seat looks at ``appraisal_facts_state`` (one row: the facts'
  definition digest, the first and last day of any loop step) and whether any dirty row
  exists — one tiny query.  If there is one it calls ``gridcc_refresh_appraisal_facts()``:
  under a transaction-level advisory lock it claims the dirty rows (``DELETE …
  RETURNING``), deletes and re-inserts the facts of just those cases (all of them for a
  NULL), reading only their steps by index, and widens the span by their rows (a full
  build sets it exactly; a span too wide only costs a query).  So a burst of changes is
  refreshed once, by whichever seat asks first; the others wait for that refresh
  instead of repeating it, and a change committed meanwhile stays dirty for the next
  one.
* Readers of the facts are never blocked: the refresh deletes and inserts rows (MVCC),
  never TRUNCATE or a table swap.  Writers are not blocked either: they only append to
  the dirty table.
* The triggers and the refresh are ``SECURITY DEFINER`` functions of the database's
  owner, so a seat logged in as a user with read rights only still refreshes the shared
  facts.  They hold every case: the appraisal ranks the whole district, so a street
  seat under row-level security counts the same district figures as the command
  centre (it still reads only its own cases).  The tables are created by
  :func:`prepare_server_facts` (``server init``) or the first time the owner counts;
  until then, or inside a transaction, the facts are a subquery over ``cases`` (the
  rows this role may read; slower).
* Patrol days (巡查天数: which worker had fixes on which day) are kept the same way in
  ``appraisal_patrol_days``: each insert of fixes adds its (worker, day) pairs; an
  UPDATE, DELETE or TRUNCATE of fixes (a demo moved to now) rebuilds them in the same
  transaction.  The indicators then read a few thousand pairs, not millions of fixes.
* The digest of the facts' SQL is stored with them: a GridCC whose facts are defined
  differently rebuilds them (as owner) or uses the subquery.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from app.store.errors import StoreError

TABLE = "appraisal_case_facts"
PATROL = "appraisal_patrol_days"
WORKDAYS = "appraisal_workdays"
#: the returned cases among those being refreshed (by the steps' index on case_id)
_RETURNED_CLAIMED = ("(SELECT DISTINCT case_id FROM case_transitions WHERE action = 'return' "
                     "AND case_id = ANY(claimed))")
_SOME = " WHERE c.id = ANY(claimed)"
_STATE_SQL = ("SELECT s.digest, s.lo, s.hi, EXISTS (SELECT 1 FROM appraisal_facts_dirty) "
              "FROM appraisal_facts_state s")
_INSTALLED = "_appraisal_server_facts"  # store attribute: the digest seen installed
_REFUSED = "_appraisal_server_facts_refused"  # store attribute: this role cannot install


@lru_cache(maxsize=8)
def _digest(select: str, some: str) -> str:
    """The facts' definition, as installed: their SQL and the refresh's."""
    text = "\n".join([select, *_function_statements(select, some)])
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _in_transaction(store) -> bool:
    return bool(getattr(store, "_in_tx", False))


def server_facts(store, facts_sql) -> tuple[str, tuple] | None:
    """``(table, (first, last day))`` of the shared facts, refreshed if any case changed;
    None when this seat cannot use them now (inside a transaction, or no rights to set
    them up): the caller then counts over the facts as a subquery."""
    select = facts_sql(WORKDAYS)
    some = facts_sql(WORKDAYS, _RETURNED_CLAIMED) + _SOME
    digest = _digest(select, some)
    if _in_transaction(store) or getattr(store, _REFUSED, False):
        return None
    state = _state(store)
    if state is None or state[0] != digest:
        if not _install(store, select, some, digest):
            return None
        state = _state(store)
    if state[3]:
        store.scalar("SELECT gridcc_refresh_appraisal_facts()")
        state = _state(store)
    return TABLE, (_day(state[1]), _day(state[2]))


def prepare_server_facts(store) -> bool:
    """Set the shared facts up and build them now (``server init``, after a district is
    loaded onto the server), so that no seat pays for the first build; False when this
    role may not (then seats count over a subquery until the owner does)."""
    from app.appraisal.facts import facts_sql

    return server_facts(store, facts_sql) is not None


def shared_patrol_days(store) -> bool:
    """Whether this seat found the shared patrol days set up (by its last look at the
    facts): always current, inside a transaction too (kept by triggers)."""
    from app.appraisal.facts import facts_sql

    installed = getattr(store, _INSTALLED, None)
    return installed is not None and installed == _digest(
        facts_sql(WORKDAYS), facts_sql(WORKDAYS, _RETURNED_CLAIMED) + _SOME)


def _day(v):
    if v is None:
        return None
    if isinstance(v, np.datetime64):
        return v.astype("datetime64[D]").item()
    return v.date() if hasattr(v, "date") else v


def _state(store):
    if getattr(store, _INSTALLED, None) is None and not store.scalar(
            "SELECT to_regclass('public.appraisal_facts_state') IS NOT NULL"):
        return None
    try:
        rows = store.rows(_STATE_SQL)
    except StoreError:
        _remember(store, _INSTALLED, None)
        if not store.scalar("SELECT to_regclass('public.appraisal_facts_state') IS NOT NULL"):
            return None  # dropped since (a district loaded again): set up anew
        raise
    _remember(store, _INSTALLED, rows[0][0] if rows else None)
    return rows[0] if rows else None


def _remember(store, attr: str, value) -> None:
    try:
        setattr(store, attr, value)
    except AttributeError:
        pass


def _can_install(store) -> bool:
    return bool(store.scalar(
        "SELECT has_schema_privilege('public', 'CREATE') AND pg_has_role("
        "(SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'cases'),"
        " 'MEMBER')"))


def _install(store, select: str, some: str, digest: str) -> bool:
    """Create (or re-create, for another definition) the shared facts; False when this
    role may not."""
    if not _can_install(store):
        _remember(store, _REFUSED, True)
        return False
    from app.appraisal.sql import workday_columns

    with store.transaction():
        rows = store.rows("SELECT to_regclass('public.appraisal_facts_state') IS NOT NULL")
        if rows[0][0] and store.scalar("SELECT digest FROM appraisal_facts_state") == digest:
            return True  # another seat set them up meanwhile
        for stmt in _drop_statements():
            store.rows(stmt)
        store.rows(f"CREATE TABLE {WORKDAYS} (day DATE PRIMARY KEY, is_work BOOLEAN NOT NULL, "
                   f"before INTEGER NOT NULL)")
        store.bulk_insert(WORKDAYS, workday_columns())
        store.rows(f"CREATE TABLE {TABLE} AS {select} WITH NO DATA")
        store.rows(f"CREATE INDEX {TABLE}_id ON {TABLE} (id)")
        store.rows("CREATE TABLE appraisal_facts_dirty (case_id BIGINT)")
        store.rows("CREATE TABLE appraisal_facts_state (digest VARCHAR NOT NULL, lo DATE, "
                   "hi DATE, refreshes BIGINT NOT NULL DEFAULT 0, refreshed_at TIMESTAMPTZ)")
        store.rows(f"INSERT INTO appraisal_facts_state (digest) VALUES ('{digest}')")
        store.rows("INSERT INTO appraisal_facts_dirty VALUES (NULL)")  # the first: all
        store.rows(f"CREATE TABLE {PATROL} (worker_id INTEGER NOT NULL, day DATE NOT NULL, "
                   f"PRIMARY KEY (worker_id, day))")
        store.rows(f"INSERT INTO {PATROL} {_PATROL_DAYS}")
        for stmt in _function_statements(select, some):
            store.rows(stmt)
    return True


def _drop_statements() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS gridcc_facts_{t}_{e} ON {t}"
           for t in ("cases", "case_transitions") for e in ("ins", "upd", "del", "all")]
    out.append("DROP TRIGGER IF EXISTS gridcc_facts_grid_units_all ON grid_units")
    out += [f"DROP TRIGGER IF EXISTS gridcc_patrol_days_{e} ON gps_fixes" for e in ("ins", "all")]
    out.append(f"DROP TABLE IF EXISTS {TABLE}, appraisal_facts_dirty, appraisal_facts_state, "
               f"{WORKDAYS}, {PATROL}")
    return out


#: a write never fails over the derived facts: with their tables gone, it marks nothing
_IF_KEPT = "  IF to_regclass('public.appraisal_facts_dirty') IS NOT NULL THEN\n"
_DEFINER = ("LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $body$\n")


def _function_statements(select: str, some: str) -> list[str]:
    """The triggers and the refresh; ``select`` builds every case's facts, ``some`` those
    of the cases in the array ``claimed`` (reading only their steps, by index)."""
    from app.appraisal.definitions import CASE_FACTS

    cols = [n for n in CASE_FACTS if n.startswith("d_")]
    lo = f"(SELECT least({', '.join(f'min({c})' for c in cols)}) FROM {TABLE})"
    hi = f"(SELECT greatest({', '.join(f'max({c})' for c in cols)}) FROM {TABLE})"
    lo_some = lo[:-1] + " WHERE id = ANY(claimed))"
    hi_some = hi[:-1] + " WHERE id = ANY(claimed))"
    out = []
    for table, col in (("cases", "id"), ("case_transitions", "case_id")):
        out.append(
            f"CREATE OR REPLACE FUNCTION gridcc_facts_dirty_{table}() RETURNS trigger "
            f"{_DEFINER}BEGIN\n{_IF_KEPT}  INSERT INTO appraisal_facts_dirty "
            f"SELECT DISTINCT {col} FROM changed_rows;\n  END IF;\n  RETURN NULL;\nEND\n$body$")
    out.append(
        "CREATE OR REPLACE FUNCTION gridcc_facts_dirty_all() RETURNS trigger "
        f"{_DEFINER}BEGIN\n{_IF_KEPT}  INSERT INTO appraisal_facts_dirty VALUES (NULL);\n"
        "  END IF;\n  RETURN NULL;\nEND\n$body$")
    for table in ("cases", "case_transitions"):
        for event, ref in (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE")):
            rows = "OLD" if ref == "DELETE" else "NEW"
            out.append(f"CREATE TRIGGER gridcc_facts_{table}_{event} AFTER {ref} ON {table} "
                       f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION gridcc_facts_dirty_{table}()")
        out.append(f"CREATE TRIGGER gridcc_facts_{table}_all AFTER TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION gridcc_facts_dirty_all()")
    # the grid hierarchy (not a boundary redrawn) places cases in communities and streets
    out.append("CREATE TRIGGER gridcc_facts_grid_units_all AFTER INSERT OR DELETE OR TRUNCATE "
               "OR UPDATE OF id, parent_id, level ON grid_units FOR EACH STATEMENT "
               "EXECUTE FUNCTION gridcc_facts_dirty_all()")
    out.append(
        "CREATE OR REPLACE FUNCTION gridcc_refresh_appraisal_facts() RETURNS integer "
        f"{_DEFINER}DECLARE\n  claimed bigint[];\n  whole boolean;\n  n integer;\nBEGIN\n"
        "  PERFORM pg_advisory_xact_lock(hashtext('gridcc.appraisal_facts:' "
        "|| current_database()));\n"
        "  WITH d AS (DELETE FROM appraisal_facts_dirty RETURNING case_id)\n"
        "  SELECT coalesce(array_agg(DISTINCT case_id) FILTER (WHERE case_id IS NOT NULL), "
        "'{}'), coalesce(bool_or(case_id IS NULL), false), count(*)\n"
        "    INTO claimed, whole, n FROM d;\n"
        "  IF n = 0 THEN\n    RETURN 0;\n  END IF;\n"
        "  IF whole THEN\n"
        f"    DELETE FROM {TABLE};\n    INSERT INTO {TABLE} {select};\n"
        f"    UPDATE appraisal_facts_state SET lo = {lo}, hi = {hi};\n"
        "  ELSE\n"
        f"    DELETE FROM {TABLE} WHERE id = ANY(claimed);\n"
        f"    INSERT INTO {TABLE} {some};\n"
        # the span only widens here (a span too wide costs a query, never a count)
        f"    UPDATE appraisal_facts_state SET lo = least(lo, {lo_some}), "
        f"hi = greatest(hi, {hi_some});\n"
        "  END IF;\n"
        "  UPDATE appraisal_facts_state SET refreshes = refreshes + 1, refreshed_at = now();\n"
        "  RETURN n;\nEND\n$body$")
    out += _patrol_statements()
    out += [f"GRANT SELECT ON {TABLE}, {WORKDAYS}, {PATROL}, appraisal_facts_state, "
            "appraisal_facts_dirty TO PUBLIC",
            "GRANT EXECUTE ON FUNCTION gridcc_refresh_appraisal_facts() TO PUBLIC"]
    return out


#: the (worker, day) pairs of every fix
_PATROL_DAYS = "SELECT DISTINCT worker_id, CAST(t AS DATE) FROM gps_fixes"


def _patrol_statements() -> list[str]:
    """Patrol days follow the fixes: pairs added by each insert, rebuilt by any other
    change (in the writer's transaction: always current)."""
    if_kept = _IF_KEPT.replace("appraisal_facts_dirty", PATROL)
    return [
        "CREATE OR REPLACE FUNCTION gridcc_patrol_days_add() RETURNS trigger "
        f"{_DEFINER}BEGIN\n{if_kept}  INSERT INTO {PATROL} SELECT DISTINCT worker_id, "
        "CAST(t AS DATE) FROM changed_rows ON CONFLICT DO NOTHING;\n  END IF;\n"
        "  RETURN NULL;\nEND\n$body$",
        "CREATE OR REPLACE FUNCTION gridcc_patrol_days_rebuild() RETURNS trigger "
        f"{_DEFINER}BEGIN\n{if_kept}  DELETE FROM {PATROL};\n"
        f"  INSERT INTO {PATROL} {_PATROL_DAYS};\n  END IF;\n  RETURN NULL;\nEND\n$body$",
        "CREATE TRIGGER gridcc_patrol_days_ins AFTER INSERT ON gps_fixes REFERENCING NEW "
        "TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION gridcc_patrol_days_add()",
        "CREATE TRIGGER gridcc_patrol_days_all AFTER UPDATE OR DELETE OR TRUNCATE ON gps_fixes "
        "FOR EACH STATEMENT EXECUTE FUNCTION gridcc_patrol_days_rebuild()",
    ]
