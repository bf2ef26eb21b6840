"""Demonstration mode (演示模式): every person on screen and in exports gets a pseudonym.

For demonstrations to inspection teams (考察团) no real person's data may be shown:
with the mode on, :func:`person_name` turns a worker's (or a user's) name into a
fictional one, the same one every time for the same person, and phone numbers are
never shown, not even masked.  The mode is on when ``run --demo-mode`` or the operator's
preference ``demo_mode`` (app.preferences) says so (the UI calls :func:`set_demo_mode`), or when
``$GRIDCC_DEMO_MODE`` is 1 (the command line's exports follow it too).
"""

from __future__ import annotations

import hashlib
import os

ENV_DEMO_MODE = "GRIDCC_DEMO_MODE"

_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
_GIVEN = "明华强丽军敏静磊洋艳勇杰娟涛超霞平刚桂英芳秀兰玉珍凤建国志红"
#: what stands for a phone number in demonstration mode
HIDDEN_PHONE = "（演示模式不显示）"

_on: bool | None = None


def set_demo_mode(on: bool | None) -> None:
    """Turn the mode on or off for this process (None: follow ``$GRIDCC_DEMO_MODE``)."""
    global _on
    _on = None if on is None else bool(on)


def demo_mode() -> bool:
    """Whether people are shown under pseudonyms: the mode is on, or the signed-in
    account is a read-only wall account (it sees no personal data at all)."""
    from app.auth.session import current_user
    from app.privacy.wall import sees_no_personal_data

    if sees_no_personal_data(current_user()):
        return True
    if _on is not None:
        return _on
    return os.environ.get(ENV_DEMO_MODE, "").strip().lower() in ("1", "true", "yes", "on")


def pseudonym(name: str) -> str:
    """A fictional name for ``name`` (e.g. 韩某杰), stable across runs and seats."""
    h = hashlib.sha256(str(name).encode("utf-8")).digest()
    return f"{_SURNAMES[h[0] % len(_SURNAMES)]}某{_GIVEN[h[1] % len(_GIVEN)]}"


def person_name(name: str | None) -> str:
    """``name`` as it may be shown now: itself, or its pseudonym in demonstration mode."""
    if not name:
        return name or ""
    return pseudonym(name) if demo_mode() else str(name)


def shown_phone(masked: str | None) -> str:
    """A (masked) phone number as it may be shown now."""
    if demo_mode():
        return HIDDEN_PHONE
    from app.privacy.masking import mask_phone

    return mask_phone(masked)


#: keys of JSON outputs that hold a person's name (报到人); "actor" of a report-in too
PERSON_KEYS = ("reported_by",)


def pseudonymize_json(value):
    """A JSON-able structure with people's names replaced by pseudonyms in demonstration
    mode (unchanged otherwise)."""
    if not demo_mode():
        return value
    if isinstance(value, dict):
        out = {k: pseudonymize_json(v) for k, v in value.items()}
        for k in PERSON_KEYS:
            if isinstance(out.get(k), str):
                out[k] = person_name(out[k])
        if out.get("action") == "report_in" and isinstance(out.get("actor"), str):
            out["actor"] = person_name(out["actor"])
        return out
    if isinstance(value, (list, tuple)):
        return [pseudonymize_json(v) for v in value]
    return value
