"""The live state of a district's cases and whistles, and what derives from it (Qt-free).

One :class:`DistrictState` per window holds the arrays the map draws (cases, whistles),
the whistle rows with their departments' tasks (the whistle list, the supervision list
and the markers read them, no query per row) and computes the headline figures.  It is
immutable: :func:`fetch` reads what a batch of changes named (one query per entity for
the whole batch, on any thread with a cursor of its own) and :meth:`DistrictState.updated`
returns the next state with only those rows replaced or added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from app.changes import Change
from app.domain.statuses import ENDED_STATUSES, sql_list
from app.feed.fixes import to_seconds
from app.geo.crs import LocalFrame
from app.map.headline import Headline, live_headline
from app.map.layers import CaseData, WhistleData, empty_cases, empty_whistles, load_cases
from app.store import DistrictRepository
from app.workflow import whistle_machine as wm

#: case actions that bring new cases in (the urgent-case alarm looks at these)
NEW_CASE_ACTIONS = ("case.accept", "case.import", "case.new")
#: a batch naming more cases than this is read as a whole, not id by id (a bulk import,
#: changes piled up while a read failed; PostgreSQL takes at most 65,535 parameters)
READ_BY_ID_MAX = 50_000


@dataclass(frozen=True)
class WhistleRow:
    """One whistle as the lists and the map show it, with its departments' tasks."""

    id: int
    code: str
    title: str
    street_id: int
    round: int
    supervised: bool
    accountability: bool
    parent_id: int | None
    lon: float
    lat: float
    x: float
    y: float
    version: int
    state: wm.Whistle

    @property
    def is_open(self) -> bool:
        return self.state.closed_at is None

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(t.department_id for t in self.state.tasks)

    def overdue(self, now: datetime) -> bool:
        return wm.is_overdue(self.state, now)


_WHISTLE_SQL = (
    "SELECT w.id, w.code, w.title, w.street_id, w.round, w.supervised, w.accountability, "
    "w.parent_whistle_id, w.lon, w.lat, w.version, w.blown_at, w.report_deadline, "
    "w.finish_deadline, w.closed_at, "
    "EXISTS (SELECT 1 FROM whistles c WHERE c.parent_whistle_id = w.id) AS seconded, "
    "(SELECT max(e.occurred_at) FROM whistle_events e WHERE e.whistle_id = w.id) AS last_at, "
    # (array_agg of ARRAY[…]: the same SQL on DuckDB and on PostgreSQL)
    "(SELECT array_agg(ARRAY[d.department_id::VARCHAR, d.reported_at::VARCHAR, d.reported_by, "
    "d.fed_back_at::VARCHAR, d.verified_at::VARCHAR, d.rating::VARCHAR] "
    "ORDER BY d.department_id) FROM whistle_departments d WHERE d.whistle_id = w.id) AS tasks "
    "FROM whistles w")


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _task(d: list) -> wm.DeptTask:
    dept, reported, by, fed, verified, rating = d
    rating = None if rating is None else int(rating)
    state = ("rated" if rating is not None else "verified" if verified is not None
             else "fed_back" if fed is not None else "reported" if reported is not None
             else "blown")
    return wm.DeptTask(int(dept), state, _when(reported), by, _when(fed), _when(verified), rating)


def load_whistle_rows(store: DistrictRepository, frame: LocalFrame,
                      ids: Iterable[int] | None = None) -> dict[int, WhistleRow]:
    """Whistles (all, or those of ``ids``) with their tasks: one query."""
    params: list = []
    sql = _WHISTLE_SQL
    if ids is not None:
        ids = sorted({int(i) for i in ids})
        if not ids:
            return {}
        sql += f" WHERE w.id IN ({', '.join('?' * len(ids))})"
        params = ids
    rows = store.rows(sql + " ORDER BY w.id", params)
    if not rows:
        return {}
    lon = np.array([float(r[8]) for r in rows])
    lat = np.array([float(r[9]) for r in rows])
    x, y = frame.from_lonlat(lon, lat) if len(rows) > 1 else (
        np.array([v], float) for v in frame.from_lonlat(lon[0], lat[0]))
    x, y = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
    out = {}
    for i, r in enumerate(rows):
        tasks = tuple(_task(d) for d in (r[17] or []))
        state = wm.Whistle(int(r[3]), r[11], r[12], r[13], tasks, int(r[4]), bool(r[5]),
                           bool(r[6]), bool(r[15]), r[14], r[16] or r[11], version=int(r[10] or 0))
        out[int(r[0])] = WhistleRow(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), bool(r[5]),
                                    bool(r[6]), None if r[7] is None else int(r[7]),
                                    float(r[8]), float(r[9]), float(x[i]), float(y[i]),
                                    int(r[10] or 0), state)
    return out


