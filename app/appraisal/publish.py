"""Publishing (stub being filled in)."""
from __future__ import annotations

from app.appraisal.errors import AppraisalError  # noqa: F401


def publish_period(store, session, period, scheme=None):
    raise NotImplementedError


def is_published(store, period):
    raise NotImplementedError
