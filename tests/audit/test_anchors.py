"""The auditor's key, the anchor file and the ``audit`` commands: keys kept private,
anchors that refuse to bless a forged log, an anchor file whose damage is named, read-only
commands that leave the district as it was, and failed logins that never record what was
typed into the user-name field."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime

import duckdb
import pytest

from app.audit import append
from app.audit.anchors import AnchorError, append_anchor, read_anchors, verify_anchors
from app.audit.keys import AuditKeyError, generate, load_private, load_public, public_path
from app.auth.accounts import UNKNOWN_USER, AuthError, authenticate
from app.cli import main
from app.store import StoreError, open_store
from tests.audit import tamperings


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tamper(paths, kind, seed=3):
    con = duckdb.connect(str(paths["db"]))
    try:
        tamperings.KINDS[kind](con, __import__("random").Random(seed), paths)
    finally:
        con.close()


# --- the key --------------------------------------------------------------------------

def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path, capsys):
    key = tmp_path / "cfg" / "gridcc" / "audit-key.pem"
    assert main(["audit", "keygen", "--key", str(key)]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key.read_bytes()
    assert b"PRIVATE" not in public_path(key).read_bytes()
    out = capsys.readouterr().out
    assert "公钥指纹" in out and str(public_path(key)) in out
    before = key.read_bytes()
    assert main(["audit", "keygen", "--key", str(key)]) == 1  # an existing key is kept
    assert "--force" in capsys.readouterr().err and key.read_bytes() == before


def test_a_key_others_may_read_is_refused(tmp_path):
    key = tmp_path / "audit-key.pem"
    generate(key)
    os.chmod(key, 0o644)
    with pytest.raises(AuditKeyError, match="chmod 600"):
        load_private(key)


def test_the_public_key_verifies_and_a_missing_key_is_named(tmp_path):
    key = tmp_path / "k" / "audit-key.pem"
    public = generate(key)
    assert load_public(public_path(key)) == public
    assert load_public(key) == public  # the private key file gives its public half
    with pytest.raises(AuditKeyError, match="找不到密钥文件"):
        load_private(tmp_path / "nowhere.pem")


# --- anchoring ------------------------------------------------------------------------

def test_anchor_refuses_a_broken_chain_and_leaves_the_file_alone(anchored):
    _tamper(anchored, "naive edit")
    before = anchored["anchors"].read_bytes()
    with open_store(anchored["db"], read_only=True) as s, \
            pytest.raises(AnchorError, match="不予锚定"):
        append_anchor(s, anchored["anchors"], load_private(anchored["key"]))
    assert anchored["anchors"].read_bytes() == before


def test_anchor_refuses_to_bless_a_rehashed_chain(anchored):
    """The forger re-hashes and moves the head (the chain is consistent again); a new
    anchor over that would make the forgery look anchored: refused."""
    _tamper(anchored, "forger edit + re-hash")
    with open_store(anchored["db"], read_only=True) as s:
        with pytest.raises(AnchorError, match="与已有锚点不符"):
            append_anchor(s, anchored["anchors"], load_private(anchored["key"]))


def test_each_line_is_signed_and_links_to_the_one_before(anchored):
    with open_store(anchored["db"], read_only=True) as s:
        anchor = append_anchor(s, anchored["anchors"], load_private(anchored["key"]),
                               at=datetime(2026, 11, 23, 8, 0))
    lines = anchored["anchors"].read_text().splitlines()
    assert anchor.n == len(lines) == 4 and anchor.seq == tamperings.N
    assert json.loads(lines[-1])["prev"] == hashlib.sha256(lines[-2].encode()).hexdigest()
    report = read_anchors(anchored["anchors"], load_public(anchored["key"]))
    assert report.ok and [a.n for a in report.anchors] == [1, 2, 3, 4]


@pytest.mark.parametrize("damage, named", [
    (lambda t: t[:-40], "最后一行不完整"),
    (lambda t: t + "not an anchor\n", "无法解析"),
    (lambda t: t + '{"v": 1, "n": 4}\n', "缺项"),
    (lambda t: t.replace('"seq":25', '"seq":26'), "签名"),
    (lambda t: "\n".join(t.splitlines()[1:]) + "\n", "其前有锚点被删去"),
    (lambda t: "", "是空的"),
])
def test_a_damaged_anchor_file_is_named_not_a_traceback(anchored, damage, named):
    path = anchored["anchors"]
    path.write_text(damage(path.read_text()))
    with open_store(anchored["db"], read_only=True) as s:
        report = verify_anchors(s, path, load_public(anchored["key"]))
    assert not report.ok and any(named in p for p in report.problems), report.problems


def test_anchors_of_another_district_do_not_vouch_for_this_one(anchored):
    con = duckdb.connect(str(anchored["db"]))
    con.execute("UPDATE meta SET value = '110106002' WHERE key = 'district_code'")
    con.close()
    with open_store(anchored["db"], read_only=True) as s:
        report = verify_anchors(s, anchored["anchors"], load_public(anchored["key"]))
    assert not report.ok and "没有本区（110106002）的锚点" in report.problems[0]


def test_a_file_that_is_not_text_is_named(anchored):
    anchored["anchors"].write_bytes(b"\xff\xfe\x00garbage")
    report = read_anchors(anchored["anchors"], load_public(anchored["key"]))
    assert not report.ok and "不是 UTF-8" in report.problems[0]


# --- the commands ---------------------------------------------------------------------

def _cli(paths, *extra):
    return ["audit", *extra, "--db", str(paths["db"]), "--anchors", str(paths["anchors"]),
            "--key", str(paths["key"])]


def test_verify_and_anchor_commands_never_change_the_district(anchored, capsys):
    before = _sha(anchored["db"])
    assert main(_cli(anchored, "verify")) == 0
    assert "与锚点一致：核对了 3 个锚点" in capsys.readouterr().out
    assert main(_cli(anchored, "anchor")) == 0
    assert "锚点 #4" in capsys.readouterr().out
    assert _sha(anchored["db"]) == before
    assert not anchored["db"].with_name(anchored["db"].name + ".wal").exists()


@pytest.mark.parametrize("kind, said", [
    ("forger edit + re-hash", "哈希被重算过"),
    ("tail truncation, head moved", "末尾被截去"),
    ("whole chain forged", "整条日志被替换"),
])
def test_verify_names_what_the_forger_did(anchored, capsys, kind, said):
    _tamper(anchored, kind)
    assert main(["audit", "verify", "--db", str(anchored["db"])]) == 0  # the chain alone
    capsys.readouterr()
    assert main(_cli(anchored, "verify")) == 1
    assert said in capsys.readouterr().err


def test_verify_checks_with_the_public_key_alone(anchored, capsys):
    cmd = _cli(anchored, "verify")
    cmd[-1] = str(public_path(anchored["key"]))
    assert main(cmd) == 0
    assert main(cmd + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert data["ok"] and data["anchors"]["checked"] == 3


@pytest.mark.parametrize("head", ["garbage", "99999999999999999999999:00", "12:"])
def test_garbage_head_is_a_finding_not_a_traceback(anchored, capsys, head):
    con = duckdb.connect(str(anchored["db"]))
    con.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", [head])
    con.close()
    assert main(["audit", "verify", "--db", str(anchored["db"])]) == 1
    err = capsys.readouterr().err
    assert "链头" in err and "Traceback" not in err


def test_dropped_table_is_a_finding_not_a_traceback(anchored, capsys):
    con = duckdb.connect(str(anchored["db"]))
    con.execute("DROP TABLE audit_log")
    con.close()
    assert main(_cli(anchored, "verify")) == 1
    err = capsys.readouterr().err
    assert "审计日志表（audit_log）不存在" in err and "Traceback" not in err


def test_anchors_of_a_day_print_for_the_daily_report(anchored, capsys):
    key = str(public_path(anchored["key"]))
    assert main(["audit", "anchors", "--anchors", str(anchored["anchors"]), "--key", key,
                 "--day", "2026-11-21"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("锚点 #2  2026-11-21")
    assert "审计记录至第 25 条" in lines[0] and "区 110105001" in lines[0]


# --- failed logins --------------------------------------------------------------------

def test_a_password_typed_as_the_user_name_is_never_recorded(small_db_copy):
    typed = "Admin#2026"  # the administrator's password, typed into the user-name field
    with open_store(small_db_copy) as s:
        with pytest.raises(AuthError):
            authenticate(s, typed, "", at=datetime(2026, 11, 23, 9, 0))
        with pytest.raises(AuthError):
            authenticate(s, "auditor", "wrong-password", at=datetime(2026, 11, 23, 9, 1))
        rows = s.rows("SELECT username, entity_id, action, after FROM audit_log "
                      "ORDER BY seq DESC LIMIT 2")
        leaked = s.scalar("SELECT count(*) FROM audit_log WHERE concat_ws('|', username, role, "
                          "action, entity, entity_id, before, after) LIKE ?", [f"%{typed}%"])
    assert leaked == 0
    (known, known_id, known_action, _), (unknown, unknown_id, action, after) = rows
    assert (unknown, unknown_id, action) == (UNKNOWN_USER, None, "login.fail")
    assert "no such account" in after
    assert (known, known_id, known_action) == ("auditor", "auditor", "login.fail")


@pytest.mark.parametrize("how", ["drop", "retype"])
def test_an_action_on_a_garbled_log_is_refused_in_one_line(anchored, capsys, how):
    """Nothing is done unrecorded: with the log table gone or re-typed, an append (a
    login here) refuses with a StoreError that says what to do, not a traceback."""
    con = duckdb.connect(str(anchored["db"]))
    con.execute("DROP TABLE audit_log")
    if how == "retype":
        con.execute("CREATE TABLE audit_log AS SELECT 'one' AS seq, 'h' AS hash")
    con.close()
    with open_store(anchored["db"]) as s, pytest.raises(StoreError, match="audit verify"):
        append(s, at=datetime(2026, 11, 23, 9, 0), username="user1", role="operator",
               action="case.register", entity="case", entity_id="AJ2026112300001W")
    assert main(["audit", "verify", "--db", str(anchored["db"])]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_after_a_restore_the_auditor_signs_a_restore_anchor(anchored, capsys):
    """A restore from a backup taken at record 30 loses records 31-40 that anchor #3 saw:
    verify says so and anchoring is refused, until the key holder signs a restore anchor;
    then the log verifies again, the loss is still told, and a forgery below the restore
    point is still caught."""
    con = duckdb.connect(str(anchored["db"]))
    tamperings._write_chain(con, tamperings._records(con)[:30])  # what the backup held
    con.close()
    assert main(_cli(anchored, "verify")) == 1
    assert "末尾被截去" in capsys.readouterr().err
    assert main(_cli(anchored, "anchor")) == 1
    assert "--restored" in capsys.readouterr().err
    assert main(_cli(anchored, "anchor", "--restored", "12-01 夜间备份，值班主任批准")) == 0
    assert "恢复锚点 #4" in capsys.readouterr().out
    assert main(_cli(anchored, "verify")) == 0
    out = capsys.readouterr().out
    assert "第 31–40 条审计记录随从备份恢复而失去（恢复锚点 #4" in out
    _tamper(anchored, "forger edit + re-hash", seed=5)  # a record at or below 30
    assert main(_cli(anchored, "verify")) == 1
    assert "哈希被重算过" in capsys.readouterr().err


def test_a_restore_anchor_is_signed_like_any_other(anchored):
    """Only the key holder can acknowledge a loss: a restore line written by hand (or
    with another key) is refused like any forged line."""
    line = json.loads(anchored["anchors"].read_text().splitlines()[-1])
    forged = {**line, "n": 4, "seq": 5, "restored": True, "note": "forged",
              "prev": hashlib.sha256(json.dumps(line, sort_keys=True, separators=(",", ":"))
                                     .encode()).hexdigest()}
    with anchored["anchors"].open("a") as f:
        f.write(json.dumps(forged, sort_keys=True, separators=(",", ":")) + "\n")
    report = read_anchors(anchored["anchors"], load_public(anchored["key"]))
    assert not report.ok and "第 4 行的签名" in report.problems[0]
    assert len(report.anchors) == 3