def _seconds(us) -> np.ndarray:
    if np.ma.isMaskedArray(us):
        return us.astype(float).filled(np.nan) / 1e6
    if us.dtype.kind == "O":
        return np.array([np.nan if v is None else v / 1e6 for v in us], dtype=float)
    return np.asarray(us, dtype=float) / 1e6


@dataclass(frozen=True)
class CaseFacts:
    """What a list filter (the case panel's) and the urgent-case alarm need to know about a
    changed case."""

    id: int
    status: str
    category_code: str
    department_id: int | None
    street_id: int | None
    code: str = ""
    lon: float = 0.0
    lat: float = 0.0


def load_case_rows(store: DistrictRepository, frame: LocalFrame, ids: Iterable[int],
                   now: datetime) -> tuple[CaseData, list[CaseFacts]]:
    """The cases of ``ids`` as map arrays, and their list facts: one query."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return empty_cases(now), []
    ended = sql_list(ENDED_STATUSES)
    cols = store.columns(
        f"SELECT c.id, c.lon, c.lat, coalesce(k.kind, 'other') AS kind, "
        f"c.status NOT IN {ended} AS is_open, epoch_us(c.reported_at) AS rep_us, "
        f"epoch_us(coalesce(c.closed_at, CASE WHEN c.status = 'voided' THEN c.reported_at END))"
        f" AS closed_us, epoch_us(c.deadline_at) AS deadline_us, c.status, c.category_code, "
        f"c.department_id, cm.parent_id AS street_id, c.code "
        f"FROM cases c LEFT JOIN categories k ON k.code = c.category_code "
        f"LEFT JOIN grid_units g ON g.id = c.grid_id LEFT JOIN grid_units cm ON cm.id = g.parent_id "
        f"WHERE c.id IN ({', '.join('?' * len(ids))}) ORDER BY c.reported_at, c.id", ids)
    n = len(cols["id"])
    if n == 0:
        return empty_cases(now), []
    lon, lat = np.asarray(cols["lon"], float), np.asarray(cols["lat"], float)
    if n == 1:  # pyproj wants scalars, not 1-element arrays
        x, y = (np.array([v], float) for v in frame.from_lonlat(lon[0], lat[0]))
    else:
        x, y = (np.asarray(v, float) for v in frame.from_lonlat(lon, lat))
    deadline = _seconds(cols["deadline_us"])
    is_open = np.asarray(cols["is_open"], bool)
    data = CaseData(ids=np.asarray(cols["id"], np.int64), x=x, y=y,
                    kind=np.asarray(cols["kind"], dtype=object), is_open=is_open,
                    overdue=is_open & (deadline < to_seconds(now)), now=now,
                    reported_s=_seconds(cols["rep_us"]), closed_s=_seconds(cols["closed_us"]),
                    deadline_s=deadline)

    def opt(v) -> int | None:
        return None if v is None or v is np.ma.masked else int(v)

    facts = [CaseFacts(int(cols["id"][i]), str(cols["status"][i]), str(cols["category_code"][i]),
                       opt(cols["department_id"][i]), opt(cols["street_id"][i]),
                       str(cols["code"][i]), float(lon[i]), float(lat[i])) for i in range(n)]
    return data, facts


_CASE_FIELDS = ("ids", "x", "y", "kind", "is_open", "overdue", "reported_s", "closed_s",
                "deadline_s")


def merge_cases(data: CaseData, fresh: CaseData, now: datetime) -> tuple[CaseData, np.ndarray]:
    """``data`` with the rows of ``fresh`` replaced (same id) or added, and the positions
    written (new arrays, any thread: ``data`` itself is never changed)."""
    if not len(fresh):
        return replace(data, now=now), np.empty(0, np.int64)
    at = np.flatnonzero(np.isin(data.ids, fresh.ids))
    j_of = {int(i): j for j, i in enumerate(fresh.ids.tolist())}
    src = np.array([j_of[int(i)] for i in data.ids[at].tolist()], np.int64)
    new = np.setdiff1d(np.arange(len(fresh)), src, assume_unique=True)
    arrays = {}
    for name in _CASE_FIELDS:
        old, upd = getattr(data, name), getattr(fresh, name)
        a = old.copy()
        a[at] = upd[src]
        arrays[name] = np.concatenate([a, upd[new]]) if len(new) else a
    written = np.concatenate([at, np.arange(len(data), len(data) + len(new))])
    return CaseData(now=now, **arrays), written


@dataclass(frozen=True)
class Reload:
    """What :func:`fetch` read for a batch of changes."""

    now: datetime
    case_ids: tuple[int, ...] = ()
    cases: CaseData | None = None
    case_facts: tuple[CaseFacts, ...] = ()
    whistle_ids: tuple[int, ...] = ()
    whistles: dict[int, WhistleRow] = field(default_factory=dict)
    #: new cases (accepted or imported) of the batch, for the urgent-case alarm
    new_case_ids: tuple[int, ...] = ()
    urgent: tuple = ()
    #: everything was read again (a "district" change: a reload marker, a re-anchored
    #: demo): ``cases`` and ``whistles`` replace the state's
    full: bool = False
    #: after a full read, the distinct case kinds (a million str: counted here, off the GUI)
    kinds: tuple[str, ...] = ()


def changed_ids(changes: Iterable[Change]) -> tuple[set[int], set[int], set[int]]:
    """(case ids, whistle ids, ids of new cases) named by ``changes``."""
    cases, whistles, new = set(), set(), set()
    for c in changes:
        if c.entity == "case":
            cases.update(c.ids)
            if c.action in NEW_CASE_ACTIONS:
                new.update(c.ids)
        elif c.entity == "whistle":
            whistles.update(c.ids)
    return cases, whistles, new


def fetch(store: DistrictRepository, frame: LocalFrame | None, changes: list[Change],
          now: datetime, known_whistles: dict[int, WhistleRow] | None = None) -> Reload:
    """Read the rows ``changes`` named (any thread, ``store`` a cursor of its own there);
    without a ``frame`` only the urgent ones among the new cases."""
    from app.video.alarms import URGENT_CATEGORIES, urgent_case, urgent_cases

    case_ids, whistle_ids, new_ids = changed_ids(changes)
    if any(c.entity == "district" for c in changes) or len(case_ids) > READ_BY_ID_MAX:
        # too much to name: read it all
        if frame is None:
            return Reload(now, full=True)
        cases = load_cases(store, frame, now)
        return Reload(now, cases=cases, whistles=load_whistle_rows(store, frame), full=True,
                      kinds=tuple(sorted(set(cases.kind.tolist()))))
    if frame is None:  # a follower of new cases only (the video wall on its own)
        return Reload(now, new_case_ids=tuple(sorted(new_ids)),
                      urgent=tuple(urgent_cases(store, new_ids)) if new_ids else ())
    cases, facts = load_case_rows(store, frame, case_ids, now) if case_ids else (None, [])
    whistles = load_whistle_rows(store, frame, whistle_ids) if whistle_ids else {}
    # a second whistle (二次哨) changes its parent too (seconded): read it with it
    known = known_whistles or {}
    parents = {r.parent_id for r in whistles.values() if r.parent_id is not None} - set(whistles)
    parents |= {w.parent_id for i in whistle_ids if (w := known.get(i)) and w.parent_id} \
        - set(whistles)
    if parents:
        whistles.update(load_whistle_rows(store, frame, parents))
    # the urgent ones among the new cases: from the rows just read (no query of their own)
    urgent = tuple(urgent_case(f.id, f.code, f.category_code, f.lon, f.lat)
                   for f in sorted(facts, key=lambda f: f.id)
                   if f.id in new_ids and f.category_code in URGENT_CATEGORIES)
    return Reload(now, tuple(sorted(case_ids)), cases, tuple(facts),
                  tuple(sorted(set(whistle_ids) | set(whistles))), whistles,
                  tuple(sorted(new_ids)), urgent)


def whistle_arrays(rows: dict[int, WhistleRow]) -> WhistleData:
    """The whistle layer's arrays from the rows (ordered by id)."""
    if not rows:
        return empty_whistles()
    ws = [rows[i] for i in sorted(rows)]

    def secs(t: datetime | None) -> float:
        return np.nan if t is None else to_seconds(t)

    return WhistleData(np.array([w.id for w in ws], np.int64), np.array([w.x for w in ws]),
                       np.array([w.y for w in ws]), np.array([w.round for w in ws], np.int64),
                       np.array([secs(w.state.blown_at) for w in ws]),
                       np.array([secs(w.state.closed_at) for w in ws]))


