"""Masking phone and ID numbers, the server's mask format, the audited unmasking of one
worker's number (both backends) and the demonstration mode's pseudonyms."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.audit import read_log, verify_log
from app.auth.accounts import get_user
from app.privacy import demo
from app.privacy.masking import (
    PHONE_ROLES,
    mask_id_number,
    mask_json,
    mask_phone,
    mask_text,
    may_unmask,
)
from app.privacy.reveal import UNMASK_ACTION, RevealRefused, reveal_phone
from app.store import open_store

AT = datetime(2026, 11, 20, 10, 31)


def test_phone_and_id_numbers_are_masked_one_way():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138****1234") == "138****1234"  # idempotent
    assert mask_phone("") == "" and mask_phone(None) == ""
    assert mask_phone("1234567") == "*******"
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_id_number("11010119900307123X") == "110***********123X"
    text = "居民张三，电话13812341234，身份证110101199003071234，坐标117.15511584443"
    assert mask_text(text) == ("居民张三，电话138****1234，身份证110***********1234，"
                               "坐标117.15511584443")
    assert mask_json({"a": ["tel 13912345678", 13912345678], "b": None}) == \
        {"a": ["tel 139****5678", 13912345678], "b": None}


def test_the_mask_is_the_servers():
    """The server's gridcc_worker_phone masks left(3) || '****' || right(4): the same."""
    from app.store import pg_security

    assert PHONE_ROLES == pg_security.PHONE_ROLES
    assert "left(w.phone, 3) || '****' || right(w.phone, 4)" in " ".join(pg_security.FUNCTIONS)
    phone = "15022223333"
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


def test_who_may_ask_to_unmask():
    assert may_unmask("operator", "district") and may_unmask("supervision_office", "district")
    assert not may_unmask("operator", "street")
    assert not may_unmask("street_secretary", "street") and not may_unmask("auditor", "district")
    assert not may_unmask(None, None)


def test_revealing_a_number_is_an_audit_record(district_db):
    with open_store(district_db) as s:
        wid, code, phone = s.rows("SELECT id, code, phone FROM workers ORDER BY id LIMIT 1")[0]
        operator = get_user(s, "operator")
        before = len(read_log(s, limit=100000))
        assert reveal_phone(s, operator, wid, at=AT) == phone
        log = read_log(s, limit=100000)
        assert len(log) == before + 1
        rec = next(r for r in log if r["action"] == UNMASK_ACTION)
        assert rec["username"] == "operator" and rec["entity"] == "worker"
        assert rec["entity_id"] == code and str(rec["occurred_at"]).startswith("2026-11-20 10:31")
        assert phone not in str(rec)  # the record says whose, not the number
        assert verify_log(s).ok
        # a street secretary may not; nothing is recorded
        with pytest.raises(RevealRefused, match="只有区级指挥中心"):
            reveal_phone(s, get_user(s, "sec01"), wid, at=AT)
        with pytest.raises(RevealRefused):
            reveal_phone(s, None, wid, at=AT)
        assert len(read_log(s, limit=100000)) == before + 1


def test_no_number_in_demonstration_mode(small_db_copy):
    demo.set_demo_mode(True)
    try:
        with open_store(small_db_copy) as s:
            wid = s.scalar("SELECT min(id) FROM workers")
            with pytest.raises(RevealRefused, match="演示模式"):
                reveal_phone(s, get_user(s, "operator"), wid, at=AT)
    finally:
        demo.set_demo_mode(None)


def test_pseudonyms_are_stable_and_fictional(monkeypatch):
    monkeypatch.delenv(demo.ENV_DEMO_MODE, raising=False)
    demo.set_demo_mode(None)
    assert not demo.demo_mode() and demo.person_name("王小明") == "王小明"
    monkeypatch.setenv(demo.ENV_DEMO_MODE, "1")
    assert demo.demo_mode()
    shown = demo.person_name("王小明")
    assert shown != "王小明" and "某" in shown and shown == demo.person_name("王小明")
    assert demo.shown_phone("13812341234") == demo.HIDDEN_PHONE
    demo.set_demo_mode(False)  # the setting wins over the environment
    assert demo.person_name("王小明") == "王小明"
    assert demo.shown_phone("13812341234") == "138****1234"
    demo.set_demo_mode(None)
