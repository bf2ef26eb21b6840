"""The same small district on DuckDB and on a PostgreSQL server gives the same answers:
every appraisal indicator of every subject, ``info`` and the whole check."""

from __future__ import annotations

import pytest

from app.appraisal import SUBJECTS, compute_indicators, parse_period
from app.checks import run_checks
from app.district_info import district_info
from app.store import open_store


def _indicators(store) -> dict:
    out = {}
    for label in ("2026-10", "2026Q3", "2026"):
        period = parse_period(label)
        for subject in SUBJECTS:
            table = compute_indicators(store, period, subject, live=True)
            out[(label, subject)] = [(r.subject_id, r.code, r.name, r.counts, r.values,
                                      r.mom, r.yoy) for r in table.rows]
    return out


def test_indicators_info_and_checks_agree_on_both_backends(small_db_path, pg_small_url):
    with open_store(small_db_path, read_only=True) as duck, \
            open_store(pg_small_url, read_only=True) as pg:
        a, b = _indicators(duck), _indicators(pg)
        # the server counted over its shared facts table, not a per-seat copy
        assert pg.scalar("SELECT count(*) FROM appraisal_case_facts") == \
            pg.scalar("SELECT count(*) FROM cases")
        assert a.keys() == b.keys()
        for key in a:
            assert _diff(a[key], b[key]) == [], key
        ia, ib = district_info(duck), district_info(pg)
        ia.pop("database"), ib.pop("database")
        assert ia == ib
        ra, rb = run_checks(duck), run_checks(pg)
        assert [(r.name, r.ok, r.problems) for r in ra.results] == \
            [(r.name, r.ok, r.problems) for r in rb.results]


def _diff(x, y, where="") -> list[str]:
    """Where ``x`` and ``y`` differ; floats may differ in their last bits (the two
    engines sum in different orders), nothing else may."""
    if isinstance(x, dict) and isinstance(y, dict):
        if x.keys() != y.keys():
            return [f"{where}: keys {sorted(x)} != {sorted(y)}"]
        return [d for k in x for d in _diff(x[k], y[k], f"{where}.{k}")]
    if isinstance(x, list | tuple) and isinstance(y, list | tuple):
        if len(x) != len(y):
            return [f"{where}: {len(x)} items != {len(y)}"]
        return [d for i, (u, v) in enumerate(zip(x, y, strict=True))
                for d in _diff(u, v, f"{where}[{i}]")]
    if isinstance(x, float) and isinstance(y, float):
        return [] if x == pytest.approx(y, rel=1e-12, abs=1e-12) else [f"{where}: {x} != {y}"]
    if type(x) is not type(y) or x != y:
        return [f"{where}: {x!r} != {y!r}"]
    return []
