"""The appraisal facts on a PostgreSQL server (app/appraisal/server_facts.py): one table
shared by every seat, refreshed once per batch of case changes, by whichever seat asks
first; a refresh blocks neither readers nor writers."""

from __future__ import annotations

import psycopg
import pytest

from app.appraisal import compute_indicators, parse_period
from app.appraisal.facts import facts_sql
from app.appraisal.server_facts import TABLE, WORKDAYS
from app.store import open_store

OCTOBER = parse_period("2026-10")
#: one case closed in October (its closing taken back by the tests)
CLOSED_IN_OCTOBER = ("SELECT min(id) FROM cases WHERE closed_at >= TIMESTAMP '2026-10-02' "
                     "AND closed_at < TIMESTAMP '2026-10-30' AND id > ?")


def _closed(store) -> int:
    return compute_indicators(store, OCTOBER, "overall", deltas=False).rows[0].counts["closed"]


def _count(store, measure: str) -> int:
    return compute_indicators(store, OCTOBER, "overall", deltas=False).rows[0].counts[measure]


def _refreshes(store) -> int:
    return int(store.scalar("SELECT refreshes FROM appraisal_facts_state"))


def _reopen(store, after_id: int = 0) -> int:
    cid = int(store.scalar(CLOSED_IN_OCTOBER, [after_id]))
    store.rows("UPDATE cases SET closed_at = NULL, status = 'verified' WHERE id = ?", [cid])
    return cid


def test_seats_share_the_facts_and_refresh_them_once_per_change(pg_small_url):
    with open_store(pg_small_url) as a, open_store(pg_small_url) as b:
        first = _closed(a)  # the shared facts (set up by server init) brought up to date
        r0 = _refreshes(a)
        assert a.scalar("SELECT count(*) FROM appraisal_case_facts") == \
            a.scalar("SELECT count(*) FROM cases")
        assert _closed(b) == first and _refreshes(b) == r0  # b counts over a's facts
        _reopen(a)
        assert b.scalar("SELECT count(*) FROM appraisal_facts_dirty") == 1
        assert _closed(b) == first - 1  # b sees a's change: b refreshed
        assert _closed(a) == first - 1 and _refreshes(a) == r0 + 1  # … once for both
        # a bulk change of many cases is one refresh too
        a.rows("UPDATE cases SET satisfaction = satisfaction WHERE id % 3 = 0")
        assert _closed(b) == first - 1 and _closed(a) == first - 1 and _refreshes(a) == r0 + 2
        # a new step of a case (here: returned) refreshes that case's facts
        returned = _count(b, "returned")
        cid = a.scalar("SELECT min(c.id) FROM cases c WHERE c.dispatched_at >= TIMESTAMP "
                       "'2026-10-01' AND c.dispatched_at < TIMESTAMP '2026-11-01' AND c.id NOT "
                       "IN (SELECT case_id FROM case_transitions WHERE action = 'return')")
        a.rows("INSERT INTO case_transitions (case_id, seq, action, from_status, to_status, "
               "occurred_at, actor_role) VALUES (?, 99, 'return', 'dispatched', 'registered', "
               "TIMESTAMP '2026-10-20 10:00', 'test')", [cid])
        assert _count(b, "returned") == returned + 1 and _refreshes(a) == r0 + 3
        # after these refreshes of some cases the table holds what a full build gives
        full = facts_sql(WORKDAYS)
        for x, y in ((f"SELECT * FROM {TABLE}", full), (full, f"SELECT * FROM {TABLE}")):
            assert a.scalar(f"SELECT count(*) FROM ({x} EXCEPT ALL {y}) d") == 0


