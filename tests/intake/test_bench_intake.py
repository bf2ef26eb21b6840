"""``bench intake`` itself, small: its phones' process, the intake and the figures it
reports agree with what the store holds (the full run is by hand: python -m app bench
intake)."""

from __future__ import annotations

from app.intake.bench import run_intake_bench


def test_a_small_bench_counts_what_it_stored(tmp_path):
    out = run_intake_bench(tmp_path, devices=300, interval_s=1.0, duration_s=3.0,
                           parts=("duckdb", "window"))
    for part in ("duckdb", "window"):
        run = out[part]
        assert run["published"] == 900 == run["stored"]
        assert run["measured"] == 900  # every message's latency, matched by phone and time
        assert 0 < run["latency_p50_ms"] <= run["latency_p95_ms"] <= run["latency_max_ms"]
    # the window (a Qt process of its own) drew every fix, each after it was committed
    on_map = out["window"]["on_map"]
    assert on_map["measured"] == 900
    assert on_map["latency_p50_ms"] >= out["window"]["latency_p50_ms"]
    assert out["met"]["duckdb_5000_per_s"] is False  # 300 phones offer 300/s, not 5,000
    assert set(out["met"]) == {"duckdb_5000_per_s", "duckdb_p95_le_1s", "window_5000_per_s",
                               "window_p95_le_1s", "window_on_map_p95_le_1s"}