def visible_to(row: WhistleRow, scope) -> bool:
    """Whether a user with ``scope`` sees the whistle (app.workflow.whistles.list_whistles)."""
    if scope.kind == "street":
        return row.street_id == scope.id
    if scope.kind == "community":
        return row.street_id == scope.street_id
    if scope.kind == "department":
        return scope.id in row.department_ids
    return True


@dataclass(frozen=True)
class DistrictState:
    """Cases and whistles as the window shows them (immutable: see the module doc)."""

    cases: CaseData
    whistles: dict[int, WhistleRow]
    whistle_data: WhistleData
    #: positions in ``cases`` the last update wrote (the rest as in the state before)
    cases_written: np.ndarray | None = None

    @classmethod
    def initial(cls, cases: CaseData, whistles: dict[int, WhistleRow] | None = None
                ) -> DistrictState:
        rows = dict(whistles or {})
        return cls(cases, rows, whistle_arrays(rows))

    def updated(self, r: Reload) -> DistrictState:
        """The next state: the rows ``r`` read replace or join the old ones (or, after a
        full read, replace them all)."""
        if r.full:
            return self if r.cases is None else DistrictState.initial(r.cases, r.whistles)
        written = None
        cases = self.cases
        if r.cases is not None:
            cases, written = merge_cases(self.cases, r.cases, r.now)
        if not r.whistle_ids:
            return replace(self, cases=cases, cases_written=written)
        rows = dict(self.whistles)
        for wid in r.whistle_ids:
            if wid in r.whistles:
                rows[wid] = r.whistles[wid]
            else:
                rows.pop(wid, None)  # gone from the store
        return DistrictState(cases, rows, whistle_arrays(rows), written)

    def with_cases(self, cases: CaseData) -> DistrictState:
        return replace(self, cases=cases, cases_written=None)

    def with_whistles(self, rows: dict[int, WhistleRow]) -> DistrictState:
        return DistrictState(self.cases, dict(rows), whistle_arrays(rows))

    # -- what derives from it ---------------------------------------------------------------
    def open_whistles(self) -> list[WhistleRow]:
        return [w for _, w in sorted(self.whistles.items()) if w.is_open]

    def whistle_list(self, scope, *, open_only: bool = False, limit: int = 300
                     ) -> list[WhistleRow]:
        """The whistle list a user with ``scope`` sees, newest first (as list_whistles)."""
        rows = [w for w in self.whistles.values()
                if visible_to(w, scope) and (w.is_open or not open_only)]
        rows.sort(key=lambda w: (w.state.blown_at, w.id), reverse=True)
        return rows[:limit]

    def supervision(self, now: datetime, scope=None) -> list[dict[str, Any]]:
        """督办清单 (as app.workflow.whistles.supervision_list) from the rows."""
        out = []
        for w in self.open_whistles():
            if scope is not None and not visible_to(w, scope):
                continue
            items = wm.overdue_items(w.state, now)
            if items:
                out.append({"id": w.id, "code": w.code, "supervised": w.supervised,
                            "round": w.round, "accountability": w.accountability,
                            "late_hours": round(max(i.late_s for i in items) / 3600, 2),
                            "items": [{"department_id": i.department_id, "kind": i.kind,
                                       "late_hours": round(i.late_s / 3600, 2)} for i in items]})
        out.sort(key=lambda d: -d["late_hours"])
        return out

    def headline(self, now: datetime, on_patrol: int = 0) -> Headline:
        """The big screen's figures now (live: the store's present state)."""
        c = self.cases
        return live_headline(to_seconds(now), c.reported_s, c.is_open, c.closed_s, c.deadline_s,
                             self.whistle_data.closed_s, on_patrol)

