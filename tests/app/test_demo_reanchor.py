"""A demo district opened a week after it was made still shows a live today: its
timeline is re-anchored to the clock's now (app/demo/reanchor.py) when it goes on
duty, the audit chain still verifies, and read-only commands change nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.audit import verify_log
from app.auth.permissions import Role
from app.cli import main
from app.clock import NOW_ENV, LiveClock
from app.demo.accounts import DEMO_PASSWORDS
from app.demo.live_whistles import LIVE_WHISTLES
from app.demo.reanchor import ANCHOR_KEY, MIN_GAP, reanchor, staleness
from app.demo_build import build_demo_database
from app.store import open_store
from app.store.schema import DOMAIN_TABLES
from app.store.target import parse_db
from tests.conftest import TEST_NOW

#: "a week later": the demo was made at TEST_NOW, it is opened at TEST_NOW + WEEK
WEEK = timedelta(days=7, hours=2, minutes=15)
ENDED = "('closed', 'evaluated', 'voided')"


def live_figures(db, now: datetime) -> dict[str, int]:
    """What an inspection team sees at ``now``: open and overdue cases, cases of the last
    24 hours, whistles in progress, patrol fixes of the last hour."""
    row = db.rows(
        f"""SELECT count(*) FILTER (WHERE status NOT IN {ENDED} AND reported_at <= ?),
                   count(*) FILTER (WHERE status NOT IN {ENDED} AND deadline_at < ?),
                   count(*) FILTER (WHERE reported_at > ? - INTERVAL '1 day' AND reported_at <= ?)
            FROM cases""", [now] * 4)[0]
    whistles = db.scalar("SELECT count(*) FROM whistles WHERE blown_at <= ? AND closed_at IS NULL",
                         [now])
    fixes = db.scalar("SELECT count(*) FROM gps_fixes WHERE t > ? - INTERVAL '1 hour' AND t <= ?",
                      [now, now])
    return {"open": row[0], "overdue": row[1], "last_24h": row[2], "whistles": whistles,
            "fixes": fixes}


def reported_today(db, now: datetime) -> int:
    return db.scalar("SELECT count(*) FROM cases WHERE reported_at >= ? AND reported_at <= ?",
                     [datetime.combine(now.date(), datetime.min.time()), now])


def blow_whistle(db_path, at: datetime, monkeypatch, capsys) -> int:
    """A street secretary blows a whistle from the command line (at a fixed --now)."""
    with open_store(db_path, read_only=True) as s:
        grid = s.scalar("SELECT g.code FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.code LIMIT 1")
    monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[Role.STREET_SECRETARY])
    assert main(["whistle", "blow", "--grid", grid, "--dept", "CG,HW", "--title", "垃圾堆积",
                 "--user", "sec01", "--now", at.isoformat(), "--json",
                 "--db", str(db_path)]) == 0
    return int(json.loads(capsys.readouterr().out)["id"])


def test_a_demo_opened_a_week_later_presents_a_live_today(district_db, monkeypatch, capsys):
    blown = TEST_NOW + timedelta(minutes=10)  # in use for a moment after it was made
    wid = blow_whistle(district_db, blown, monkeypatch, capsys)
    later = TEST_NOW + WEEK
    with open_store(district_db) as db:
        then = live_figures(db, blown)
        assert then["open"] and then["overdue"] and then["whistles"] == 1 and then["fixes"]
        stale = live_figures(db, later)
        assert stale["last_24h"] == 0 and stale["fixes"] == 0  # a week old: no today

        done = reanchor(db, later)

        assert done is not None and done.before == blown and done.after == later
        assert done.rows > 10_000
        # the district looks as it did when it was last in use, moved to now
        assert live_figures(db, later) == then
        assert reported_today(db, later) > 0
        assert db.scalar("SELECT blown_at FROM whistles WHERE id = ?", [wid]) == later
        assert db.scalar("SELECT max(reported_at) FROM cases") <= later
        assert db.meta()[ANCHOR_KEY] == later.isoformat(timespec="seconds")
        audit = db.rows("SELECT occurred_at, username, action, before, after FROM audit_log "
                        "ORDER BY seq DESC LIMIT 1")[0]
        assert audit[:3] == (later, "system", "demo.reanchor")
        assert json.loads(audit[4])["rows"] == done.rows
        result = verify_log(db)
        assert result.ok, result.problem
        # opened again a moment later: nothing moves (the whistle blown "now" still counts)
        assert reanchor(db, later + MIN_GAP - timedelta(minutes=1)) is None
        assert db.scalar("SELECT blown_at FROM whistles WHERE id = ?", [wid]) == later
    assert main(["check", "--db", district_db]) == 0, capsys.readouterr().out


def test_a_fixed_now_in_a_command_moves_nothing(district_db, monkeypatch, capsys):
    """--now is the moment of one action (scripts, tests): a whistle blown at a later
    --now does not drag the demo's timeline along."""
    later = TEST_NOW + WEEK
    blow_whistle(district_db, later, monkeypatch, capsys)
    with open_store(district_db, read_only=True) as db:
        assert db.meta()[ANCHOR_KEY] == TEST_NOW.isoformat(timespec="seconds")
        assert db.scalar("SELECT max(reported_at) FROM cases") <= TEST_NOW


