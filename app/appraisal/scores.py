"""Scores (stub being filled in)."""
from __future__ import annotations


def department_scores(store, period, scheme=None):
    raise NotImplementedError


def area_scores(store, period, level, scheme=None):
    raise NotImplementedError


def red_black_list(scores, n=5):
    ranked = sorted(scores, key=lambda s: s.rank)
    return ranked[:n], list(reversed(ranked[-n:])) if ranked else []


def score_trend(store, department_ids, periods, scheme=None):
    raise NotImplementedError
