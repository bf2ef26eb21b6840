"""Security in the database (app/store/pg_security.py, app/store/pg_server.py,
app/auth/server_accounts.py): connecting as each demo account's login role — with
psycopg, through the app's own workflow and with the ``psql`` binary — gives exactly
that account's scope, whatever the app would have allowed."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta

import psycopg
import pytest

from app.auth.accounts import AuthError, add_user, get_user, set_locked
from app.auth.permissions import Role, Scope
from app.auth.server_accounts import server_login
from app.demo.accounts import DEMO_PASSWORDS
from app.store import StoreDisconnected, StoreError, open_store
from app.store.pg_copy import copy_district
from app.store.pg_security import group_names
from app.store.pg_server import init_server
from app.store.pg_store import PostgresStore
from app.store.schema import latest_version
from app.workflow import whistles
from tests.conftest import TEST_NOW

DB = "sec_district"
PW = {"sec01": DEMO_PASSWORDS[Role.STREET_SECRETARY], "dept_zf": DEMO_PASSWORDS[Role.DEPARTMENT_HANDLER],
      "operator": DEMO_PASSWORDS[Role.OPERATOR], "auditor": DEMO_PASSWORDS[Role.AUDITOR],
      "admin": DEMO_PASSWORDS[Role.ADMINISTRATOR], "community01": DEMO_PASSWORDS[Role.COMMUNITY_STAFF]}
PSQL = "/usr/bin/psql"


@pytest.fixture(scope="module")
def district(pg_cluster, small_db_path):
    """The small demo district on a database that ``server init`` created; what each
    of the three inits said."""
    pg_cluster.drop_db(DB)
    url = pg_cluster.url(DB)
    first = init_server(url)  # no database yet: created, migrated, secured
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    second = init_server(url)  # the copied accounts get their logins
    third = init_server(url)  # nothing left to do
    yield {"url": url, "inits": (first, second, third)}
    pg_cluster.drop_db(DB)


@pytest.fixture(scope="module")
def facts(pg_cluster, district):
    """What each scope should see, computed as the administrator from the data."""
    with pg_cluster.admin(DB) as con:
        parent = dict(con.execute("SELECT id, parent_id FROM grid_units").fetchall())
        level = dict(con.execute("SELECT id, level FROM grid_units").fetchall())

        def street_of(gid):
            while gid is not None and level[gid] > 2:
                gid = parent[gid]
            return gid

        users = {u: (k, s) for u, k, s in con.execute(
            "SELECT username, scope_kind, scope_id FROM users").fetchall()}
        cases = con.execute("SELECT id, grid_id, department_id FROM cases").fetchall()
        whistle_rows = con.execute("SELECT id, street_id FROM whistles").fetchall()
        summoned = con.execute("SELECT whistle_id, department_id FROM whistle_departments"
                               ).fetchall()
        workers = con.execute("SELECT id, grid_id, department_id FROM workers").fetchall()
        fixes = dict(con.execute("SELECT worker_id, count(*) FROM gps_fixes GROUP BY 1"
                                 ).fetchall())
        surveys = con.execute("SELECT street_id FROM appraisal_surveys").fetchall()
    street = users["sec01"][1]
    dept = users["dept_zf"][1]
    street_workers = {w for w, g, _d in workers if street_of(g) == street}
    dept_workers = {w for w, _g, d in workers if d == dept}
    dept_whistles = {w for w, d in summoned if d == dept}
    return {
        "street": street, "dept": dept, "street_of": street_of,
        "other_street": next(s for s in (street_of(g) for _i, g, _d in cases) if s != street),
        "all": {"cases": len(cases), "whistles": len(whistle_rows), "workers": len(workers),
                "gps_fixes": sum(fixes.values()), "appraisal_surveys": len(surveys)},
        "sec01": {"cases": sum(street_of(g) == street for _i, g, _d in cases),
                  "whistles": sum(s == street for _i, s in whistle_rows),
                  "workers": len(street_workers),
                  "gps_fixes": sum(fixes.get(w, 0) for w in street_workers),
                  "appraisal_surveys": sum(s == street for (s,) in surveys)},
        "dept_zf": {"cases": sum(d == dept for _i, _g, d in cases),
                    "whistles": len(dept_whistles), "workers": len(dept_workers),
                    "gps_fixes": sum(fixes.get(w, 0) for w in dept_workers),
                    "appraisal_surveys": 0},
    }


def connect(pg_cluster, user: str, password: str | None = None) -> psycopg.Connection:
    return psycopg.connect(pg_cluster.url(DB, user=user, password=password or PW[user]),
                           autocommit=True)


def count(con, table: str, where: str = "true") -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


# -- server init ----------------------------------------------------------------------
def test_init_creates_the_database_then_changes_nothing(district, pg_cluster):
    first, second, third = district["inits"]
    assert first["database_created"] and first["security"]
    assert first["migrated"] == [0, latest_version()]
    assert first["geometry"] == "installed"
    assert not second["database_created"] and not second["security"]
    # login roles are cluster-wide: another district of the session's cluster may have
    # made some already; either way every demo account signs in with its demo password
    assert second["logins_without_password"] == []
    for user in ("sec01", "dept_zf", "operator", "auditor", "admin"):
        with connect(pg_cluster, user) as con:
            assert con.execute("SELECT current_user").fetchone()[0] == user
    assert third["changed"] is False and third["logins_created"] == []


def test_server_init_command_says_nothing_to_do(district, capsys):
    from app.cli import main

    assert main(["server", "init", "--db", district["url"]]) == 0
    assert "无需改动" in capsys.readouterr().out
    assert main(["server", "status", "--db", district["url"], "--json"]) == 0
    assert '"security": true' in capsys.readouterr().out


def test_init_refuses_a_schema_newer_than_the_app(pg_cluster, district):
    pg_cluster.drop_db("sec_newer")
    url = pg_cluster.create_db("sec_newer")
    with pg_cluster.admin("sec_newer") as con:
        con.execute("CREATE TABLE meta (key varchar PRIMARY KEY, value varchar NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    with pytest.raises(StoreError, match="第 99 版结构"):
        init_server(url)
    pg_cluster.drop_db("sec_newer")


def test_init_with_a_wrong_password_or_no_server(pg_cluster):
    with pytest.raises(StoreError, match="用户名或密码错误"):
        init_server(pg_cluster.url(DB, user="gridcc_admin", password="wrong"))
    with pytest.raises(StoreDisconnected, match="无法连接服务器"):
        init_server("postgresql://gridcc_admin:x@127.0.0.1:1/nowhere")


def test_init_needs_the_right_to_create_a_database(pg_cluster, district):
    with pytest.raises(StoreError, match="没有建库权限"):
        init_server(pg_cluster.url("sec_not_there", user="sec01", password=PW["sec01"]))


# -- what each account reads ----------------------------------------------------------
@pytest.mark.parametrize("user", ["sec01", "dept_zf", "operator", "auditor"])
def test_each_account_sees_its_scope(pg_cluster, facts, user):
    want = facts.get(user, facts["all"])
    with connect(pg_cluster, user) as con:
        got = {t: count(con, t) for t in want}
    assert got == want
    if user in ("sec01", "dept_zf"):  # a real restriction, not an empty district
        assert 0 < got["cases"] < facts["all"]["cases"]
        assert 0 < got["workers"] < facts["all"]["workers"]
        assert 0 < got["gps_fixes"] < facts["all"]["gps_fixes"]


def test_a_street_cannot_read_another_streets_cases_phones_or_tracks(pg_cluster, facts):
    other = facts["other_street"]
    with pg_cluster.admin(DB) as admin:
        other_workers = [w for (w,) in admin.execute(
            "SELECT w.id FROM workers w JOIN grid_units g ON g.id = w.grid_id "
            "JOIN grid_units c ON c.id = g.parent_id WHERE c.parent_id = %s", [other])]
        other_cases = count(admin, "cases c JOIN grid_units g ON g.id = c.grid_id "
                                   "JOIN grid_units m ON m.id = g.parent_id",
                            f"m.parent_id = {other}")
        other_fixes = count(admin, "gps_fixes", f"worker_id = ANY(ARRAY{other_workers})")
    assert other_cases > 0 and other_fixes > 0
    with connect(pg_cluster, "sec01") as con:
        assert count(con, "cases c JOIN grid_units g ON g.id = c.grid_id "
                          "JOIN grid_units m ON m.id = g.parent_id",
                     f"m.parent_id = {other}") == 0
        assert count(con, "gps_fixes", f"worker_id = ANY(ARRAY{other_workers})") == 0
        assert count(con, "whistles", f"street_id = {other}") == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="workers"):
            con.execute("SELECT phone FROM workers LIMIT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="users"):
            con.execute("SELECT password_hash FROM users LIMIT 1")
        # its own workers' numbers only masked, others' not at all
        own = con.execute("SELECT id FROM workers ORDER BY id LIMIT 1").fetchone()[0]
        masked = con.execute("SELECT gridcc_worker_phone(%s)", [own]).fetchone()[0]
        assert masked[3:7] == "****" and len(masked) == 11
        assert con.execute("SELECT gridcc_worker_phone(%s)",
                           [other_workers[0]]).fetchone()[0] is None
        # the audit log: its own records and the head it chains on, no one else's
        assert count(con, "audit_log", "username <> 'sec01'") <= 1
    with connect(pg_cluster, "operator") as con:  # the command centre reads the numbers
        phone = con.execute("SELECT phone FROM workers WHERE id = %s", [own]).fetchone()[0]
        assert phone.isdigit() and phone[-4:] == masked[-4:]
        assert con.execute("SELECT gridcc_worker_phone(%s)", [own]).fetchone()[0] == phone


def test_a_department_sees_what_was_dispatched_or_whistled_to_it(pg_cluster, facts):
    with connect(pg_cluster, "dept_zf") as con:
        assert count(con, "cases", f"department_id IS DISTINCT FROM {facts['dept']}") == 0
        assert count(con, "whistles w", "NOT EXISTS (SELECT 1 FROM whistle_departments d "
                                        "WHERE d.whistle_id = w.id AND d.department_id = "
                                        f"{facts['dept']})") == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT phone FROM workers LIMIT 1")


# -- nobody changes the audit log or the schema ---------------------------------------
@pytest.mark.parametrize("user", ["sec01", "operator", "auditor", "admin", "gridcc_admin"])
def test_nobody_changes_the_audit_log(pg_cluster, district, user):
    con = (pg_cluster.admin(DB) if user == "gridcc_admin" else connect(pg_cluster, user))
    with con:
        before = con.execute("SELECT count(*), max(hash) FROM audit_log").fetchone() \
            if user in ("gridcc_admin", "auditor", "admin") else None
        for stmt in ("UPDATE audit_log SET username = 'x'",
                     "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(psycopg.Error) as err:
                con.execute(stmt)
            text = str(err.value)
            if user == "gridcc_admin":  # the superuser passes the grants: the trigger stops it
                assert "append-only" in text
            else:
                assert "permission denied for table audit_log" in text
        if before is not None:
            assert con.execute("SELECT count(*), max(hash) FROM audit_log").fetchone() == before


def test_a_forged_audit_record_is_refused(pg_cluster, district):
    with connect(pg_cluster, "sec01") as con:
        last = con.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            con.execute("INSERT INTO audit_log VALUES (%s, now(), 'sec01', 'x', 'x', 'x', "
                        "NULL, NULL, NULL, 'bad', 'bad')", [last + 1])
        head = con.execute("SELECT hash FROM audit_log WHERE seq = %s", [last]).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("INSERT INTO audit_log VALUES (%s, now(), 'operator', 'x', 'x', 'x', "
                        "NULL, NULL, NULL, %s, 'bad')", [last + 1, head])
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            con.execute("UPDATE meta SET value = '1:bad' WHERE key = 'audit_head'")
        # other settings are out of its reach: the row is not there for an UPDATE
        assert con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'"
                           ).rowcount == 0
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                           ).fetchone()[0] == str(latest_version())
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("INSERT INTO meta VALUES ('demo_anchor', '2020-01-01')")


@pytest.mark.parametrize("user", ["sec01", "operator", "admin"])
def test_only_the_owner_changes_the_schema(pg_cluster, district, user):
    with connect(pg_cluster, user) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema public"):
            con.execute("CREATE TABLE mine (x int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
            con.execute("ALTER TABLE cases ADD COLUMN x int")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
            con.execute("DROP TABLE whistles")


# -- the workflow on a store connected as the account ---------------------------------
def _grid_in(con, street: int) -> int:
    return con.execute("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                       "WHERE g.level = 4 AND c.parent_id = %s ORDER BY g.id LIMIT 1",
                       [street]).fetchone()[0]


def test_a_street_blows_its_own_whistle_and_is_refused_anothers(pg_cluster, district, facts):
    url = district["url"]
    with pg_cluster.admin(DB) as admin:
        own_grid, other_grid = _grid_in(admin, facts["street"]), _grid_in(admin,
                                                                          facts["other_street"])
        totals = admin.execute("SELECT (SELECT count(*) FROM whistles), "
                               "(SELECT count(*) FROM audit_log)").fetchone()
    store, user = server_login(url, "sec01", PW["sec01"], at=TEST_NOW)
    with store:
        assert store.user == "sec01" and user.scope == Scope("street", facts["street"])
        wid = whistles.blow(store, user, grid_id=own_grid, department_ids=[facts["dept"]],
                            title="占道经营", description="测试", lon=0, lat=0,
                            at=TEST_NOW, report_hours=2, finish_hours=24)
        # the app fooled into a wrong scope: the server still refuses, nothing is written
        forged = type(user)(user.id, user.username, user.display_name, user.role,
                            Scope("street", facts["other_street"]))
        before = totals[1] + 2  # the login and the whistle were audited
        with pytest.raises(StoreError, match="权限不足"):
            whistles.blow(store, forged, grid_id=other_grid, department_ids=[facts["dept"]],
                          title="越权", description="越权", lon=0, lat=0, at=TEST_NOW,
                          report_hours=2, finish_hours=24)
        with pytest.raises(StoreError, match="权限不足"):
            store.rows("INSERT INTO whistles (id, code, street_id, round, title, description, "
                       "lon, lat, blown_by_role, blown_at, report_deadline, finish_deadline, "
                       "status) VALUES (999999, 'CSX', ?, 1, 't', 'd', 0, 0, 'x', ?, ?, ?, "
                       "'blown')", [facts["other_street"], TEST_NOW, TEST_NOW, TEST_NOW])
    with pg_cluster.admin(DB) as admin:
        assert admin.execute("SELECT count(*) FROM whistles").fetchone()[0] == totals[0] + 1
        assert admin.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
        assert admin.execute("SELECT street_id FROM whistles WHERE id = %s",
                             [wid]).fetchone()[0] == facts["street"]
    # the summoned department reports in from its own desk; the operator sees it all
    dstore, duser = server_login(url, "dept_zf", PW["dept_zf"], at=TEST_NOW)
    with dstore:
        whistles.report_in(dstore, duser, wid, at=TEST_NOW + timedelta(minutes=20))
    with open_store(url) as admin_store:
        from app.audit import verify_log

        assert verify_log(admin_store).ok
    with connect(pg_cluster, "operator") as con:
        assert con.execute("SELECT reported_by IS NOT NULL FROM whistle_departments "
                           "WHERE whistle_id = %s", [wid]).fetchone()[0]
        assert con.execute("SELECT status FROM whistles WHERE id = %s",
                           [wid]).fetchone()[0] != "blown"


def test_a_street_seat_stores_its_own_workers_fixes_only(pg_cluster, district, facts):
    store, _user = server_login(district["url"], "sec01", PW["sec01"], at=TEST_NOW)
    with store, pg_cluster.admin(DB) as admin:
        own = store.scalar("SELECT min(id) FROM workers")
        other = admin.execute("SELECT w.id FROM workers w JOIN grid_units g ON g.id = w.grid_id "
                              "JOIN grid_units c ON c.id = g.parent_id WHERE c.parent_id = %s "
                              "LIMIT 1", [facts["other_street"]]).fetchone()[0]
        n = count(admin, "gps_fixes")
        t = TEST_NOW + timedelta(hours=1)
        assert store.bulk_insert("gps_fixes", {"worker_id": [own], "t": [t], "lon": [0.0],
                                               "lat": [0.0]}) == 1
        with pytest.raises(StoreError, match="权限不足"):
            store.bulk_insert("gps_fixes", {"worker_id": [own, other], "t": [t, t],
                                            "lon": [0.0, 0.0], "lat": [0.0, 0.0]})
        assert count(admin, "gps_fixes") == n + 1


# -- accounts are login roles -----------------------------------------------------------
def test_users_add_creates_a_login_and_lock_turns_it_off(pg_cluster, district, facts):
    url = district["url"]
    store, admin = server_login(url, "admin", PW["admin"], at=TEST_NOW)
    with store:
        new = add_user(store, "sec01b", "Street#2027", Role.STREET_SECRETARY,
                       Scope("street", facts["street"]), at=TEST_NOW, by=admin)
        assert new.username == "sec01b"
        with pytest.raises(AuthError):  # nothing half-written: no row, no role
            add_user(store, "sec01c", "Street#2027", Role.STREET_SECRETARY,
                     Scope("street", 999999), at=TEST_NOW, by=admin)
        with connect(pg_cluster, "sec01b", "Street#2027") as con:
            assert count(con, "cases") == facts["sec01"]["cases"]
            groups = group_names(DB)
            assert con.execute("SELECT pg_has_role('sec01b', %s, 'MEMBER'), "
                               "pg_has_role('sec01b', %s, 'MEMBER')",
                               [groups["business"], groups["phone"]]).fetchone() == (True, False)
        set_locked(store, "sec01b", True, at=TEST_NOW, by=admin)
        with pytest.raises(AuthError, match="已被锁定"):
            server_login(url, "sec01b", "Street#2027", at=TEST_NOW)
        set_locked(store, "sec01b", False, at=TEST_NOW, by=admin)
        server_login(url, "sec01b", "Street#2027", at=TEST_NOW)[0].close()
    with pg_cluster.admin(DB) as con:
        assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'sec01c'"
                           ).fetchone()[0] == 0
        verifier = con.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'sec01b'"
                               ).fetchone()[0]
        assert verifier.startswith("SCRAM-SHA-256$")


def test_users_add_on_the_command_line(pg_cluster, district, facts, capsys, monkeypatch):
    from app.cli import main

    monkeypatch.setenv("GRIDCC_PASSWORD", PW["admin"])
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "Community#2027")
    with pg_cluster.admin(DB) as con:
        community = con.execute(
            "SELECT id FROM grid_units WHERE level = 3 ORDER BY id LIMIT 1").fetchone()[0]
    assert main(["users", "add", "comm02", "--db", district["url"], "--user", "admin",
                 "--role", "community_staff", "--scope", f"community:{community}",
                 "--now", TEST_NOW.isoformat()]) == 0, capsys.readouterr().err
    with connect(pg_cluster, "comm02", "Community#2027") as con:
        assert count(con, "cases") > 0


def test_a_wrong_password_is_one_chinese_line_and_counted_by_an_administrator(
        pg_cluster, district):
    url = district["url"]
    with pytest.raises(AuthError, match="^用户名或密码错误$"):
        server_login(url, "sec01", "wrong-password", at=TEST_NOW)
    with pytest.raises(AuthError, match="^用户名或密码错误$"):
        server_login(url, "nobody", "wrong-password", at=TEST_NOW)
    with open_store(url) as admin_store:  # the administrator's connection records it
        with pytest.raises(AuthError, match="用户名或密码错误"):
            server_login(url, "dir01", "wrong-password", at=TEST_NOW,
                         record_failure_on=admin_store)
        assert get_user(admin_store, "dir01").failed_logins == 1
        assert admin_store.scalar("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1"
                                  ) == "login.fail"
    with pytest.raises(StoreDisconnected, match="无法连接服务器"):
        server_login("postgresql://127.0.0.1:1/x", "sec01", PW["sec01"], at=TEST_NOW)


def test_a_seat_of_one_district_cannot_connect_to_another(pg_cluster, district):
    pg_cluster.drop_db("sec_other")
    other = pg_cluster.url("sec_other")
    init_server(other)
    with pytest.raises(AuthError, match="不是这个区库的账号"):
        server_login(other, "sec01", PW["sec01"], at=TEST_NOW)
    assert group_names("sec_other")["seat"] != group_names(DB)["seat"]
    pg_cluster.drop_db("sec_other")


def test_open_as_the_street_secretary_sees_the_district_unmodified(pg_cluster, district):
    """A plain open_store by the seat's own URL works (no migration rights needed)."""
    with PostgresStore.open(pg_cluster.url(DB, user="sec01", password=PW["sec01"])) as s:
        assert s.schema_version() == latest_version() and s.user == "sec01"


