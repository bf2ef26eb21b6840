"""The indicator engine (stub being filled in)."""
from __future__ import annotations


def format_rate(value: float | None) -> str:
    """'97.63%' (two decimals), '—' for None."""
    return "—" if value is None else f"{value * 100:.2f}%"


def compute_indicators(store, period, subject, *, ids=None, deltas=True):
    raise NotImplementedError
