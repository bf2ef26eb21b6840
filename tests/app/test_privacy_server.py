"""Phone numbers on a secured server district: the server's ``gridcc_worker_phone`` and the
app's masking agree (138****1234), the worker card's record is masked for every account,
and 查看完整号码 gives the number in full only to a role of the server's phone group,
recorded in the audit trail through that account's own connection."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit import verify_log
from app.auth.permissions import Role
from app.auth.server_accounts import server_login
from app.demo.accounts import DEMO_PASSWORDS
from app.feed.fixes import to_seconds
from app.feed.worker_record import worker_record
from app.map.layers import district_frame
from app.privacy.masking import mask_phone
from app.privacy.reveal import UNMASK_ACTION, RevealRefused, reveal_phone
from app.store import open_store
from app.store.pg_copy import copy_district
from app.store.pg_server import init_server
from tests.conftest import TEST_NOW

DB = "privacy_district"


@pytest.fixture(scope="module")
def district(pg_cluster, small_db_path):
    pg_cluster.drop_db(DB)
    url = pg_cluster.url(DB)
    init_server(url)
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    init_server(url)  # the copied accounts get their logins
    with open_store(url) as admin:
        street = admin.scalar("SELECT scope_id FROM users WHERE username = 'sec01'")
        wid, phone = admin.rows(
            "SELECT w.id, w.phone FROM workers w JOIN grid_units g ON g.id = w.grid_id "
            "JOIN grid_units c ON c.id = g.parent_id WHERE c.parent_id = ? ORDER BY w.id "
            "LIMIT 1", [street])[0]
    yield {"url": url, "worker": int(wid), "phone": str(phone)}
    pg_cluster.drop_db(DB)


def _record(store, wid):
    day = to_seconds(TEST_NOW.replace(hour=0, minute=0))
    return worker_record(store, district_frame(store), wid, day,
                         to_seconds(TEST_NOW + timedelta(hours=1)))


def test_the_server_masks_as_the_app_does_and_the_card_is_masked_for_everyone(district):
    wid, phone = district["worker"], district["phone"]
    for name, role in (("sec01", Role.STREET_SECRETARY), ("operator", Role.OPERATOR)):
        store, _user = server_login(district["url"], name, DEMO_PASSWORDS[role], at=TEST_NOW)
        with store:
            if name == "sec01":  # the server itself masks for a street
                assert store.scalar("SELECT gridcc_worker_phone(?)", [wid]) == mask_phone(phone)
            rec = _record(store, wid)
            assert rec.phone == mask_phone(phone) == phone[:3] + "****" + phone[-4:]


def test_only_the_phone_group_sees_it_in_full_and_it_is_audited(district):
    wid, phone = district["worker"], district["phone"]
    store, operator = server_login(district["url"], "operator",
                                   DEMO_PASSWORDS[Role.OPERATOR], at=TEST_NOW)
    with store:
        assert reveal_phone(store, operator, wid, at=TEST_NOW) == phone
        rec = store.rows("SELECT username, action, entity_id FROM audit_log "
                         "ORDER BY seq DESC LIMIT 1")[0]
        code = store.scalar("SELECT code FROM workers WHERE id = ?", [wid])
        assert rec == ("operator", UNMASK_ACTION, code)
    sec_store, sec = server_login(district["url"], "sec01",
                                  DEMO_PASSWORDS[Role.STREET_SECRETARY], at=TEST_NOW)
    with sec_store:
        with pytest.raises(RevealRefused):
            reveal_phone(sec_store, sec, wid, at=TEST_NOW)
        # even an app that claimed the operator's role gets only the mask from the server
        with pytest.raises(RevealRefused, match="服务器只给出打码后的号码"):
            reveal_phone(sec_store, operator, wid, at=TEST_NOW)
    with open_store(district["url"]) as admin:
        assert verify_log(admin).ok