# -- the commands the issue asks for, with the psql binary --------------------------------
PSQL_COMMANDS = [
    "SELECT current_user, (SELECT scope_kind || ' ' || scope_id FROM users "
    "WHERE username = current_user) AS scope;",
    "SELECT count(*) AS all_cases_visible FROM cases;",
    "SELECT count(*) AS other_street_cases FROM cases c JOIN grid_units g ON g.id = c.grid_id "
    "JOIN grid_units m ON m.id = g.parent_id WHERE m.parent_id = {other};",
    "SELECT phone FROM workers LIMIT 3;",
    "SELECT name, gridcc_worker_phone(id) AS phone FROM workers ORDER BY id LIMIT 2;",
    "SELECT count(*) AS other_street_tracks FROM gps_fixes WHERE worker_id IN "
    "({other_workers});",
    "SELECT count(DISTINCT worker_id) AS workers_with_tracks_visible FROM gps_fixes;",
    "UPDATE audit_log SET username = 'x' WHERE seq = 1;",
    "DELETE FROM audit_log;",
    "TRUNCATE audit_log;",
    "CREATE TABLE mine (x int);",
]


def test_psql_as_the_street_secretary(pg_cluster, district, facts):
    assert os.path.exists(PSQL), "the psql binary (postgresql-client-15) is missing"
    with pg_cluster.admin(DB) as admin:
        ids = [w for (w,) in admin.execute(
            "SELECT w.id FROM workers w JOIN grid_units g ON g.id = w.grid_id "
            "JOIN grid_units c ON c.id = g.parent_id WHERE c.parent_id = %s "
            "AND EXISTS (SELECT 1 FROM gps_fixes f WHERE f.worker_id = w.id) ORDER BY 1 "
            "LIMIT 3", [facts["other_street"]])]
        other_workers = ", ".join(map(str, ids))
        seen_by_admin = (
            count(admin, "cases c JOIN grid_units g ON g.id = c.grid_id JOIN grid_units m "
                         "ON m.id = g.parent_id", f"m.parent_id = {facts['other_street']}"),
            count(admin, "gps_fixes", f"worker_id IN ({other_workers})"))
    assert len(ids) == 3 and min(seen_by_admin) > 0
    out = []
    env = {**os.environ, "PGPASSWORD": PW["sec01"]}
    for cmd in PSQL_COMMANDS:
        cmd = cmd.format(other=facts["other_street"], other_workers=other_workers)
        r = subprocess.run([PSQL, "-X", "-h", "127.0.0.1", "-p", str(pg_cluster.port),
                            "-U", "sec01", "-d", DB, "-c", cmd], env=env, text=True,
                           capture_output=True, timeout=30)
        out.append((cmd, r.returncode, (r.stdout + r.stderr).strip()))
    shown = [f"$ PGPASSWORD=… psql -h 127.0.0.1 -U sec01 -d {DB} -c \"{c}\"\n{o}\n"
             for c, _rc, o in out]
    head = (f"-- street secretary sec01 (street {facts['street']}) on the district database "
            f"{DB};\n-- the administrator sees {seen_by_admin[0]} cases of street "
            f"{facts['other_street']} and {seen_by_admin[1]} GPS fixes of its workers "
            f"{other_workers}\n\n")
    with open("/tmp/psql_demo.txt", "w", encoding="utf-8") as f:
        f.write(head + "\n".join(shown))
    by = {c.split()[0] + str(i): (rc, o) for i, (c, rc, o) in enumerate(out)}
    results = list(by.values())
    assert "sec01" in results[0][1] and f"street {facts['street']}" in results[0][1]
    assert str(facts["sec01"]["cases"]) in results[1][1]
    assert results[2][0] == 0 and re.search(r"^\s*0$", results[2][1], re.M)
    assert results[3][0] != 0 and "permission denied for table workers" in results[3][1]
    assert results[4][0] == 0 and "****" in results[4][1]
    assert results[5][0] == 0 and re.search(r"^\s*0$", results[5][1], re.M)
    for rc, text in results[7:10]:
        assert rc != 0 and "permission denied for table audit_log" in text
    assert results[10][0] != 0 and "permission denied for schema public" in results[10][1]


