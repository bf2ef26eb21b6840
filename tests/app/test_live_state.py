"""The live district state (Qt-free): whistle rows as the workflow loads them, changed
cases merged into the map arrays, derived lists and the headline of the present state."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from app.auth.accounts import get_user
from app.changes import Change
from app.live.district_state import (
    DistrictState,
    fetch,
    load_case_rows,
    load_whistle_rows,
    merge_cases,
)
from app.map.layers import load_district_map
from app.store import open_store
from app.video.alarms import URGENT_CATEGORIES, urgent_cases
from app.workflow import whistles
from tests.backends import BACKENDS, map_of, reading_store


@pytest.fixture(scope="module", params=BACKENDS)
def any_store(request):
    """The small district to read, on each backend."""
    yield from reading_store(request)


@pytest.fixture(scope="module")
def any_map(request, any_store):
    """Its map layers, loaded from that store."""
    return map_of(request, any_store)

T0 = datetime(2026, 11, 20, 10, 30)


def test_whistle_rows_are_the_workflows_whistles(any_store, any_map):
    rows = load_whistle_rows(any_store, any_map.frame)
    assert sorted(rows) == [int(r[0]) for r in any_store.rows("SELECT id FROM whistles ORDER BY id")]
    for wid, row in rows.items():
        _, w = whistles.load_whistle(any_store, wid)
        assert row.state == w and row.version == w.version
    state = DistrictState.initial(any_map.cases, rows)
    for at in (T0, T0 - timedelta(days=200)):
        assert [r["id"] for r in state.supervision(at)] == \
            [r["id"] for r in whistles.supervision_list(any_store, at)]


def test_changed_cases_replace_their_rows_and_new_ones_join(any_store, any_map):
    d = any_map.cases
    some = d.ids[[0, 5, len(d) - 1]].tolist()
    fresh, facts = load_case_rows(any_store, any_map.frame, some, T0)
    assert sorted(fresh.ids.tolist()) == sorted(some) and {f.id for f in facts} == set(some)
    merged, written = merge_cases(d, fresh, T0)
    assert sorted(written.tolist()) == [0, 5, len(d) - 1]
    for name in ("ids", "x", "y", "is_open", "reported_s", "closed_s", "deadline_s"):
        assert np.allclose(getattr(merged, name).astype(float), getattr(d, name).astype(float),
                           equal_nan=True), name
    # a case the arrays do not hold yet (here: taken out) joins at the end
    fewer = replace(d, **{n: getattr(d, n)[1:] for n in (
        "ids", "x", "y", "kind", "is_open", "overdue", "reported_s", "closed_s", "deadline_s")})
    back, written = merge_cases(fewer, fresh, T0)
    assert len(back) == len(d) and back.ids[-1] == d.ids[0] and written[-1] == len(d) - 1


def test_a_batch_of_changes_reads_each_entity_once(district_db):
    store = open_store(district_db)
    try:
        dm = load_district_map(store)
        state = DistrictState.initial(dm.cases, load_whistle_rows(store, dm.frame))
        g, lon, lat = store.rows("SELECT g.id, g.label_lon, g.label_lat FROM grid_units g "
                                 "JOIN grid_units c ON c.id = g.parent_id WHERE g.level = 4 "
                                 "AND c.parent_id = 2 ORDER BY g.code LIMIT 1")[0]
        heard = []
        store.changes.subscribe(heard.extend)
        wid = whistles.blow(store, get_user(store, "sec01"), grid_id=g, department_ids=[6],
                            title="占道经营", description="", lon=lon, lat=lat,
                            at=T0 + timedelta(days=3), report_hours=8, finish_hours=45)
        codes = sorted(URGENT_CATEGORIES)
        urgent_ids = [int(r[0]) for r in store.rows(
            f"SELECT id FROM cases WHERE category_code IN ({', '.join('?' * len(codes))}) "
            f"ORDER BY id LIMIT 2", codes)]
        case_ids = sorted({*dm.cases.ids[:3].tolist(), *urgent_ids})
        heard.append(Change("case", tuple(case_ids), "case.import", "operator", T0))
        r = fetch(store, dm.frame, heard, T0)
        assert r.whistle_ids == (wid,) and r.case_ids == tuple(sorted(case_ids))
        assert r.new_case_ids == tuple(sorted(case_ids))
        # the urgent ones, picked from the rows read (as the alarm query would find them)
        assert len(r.urgent) >= 1 and list(r.urgent) == urgent_cases(store, case_ids)
        new = state.updated(r)
        assert wid in new.whistles and wid not in state.whistles  # the old state is kept
        h = new.headline(T0)  # blown three days after the clock: in progress all the same
        assert h.whistles_in_progress == state.headline(T0).whistles_in_progress + 1
        assert h.open_cases == int(store.scalar(
            "SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'evaluated', 'voided')"))
    finally:
        store.close()
