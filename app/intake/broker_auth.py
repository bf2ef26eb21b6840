"""Per-device sign-in at the MQTT broker (mosquitto): its password file and ACL.

Each OwnTracks user signs in with a password of its own and may publish only under
``owntracks/<user>/#``; the intake's own account reads everything below ``owntracks/``.
A message from a client without a valid password, or to another user's topic, is refused
by the broker itself and never reaches the intake.

The password file uses mosquitto 2's ``$7$`` format (PBKDF2-SHA512), as
``mosquitto_passwd`` writes it.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

ITERATIONS = 101


def password_line(user: str, password: str, *, salt: bytes | None = None,
                  iterations: int = ITERATIONS) -> str:
    """One line of a mosquitto password file."""
    if ":" in user or "\n" in user:
        raise ValueError(f"bad MQTT user name {user!r}")
    salt = salt or os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, 64)
    b64 = base64.b64encode
    return f"{user}:$7${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def acl_text(intake_user: str, device_users: list[str],
             simulator_user: str | None = None) -> str:
    """The ACL file: the intake reads every device's topics, each device user writes (and
    reads, for OwnTracks' own commands) only its own; the demo simulator (``python -m app
    simulate``) writes for every demo phone."""
    lines = [f"user {intake_user}", "topic read owntracks/#", ""]
    if simulator_user:
        lines += [f"user {simulator_user}", "topic write owntracks/#", ""]
    for u in sorted(set(device_users) - {simulator_user}):
        lines += [f"user {u}", f"topic readwrite owntracks/{u}/#", ""]
    return "\n".join(lines)


def write_broker_auth(folder: Path, accounts: dict[str, str], intake_user: str,
                      simulator_user: str | None = None) -> tuple[Path, Path]:
    """``passwd`` and ``acl`` in ``folder`` for ``accounts`` (user -> password; the
    intake's own and the simulator's among them)."""
    folder.mkdir(parents=True, exist_ok=True)
    passwd, acl = folder / "passwd", folder / "acl"
    passwd.write_text("".join(password_line(u, pw) + "\n" for u, pw in accounts.items()))
    acl.write_text(acl_text(intake_user, [u for u in accounts if u != intake_user],
                            simulator_user))
    for f in (passwd, acl):
        f.chmod(0o600)
    return passwd, acl


def set_password(passwd: Path, user: str, password: str) -> None:
    """Put ``user``'s line into the password file ``passwd`` (replacing an older one;
    the file is created, mode 0600).  Mosquitto reads it again on SIGHUP."""
    lines = passwd.read_text().splitlines() if passwd.exists() else []
    lines = [ln for ln in lines if ln.split(":", 1)[0] != user]
    lines.append(password_line(user, password))
    passwd.write_text("\n".join(lines) + "\n")
    passwd.chmod(0o600)


def owntracks_users(keys: list[str]) -> list[str]:
    """The OwnTracks user names among device keys (``owntracks:<user>/<device>``)."""
    return sorted({k.split(":", 1)[1].split("/", 1)[0] for k in keys
                   if k.startswith("owntracks:")})
