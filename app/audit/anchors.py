"""Audit anchors (审计锚点): the chain's head, signed outside the database.

The hash chain (app/audit/log.py) finds an edit, a deletion or a swap, but someone who
can write the district file can also re-hash every record after a forged one and move
``audit_head``, or cut the newest records off and move the head back.  An anchor is a
checkpoint of the head — record number and hash, the hash of record 1, the district's
code and the time — signed with the auditor's Ed25519 key (app/audit/keys.py), which the
forger does not have, and appended as one line of JSON to an anchor file kept away from
the district.  Each line carries the SHA-256 of the line before it, so a line taken out
of the middle or edited breaks the file.  ``verify`` then holds the database to every
anchor: a record the anchor saw must still be there with the hash it had.

What anchors cannot see: records appended after the newest anchor (anchor often — a
timer, packaging/gridcc-audit-anchor.timer) and the anchor file losing its own newest
lines (keep it append-only, ``chattr +a``, and print the day's anchors in the report).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.audit.keys import fingerprint, signature_ok
from app.audit.log import GENESIS, first_line, verify_log
from app.store import DistrictRepository

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

ANCHORS_ENV = "GRIDCC_AUDIT_ANCHORS"
VERSION = 1
_SIGNED = ("v", "n", "at", "district", "seq", "head", "first", "prev", "key", "restored", "note")


class AnchorError(Exception):
    """An anchor that cannot be written; one line in Chinese."""


@dataclass(frozen=True)
class Anchor:
    """One signed checkpoint: line ``n`` of the anchor file."""

    n: int
    at: str
    district: str
    seq: int
    head: str
    first: str
    prev: str
    key: str
    sig: str
    #: signed after the district was restored from a backup: the records the anchors
    #: before it saw beyond ``seq`` went with the restore (acknowledged by the key holder)
    restored: bool = False
    note: str = ""  # why (a restore: which backup, on whose order)

    def signed_text(self) -> bytes:
        body = {"v": VERSION, **{k: getattr(self, k) for k in _SIGNED if k != "v"}}
        return json.dumps(body, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")

    def line(self) -> str:
        body = json.loads(self.signed_text())
        body["sig"] = self.sig
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def summary(self) -> str:
        """One line fit for the daily report (日报): when, how far, which head, which key."""
        kind = "恢复锚点" if self.restored else "锚点"
        return (f"{kind} #{self.n}  {self.at}  区 {self.district or '—'}  审计记录至第 {self.seq} 条"
                f"  链头 {self.head[:16]}  签名 {self.sig[:16]}  密钥 {self.key}"
                + (f"  （从备份恢复：{self.note}）" if self.restored else ""))


@dataclass
class AnchorReport:
    """Outcome of :func:`verify_anchors`: the anchors read and every problem found."""

    anchors: list[Anchor] = field(default_factory=list)
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    #: records anchors saw that a restore from a backup took away, acknowledged
    restored_away: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        last = self.anchors[-1] if self.anchors else None
        return {"ok": self.ok, "anchors": len(self.anchors), "checked": self.checked,
                "last_anchor": None if last is None else {"n": last.n, "at": last.at,
                                                          "seq": last.seq},
                "problems": list(self.problems), "restored_away": list(self.restored_away)}


def default_anchor_path() -> Path | None:
    env = os.environ.get(ANCHORS_ENV)
    return Path(env).expanduser() if env else None


def _line_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_anchors(path: Path, public: Ed25519PublicKey) -> AnchorReport:
    """Every line of the anchor file, checked: well-formed, numbered in order, linked to
    the line before, signed by ``public``.  A bad line is a problem, never an exception."""
    report = AnchorReport()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        report.problems.append(f"找不到锚点文件 {path}")
        return report
    except OSError as exc:
        report.problems.append(f"读不了锚点文件 {path}：{exc.strerror}")
        return report
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.problems.append(f"锚点文件 {path} 不是 UTF-8 文本（第 {exc.start} 字节）")
        return report
    if text and not text.endswith("\n"):
        report.problems.append(f"锚点文件 {path} 的最后一行不完整（写入中断或被截断）")
    prev, want_key = GENESIS, fingerprint(public)
    for lineno, line in enumerate(text.splitlines(), 1):
        anchor, problem = _parse(line, lineno)
        if problem:
            report.problems.append(problem)
        elif anchor.key != want_key or not signature_ok(public, _b64(anchor.sig),
                                                         anchor.signed_text()):
            report.problems.append(f"锚点文件第 {lineno} 行的签名不是密钥 {want_key} 签的"
                                   "（内容被改动或伪造）")
        else:  # genuine: it still holds the log to what it saw, whatever happened around it
            report.anchors.append(anchor)
            if anchor.n != lineno:
                report.problems.append(f"锚点文件第 {lineno} 行是锚点 #{anchor.n}"
                                       "（其前有锚点被删去或插入）")
            elif anchor.prev != prev:
                report.problems.append(f"锚点文件第 {lineno} 行与上一行接不上（上一行被改动、"
                                       "删去或换过）")
        prev = _line_hash(line)
    return report


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return b""


def _parse(line: str, lineno: int) -> tuple[Anchor | None, str]:
    try:
        body = json.loads(line)
    except (ValueError, RecursionError):
        return None, f"锚点文件第 {lineno} 行不是锚点（无法解析）"
    try:
        if not isinstance(body, dict) or body.get("v") != VERSION:
            raise TypeError
        optional = {"restored": False, "note": ""}
        anchor = Anchor(**{k: body[k] for k in Anchor.__dataclass_fields__ if k not in optional},
                        **{k: body.get(k, v) for k, v in optional.items()})
        if not isinstance(anchor.restored, bool) or not isinstance(anchor.note, str) or not all(isinstance(getattr(anchor, k), int) and not isinstance(getattr(anchor, k), bool)
                   for k in ("n", "seq")) or not all(
                isinstance(getattr(anchor, k), str) for k in
                ("at", "district", "head", "first", "prev", "key", "sig")):
            raise TypeError
    except (KeyError, TypeError):
        return None, f"锚点文件第 {lineno} 行缺项或格式不对"
    return anchor, ""


def _chain(store: DistrictRepository, seqs: set[int]) -> tuple[int, dict[int, Any]]:
    """The newest record number and the stored hash of each record in ``seqs``."""
    last = store.scalar("SELECT max(seq) FROM audit_log")
    found: dict[int, Any] = {}
    wanted = sorted(s for s in seqs if s > 0)
    for i in range(0, len(wanted), 500):
        part = wanted[i:i + 500]
        marks = ", ".join("?" * len(part))
        for seq, h in store.rows(f"SELECT seq, hash FROM audit_log WHERE seq IN ({marks})", part):
            found[int(seq)] = h
    return int(last or 0), found


def verify_anchors(store: DistrictRepository, path: Path,
                   public: Ed25519PublicKey) -> AnchorReport:
    """Hold the district's audit log to every anchor of this district in ``path``: a
    record an anchor saw must still be there with the hash it had then.  A re-hashed
    chain changes that hash; a cut-off tail loses the record."""
    report = read_anchors(path, public)
    district = store.meta().get("district_code", "")
    mine = [a for a in report.anchors if a.district == district]
    if report.anchors and not mine:
        report.problems.append(f"锚点文件 {path} 中没有本区（{district or '未命名'}）的锚点")
    if not mine:
        if not report.anchors and not report.problems:
            report.problems.append(f"锚点文件 {path} 是空的")
        return report
    try:
        last, hashes = _chain(store, {a.seq for a in mine} | {1})
    except Exception as exc:  # the table gone or unreadable: a finding   # noqa: BLE001
        report.problems.append(f"审计日志读不出来，无法与锚点核对：{first_line(exc)}")
        return report
    found: dict[str, str] = {}  # kind of damage -> what the oldest anchor seeing it says
    high = good = 0  # the furthest record anchored; the furthest still as anchored
    lost: dict[int, tuple[Anchor, int]] = {}  # restore anchor n -> (it, furthest seq lost)
    for i, a in enumerate(mine):
        restore = next((r for r in mine[i + 1:] if r.restored and r.seq < a.seq), None)
        if restore is not None:  # what it saw beyond restore.seq went with the restore
            lost[restore.n] = (restore, max(a.seq, lost.get(restore.n, (restore, 0))[1]))
            continue
        report.checked += 1
        if a.seq < high:
            found.setdefault("shrunk", f"锚点 #{a.n}（{a.at}）只到第 {a.seq} 条，而更早的锚点"
                                       f"已到第 {high} 条：两次锚定之间日志被截短过")
        high = max(high, a.seq)
        if a.seq > last:
            found.setdefault("cut", f"审计日志末尾被截去：锚点 #{a.n}（{a.at}）签下时已有 "
                                    f"{a.seq} 条，现在只到第 {last} 条")
        elif a.seq and a.first != hashes.get(1):
            found.setdefault("replaced", f"第 1 条审计记录与锚点 #{a.n}（{a.at}）所见不同："
                                         "整条日志被替换或重算过")
        elif a.seq and hashes.get(a.seq) != a.head:
            found.setdefault("rewritten", f"第 {good + 1}–{a.seq} 条审计记录中有被改写的，且其后"
                                          f"哈希被重算过：第 {a.seq} 条与锚点 #{a.n}（{a.at}）"
                                          "签下的链头不符")
        elif "rewritten" not in found and "replaced" not in found:
            good = max(good, a.seq)
    report.problems.extend(found.values())
    report.restored_away = [f"第 {r.seq + 1}–{upto} 条审计记录随从备份恢复而失去（恢复锚点 #{r.n}，"
                            f"{r.at}，由持有密钥的审计员确认）" for r, upto in lost.values()]
    return report


def append_anchor(store: DistrictRepository, path: Path, private: Ed25519PrivateKey, *,
                  at: datetime | None = None, restored: str | None = None) -> Anchor:
    """Sign the district's current head and append it to ``path``.  Refused when the
    chain is broken or no longer agrees with the anchors already there: an anchor must
    never bless a forged log.  After a restore from a backup the log legitimately ends
    before what earlier anchors saw: ``restored`` (why: which backup, whose decision)
    signs a restore anchor that says so, and only the anchor file itself must be sound."""
    path = Path(path)
    with store.snapshot():
        chain = verify_log(store)
        if not chain.ok:
            raise AnchorError(f"审计日志已损坏，不予锚定：{chain.problem}")
        row = store.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        first = store.scalar("SELECT hash FROM audit_log WHERE seq = 1")
        district = store.meta().get("district_code", "")
        public = private.public_key()
        if path.exists() and path.stat().st_size:
            earlier = (read_anchors(path, public) if restored
                       else verify_anchors(store, path, public))
            problems = [p for p in earlier.problems if "没有本区" not in p]
            if problems:
                raise AnchorError("与已有锚点不符，不予锚定：" + "；".join(problems)
                                  + ("" if restored else "（若区库刚从备份恢复，请用 --restored "
                                     "注明哪份备份）"))
    seq, head = (int(row[0][0]), row[0][1]) if row else (0, GENESIS)
    at = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(fd, "r+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # two anchoring processes take turns
        f.seek(0)
        lines = f.read().decode("utf-8", "replace").splitlines()
        anchor = Anchor(n=len(lines) + 1, at=at.isoformat(), district=district, seq=seq,
                        head=head, first=first or GENESIS,
                        prev=_line_hash(lines[-1]) if lines else GENESIS,
                        key=fingerprint(public), sig="", restored=bool(restored),
                        note=restored or "")
        sig = base64.b64encode(private.sign(anchor.signed_text())).decode("ascii")
        anchor = Anchor(**{**anchor.__dict__, "sig": sig})
        f.write((anchor.line() + "\n").encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    return anchor


def anchors_of_day(report: AnchorReport, day: str | None) -> list[Anchor]:
    """The anchors signed on ``day`` (YYYY-MM-DD, UTC), or all of them."""
    return [a for a in report.anchors if day is None or a.at.startswith(day)]