def test_the_worker_card_reads_the_phone_as_the_account_may(district):
    """app/feed/worker_record.py reads the phone through pg_security.phone_column."""
    from app.store.pg_security import phone_column

    seat, _u = server_login(district["url"], "sec01", PW["sec01"], at=TEST_NOW)
    wall, _u = server_login(district["url"], "operator", PW["operator"], at=TEST_NOW)
    with seat, wall:
        own = seat.scalar("SELECT min(id) FROM workers")
        sql = f"SELECT {phone_column(seat)} FROM workers w WHERE w.id = ?"
        masked, full = seat.scalar(sql, [own]), wall.scalar(sql, [own])
    assert masked == full[:3] + "****" + full[-4:] and full.isdigit()


def test_the_case_loop_runs_desk_to_desk_each_on_its_own_login(pg_cluster, district):
    """受理 by the community's grid worker, 立案/派遣 by the district dispatcher, 处置/反馈
    by the department, 核查 back in the community: each on a store connected as itself."""
    from app.workflow import cases

    url = district["url"]
    logins = {}
    for name, role in (("grid01", Role.GRID_WORKER), ("dispatcher", Role.DISPATCHER),
                       ("dept_zf", Role.DEPARTMENT_HANDLER)):
        logins[name] = server_login(url, name, DEMO_PASSWORDS[role], at=TEST_NOW)
    try:
        grid_store, grid_user = logins["grid01"]
        grid = grid_store.scalar("SELECT g.id FROM grid_units g WHERE g.level = 4 "
                                 "AND g.parent_id = ? ORDER BY g.id LIMIT 1",
                                 [grid_user.scope.id])
        dept = grid_store.scalar("SELECT id FROM departments WHERE code = 'ZF'")
        category = grid_store.scalar("SELECT min(code) FROM categories")
        t = TEST_NOW + timedelta(hours=2)
        rec = cases.new_case(grid_store, grid_user, category_code=category, source="patrol",
                             description="井盖缺失", grid_id=grid, lon=0, lat=0, at=t)
        d_store, d_user = logins["dispatcher"]
        cases.advance(d_store, d_user, rec.code, "register", at=t + timedelta(minutes=5))
        cases.advance(d_store, d_user, rec.code, "dispatch", at=t + timedelta(minutes=6),
                      department_id=dept)
        h_store, h_user = logins["dept_zf"]
        cases.advance(h_store, h_user, rec.code, "handle", at=t + timedelta(minutes=30))
        cases.advance(h_store, h_user, rec.code, "feed_back", at=t + timedelta(minutes=40))
        done = cases.advance(grid_store, grid_user, rec.code, "verify",
                             at=t + timedelta(minutes=50))
        assert done.state.status == "verified"
        # the department sees the case now that it was dispatched to it, and its steps
        assert h_store.scalar("SELECT count(*) FROM case_transitions WHERE case_id = ?",
                              [rec.id]) == 6
    finally:
        for store, _user in logins.values():
            store.close()
    with open_store(url) as admin:
        from app.audit import verify_log

        assert verify_log(admin).ok


