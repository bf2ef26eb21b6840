"""The headless intake's own login on a district server (app/store/pg_intake.py): the
intake's pipeline, run as ``<prefix>_intake`` on a database ``server init`` secured,
stores a batch of fixes and a report; what it has no business doing is refused."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from app.clock import FixedClock
from app.intake.devices import bind, register
from app.intake.messages import Decoded, Fix, Photo, Report
from app.intake.service import Intake
from app.store import StoreError, open_store
from app.store.pg_copy import copy_district
from app.store.pg_intake import intake_role
from app.store.pg_security import role_prefix
from app.store.pg_server import init_server
from tests.conftest import TEST_NOW

DB = "intake_role_district"
PASSWORD = "Intake#2026"
JPEG = b"\xff\xd8\xff\xe0" + b"\x02" * 64


@pytest.fixture(scope="module")
def district(pg_cluster, small_db_path):
    """A secured district with one phone bound to a worker; the intake's login URL."""
    pg_cluster.drop_db(DB)
    url = pg_cluster.url(DB)
    init_server(url)
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    role = intake_role(role_prefix(DB))
    with open_store(url) as store:
        code, lon, lat, wid = store.rows(
            "SELECT w.code, g.label_lon, g.label_lat, w.id FROM workers w "
            "JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id LIMIT 1")[0]
        register(store, "owntracks:w1/phone", TEST_NOW)
        bind(store, "owntracks:w1/phone", code, TEST_NOW)
    with pg_cluster.admin(DB) as con:
        con.execute(f'ALTER ROLE "{role}" PASSWORD \'{PASSWORD}\'')
    yield {"admin": url, "intake": pg_cluster.url(DB, user=role, password=PASSWORD),
           "worker": (wid, float(lon), float(lat))}
    pg_cluster.drop_db(DB)


def _count(store, sql: str, params=()) -> int:
    return int(store.scalar(sql, list(params)))


def test_the_intake_stores_fixes_and_a_report_as_its_own_login(district):
    wid, lon, lat = district["worker"]
    with open_store(district["admin"]) as admin:
        track = "SELECT count(*) FROM gps_fixes WHERE worker_id = ?"
        before = _count(admin, track, [wid])
        feed_before = _count(admin, "SELECT coalesce(max(seq), 0) FROM change_log")
    with open_store(district["intake"]) as store:
        assert store.scalar("SELECT current_user") == intake_role(role_prefix(DB))
        intake = Intake(store, FixedClock(TEST_NOW))
        fixes = tuple(Fix("owntracks:w1/phone", TEST_NOW - timedelta(seconds=10 * i),
                          lon, lat) for i in range(20))
        # a phone nobody entered yet: registered by the intake, waiting (待绑定)
        stray = (Fix("osmand:9001", TEST_NOW, lon, lat),)
        report = Report("owntracks:w1/phone", TEST_NOW - timedelta(minutes=1), lon, lat,
                        "0101", "井盖缺失", "patrol", "owntracks:w1/phone#pg1",  # i18n: no
                        photos=(Photo("image/jpeg", JPEG),))
        done = intake.store_decoded([Decoded(fixes=fixes + stray, reports=(report,))])
        assert (done.fixes, done.unbound, done.workers) == (21, 1, (wid,))
        assert len(done.cases) == 1 and not done.refusals
        # a redelivery stores nothing twice; the Open311 reads work as this login too
        again = intake.store_decoded([Decoded(fixes=fixes)])
        assert (again.fixes, again.duplicates) == (0, 20)
        assert intake.case_code(done.cases[0]).startswith("AJ")
        assert intake.token_of("owntracks:w1/phone")
        intake.close()
    cid = done.cases[0]
    with open_store(district["admin"]) as admin:
        assert _count(admin, track, [wid]) == before + 20
        assert admin.rows("SELECT source, status, reporter_worker_id FROM cases WHERE id = ?",
                          [cid]) == [("patrol", "accepted", wid)]
        assert _count(admin, "SELECT count(*) FROM case_photos WHERE case_id = ?", [cid]) == 1
        assert admin.rows("SELECT username FROM audit_log WHERE action = 'case.accept' AND "
                          "entity_id = (SELECT code FROM cases WHERE id = ?)", [cid]) \
            == [("intake",)]
        assert _count(admin, "SELECT count(*) FROM devices WHERE key = 'osmand:9001' "
                             "AND worker_id IS NULL") == 1
        # seats hear of it on the change feed
        assert _count(admin, "SELECT count(*) FROM change_log WHERE seq > ? AND entity IN "
                             "('gps_fix', 'case')", [feed_before]) >= 2
        from app.audit.log import verify_log

        assert verify_log(admin).ok


@pytest.mark.parametrize("statement", [
    "DELETE FROM cases",
    "UPDATE cases SET status = 'closed'",
    "DELETE FROM gps_fixes",
    "DELETE FROM device_fixes",
    "UPDATE devices SET worker_id = NULL",
    "UPDATE audit_log SET username = 'x'",
    "SELECT phone FROM workers",
    "SELECT password_hash FROM users",
    "SELECT count(*) FROM users",
    "INSERT INTO users (id, username) VALUES (999, 'x')",
    "CREATE TABLE t (x int)",
])
def test_the_intake_login_is_refused_the_rest(district, statement):
    with psycopg.connect(district["intake"], autocommit=True) as con, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute(statement)


def test_a_refused_delete_through_the_store_says_so(district):
    with open_store(district["intake"]) as store, pytest.raises(StoreError):
        store.rows("DELETE FROM cases WHERE id = (SELECT min(id) FROM cases)")
    with open_store(district["admin"]) as admin:
        assert _count(admin, "SELECT count(*) FROM cases") > 0


def test_server_init_names_the_login_and_sets_its_password(district, capsys, monkeypatch,
                                                           pg_cluster):
    from app.cli import main

    role = intake_role(role_prefix(DB))
    monkeypatch.setenv("GRIDCC_INTAKE_PASSWORD", "Another#2026")
    assert main(["server", "init", "--db", district["admin"]]) == 0
    out = capsys.readouterr().out
    assert f"接入服务账号：{role}（密码已设置）" in out
    url = pg_cluster.url(DB, user=role, password="Another#2026")
    with psycopg.connect(url) as con:
        assert con.execute("SELECT current_user").fetchone()[0] == role
    with pg_cluster.admin(DB) as con:  # the module's other tests log in as before
        con.execute(f'ALTER ROLE "{role}" PASSWORD \'{PASSWORD}\'')


def test_no_account_takes_over_the_intake_login(district):
    from app.auth.accounts import add_user
    from app.auth.permissions import Role, Scope
    from app.store.pg_security import sync_login

    role = intake_role(role_prefix(DB))
    with open_store(district["admin"]) as store, \
            pytest.raises(StoreError, match="not an account role"):
        with store.transaction():
            add_user(store, role, "Imposter#2026", Role.OPERATOR, Scope(), at=TEST_NOW)
            sync_login(store, role, "Imposter#2026")
