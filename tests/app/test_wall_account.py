"""The read-only wall account (大屏只读账号): sees cases and whistles of its scope, no
personal data (no phone at all, people under pseudonyms), patrol tracks only within its
scope, may not unmask, and every write is refused with a Chinese reason."""

from __future__ import annotations

import json
import re

import pytest

from app.appraisal.case_import import CaseImportError, import_cases
from app.auth.accounts import User, authenticate, get_user
from app.auth.permissions import MATRIX, ROLE_NAMES, PermissionDenied, Role, Scope, decide
from app.cli import main
from app.demo.accounts import DEMO_PASSWORDS
from app.privacy.demo import pseudonym
from app.privacy.masking import MOBILE_RE, may_unmask
from app.privacy.reveal import RevealRefused, reveal_phone
from app.privacy.wall import (
    WALL_PHONE,
    may_see_track,
    person_name,
    shown_phone,
    visible_worker_ids,
)
from app.store import open_store
from app.store.pg_security import groups_for
from app.workflow import cases, whistles
from app.workflow.places import department_ids
from tests.conftest import TEST_NOW

VIEWING = {"case.view", "whistle.view", "patrol.view"}
WALL = Role.WALL


@pytest.fixture
def db(small_db_copy):
    with open_store(small_db_copy) as store:
        yield store


def _streets(db) -> list[tuple[int, str]]:
    return [(int(i), n) for i, n in db.rows("SELECT id, name FROM grid_units WHERE level = 2 "
                                            "ORDER BY code")]


def test_the_demo_has_a_wall_account_that_signs_in(db):
    user = authenticate(db, "wall", DEMO_PASSWORDS[WALL], at=TEST_NOW)
    assert user.role is WALL and user.scope == Scope()
    assert ROLE_NAMES[WALL] == "大屏只读账号"


@pytest.mark.parametrize("scope", [Scope(), Scope("street", 2)])
def test_the_wall_may_look_and_do_nothing_else(scope):
    for action in MATRIX:
        d = decide(WALL, scope, action)
        if action in VIEWING:
            assert d.allowed == (scope.kind == "district"), action  # empty target: district
            continue
        assert not d.allowed, action
        assert d.reason.startswith("大屏只读账号无权"), d.reason
        assert not re.search(r"[A-Za-z]", d.reason), d.reason  # Chinese, no internal names
    assert not decide(WALL, Scope("department", 5), "case.view").allowed


def test_every_write_path_refuses_the_wall(db):
    wall = get_user(db, "wall")
    grid, lon, lat = db.rows("SELECT id, label_lon, label_lat FROM grid_units WHERE level = 4 "
                             "ORDER BY code LIMIT 1")[0]
    case_code = db.scalar("SELECT code FROM cases WHERE status = 'registered' ORDER BY id LIMIT 1")
    wid = db.scalar("SELECT id FROM whistles ORDER BY id LIMIT 1")
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in
              ("cases", "case_transitions", "whistles", "whistle_events", "audit_log")}
    attempts = [
        lambda: cases.new_case(db, wall, category_code="0602", source="public",
                               description="大屏试图受理", grid_id=grid, lon=lon, lat=lat,
                               at=TEST_NOW),
        lambda: cases.advance(db, wall, case_code, "dispatch", at=TEST_NOW,
                              department_id=department_ids(db, ["CG"])[0]),
        lambda: whistles.blow(db, wall, grid_id=grid, department_ids=department_ids(db, ["CG"]),
                              title="大屏试图吹哨", description="", lon=lon, lat=lat,
                              at=TEST_NOW, report_hours=2, finish_hours=27),
        lambda: whistles.supervise(db, wall, wid, at=TEST_NOW),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="大屏只读账号无权|只能"):
            attempt()
    assert counts == {t: db.scalar(f"SELECT count(*) FROM {t}") for t in counts}