def test_a_street_secretary_enters_its_streets_survey_only(pg_cluster, district, facts):
    from app.appraisal.surveys import record_survey

    store, user = server_login(district["url"], "sec01", PW["sec01"], at=TEST_NOW)
    with store:
        dept = store.scalar("SELECT min(id) FROM departments WHERE kind = 'bureau'")
        record_survey(store, user, "2025-03", facts["street"], {dept: 91.0}, at=TEST_NOW)
        forged = type(user)(user.id, user.username, user.display_name, user.role,
                            Scope("street", facts["other_street"]))
        with pytest.raises(StoreError, match="权限不足"):
            record_survey(store, forged, "2025-03", facts["other_street"], {dept: 10.0},
                          at=TEST_NOW)
    with pg_cluster.admin(DB) as con:
        assert con.execute("SELECT street_id, count(*) FROM appraisal_ratings WHERE period = "
                           "'2025-03' GROUP BY 1").fetchall() == [(facts["street"], 1)]


def test_server_password_gives_a_migrated_account_its_login(pg_cluster, district, capsys,
                                                           monkeypatch):
    """An account copied from a file has no server password until one is set."""
    from app.cli import main

    with pg_cluster.admin(DB) as con:  # as `migrate` leaves it: a login without a password
        con.execute("INSERT INTO users (id, username, display_name, role, scope_kind, "
                    "password_hash, created_at) VALUES (nextval('user_id'), 'moved01', "
                    "'迁移账号', 'auditor', 'district', 'scrypt$x', now())")
    done = init_server(district["url"])
    assert done["logins_created"] == ["moved01"]
    assert done["logins_without_password"] == ["moved01"]
    with pytest.raises(AuthError, match="用户名或密码错误"):
        server_login(district["url"], "moved01", "Moved#2026x", at=TEST_NOW)
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "short")
    assert main(["server", "password", "moved01", "--db", district["url"]]) == 1
    assert "至少需要" in capsys.readouterr().err
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "Moved#2026x")
    assert main(["server", "password", "moved01", "--db", district["url"]]) == 0
    server_login(district["url"], "moved01", "Moved#2026x", at=TEST_NOW)[0].close()


