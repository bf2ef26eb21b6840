"""Masking phone and ID numbers (脱敏) wherever they are shown, exported or logged.

One format everywhere, the same as the server's ``gridcc_worker_phone`` (see
app/store/pg_security.py): a phone keeps its first three and last four characters
(138****1234), an ID number its first three and last four (110***********1234).
Masking is idempotent: an already masked value comes back unchanged.
"""

from __future__ import annotations

import re

#: roles that may ask to see a phone number in full (with a district scope), the same
#: as the server's ``_phone`` group (app/store/pg_security.py PHONE_ROLES)
PHONE_ROLES = ("operator", "dispatcher", "supervision_office")

#: an 11-digit mainland mobile number, not part of a longer number (a run of digits or a
#: decimal such as a coordinate, 117.15511584443)
MOBILE_RE = re.compile(r"(?<!\d)(?<!\d\.)1[3-9]\d{9}(?!\d)(?!\.\d)")
#: an 18-character resident ID number (GB 11643), the last character a digit or X
ID_NUMBER_RE = re.compile(r"(?<![\dA-Za-z])(?<!\d\.)\d{17}[\dXx](?![\dA-Za-z])(?!\.\d)")
MASKED_PHONE_RE = re.compile(r"^\d{3}\*{4}\d{4}$")


def mask_phone(phone: str | None) -> str:
    """138****1234; '' for no number; a value too short to keep digits is all stars."""
    if phone is None:
        return ""
    p = str(phone).strip()
    if not p or "*" in p:
        return p
    if len(p) <= 7:
        return "*" * len(p)
    return p[:3] + "****" + p[-4:]


def mask_id_number(number: str | None) -> str:
    """110***********1234: first three and last four characters kept."""
    if number is None:
        return ""
    n = str(number).strip()
    if not n or "*" in n:
        return n
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_text(text: str | None) -> str:
    """Free text (a description, a log line, an exported cell) with every mobile and
    ID number in it masked."""
    if not text:
        return "" if text is None else text
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), str(text))
    return MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_value(value):
    """``value`` with personal numbers masked if it is text; anything else unchanged."""
    return mask_text(value) if isinstance(value, str) else value


def mask_json(value):
    """A JSON-able structure with every string in it masked (``--json`` outputs)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_json(v) for v in value]
    return value


def may_unmask(role: str | None, scope_kind: str | None) -> bool:
    """Whether an account of ``role`` over a ``scope_kind`` scope may ask to see a
    number in full (each time for one record, audited)."""
    return role is not None and str(role) in PHONE_ROLES and scope_kind == "district"
