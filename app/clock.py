"""The command centre's clock: Beijing local time, naive."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")


def beijing_now() -> datetime:
    """Current Beijing time to the minute, without tzinfo (how the store keeps time)."""
    return datetime.now(BEIJING).replace(tzinfo=None, second=0, microsecond=0)