def _content(db: str) -> str:
    """A digest of the district: the file's bytes, or on a server every domain table's
    rows (derived tables such as the appraisal facts may be built by a read)."""
    if not parse_db(db).is_postgres:
        return hashlib.sha256(Path(db).read_bytes()).hexdigest()
    h = hashlib.sha256()
    with open_store(db, read_only=True) as s:
        for table in [*DOMAIN_TABLES, "meta", "audit_log"]:
            h.update(repr(s.rows(f"SELECT * FROM {table} ORDER BY 1, 2")).encode())
    return h.hexdigest()


def test_read_only_commands_change_nothing_and_say_what_now_they_used(district_db, capsys):
    before = _content(district_db)
    later = TEST_NOW + WEEK
    assert main(["info", "--json", "--now", later.isoformat(), "--db", district_db]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["district"]["now"] == later.isoformat(timespec="seconds")
    assert info["district"]["demo_behind_s"] == int(WEEK.total_seconds())
    assert main(["info", "--now", later.isoformat(), "--db", district_db]) == 0
    assert "演示时间线      落后 7 天 2 小时" in capsys.readouterr().out
    assert main(["check", "--db", district_db]) == 0
    assert _content(district_db) == before


def test_not_a_demo_is_never_moved(district_db):
    with open_store(district_db) as db:
        db.rows("DELETE FROM meta WHERE key = ?", [ANCHOR_KEY])
        assert staleness(db, TEST_NOW + WEEK) is None
        assert reanchor(db, TEST_NOW + WEEK) is None


@pytest.fixture
def week_old_demo(tmp_path, monkeypatch):
    """A small demo generated a week before the wall clock's now (no GRIDCC_NOW), with
    the whistles in progress of the larger scales."""
    monkeypatch.delenv(NOW_ENV)
    monkeypatch.setitem(LIVE_WHISTLES, "small", 3)
    path = tmp_path / "week_old.duckdb"
    build_demo_database(path, scale="small", seed=11, now=LiveClock().now() - timedelta(days=7))
    return path


def test_demo_if_missing_brings_a_week_old_demo_to_the_live_today(week_old_demo, capsys):
    """The `bash gridcc run` path: `demo --if-missing` keeps the district and moves it to
    now; `info` on the live clock then counts a live today."""
    db = str(week_old_demo)
    assert main(["demo", "--scale", "small", "--if-missing", "--db", db]) == 0
    assert "演示区时间线已平移 7 天" in capsys.readouterr().out
    assert main(["info", "--json", "--db", db]) == 0
    info = json.loads(capsys.readouterr().out)
    cases = info["cases"]
    now = datetime.fromisoformat(info["district"]["now"])
    assert cases["open"] > 0 and cases["overdue"] > 0
    with open_store(week_old_demo, read_only=True) as store:
        # the newest case came in during the day before now, not a week ago (how many fall
        # after midnight depends on the hour: just after 00:00 there may be none yet)
        newest = store.scalar("SELECT max(reported_at) FROM cases")
        midnight = datetime.combine(now.date(), datetime.min.time())
        since_midnight = store.scalar("SELECT count(*) FROM cases WHERE reported_at >= ? "
                                      "AND reported_at <= ?", [midnight, now])
    assert now - timedelta(days=1) < newest <= now
    assert cases["reported_today"] == since_midnight
    assert info["whistles"]["closed"] == info["whistles"]["total"] - 3  # 3 in progress
    assert main(["demo", "--scale", "small", "--if-missing", "--db", db]) == 0
    assert capsys.readouterr().out == ""  # already live: nothing to move
    with open_store(week_old_demo, read_only=True) as store:
        assert staleness(store, LiveClock().now()) < MIN_GAP
        assert verify_log(store).ok


def test_whistles_in_progress_at_the_demos_now(tmp_path, monkeypatch, capsys):
    """Generated on a Sunday night: one just blown, one late to be reported in to (on the
    supervision list), one being handled; every step before now; check passes."""
    monkeypatch.setitem(LIVE_WHISTLES, "small", 3)
    path = tmp_path / "live.duckdb"
    sunday_night = datetime(2026, 11, 22, 23, 0)
    build_demo_database(path, scale="small", seed=3, now=sunday_night)
    with open_store(path, read_only=True) as db:
        live = db.rows("SELECT id, status FROM whistles WHERE closed_at IS NULL ORDER BY id")
        assert [s for _, s in live] == ["blown", "reported", "handling"]
        assert db.scalar("SELECT max(occurred_at) FROM whistle_events") <= sunday_night
        assert db.scalar("SELECT max(reported_at) FROM whistle_departments") <= sunday_night
    monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[Role.SUPERVISION_OFFICE])
    assert main(["whistle", "list", "--supervision", "--user", "supervisor", "--json",
                 "--now", sunday_night.isoformat(), "--db", str(path)]) == 0
    assert [w["id"] for w in json.loads(capsys.readouterr().out)] == [live[1][0]]
    assert main(["check", "--db", str(path)]) == 0


def test_a_command_on_the_live_clock_first_brings_the_demo_to_now(week_old_demo, monkeypatch,
                                                                   capsys):
    """What is done now must not land a week after the rest of the demo."""
    monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[Role.OPERATOR])
    assert main(["case", "list", "--overdue", "--user", "operator", "--json",
                 "--db", str(week_old_demo)]) == 0
    assert json.loads(capsys.readouterr().out)  # overdue cases now, not a week ago
    with open_store(week_old_demo, read_only=True) as store:
        assert staleness(store, LiveClock().now()) < MIN_GAP