def test_a_refresh_blocks_neither_readers_nor_writers(pg_small_url):
    with open_store(pg_small_url) as reader, open_store(pg_small_url) as writer:
        first = _closed(reader)
        facts = reader.scalar("SELECT count(*) FROM appraisal_case_facts")
        for s in (reader, writer):  # a blocked statement fails instead of hanging the test
            s.rows("SET statement_timeout = '10s'")
        gone = _reopen(writer)
        with psycopg.connect(pg_small_url) as refresher:  # a refresh under way, uncommitted
            assert refresher.execute("SELECT gridcc_refresh_appraisal_facts()").fetchone()[0] == 1
            # readers see the facts as they were …
            assert reader.scalar("SELECT count(*) FROM appraisal_case_facts") == facts
            assert reader.scalar("SELECT d_closed FROM appraisal_case_facts WHERE id = ?",
                                 [gone]) is not None
            # … and a writer commits meanwhile
            second = _reopen(writer, gone)
            refresher.commit()
        assert _closed(reader) == first - 2  # the refresh's change and the one after it
        assert reader.scalar("SELECT d_closed FROM appraisal_case_facts WHERE id = ?",
                             [second]) is None


def test_inside_a_transaction_the_facts_are_counted_from_the_cases(pg_small_url):
    with open_store(pg_small_url) as s:
        first = _closed(s)
        with s.transaction():
            _reopen(s)
            assert _closed(s) == first - 1  # the transaction's own change, not yet shared
        assert _closed(s) == first - 1


def test_a_seat_that_may_only_read_still_gets_current_facts(pg_cluster, pg_small_url):
    """The auditor's seat may write none of the facts' tables, yet its count refreshes
    them (as their owner) when a case changed."""
    from app.auth.permissions import Role
    from app.demo.accounts import DEMO_PASSWORDS

    name = pg_small_url.rsplit("/", 1)[1]
    url = pg_cluster.url(name, user="auditor", password=DEMO_PASSWORDS[Role.AUDITOR])
    with open_store(pg_small_url) as admin, open_store(url, read_only=True) as seat:
        first = _closed(admin)  # the owner's facts are up to date
        r0 = _refreshes(admin)
        _reopen(admin)
        assert _closed(seat) == first - 1  # refreshed by the auditor's seat, as the owner
        assert _refreshes(seat) == r0 + 1
        with pytest.raises(Exception, match="权限不足"):
            seat.rows("DELETE FROM appraisal_case_facts")


def test_prepared_by_server_init_and_set_up_again_when_dropped(pg_small_url):
    from app.appraisal.server_facts import prepare_server_facts

    with open_store(pg_small_url) as admin, open_store(pg_small_url) as seat:
        assert prepare_server_facts(admin)
        r0 = _refreshes(admin)
        assert r0 >= 1  # built by server init (and brought up to date after the copy)
        first = _closed(seat)
        assert _refreshes(seat) == r0  # the seat found them built
        admin.rows("DROP TABLE appraisal_facts_state, appraisal_facts_dirty")
        _reopen(admin)  # writes go on without the facts' tables
        assert _closed(seat) == first - 1 and _refreshes(seat) == 1  # set up, built again


def test_a_street_seat_of_a_secured_server_counts_the_district_facts(pg_cluster, pg_small_url):
    """After ``server init`` (logins, grants, row-level security) a street secretary's
    seat counts over the shared facts — the district's figures, as the administrator
    gets them — and a case it may not read still refreshes them when it changes."""
    from app.appraisal.server_facts import prepare_server_facts
    from app.auth.permissions import Role
    from app.demo.accounts import DEMO_PASSWORDS
    from app.store.pg_server import init_server

    init_server(pg_small_url)
    init_server(pg_small_url)  # the accounts copied with the district get their logins
    name = pg_small_url.rsplit("/", 1)[1]
    street = pg_cluster.url(name, user="sec01", password=DEMO_PASSWORDS[Role.STREET_SECRETARY])
    with open_store(pg_small_url) as admin, open_store(street) as seat:
        assert prepare_server_facts(admin)
        assert seat.scalar("SELECT count(*) FROM cases") < admin.scalar(
            "SELECT count(*) FROM cases")  # row-level security: its street only
        first = _closed(admin)
        r0 = _refreshes(admin)
        assert _closed(seat) == first
        other = admin.scalar("SELECT c.id FROM cases c JOIN grid_units g ON g.id = c.grid_id "
                             "JOIN grid_units cm ON cm.id = g.parent_id WHERE cm.parent_id <> ? "
                             "AND c.closed_at >= TIMESTAMP '2026-10-02' AND c.closed_at < "
                             "TIMESTAMP '2026-10-30' ORDER BY c.id LIMIT 1",
                             [seat.scalar("SELECT scope_id FROM users WHERE username = 'sec01'")])
        admin.rows("UPDATE cases SET closed_at = NULL, status = 'verified' WHERE id = ?", [other])
        assert _closed(seat) == first - 1 and _refreshes(seat) == r0 + 1


