"""The indicator engine: every measure of :mod:`app.appraisal.definitions` for a period
and a subject, in DuckDB SQL (one scan per record set, no row-by-row Python).

The current period, its 环比 base (:meth:`Period.previous`) and its 同比 base
(:meth:`Period.year_before`) are counted in the same scan with ``FILTER`` clauses,
so deltas cost no extra pass over the cases.
"""

from __future__ import annotations

import re

import numpy as np

from app.appraisal.definitions import INDICATORS, MEASURES, SUBJECTS, indicators_for, measures_for
from app.appraisal.facts import facts_span
from app.appraisal.frozen import frozen_indicators
from app.appraisal.model import IndicatorRow, IndicatorTable
from app.appraisal.periods import Period
from app.appraisal.sql import bounds, case_from, patrol_days, shared_patrol, whistle_from


def format_rate(value: float | None) -> str:
    """'97.63%' (two decimals), '—' for None."""
    return "—" if value is None else f"{value * 100:.2f}%"


def format_value(code: str, value: float | None) -> str:
    """A value as shown to people: rates in %, hours and scores with two decimals."""
    if value is None:
        return "—"
    kind = INDICATORS[code].kind
    if kind == "rate":
        return format_rate(value)
    if kind == "count":
        return f"{int(value):,}"
    return f"{value:.2f}"


def subject_universe(store, subject: str, ids=None) -> list[tuple[int | None, str, str]]:
    """The subjects of a kind: (id, code, name), in code order."""
    if subject == "overall":
        meta = store.meta()
        return [(None, meta.get("district_code", ""), meta.get("district_name", "全区"))]
    if subject in ("street", "community", "grid"):
        level = {"street": 2, "community": 3, "grid": 4}[subject]
        sql = "SELECT id, code, name FROM grid_units WHERE level = ?"
        params: list = [level]
    elif subject == "department":
        sql = "SELECT id, code, short_name FROM departments WHERE kind <> 'supervision'"
        params = []
    else:
        sql = ("SELECT id, code, name FROM workers WHERE role IN ('grid_worker', 'grid_leader') "
               "OR id IN (SELECT DISTINCT reporter_worker_id FROM cases)")
        params = []
    if ids is not None:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        sql += f" AND id IN ({', '.join('?' * len(ids))})"
        params += ids
    return [(int(r[0]), r[1], r[2]) for r in store.rows(sql + " ORDER BY code", params)]


def _agg(m, b: int, period: Period) -> str:
    pred = bounds(m.predicate, period.start, period.end, days=m.source in ("case", "report"))
    expr = f"sum({m.sum_of})" if m.sum_of else "count(*)"
    return f"{expr} FILTER (WHERE {pred}) AS \"{m.code}__{b}\""


def _id_filter(key: str, ids) -> str:
    if ids is None:
        return ""
    return f" AND {key} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def _date_cols(pred: str) -> list[str]:
    return sorted(set(re.findall(r"(f\.d_[a-z]+|w\.blown_at|wd\.rated_at) >= \{s\}", pred)))