def test_an_account_without_rights_is_refused_in_chinese(district):
    store, _user = server_login(district["url"], "auditor", PW["auditor"], at=TEST_NOW)
    with store:
        with pytest.raises(StoreError, match="权限不足"):
            store.rows("UPDATE cases SET status = 'closed' WHERE id = 1")
        with pytest.raises(StoreError, match="权限不足"):
            store.rows("SELECT phone FROM workers")


def test_demo_onto_a_server_without_the_database(pg_cluster, capsys):
    """``demo --db postgresql://…`` runs server init (the database is created) and the
    demo accounts can sign in with their documented passwords."""
    from app.cli import main

    pg_cluster.drop_db("sec_demo")
    url = pg_cluster.url("sec_demo")
    try:
        assert main(["demo", "--db", url, "--scale", "small"]) == 0, capsys.readouterr().err
        store, user = server_login(url, "dept_hw", DEMO_PASSWORDS[Role.DEPARTMENT_HANDLER],
                                   at=TEST_NOW)
        with store:
            assert user.scope.kind == "department"
            assert store.scalar("SELECT count(DISTINCT department_id) FROM cases") == 1
        assert init_server(url)["changed"] is False
    finally:
        pg_cluster.drop_db("sec_demo")


def test_five_wrong_passwords_through_an_administrator_lock_the_login(district):
    url = district["url"]
    good = DEMO_PASSWORDS[Role.STREET_DIRECTOR]
    with open_store(url) as admin_store:
        for _ in range(5):
            with pytest.raises(AuthError):
                server_login(url, "dir02", "wrong-password", at=TEST_NOW,
                             record_failure_on=admin_store)
        assert get_user(admin_store, "dir02").locked
        assert admin_store.scalar("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1"
                                  ) == "login.lock"
        with pytest.raises(AuthError, match="已被锁定"):  # the server refuses the login
            server_login(url, "dir02", good, at=TEST_NOW)
        set_locked(admin_store, "dir02", False, at=TEST_NOW)
    store, user = server_login(url, "dir02", good, at=TEST_NOW)
    with store:
        assert user.failed_logins == 0 and not user.locked