def test_the_wall_imports_nothing_adds_no_account_and_unmasks_nothing(db, tmp_path):
    wall = get_user(db, "wall")
    path = tmp_path / "c.json"
    grid = db.scalar("SELECT code FROM grid_units WHERE level = 4 ORDER BY code LIMIT 1")
    path.write_text(json.dumps([{"id": "W-1", "category": "0602", "source": "app",
                                 "grid": grid, "reported_at": "2025-04-01T09:00"}]),
                    encoding="utf-8")
    with pytest.raises(CaseImportError, match="大屏只读账号无权受理案件"):
        import_cases(db, wall, path, at=TEST_NOW)
    assert not may_unmask(WALL.value, "district")
    worker = db.scalar("SELECT id FROM workers ORDER BY id LIMIT 1")
    with pytest.raises(RevealRefused):
        reveal_phone(db, wall, worker, at=TEST_NOW)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'privacy.unmask'") == 0


def test_the_wall_sees_no_phone_and_pseudonyms(db):
    wall = get_user(db, "wall")
    op = get_user(db, "operator")
    name, phone = db.rows("SELECT name, phone FROM workers ORDER BY id LIMIT 1")[0]
    assert shown_phone(wall, phone) == WALL_PHONE and not re.search(r"\d", WALL_PHONE)
    assert person_name(wall, name) == pseudonym(name) != name
    # everyone else: masked, by name (outside demonstration mode)
    assert MOBILE_RE.search(phone) and not MOBILE_RE.search(shown_phone(op, phone))
    assert shown_phone(op, phone).endswith(phone[-4:]) and person_name(op, name) == name


def test_patrol_tracks_only_within_the_walls_scope(db):
    (s1, _), (s2, _) = _streets(db)[:2]
    district_wall = get_user(db, "wall")
    street_wall = User(900, "wall_s1", "街道大屏", WALL, Scope("street", s1))
    assert visible_worker_ids(db, district_wall) is None  # the whole district
    assert visible_worker_ids(db, None) is None  # the anonymous viewer (its own rules)
    mine = visible_worker_ids(db, street_wall)
    street_of = dict(db.rows("SELECT w.id, c.parent_id FROM workers w JOIN grid_units g ON "
                             "g.id = w.grid_id JOIN grid_units c ON c.id = g.parent_id"))
    assert mine and mine == {w for w, s in street_of.items() if s == s1}
    assert may_see_track(street_wall, s1) and not may_see_track(street_wall, s2)
    handler = get_user(db, "dept_cg")
    assert visible_worker_ids(db, handler) == set()  # a department has no business there


