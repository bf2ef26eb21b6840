"""Local accounts: salted hashes, lockout after five failures, every login audited."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from app.audit import verify_log
from app.auth.accounts import (
    MAX_FAILED_LOGINS,
    AuthError,
    add_user,
    authenticate,
    check_password,
    hash_password,
    set_locked,
)
from app.auth.permissions import Role, Scope
from app.demo.accounts import DEMO_PASSWORDS, demo_account_specs
from app.store import open_store
from tests.threads import on_cursors

NOW = datetime(2026, 11, 20, 10, 30)


def test_hash_is_salted_and_checks():
    a, b = hash_password("Secret#2026"), hash_password("Secret#2026")
    assert a != b and a.startswith("scrypt$")
    assert check_password("Secret#2026", a) and not check_password("secret#2026", a)
    assert not check_password("x", "garbage")


def test_every_role_has_a_demo_account(district_db):
    with open_store(district_db, read_only=True) as s:
        roles = {spec[1] for spec in demo_account_specs(s)}
        assert roles == set(Role)
        stored = dict(s.rows("SELECT username, password_hash FROM users"))
        for username, role, _scope, _name in demo_account_specs(s)[:6]:
            assert check_password(DEMO_PASSWORDS[role], stored[username])


def test_lockout_after_five_failures_and_unlock(district_db):
    with open_store(district_db) as s:
        for i in range(MAX_FAILED_LOGINS - 1):
            with pytest.raises(AuthError, match=f"还可再试 {MAX_FAILED_LOGINS - 1 - i} 次"):
                authenticate(s, "operator", "wrong-password", at=NOW)
        with pytest.raises(AuthError, match="密码错误，已连续 5 次；账号 operator 已被锁定"):
            authenticate(s, "operator", "wrong-password", at=NOW)
        with pytest.raises(AuthError, match="已被锁定"):  # even the right password
            authenticate(s, "operator", DEMO_PASSWORDS[Role.OPERATOR], at=NOW)
        set_locked(s, "operator", False, at=NOW)
        assert authenticate(s, "operator", DEMO_PASSWORDS[Role.OPERATOR], at=NOW).role == \
            Role.OPERATOR
        actions = [r[0] for r in s.rows("SELECT action FROM audit_log WHERE entity_id = "
                                         "'operator' ORDER BY seq")]
        assert actions[-8:] == ["login.fail"] * 4 + ["login.lock", "login.refused",
                                                      "user.unlock", "login"]
        assert verify_log(s).ok


def test_bad_accounts_are_refused(district_db):
    with open_store(district_db) as s:
        with pytest.raises(AuthError, match="账号“admin”已存在"):
            add_user(s, "admin", "Another#2026", Role.ADMINISTRATOR, Scope(), at=NOW)
        with pytest.raises(AuthError, match="街道党工委书记的管辖范围须为街道，不能是全区"):
            add_user(s, "sec99", "Another#2026", Role.STREET_SECRETARY, Scope(), at=NOW)
        with pytest.raises(AuthError, match="没有编号为 999 的街道"):
            add_user(s, "sec99", "Another#2026", Role.STREET_SECRETARY, Scope("street", 999),
                     at=NOW)
        with pytest.raises(AuthError, match="至少需要 8 个字符"):
            add_user(s, "sec99", "short", Role.STREET_SECRETARY, Scope("street", 2), at=NOW)
        with pytest.raises(AuthError, match="^用户名或密码错误$"):
            authenticate(s, "nobody", "whatever", at=NOW)


def test_parallel_wrong_passwords_cannot_pass_the_lockout(district_db):
    """8 threads try wrong passwords at once (each its own cursor): exactly five count,
    the account ends locked, the rest are refused as locked, and even the right password
    is refused afterwards."""
    with open_store(district_db) as s:
        _, refused = on_cursors(
            s, lambda cur, _k: authenticate(cur, "dispatcher", "wrong-password", at=NOW),
            range(8), expected=AuthError)
        outcomes = [str(exc) for exc in refused]
        assert len(outcomes) == 8
        assert s.rows("SELECT failed_logins, locked FROM users WHERE username = 'dispatcher'") \
            == [(MAX_FAILED_LOGINS, True)]
        assert sum("还可再试" in o for o in outcomes) == MAX_FAILED_LOGINS - 1
        assert sum(o.startswith("密码错误，已连续") for o in outcomes) == 1
        assert sum("因连续 5 次登录失败已被锁定，请联系系统管理员解锁" in o for o in outcomes) == 8 - MAX_FAILED_LOGINS
        with pytest.raises(AuthError, match="已被锁定"):
            authenticate(s, "dispatcher", DEMO_PASSWORDS[Role.DISPATCHER], at=NOW)
        # unlocked again: on a server the login role is cluster-wide, shared with the
        # other test districts of the cluster
        set_locked(s, "dispatcher", False, at=NOW)
        actions = Counter(a for (a,) in s.rows("SELECT action FROM audit_log WHERE "
                                                "entity_id = 'dispatcher' AND action LIKE "
                                                "'login%'"))
        assert actions == {"login.fail": MAX_FAILED_LOGINS - 1, "login.lock": 1,
                           "login.refused": 8 - MAX_FAILED_LOGINS + 1}
        assert verify_log(s).ok


def test_account_changes_are_published(district_db):
    with open_store(district_db) as s:
        heard = []
        s.changes.subscribe(heard.extend)
        user = set_locked(s, "operator", True, at=NOW)
        set_locked(s, "operator", False, at=NOW)
        assert [(c.entity, c.ids, c.action) for c in heard] == [
            ("user", (user.id,), "user.lock"), ("user", (user.id,), "user.unlock")]
