"""``python -m app audit …``: the hash-chained audit trail (审计日志) and its anchors.

``verify`` walks the chain and, with ``--anchors``, holds it to the signed checkpoints;
``anchor`` signs the current head into the anchor file (run it from a timer:
packaging/gridcc-audit-anchor.timer); ``anchors`` prints the anchors of a day for the
daily report; ``keygen`` makes the auditor's key pair; ``show`` lists the newest records.
Verifying and anchoring open the district read-only: they never change it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.audit import read_log, verify_log
from app.audit.anchors import (
    AnchorError,
    anchors_of_day,
    append_anchor,
    default_anchor_path,
    read_anchors,
    verify_anchors,
)
from app.audit.keys import (
    KEY_ENV,
    AuditKeyError,
    default_key_path,
    fingerprint,
    generate,
    load_private,
    load_public,
    public_path,
)
from app.audit.log import append as audit
from app.auth.permissions import require
from app.commands.workflow import _user_error, common_args, emit, session
from app.store import open_store


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("audit", help="the hash-chained audit trail (审计日志) and its anchors")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("verify", help="check the chain (and with --anchors the signed "
                                      "checkpoints); names the first broken or missing record")
    common_args(q, add_db_arg, user_required=False)
    _anchor_args(q, required=False, key_help="the auditor's public key (or the private key)")
    q = ops.add_parser("anchor", help="sign the chain's head into the anchor file (a checkpoint)")
    add_db_arg(q)
    q.add_argument("--json", action="store_true", help="machine-readable output")
    _anchor_args(q, required=True, key_help="the auditor's private key")
    q.add_argument("--restored", metavar="WHY",
                   help="the district was just restored from a backup: sign a restore anchor "
                        "(say which backup, on whose decision); records the earlier anchors saw "
                        "beyond the backup are then reported as lost with the restore")
    q = ops.add_parser("anchors", help="the anchors in a file, checked (for the daily report)")
    _anchor_args(q, required=True, key_help="the auditor's public key (or the private key)")
    q.add_argument("--day", help="only the anchors signed on this day (YYYY-MM-DD, UTC)")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q = ops.add_parser("keygen", help="make the auditor's Ed25519 key pair (outside the district)")
    q.add_argument("--key", type=Path, default=None,
                   help=f"where to write the private key (default ${KEY_ENV} or "
                        "~/.config/gridcc/audit-key.pem); the public key goes beside it (.pub)")
    q.add_argument("--force", action="store_true", help="replace an existing key")
    q = ops.add_parser("show", help="newest records (auditor); an export, itself audited")
    common_args(q, add_db_arg)
    q.add_argument("--limit", type=int, default=50)
    return {"audit": cmd_audit}


def _anchor_args(q, *, required: bool, key_help: str) -> None:
    default = default_anchor_path()
    q.add_argument("--anchors", type=Path, default=default,
                   required=required and default is None,
                   help="the append-only anchor file (default $GRIDCC_AUDIT_ANCHORS)")
    q.add_argument("--key", type=Path, default=None,
                   help=f"{key_help} (default ${KEY_ENV} or ~/.config/gridcc/audit-key.pem)")


def cmd_audit(args) -> int:
    try:
        return _OPS[args.op](args)
    except (AuditKeyError, AnchorError) as exc:
        raise _user_error(str(exc)) from None


def _verify(args) -> int:
    public = load_public(args.key or default_key_path()) if args.anchors else None
    if args.user:
        with session(args, need_user=False) as (store, user, _now):
            require(user.role, user.scope, "audit.verify")
            chain, anchors = _check(store, args, public)
    else:
        with open_store(args.db, read_only=True) as store:
            chain, anchors = _check(store, args, public)
    ok = chain.ok and (anchors is None or anchors.ok)
    if args.json:
        data = chain.as_dict()
        if anchors is not None:
            data["anchors"] = anchors.as_dict()
        data["ok"] = ok
        emit(args, data, "")
        return 0 if ok else 1
    if not chain.ok:
        where = f"第 {chain.first_bad_seq} 条处" if chain.first_bad_seq else ""
        print(f"审计日志已损坏{where}：{chain.problem}", file=sys.stderr)
    elif anchors is None:
        print(f"审计日志完好：{chain.records} 条记录，哈希链与链头均已核验")
    elif anchors.ok:
        last = anchors.anchors[-1]
        print(f"审计日志完好：{chain.records} 条记录，哈希链与链头均已核验；与锚点一致：核对了 "
              f"{anchors.checked} 个锚点，最近一个 #{last.n} 签于 {last.at}，到第 {last.seq} 条")
    else:
        print(f"哈希链本身自洽（{chain.records} 条记录），但与锚点核验不通过：", file=sys.stderr)
    for lost in anchors.restored_away if anchors is not None else ():
        print(f"（{lost}）")
    for problem in anchors.problems if anchors is not None else ():
        print(f"锚点核验不通过：{problem}", file=sys.stderr)
    return 0 if ok else 1


def _check(store, args, public):
    chain = verify_log(store)
    anchors = verify_anchors(store, args.anchors, public) if public is not None else None
    return chain, anchors


def _anchor(args) -> int:
    private = load_private(args.key or default_key_path())
    with open_store(args.db, read_only=True) as store:
        anchor = append_anchor(store, args.anchors, private, restored=args.restored)
    return emit(args, {"n": anchor.n, "at": anchor.at, "district": anchor.district,
                       "seq": anchor.seq, "head": anchor.head, "key": anchor.key,
                       "sig": anchor.sig}, f"已写入 {args.anchors}：\n{anchor.summary()}")


def _anchors(args) -> int:
    report = read_anchors(args.anchors, load_public(args.key or default_key_path()))
    shown = anchors_of_day(report, args.day)
    if args.json:
        emit(args, {**report.as_dict(), "shown": [a.__dict__ for a in shown]}, "")
    else:
        print("\n".join(a.summary() for a in shown) or "（这一天没有锚点）")
        for problem in report.problems:
            print(f"锚点文件有问题：{problem}", file=sys.stderr)
    return 0 if report.ok else 1


def _keygen(args) -> int:
    path = args.key or default_key_path()
    public = generate(path, force=args.force)
    print(f"已生成审计签名密钥：私钥 {path}（权限 0600，只给审计员），公钥 {public_path(path)}\n"
          f"公钥指纹 {fingerprint(public)}（请抄在纸上或打印在日报里，核验时对照）")
    return 0


def _show(args) -> int:
    with session(args) as (store, user, now):
        require(user.role, user.scope, "audit.view")
        rows = read_log(store, args.limit)
        audit(store, at=now, username=user.username, role=user.role.value, action="export",
              entity="audit_log", after={"records": len(rows)})
    text = "\n".join(f"{r['seq']:>6} {r['occurred_at']:%Y-%m-%d %H:%M} {r['username']:<12} "
                     f"{r['action']:<20} {r['entity']} {r['entity_id'] or ''}" for r in rows)
    return emit(args, rows, text or "审计日志是空的")


_OPS = {"verify": _verify, "anchor": _anchor, "anchors": _anchors, "keygen": _keygen,
        "show": _show}
