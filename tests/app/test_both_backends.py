"""The same small district on DuckDB and on a PostgreSQL server gives the same answers:
every appraisal indicator of every subject, the scores, ``info`` and the whole check;
the map's loads and the live state; patrol fixes written and read back."""

from __future__ import annotations

import contextlib
import dataclasses

import numpy as np
import pytest

from app.appraisal import (
    SUBJECTS,
    area_scores,
    compute_indicators,
    department_scores,
    parse_period,
)
from app.appraisal.sql import shared_patrol
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
        assert shared_patrol(pg) and pg.scalar("SELECT count(*) FROM appraisal_patrol_days") > 0
        assert a.keys() == b.keys()
        for key in a:
            assert _diff(a[key], b[key]) == [], key
        for label in ("2026-10", "2026Q3"):
            period = parse_period(label)
            sa = [dataclasses.asdict(x) for x in department_scores(duck, period)]
            sb = [dataclasses.asdict(x) for x in department_scores(pg, period)]
            assert _diff(sa, sb) == [] and len(sa) > 5
            for level in ("street", "community"):
                assert _diff([dataclasses.asdict(x) for x in area_scores(duck, period, level)],
                             [dataclasses.asdict(x) for x in area_scores(pg, period, level)]) \
                    == []
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


def test_map_loads_live_state_cameras_and_tracks_agree_on_both_backends(store, pg_small_url):
    """What a seat's map reads (grid levels, buildings, cases, whistles, cameras, patrol
    tracks) and the live state built from it are the same from either backend."""
    from app.feed.fixes import to_seconds
    from app.feed.storage import load_history
    from app.live.district_state import DistrictState, load_whistle_rows
    from app.map.cameras import camera_layer_data
    from app.map.layers import load_district_map
    from app.video.registry import CameraRegistry

    def load(s):
        dm = load_district_map(s)
        rows = load_whistle_rows(s, dm.frame)
        state = DistrictState.initial(dm.cases, rows)
        workers = np.array(sorted(r[0] for r in s.rows("SELECT id FROM workers")), np.int64)
        t1 = to_seconds(dm.now)
        return {"map": dm, "whistle_rows": rows, "headline": state.headline(dm.now),
                "supervision": state.supervision(dm.now),
                "cameras": camera_layer_data(s, dm.frame),
                "registry": CameraRegistry.load(s).cameras,
                "tracks": load_history(s, dm.frame, workers, t1 - 14 * 86400, t1)}

    with open_store(pg_small_url, read_only=True) as pg:
        a, b = load(store), load(pg)
    assert len(a["map"].cases) > 1000 and len(a["tracks"].t) > 1000
    problems = _data_diff(a, b)
    assert problems == [], problems[:20]


def _data_diff(x, y, where="") -> list[str]:
    """Like _diff, for the map's arrays and dataclasses too."""
    if dataclasses.is_dataclass(x) and dataclasses.is_dataclass(y):
        if type(x) is not type(y):
            return [f"{where}: {type(x)} != {type(y)}"]
        return [d for f in dataclasses.fields(x)
                for d in _data_diff(getattr(x, f.name), getattr(y, f.name), f"{where}.{f.name}")]
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        ax, ay = np.ma.asarray(x), np.ma.asarray(y)
        if ax.shape != ay.shape:
            return [f"{where}: shape {ax.shape} != {ay.shape}"]
        if ax.dtype.kind != ay.dtype.kind and {ax.dtype.kind, ay.dtype.kind} != {"O", "U"}:
            return [f"{where}: dtype {ax.dtype} != {ay.dtype}"]
        if not np.array_equal(np.ma.getmaskarray(ax), np.ma.getmaskarray(ay)):
            return [f"{where}: different nulls"]
        fx, fy = ax.compressed() if ax.ndim == 1 else ax.data, \
            ay.compressed() if ay.ndim == 1 else ay.data
        if fx.dtype.kind == "f":
            ok = np.allclose(fx, fy, rtol=1e-12, atol=1e-9, equal_nan=True)
        else:
            ok = [v for v in fx.tolist()] == [v for v in fy.tolist()]
        return [] if ok else [f"{where}: values differ"]
    if isinstance(x, dict) and isinstance(y, dict):
        if x.keys() != y.keys():
            return [f"{where}: keys differ"]
        return [d for k in x for d in _data_diff(x[k], y[k], f"{where}.{k}")]
    if isinstance(x, list | tuple) and isinstance(y, list | tuple):
        if len(x) != len(y):
            return [f"{where}: {len(x)} items != {len(y)}"]
        return [d for i, (u, v) in enumerate(zip(x, y, strict=True))
                for d in _data_diff(u, v, f"{where}[{i}]")]
    return _diff(x, y, where)


def test_patrol_fixes_written_and_read_back_on_each_backend(district_db, district_map):
    """The feed's writer stores fixes (future ones flagged) and the history reads them
    back, in order, to the centimetre, on either backend."""
    from datetime import datetime

    from app.clock import FixedClock
    from app.feed import FixBatch, to_seconds
    from app.feed.fixes import FUTURE_TOLERANCE_S
    from app.feed.storage import FixWriter, load_history

    later = datetime(2026, 11, 21, 9, 0)  # after the demo's stored day
    now = to_seconds(later)
    with open_store(district_db) as s, contextlib.closing(s.cursor()) as cur:
        ids = np.asarray(s.columns("SELECT id FROM workers ORDER BY id LIMIT 2")["id"])
        heard = []
        s.changes.subscribe(heard.extend)
        writer = FixWriter(cur, district_map.frame, ids, clock=FixedClock(later))
        t = [now, now + FUTURE_TOLERANCE_S + 3600, now + 10, now + 20.5]
        writer.add(FixBatch(np.array([0, 1, 0, 1], np.int32), np.array(t),
                            np.array([10.0, 20.0, 30.0, 40.25]), np.array([5.0, 6.0, 7.0, 8.0]),
                            np.zeros(4, np.float32)))
        assert writer.flush().ok and writer.written == 4
        assert [c.action for c in heard] == ["gps_fix.store"]
        a, b = int(ids[0]), int(ids[1])
        assert s.rows("SELECT worker_id, flag FROM gps_fixes WHERE t >= ? ORDER BY t",
                      [later]) == [(a, None), (a, None), (b, None), (b, "future")]
        hist = load_history(s, district_map.frame, ids, now, now + 7200)
        assert hist.worker.tolist() == [0, 0, 1]  # the future one is never replayed
        assert hist.t.tolist() == [now, now + 10, now + 20.5]
        assert np.abs(hist.x - [10.0, 30.0, 40.25]).max() < 0.01
        assert np.abs(hist.y - [5.0, 7.0, 8.0]).max() < 0.01
