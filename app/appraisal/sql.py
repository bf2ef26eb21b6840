"""The SQL record sets behind the measures, shared by the engine and the drill-down.

One function per record set gives, for a subject, the FROM clause, the subject key
expression and the query parameters.  The period bounds are inlined as timestamp
literals (they come from :class:`Period`, never from user text).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from app.demo.worktime import WORK_LEN, WORK_START, _workdays

#: grid → community → street, from the grid hierarchy
GRID_MAP = ("(SELECT g.id AS grid_id, g.parent_id AS community_id, cm.parent_id AS street_id "
            "FROM grid_units g JOIN grid_units cm ON cm.id = g.parent_id WHERE g.level = 4)")
#: cases that were ever returned (回退)
RETURNED = "(SELECT DISTINCT case_id FROM case_transitions WHERE action = 'return')"


def ts(t: datetime) -> str:
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


def day(t: datetime) -> str:
    if (t.hour, t.minute, t.second, t.microsecond) != (0, 0, 0, 0):
        raise ValueError(f"period bounds must be midnights, not {t}")
    return f"DATE '{t:%Y-%m-%d}'"


def bounds(sql: str, start: datetime, end: datetime, *, days: bool = False) -> str:
    """Put the period bounds into a predicate: timestamps, or dates for the case facts."""
    lit = day if days else ts
    return sql.replace("{s}", lit(start)).replace("{e}", lit(end))


WORKDAYS = "temp.appraisal_workdays"
_WD_ATTR = "_appraisal_workdays"


def ensure_workdays(store) -> str:
    """The working-day table (day, is_work, working days before it since 2000-01-03) as a
    temporary table of the store's connection: app.demo.worktime's vectorised table of
    DEFAULT_CALENDAR (weekends, holidays, make-up days), inserted once through Arrow."""
    if getattr(store, _WD_ATTR, False):
        return WORKDAYS
    store.rows("CREATE OR REPLACE TEMP TABLE appraisal_workdays "
               "(day DATE, is_work BOOLEAN, before INTEGER)")
    store.bulk_insert("appraisal_workdays", workday_columns())
    try:
        setattr(store, _WD_ATTR, True)
    except AttributeError:
        pass
    return WORKDAYS


def workday_columns() -> dict[str, np.ndarray]:
    """The working-day table's rows as columns (day, is_work, before)."""
    work, before, _ = _workdays()
    days = np.datetime64("2000-01-03", "D") + np.arange(len(work))
    return {"day": days, "is_work": work, "before": before[:len(work)].astype(np.int32)}


def _work_pos(col: str, alias: str) -> str:
    """Working seconds since the epoch at ``col`` (its day's workdays row as ``alias``)."""
    return (f"({alias}.before * {WORK_LEN} + CASE WHEN {alias}.is_work THEN "
            f"least(greatest(epoch({col}) - epoch(date_trunc('day', {col})) - {WORK_START}, 0), "
            f"{WORK_LEN}) ELSE 0 END)")


def work_hours_sql(a: str, b: str, wa: str, wb: str) -> str:
    return f"(({_work_pos(b, wb)} - {_work_pos(a, wa)}) / 3600.0)"


CASE_KEYS = {"overall": "0", "street": "f.street_id", "community": "f.community_id",
             "grid": "f.grid_id", "department": "f.department_id", "worker": "f.reporter_worker_id"}


def case_from(store, subject: str) -> tuple[str, str, list]:
    """FROM clause and key expression of the ``case`` / ``report`` record set (the facts)."""
    from app.appraisal.facts import ensure_facts

    return f"{ensure_facts(store)} f", CASE_KEYS[subject], []


def whistle_from(subject: str) -> tuple[str, str, list]:
    """FROM clause and key of the ``whistle`` record set (one row per summoned department)."""
    parts = ["whistle_departments wd JOIN whistles w ON w.id = wd.whistle_id"]
    if subject == "community":
        parts.append(f"JOIN {GRID_MAP} gm ON gm.grid_id = w.grid_id")
    key = {"overall": "0", "street": "w.street_id", "community": "gm.community_id",
           "grid": "w.grid_id", "department": "wd.department_id"}[subject]
    return " ".join(parts), key, []


def patrol_from(start: datetime | None = None, end: datetime | None = None, *,
                shared: bool = False) -> tuple[str, str, list]:
    """Days with GPS fixes per worker: (worker_id, t = the day's start) rows; only the
    fixes of [start, end) when given (midnights: a day is in the period exactly when
    its fixes are, so the filter goes before the DISTINCT, not after it)."""
    return f"{patrol_days(start, end, shared=shared)} f", "f.worker_id", []


def patrol_days(start: datetime | None = None, end: datetime | None = None, *,
                shared: bool = False) -> str:
    """The (worker_id, t = day) rows of :func:`patrol_from`, as a subquery: from the
    fixes, or (``shared``) from the server's patrol days (app/appraisal/server_facts)."""
    if shared:
        where = "" if start is None else f" WHERE day >= {day(start)} AND day < {day(end)}"
        return f"(SELECT worker_id, CAST(day AS TIMESTAMP) AS t FROM appraisal_patrol_days{where})"
    where = "" if start is None else f" WHERE t >= {ts(start)} AND t < {ts(end)}"
    return ("(SELECT DISTINCT worker_id, CAST(CAST(t AS DATE) AS TIMESTAMP) AS t "
            f"FROM gps_fixes{where})")


def shared_patrol(store) -> bool:
    """Whether ``store`` reads patrol days from the server's shared table."""
    if store.dialect != "postgres":
        return False
    from app.appraisal.server_facts import shared_patrol_days

    return shared_patrol_days(store)
