"""Masking personal fields wherever they are shown or exported (PIPL Art. 28)."""

from __future__ import annotations

import re

MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def mask_phone(phone: str | None) -> str:
    """138****2721: the first three and the last four digits."""
    if not phone:
        return ""
    p = str(phone)
    if len(p) <= 7:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 7) + p[-4:]