def measure_arrays(store, periods: list[Period], subject: str, keys: np.ndarray,
                   measures: list[str], ids=None) -> dict[str, list[np.ndarray]]:
    """{measure: [array aligned with ``keys`` per period]} — exact counts (or sums)."""
    by_source: dict[str, list[str]] = {}
    for code in measures:
        src = MEASURES[code].source
        if src == "report" and subject != "worker":
            src = "case"  # the same records, counted under the subject's own key
        by_source.setdefault(src, []).append(code)
    n = len(keys)
    out = {m: [np.zeros(n) for _ in periods] for m in measures}
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]

    def place(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.clip(np.searchsorted(sorted_keys, k), 0, max(n - 1, 0))
        ok = (sorted_keys[pos] == k) if n else np.zeros(len(k), bool)
        return order[pos[ok]], ok

    lo, hi = facts_span(store)  # the first and last day of any case's loop step
    for source, codes in by_source.items():
        if source == "patrol":
            _patrol(store, periods, codes, ids, out, place, n)
            continue
        if source == "whistle" and subject == "worker":
            continue
        for b, p in enumerate(periods):  # one query per period: each reads only its rows
            if source in ("case", "report"):
                if lo is None or p.end.date() <= lo or p.start.date() > hi:
                    continue  # no loop step of any case in the period: all counts are 0
                sql = _case_sql(store, subject, codes, b, p, ids)
            else:
                sql = _whistle_sql(subject, codes, b, p, ids)
            res = store.columns(sql)
            if not len(res["k"]):
                continue
            idx, ok = place(np.asarray(res["k"], dtype=np.int64))
            for c in codes:
                col = res[f"{c}__{b}"]
                vals = np.where(_isnull(col), 0, np.ma.filled(col, 0)
                                if np.ma.isMaskedArray(col) else col).astype(float)
                out[c][b][idx] = vals[ok]
    return out


_DATE_IN = re.compile(r"\((f\.d_([a-z]+)) >= \{s\} AND \1 < \{e\}\)")
#: subjects with few keys: group the facts by key and flags first (exact, much smaller).
#: DuckDB only: PostgreSQL's hash of the wide key costs more than it saves (Jinhua,
#: 1M facts: street 456 ms two-phase vs 280 ms counted at once, measured here)
_TWO_PHASE = ("overall", "street", "community", "department")


def _case_sql(store, subject: str, codes: list[str], b: int, p: Period, ids) -> str:
    """The facts counted for one period.  Each "date in the period" test is computed once
    per record (``b_<step>``) and shared by the measures; for subjects with few keys the
    records are first grouped by key and flags (counts and sums stay exact)."""
    frm, key, _ = case_from(store, subject)
    dates = sorted({m.group(2) for c in codes for m in _DATE_IN.finditer(MEASURES[c].predicate)})
    preds = {c: _DATE_IN.sub(lambda m: f"f.b_{m.group(2)}", MEASURES[c].predicate) for c in codes}
    flags = sorted({x for c in codes for x in re.findall(r"f\.([a-z_]+)", preds[c])
                    if not x.startswith("b_")})
    sums = sorted({MEASURES[c].sum_of[2:] for c in codes if MEASURES[c].sum_of})
    tests = [bounds(f"(f.d_{d} >= {{s}} AND f.d_{d} < {{e}})", p.start, p.end, days=True)
             for d in dates]
    inner = (f"SELECT {key} AS k, {', '.join(f'f.{x}' for x in flags + sums) or 'NULL AS _'}, "
             + ", ".join(f"{t} AS b_{d}" for t, d in zip(tests, dates, strict=True))
             + f" FROM {frm} WHERE {key} IS NOT NULL AND ({' OR '.join(tests) or 'TRUE'})"
             + _id_filter(key, ids))
    two = subject in _TWO_PHASE and store.dialect == "duckdb"
    if two:
        groups = flags + [f"b_{d}" for d in dates]
        by = ", ".join(str(i) for i in range(1, len(groups) + 2))
        inner = (f"SELECT k, {', '.join(groups)}, count(*) AS n"
                 + "".join(f", sum({x}) AS {x}" for x in sums)
                 + f" FROM ({inner}) g GROUP BY {by}")
    aggs = []
    for c in codes:
        m = MEASURES[c]
        expr = f"sum({m.sum_of})" if m.sum_of else ("sum(f.n)" if two else "count(*)")
        aggs.append(f"{expr} FILTER (WHERE {preds[c]}) AS \"{c}__{b}\"")
    return f"SELECT f.k AS k, {', '.join(aggs)} FROM ({inner}) f GROUP BY 1"


def _whistle_sql(subject: str, codes: list[str], b: int, p: Period, ids) -> str:
    frm, key, _ = whistle_from(subject)
    cols = sorted({c for m in codes for c in _date_cols(MEASURES[m].predicate)})
    span = " OR ".join(bounds(f"({c} >= {{s}} AND {c} < {{e}})", p.start, p.end)
                       for c in cols) or "TRUE"
    aggs = ", ".join(_agg(MEASURES[c], b, p) for c in codes)
    return (f"SELECT {key} AS k, {aggs} FROM {frm} WHERE {key} IS NOT NULL AND ({span})"
            f"{_id_filter(key, ids)} GROUP BY 1")


def _isnull(col) -> np.ndarray:
    if np.ma.isMaskedArray(col):
        return np.ma.getmaskarray(col)
    if col.dtype.kind == "f":
        return np.isnan(col)
    if col.dtype == object:
        return np.array([v is None for v in col], dtype=bool)
    return np.zeros(len(col), dtype=bool)


def _patrol(store, periods, codes, ids, out, place, n) -> None:
    """Patrol days per worker and the district's days with tracks: one scan of the
    period's fixes for both (the days with fixes are a table expression read twice)."""
    shared = shared_patrol(store)
    for b, p in enumerate(periods):
        parts = []
        if "track_days" in codes:  # key -1: no worker's id
            parts.append("SELECT -1 AS k, count(DISTINCT f.t) AS n FROM d f")
        if "patrol_days" in codes:
            parts.append(f"SELECT f.worker_id AS k, count(*) AS n FROM d f WHERE TRUE"
                         f"{_id_filter('f.worker_id', ids)} GROUP BY 1")
        if not parts:
            continue
        res = store.columns(f"WITH d AS {patrol_days(p.start, p.end, shared=shared)} "
                            + " UNION ALL ".join(parts))
        k = np.asarray(res["k"], dtype=np.int64)
        counts = np.asarray(res["n"], dtype=float)
        if "track_days" in codes:
            out["track_days"][b][:] = counts[k == -1].sum()
        if "patrol_days" in codes and (k >= 0).any():
            idx, ok = place(k[k >= 0])
            out["patrol_days"][b][idx] = counts[k >= 0][ok]


def _values(code: str, counts: dict[str, np.ndarray]) -> np.ndarray:
    ind = INDICATORS[code]
    num = counts[ind.numerator]
    if ind.denominator is None:
        return num.astype(float)
    den = counts[ind.denominator]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _none(a: np.ndarray) -> list:
    return [None if v != v else v for v in a.tolist()]


def compute_indicators(store, period: Period, subject: str, *, ids=None,
                       deltas: bool = True, live: bool = False) -> IndicatorTable:
    """Every indicator of ``subject`` for ``period`` (optionally only subjects ``ids``).

    For a published period the figures frozen at publication are returned (district,
    departments, streets, communities) unless ``live``."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {', '.join(SUBJECTS)}, not {subject!r}")
    if not live:
        frozen = frozen_indicators(store, period, subject)
        if frozen is not None:
            if ids is not None:
                wanted = {int(i) for i in ids}
                frozen.rows = [r for r in frozen.rows if r.subject_id in wanted]
            return frozen
    columns = indicators_for(subject)
    measures = measures_for(subject)
    universe = subject_universe(store, subject, ids)
    keys = np.array([0 if u[0] is None else u[0] for u in universe], dtype=np.int64)
    periods = [period]
    if deltas:
        for p in (period.previous(), period.year_before()):
            if p not in periods:
                periods.append(p)
    data = measure_arrays(store, periods, subject, keys, measures,
                          None if subject == "overall" else ids)
    values = []
    for b in range(len(periods)):
        counts = {m: data[m][b] for m in measures}
        values.append({c: _values(c, counts) for c in columns})
    n = len(universe)
    count_lists = [np.round(data[m][0], 4).tolist() if MEASURES[m].sum_of
                   else data[m][0].astype(np.int64).tolist() for m in measures]
    value_lists = [_none(values[0][c]) for c in columns]
    delta_lists = []
    if deltas:
        lo, hi = facts_span(store)
        for base in (period.previous(), period.year_before()):
            if lo is None or base.end.date() <= lo or base.start.date() > hi:
                # the district has no record of that period: a change from it is
                # unknown, not "everything is new"
                delta_lists.append([[None] * n for _ in columns])
                continue
            vb = values[periods.index(base)]
            delta_lists.append([_none(values[0][c] - vb[c]) for c in columns])
    count_rows = list(zip(*count_lists, strict=True)) if n else []
    value_rows = list(zip(*value_lists, strict=True)) if n else []
    rows = []
    for i in range(n):
        sid, code, name = universe[i]
        row = IndicatorRow(sid, code, name, counts=dict(zip(measures, count_rows[i], strict=True)),
                           values=dict(zip(columns, value_rows[i], strict=True)))
        rows.append(row)
    if deltas and n:
        for target, lists in (("mom", delta_lists[0]), ("yoy", delta_lists[1])):
            for row, vals in zip(rows, zip(*lists, strict=True), strict=True):
                setattr(row, target, dict(zip(columns, vals, strict=True)))
    return IndicatorTable(period, subject, columns, rows)
