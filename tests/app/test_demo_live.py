"""At first start the demo is live: whistles in progress, one overdue and under
supervision (督办), one second whistle (二次哨); walking distances a person can walk."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.cli import main
from app.demo.live_whistles import LIVE_WHISTLES
from app.demo.reanchor import reanchor
from app.demo_build import build_demo_database
from app.store import open_store
from app.workflow import whistle_machine as wm
from app.workflow.whistles import load_whistle, supervision_list

SUNDAY_NIGHT = datetime(2026, 11, 22, 23, 0)


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory):
    """A small demo with the whistle scenes of the larger scales, made on a Sunday night."""
    mp = pytest.MonkeyPatch()
    mp.setitem(LIVE_WHISTLES, "small", 4)
    path = tmp_path_factory.mktemp("live") / "live.duckdb"
    try:
        build_demo_database(path, scale="small", seed=3, now=SUNDAY_NIGHT)
    finally:
        mp.undo()
    return path


def _open_whistles(db) -> dict[int, wm.Whistle]:
    ids = [r[0] for r in db.rows("SELECT id FROM whistles WHERE closed_at IS NULL ORDER BY id")]
    return {i: load_whistle(db, i)[1] for i in ids}


def test_whistles_in_progress_one_supervised_overdue_one_second(live_demo):
    with open_store(live_demo, read_only=True) as db:
        live = _open_whistles(db)
        assert len(live) == 5  # four scenes, the last with its second whistle
        overdue = {i for i, w in live.items() if wm.is_overdue(w, SUNDAY_NIGHT)}
        supervised = {i for i, w in live.items() if w.supervised}
        assert supervised and supervised <= overdue
        second = [i for i, w in live.items() if w.round == 2]
        assert len(second) == 1
        parent = db.scalar("SELECT parent_whistle_id FROM whistles WHERE id = ?", [second[0]])
        assert live[parent].seconded and live[parent].supervised
        assert wm.whistle_status(live[second[0]]) == "handling"
        assert {wm.whistle_status(w) for w in live.values()} >= {"blown", "reported",
                                                                  "handling"}
        # the stored flag matches the timeline: a supervise step, when it was taken
        for wid in supervised:
            at = db.scalar("SELECT occurred_at FROM whistle_events WHERE whistle_id = ? "
                           "AND action = 'supervise'", [wid])
            assert at == db.scalar("SELECT supervised_at FROM whistles WHERE id = ?", [wid])
            assert wm.overdue_items(live[wid], at)  # it was already late when supervised
            with pytest.raises(wm.IllegalWhistleStep, match="已在督办之列"):
                wm.supervise(live[wid], SUNDAY_NIGHT)
        assert db.scalar("SELECT max(occurred_at) FROM whistle_events") <= SUNDAY_NIGHT
        listed = {r["id"]: r["supervised"] for r in supervision_list(db, SUNDAY_NIGHT)}
        assert supervised <= {i for i, s in listed.items() if s}
    assert main(["check", "--db", str(live_demo)]) == 0


def test_whistles_stay_live_when_the_demo_is_brought_to_now(live_demo, tmp_path):
    """`demo --if-missing` a week later: the same whistles are in progress at the new now."""
    import shutil

    path = tmp_path / "later.duckdb"
    shutil.copy(live_demo, path)
    later = SUNDAY_NIGHT + timedelta(days=7, hours=3)
    with open_store(path) as db:
        before = _open_whistles(db)
        assert reanchor(db, later) is not None
        after = _open_whistles(db)
    assert after.keys() == before.keys()
    assert any(w.supervised and wm.is_overdue(w, later) for w in after.values())
    assert any(w.round == 2 for w in after.values())
    assert all(w.blown_at <= later for w in after.values())


def test_the_second_whistle_step_names_the_new_whistle_by_its_code(live_demo):
    with open_store(live_demo, read_only=True) as db:
        child, code, parent = db.rows("SELECT id, code, parent_whistle_id FROM whistles "
                                      "WHERE round = 2 AND closed_at IS NULL")[0]
        note = db.scalar("SELECT note FROM whistle_events WHERE whistle_id = ? AND "
                         "action = 'second'", [parent])
    assert note == f"→ {code}"