def test_a_redrawn_boundary_keeps_the_facts_a_moved_grid_rebuilds_them(pg_small_url):
    with open_store(pg_small_url) as s:
        _closed(s)
        s.rows("UPDATE grid_units SET area_m2 = area_m2 + 1 WHERE level = 4")
        assert s.scalar("SELECT count(*) FROM appraisal_facts_dirty") == 0
        grid, other = s.rows("SELECT g.id, (SELECT min(id) FROM grid_units WHERE level = 3 "
                             "AND id <> g.parent_id) FROM grid_units g WHERE g.level = 4 "
                             "ORDER BY g.id LIMIT 1")[0]
        s.rows("UPDATE grid_units SET parent_id = ? WHERE id = ?", [other, grid])
        assert s.rows("SELECT case_id FROM appraisal_facts_dirty") == [(None,)]
        _closed(s)  # rebuilt: the grid's cases now count in the other community
        assert s.scalar("SELECT count(*) FROM appraisal_case_facts WHERE grid_id = ? AND "
                        "community_id <> ?", [grid, other]) == 0
        assert s.scalar("SELECT count(*) FROM appraisal_case_facts WHERE grid_id = ?",
                        [grid]) > 0


def test_patrol_days_follow_the_fixes(pg_small_url):
    """Fixes stored add their (worker, day) pairs; fixes moved or deleted rebuild them;
    the worker's patrol figures read them."""
    from datetime import datetime, timedelta

    nov = parse_period("2026-11")
    pairs = "SELECT DISTINCT worker_id, CAST(t AS DATE) FROM gps_fixes"

    def same(s) -> bool:
        return s.scalar(f"SELECT count(*) FROM (({pairs}) EXCEPT (SELECT worker_id, day "
                        f"FROM appraisal_patrol_days)) d") == 0 and s.scalar(
            f"SELECT count(*) FROM (SELECT worker_id, day FROM appraisal_patrol_days "
            f"EXCEPT ({pairs})) d") == 0

    def days(s, wid) -> int:
        return compute_indicators(s, nov, "worker", ids=[wid], deltas=False).row(wid) \
            .counts["patrol_days"]

    with open_store(pg_small_url) as s:
        wid = int(s.scalar("SELECT min(worker_id) FROM gps_fixes"))
        before = days(s, wid)
        assert same(s) and before >= 1
        s.bulk_insert("gps_fixes", {"worker_id": [wid, wid], "t": [datetime(2026, 11, 3, 9),
                                                                   datetime(2026, 11, 3, 10)],
                                    "lon": [117.15, 117.15], "lat": [39.17, 39.17]})
        assert same(s) and days(s, wid) == before + 1
        s.rows("UPDATE gps_fixes SET t = t + ? WHERE worker_id = ?", [timedelta(days=40), wid])
        assert same(s) and days(s, wid) == 0  # all moved into December
        s.rows("DELETE FROM gps_fixes WHERE worker_id = ?", [wid])
        assert same(s)
