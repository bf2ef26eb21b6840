"""Bring a demo district's timeline to today (演示区时间线平移).

A demo district is generated around a moment, its *anchor*: a year of cases up to
it, open and overdue cases, a patrol day.  Opened days later for live use, it would
show an empty today.  :func:`reanchor` moves its whole timeline forward instead: every
time column of the tables that make up the live picture (cases and their steps,
whistles and their departments and steps, GPS fixes) by the gap between the district's
*last live moment* and now, in one transaction, so that the district looks as it did
when it was last in use, moved to now.

The last live moment is the latest of the anchor and of what was recorded since
(audit records, case steps, whistle steps, fixes; none later than now): the demo's
time stands still while nobody uses it, and what an operator did in a session keeps
its place relative to the rest.

Not moved: the audit log (hash-chained, never rewritten; one new record says what
was shifted), accounts, and the appraisal tables, whose calendar periods (months,
published figures) are facts that do not move.  Only demo districts, only forward,
only when the gap is at least :data:`MIN_GAP` (a whistle blown at 21:40 still counts
after a restart at 21:45).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.changes import Change
from app.store import DistrictRepository

#: meta key: the moment the demo's timeline was last brought to (its anchor)
ANCHOR_KEY = "demo_anchor"
#: the key older demo districts kept their frozen clock in
LEGACY_ANCHOR_KEY = "demo_now"
#: smaller gaps are left alone
MIN_GAP = timedelta(hours=1)
#: tables whose every TIMESTAMP column moves with the timeline
SHIFTED_TABLES = ("cases", "case_transitions", "whistles", "whistle_departments",
                  "whistle_events", "gps_fixes")
#: (table, column) of things that happened: the latest one not after now is the last
#: live moment
_EVENTS = (("audit_log", "occurred_at"), ("case_transitions", "occurred_at"),
           ("whistle_events", "occurred_at"), ("cases", "reported_at"),
           ("whistles", "blown_at"), ("gps_fixes", "t"))


@dataclass(frozen=True)
class Reanchored:
    """What one re-anchoring did."""

    before: datetime  # the last live moment
    after: datetime  # now
    rows: int  # rows updated
    seconds: float

    @property
    def shift(self) -> timedelta:
        return self.after - self.before


def demo_anchor(meta: dict[str, str]) -> datetime | None:
    """The demo's anchor; None for a district that is not a demo."""
    text = meta.get(ANCHOR_KEY) or meta.get(LEGACY_ANCHOR_KEY)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def last_live_moment(store: DistrictRepository, now: datetime) -> datetime | None:
    """The latest of the demo's anchor and what was recorded since, not after ``now``;
    None for a district that is not a demo."""
    anchor = demo_anchor(store.meta())
    if anchor is None:
        return None
    tables = _tables(store)
    parts = [f"(SELECT max({c}) FROM {t} WHERE {c} <= ?)" for t, c in _EVENTS if t in tables]
    latest = store.scalar(f"SELECT greatest({', '.join(parts)})", [now] * len(parts)) \
        if parts else None
    return max(anchor, latest) if latest is not None else anchor


def staleness(store: DistrictRepository, now: datetime) -> timedelta | None:
    """How far the demo's timeline is behind ``now`` (None: not a demo)."""
    last = last_live_moment(store, now)
    return None if last is None else now - last


def reanchor(store: DistrictRepository, now: datetime) -> Reanchored | None:
    """Move a stale demo district's timeline forward to ``now`` (see the module doc);
    None when there was nothing to do.  Needs the store open read-write."""
    now = now.replace(microsecond=0, tzinfo=None)
    t0 = time.perf_counter()
    last = last_live_moment(store, now)
    if last is None or now - last < MIN_GAP:
        return None
    shift = now - last
    from app.audit import append as audit

    rows = 0
    with store.transaction():
        for table, cols in _time_columns(store).items():
            sets = ", ".join(f"{c} = {c} + ?" for c in cols)
            update = f"UPDATE {table} SET {sets}"
            if store.dialect == "postgres":  # its UPDATE answers with no rows
                update = f"WITH u AS ({update} RETURNING 1) SELECT count(*) FROM u"
            # (DuckDB's UPDATE answers with its row count; through RETURNING it took 50x
            # longer)
            rows += int(store.scalar(update, [shift] * len(cols)) or 0)
        store.rows("DELETE FROM meta WHERE key = ?", [LEGACY_ANCHOR_KEY])
        store.set_meta({ANCHOR_KEY: now.isoformat(timespec="seconds")})
        audit(store, at=now, username="system", role="system", action="demo.reanchor",
              entity="district", entity_id=store.meta().get("district_code"),
              before={"anchor": last.isoformat(timespec="seconds")},
              after={"anchor": now.isoformat(timespec="seconds"),
                     "shift_s": int(shift.total_seconds()), "rows": rows})
        store.stage_change(Change("district", (), "demo.reanchor", "system", now))
    return Reanchored(last, now, rows, time.perf_counter() - t0)


def gap_text(gap: timedelta) -> str:
    """A gap as an operator reads it: ``7 天 3 小时``, ``2 小时 5 分``."""
    days, rest = divmod(int(gap.total_seconds()), 86400)
    if days:
        return f"{days} 天 {rest // 3600} 小时"
    return f"{rest // 3600} 小时 {rest % 3600 // 60} 分"


def _tables(store: DistrictRepository) -> set[str]:
    return {t for (t,) in store.rows("SELECT table_name FROM information_schema.tables "
                                     "WHERE table_schema = current_schema()")}


def _time_columns(store: DistrictRepository) -> dict[str, list[str]]:
    """{table: its TIMESTAMP columns} of the shifted tables (found, not listed, so that a
    column added by a later schema moves too)."""
    out: dict[str, list[str]] = {}
    marks = ", ".join("?" for _ in SHIFTED_TABLES)
    for table, column in store.rows(
            f"SELECT table_name, column_name FROM information_schema.columns WHERE "
            f"table_schema = current_schema() AND upper(data_type) LIKE 'TIMESTAMP%' "
            f"AND table_name IN "
            f"({marks}) ORDER BY table_name, ordinal_position", list(SHIFTED_TABLES)):
        out.setdefault(table, []).append(column)
    return out
