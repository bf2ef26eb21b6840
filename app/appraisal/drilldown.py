"""Drill-down (stub being filled in)."""
from __future__ import annotations


def drill_down(store, period, subject, subject_id, indicator_code):
    raise NotImplementedError
