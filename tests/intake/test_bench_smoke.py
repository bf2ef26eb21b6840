"""``bench intake``'s code path with a tiny load (20 phones, 2 kills): figures come back
whole and the kill phase loses and doubles nothing.  The real figures come from
``python -m app bench intake`` (10,000 phones every 2 s, 20 kills), not from the suite."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_bench_intake_runs_small(tmp_path):
    from app.intake.bench import run_intake_bench

    out = run_intake_bench(tmp_path, devices=20, interval_s=1.0, duration_s=3.0, kills=2,
                           kill_rate=10.0)
    d = out["duckdb"]
    assert d["published"] > 0 and d["stored"] == d["published"]
    assert d["latency_p95_ms"] is not None
    k = out["kills"]
    assert (k["kills"], k["lost"], k["duplicates"]) == (2, 0, 0)
    assert k["stored"] == k["published"] > 0
    assert k["memory_mb"] > 0 and k["resume_s_max"] > 0
