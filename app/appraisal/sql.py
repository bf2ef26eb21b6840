"""The SQL record sets behind the measures, shared by the engine and the drill-down.

One function per record set gives, for a subject, the FROM clause, the subject key
expression and the query parameters.  The period bounds are inlined as timestamp
literals (they come from :class:`Period`, never from user text).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from app.demo.worktime import WORK_LEN, WORK_START
from app.domain.worktime import DEFAULT_CALENDAR

#: grid → community → street, from the grid hierarchy
GRID_MAP = ("(SELECT g.id AS grid_id, g.parent_id AS community_id, cm.parent_id AS street_id "
            "FROM grid_units g JOIN grid_units cm ON cm.id = g.parent_id WHERE g.level = 4)")
#: cases that were ever returned (回退)
RETURNED = "(SELECT DISTINCT case_id FROM case_transitions WHERE action = 'return')"
_DAY0 = "TIMESTAMP '2000-01-03'"  # app.demo.worktime.EPOCH


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


@lru_cache(maxsize=1)
def workdays_sql() -> str:
    """The working-day table of DEFAULT_CALENDAR in SQL: (day, is_work, working days
    before it since 2000-01-03) — the table app.demo.worktime builds in numpy (a test
    compares the two).  Built from the calendar's own weekend, holiday and make-up-day
    sets; a few milliseconds per query."""
    cal = DEFAULT_CALENDAR
    hol = ", ".join(f"DATE '{d}'" for d in sorted(cal.holidays)) or "NULL"
    mk = ", ".join(f"DATE '{d}'" for d in sorted(cal.makeup_days)) or "NULL"
    weekend = ", ".join(str(d + 1) for d in sorted(cal.weekend)) or "0"  # isodow: Monday = 1
    return (f"(SELECT day, is_work, coalesce(sum(CAST(is_work AS INTEGER)) OVER (ORDER BY day "
            f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before FROM ("
            f"SELECT CAST(range AS DATE) AS day, CASE WHEN CAST(range AS DATE) IN ({mk}) "
            f"THEN TRUE WHEN isodow(range) IN ({weekend}) OR CAST(range AS DATE) IN ({hol}) "
            f"THEN FALSE ELSE TRUE END AS is_work "
            f"FROM range({_DAY0}, TIMESTAMP '2045-01-01', INTERVAL 1 DAY)))")


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


def patrol_from() -> tuple[str, str, list]:
    """Days with GPS fixes per worker: (worker_id, t = the day's start) rows."""
    return ("(SELECT DISTINCT worker_id, CAST(CAST(t AS DATE) AS TIMESTAMP) AS t "
            "FROM gps_fixes) f"), "f.worker_id", []
