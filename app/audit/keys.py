"""The auditor's signing key (审计签名密钥): an Ed25519 key pair kept outside the district.

The private key signs the audit anchors (app/audit/anchors.py); whoever can change the
district file must not be able to read it, so it lives where the administrator puts it
(by default ``~/.config/gridcc/audit-key.pem``, mode 0600) and a key that others may
read is refused, as ssh refuses one.  The public key (``….pub``, beside it) is all a
verifier needs; its fingerprint is short enough to print in a report and compare by eye.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography is loaded by the functions that sign or verify: every
    # command registers ``audit`` at start, few of them touch a key (~6 MB)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

KEY_ENV = "GRIDCC_AUDIT_KEY"


class AuditKeyError(Exception):
    """A key that cannot be made, read or used; one line in Chinese."""


def default_key_path() -> Path:
    """``$GRIDCC_AUDIT_KEY``, else ``~/.config/gridcc/audit-key.pem``."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "gridcc" / "audit-key.pem"


def public_path(key_path: Path) -> Path:
    """Where the public half of ``key_path`` is kept: ``audit-key.pem`` → ``audit-key.pub``."""
    return key_path.with_suffix(".pub")


def fingerprint(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 of the raw public key, grouped by four."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    h = hashlib.sha256(raw).hexdigest()[:16]
    return ":".join(h[i:i + 4] for i in range(0, 16, 4))


def generate(key_path: Path, *, force: bool = False) -> Ed25519PublicKey:
    """Make a new key pair: the private key at ``key_path`` (0600, its folder 0700 when
    made here), the public key beside it.  An existing key is kept unless ``force``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_path = Path(key_path)
    if key_path.exists() and not force:
        raise AuditKeyError(f"密钥文件 {key_path} 已存在；确需换新密钥请加 --force"
                        "（旧锚点仍须用旧公钥核验）")
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    tmp = key_path.with_name(key_path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, key_path)
    public = private.public_key()
    public_path(key_path).write_bytes(public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return public


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise AuditKeyError(f"找不到密钥文件 {path}（先运行 audit keygen，或用 --key 指明）") from None
    except OSError as exc:
        raise AuditKeyError(f"读不了密钥文件 {path}：{exc.strerror}") from None


def load_private(key_path: Path) -> Ed25519PrivateKey:
    """The signing key; refused when group or others may read it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_path = Path(key_path)
    data = _read(key_path)
    mode = stat.S_IMODE(key_path.stat().st_mode)
    if mode & 0o077:
        raise AuditKeyError(f"密钥文件 {key_path} 他人可读（权限 {mode:04o}），不予使用；"
                        f"请执行 chmod 600 {key_path}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise AuditKeyError(f"{key_path} 不是可用的私钥：{exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{key_path} 不是 Ed25519 私钥")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A verifying key from a public key file, or from a private key file (its public
    half), or from the ``.pub`` beside a private key path that is not there."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    path = Path(path)
    if not path.exists() and public_path(path).exists():
        path = public_path(path)
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return load_private(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise AuditKeyError(f"{path} 不是可用的公钥：{exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError(f"{path} 不是 Ed25519 公钥")
    return key


def signature_ok(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is ``public``'s over ``message``."""
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