def test_users_add_role_wall_from_the_command_line(small_db_copy, monkeypatch, capsys):
    with open_store(small_db_copy, read_only=True) as s:
        street, name = _streets(s)[1]
    monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[Role.ADMINISTRATOR])
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "StreetWall#2026")
    assert main(["users", "add", "wall02", "--role", "wall", "--scope", f"street:{street}",
                 "--db", str(small_db_copy), "--user", "admin", "--now",
                 TEST_NOW.isoformat()]) == 0
    assert capsys.readouterr().out.strip() == f"已添加账号 wall02：大屏只读账号，{name}"
    with open_store(small_db_copy) as s:
        u = authenticate(s, "wall02", "StreetWall#2026", at=TEST_NOW)
        assert u.role is WALL and u.scope == Scope("street", street)
    # a wall blowing a whistle from the command line: refused, in Chinese
    monkeypatch.setenv("GRIDCC_PASSWORD", "StreetWall#2026")
    with open_store(small_db_copy, read_only=True) as s:
        grid = s.scalar("SELECT g.code FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                        "WHERE g.level = 4 AND c.parent_id = ? ORDER BY g.code LIMIT 1", [street])
    assert main(["whistle", "blow", "--user", "wall02", "--grid", grid, "--dept", "CG",
                 "--title", "大屏试图吹哨整治", "--preset", "urgent", "--db", str(small_db_copy),
                 "--now", TEST_NOW.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "大屏只读账号无权吹哨" in err, err


def test_on_a_server_the_wall_gets_no_write_grants():
    assert groups_for("wall", "district") == ["seat"]
    assert "business" in groups_for("operator", "district")


def test_the_walls_command_line_output_shows_pseudonyms(small_db_copy, monkeypatch, capsys):
    from app.privacy.demo import set_demo_mode

    with open_store(small_db_copy, read_only=True) as s:
        code = s.scalar("SELECT w.code FROM whistles w JOIN whistle_departments d ON "
                        "d.whistle_id = w.id WHERE d.reported_by IS NOT NULL ORDER BY w.id "
                        "LIMIT 1")
    shown = {}
    for user, role in (("supervisor", Role.SUPERVISION_OFFICE), ("wall", WALL)):
        monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[role])
        try:
            assert main(["whistle", "show", code, "--user", user, "--json", "--db",
                         str(small_db_copy), "--now", TEST_NOW.isoformat()]) == 0
        finally:
            set_demo_mode(None)
        shown[user] = json.loads(capsys.readouterr().out)
    names = [d["reported_by"] for d in shown["supervisor"]["departments"]]
    assert names and [d["reported_by"] for d in shown["wall"]["departments"]] == \
        [pseudonym(n) for n in names]


def test_on_a_server_the_wall_login_reads_but_cannot_write_nor_see_phones(pg_small_url):
    from app.auth.server_accounts import server_login
    from app.store import StoreError

    store, user = server_login(pg_small_url, "wall", DEMO_PASSWORDS[WALL], at=TEST_NOW)
    with store:
        assert user.role is WALL
        assert store.scalar("SELECT count(*) FROM cases") > 1000  # reads the district
        worker = store.scalar("SELECT min(id) FROM workers")
        assert store.scalar("SELECT gridcc_worker_phone(?)", [worker]) is None
        with pytest.raises(StoreError, match="权限不足"):  # the server refuses: no grants
            store.rows("UPDATE cases SET description = 'x' WHERE id = 1")


def test_the_worker_card_record_on_the_wall(store, district_map):
    """What a click on a worker gives the wall: a pseudonym, no phone, and nothing at all
    for a worker outside a street wall's scope."""
    from datetime import datetime, time

    from app.auth.session import sign_in
    from app.feed import to_seconds
    from app.feed.worker_record import worker_record

    (s1, _), (s2, _) = _streets(store)[:2]
    street_of = dict(store.rows("SELECT w.id, c.parent_id FROM workers w JOIN grid_units g ON "
                                "g.id = w.grid_id JOIN grid_units c ON c.id = g.parent_id"))
    mine = min(w for w, s in street_of.items() if s == s1)
    other = min(w for w, s in street_of.items() if s == s2)
    day, now = to_seconds(datetime.combine(TEST_NOW.date(), time(0))), to_seconds(TEST_NOW)

    def record(user, wid):
        sign_in(user)
        try:
            return worker_record(store, district_map.frame, wid, day, now)
        finally:
            sign_in(None)

    name = store.scalar("SELECT name FROM workers WHERE id = ?", [mine])
    seen = record(None, mine)  # the anonymous viewer: masked, by name
    assert seen.name == name and "****" in seen.phone
    wall = get_user(store, "wall")
    rec = record(wall, mine)
    assert rec.name == pseudonym(name) and rec.phone == "" and rec.fixes_today == seen.fixes_today
    street_wall = User(900, "wall_s1", "街道大屏", WALL, Scope("street", s1))
    assert record(street_wall, mine) is not None and record(street_wall, other) is None


def test_signed_in_on_the_wall_every_person_is_a_pseudonym(db):
    """A wall account signed in turns demonstration mode on for every card, list and
    export that follows it; signing out turns it back."""
    from app.auth.session import sign_in, sign_out
    from app.privacy.demo import demo_mode, person_name, shown_phone

    name = db.scalar("SELECT name FROM workers ORDER BY id LIMIT 1")
    assert not demo_mode() and person_name(name) == name
    sign_in(authenticate(db, "wall", DEMO_PASSWORDS[WALL], at=TEST_NOW))
    try:
        assert demo_mode()
        assert person_name(name) == pseudonym(name) != name
        assert not MOBILE_RE.search(shown_phone("13800002721"))
    finally:
        sign_out()
    assert not demo_mode()
