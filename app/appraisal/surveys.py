"""Surveys (stub being filled in)."""
from __future__ import annotations


def record_survey(store, session, period, street_id, ratings, comment=None):
    raise NotImplementedError


def surveys_for(store, period):
    raise NotImplementedError
