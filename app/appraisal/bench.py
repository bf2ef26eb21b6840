"""Appraisal figures for ``python -m app bench``: indicator queries over a year.

For each subject, :func:`compute_indicators` over the trailing year (with 环比/同比)
is run ``runs`` times: ``query_ms`` is the time spent in the database (a DuckDB file or
a PostgreSQL server: ``db`` is either), ``total_ms`` includes
building the Python rows; best of the runs (the development machine is shared, so the
best run is the code's own cost) and, beside it, the median.  The ``met`` verdict
uses the best run; ``load`` is the 1-minute load average when the figures were taken.  ``facts_build_ms`` is
the one-off build of the per-case facts table (:mod:`app.appraisal.facts`).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

TARGET_MS = 200.0


def _timed_store(store):
    """Wrap the store's query methods to add up the time spent in the database."""
    spent = [0.0]
    for name in ("columns", "rows", "scalar"):
        orig = getattr(store, name)

        def wrap(sql, params=(), _orig=orig):
            t = time.perf_counter()
            try:
                return _orig(sql, params)
            finally:
                spent[0] += time.perf_counter() - t

        setattr(store, name, wrap)
    return spent


def appraisal_bench(db: str | Path, runs: int = 5) -> dict:
    from app.appraisal import compute_indicators, department_scores, drill_down, trailing_year
    from app.appraisal.facts import ensure_facts
    from app.clock import store_clock
    from app.demo.reanchor import demo_anchor
    from app.store import open_store

    store = open_store(db, read_only=True)
    try:
        # a demo's own moment, so that the figures do not depend on the day they are taken
        period = trailing_year(demo_anchor(store.meta()) or store_clock(store).now())
        n_cases = int(store.scalar("SELECT count(*) FROM cases"))
        t = time.perf_counter()
        ensure_facts(store)
        facts_ms = (time.perf_counter() - t) * 1000
        spent = _timed_store(store)
        out: dict = {"period": period.label, "cases": n_cases,
                     "facts_build_ms": round(facts_ms, 1), "indicators": {}}
        for subject in ("overall", "department", "street", "community", "grid", "worker"):
            q, tot = [], []
            for _ in range(runs):
                spent[0] = 0.0
                t = time.perf_counter()
                table = compute_indicators(store, period, subject)
                tot.append((time.perf_counter() - t) * 1000)
                q.append(spent[0] * 1000)
            out["indicators"][subject] = {"rows": len(table.rows),
                                          "query_ms": round(min(q), 1),
                                          "total_ms": round(min(tot), 1),
                                          "query_ms_median": round(statistics.median(q), 1),
                                          "total_ms_median": round(statistics.median(tot), 1)}
        t = time.perf_counter()
        scores = department_scores(store, period)
        out["department_scores_ms"] = round((time.perf_counter() - t) * 1000, 1)
        if scores:
            t = time.perf_counter()
            drill_down(store, period, "department", scores[-1].department_id, "close_rate")
            out["drill_down_ms"] = round((time.perf_counter() - t) * 1000, 1)
        worst = max(v["query_ms"] for v in out["indicators"].values())
        out["load"] = round(os.getloadavg()[0], 2)
        out["target_query_ms"] = TARGET_MS
        out["met"] = bool(worst < TARGET_MS)
        return out
    finally:
        store.close()


if __name__ == "__main__":  # python -m app.appraisal.bench DB
    import json
    import sys

    print(json.dumps(appraisal_bench(sys.argv[1]), ensure_ascii=False, indent=1))
