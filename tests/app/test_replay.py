"""Replay of the stored day: clock, seeking, trails and events as they were."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from app.feed import TrackBuffer, to_seconds
from app.feed.replay import ReplayClock, TrailReplay, load_timeline
from app.feed.simulator import load_roster
from app.feed.storage import load_history

DAY = to_seconds(datetime(2026, 11, 20, 0, 0))
NOW = to_seconds(datetime(2026, 11, 20, 10, 30))


@pytest.fixture(scope="module")
def history(store, district_map):
    roster = load_roster(store, district_map.levels[4].ids)
    return roster, load_history(store, district_map.frame, roster.ids, DAY, NOW + 1)


def test_clock_play_speed_seek():
    c = ReplayClock(DAY, NOW, speed=60)
    assert c.advance(10) == DAY  # paused
    c.playing = True
    assert c.advance(10) == DAY + 600
    c.set_speed(5000)
    assert c.speed == 600
    c.set_speed(0.1)
    assert c.speed == 1
    assert c.seek(NOW + 99) == NOW and c.seek(DAY - 5) == DAY
    c.seek(NOW - 5)
    c.set_speed(600)
    c.advance(1)
    assert c.t == NOW and not c.playing  # stops at the end
    assert c.fraction() == 1.0


def test_seeking_equals_playing(history):
    roster, hist = history
    trail = 600.0
    played = TrackBuffer(len(roster), 64)
    replay = TrailReplay(hist, played, trail)
    t = DAY + 9 * 3600
    replay.show(t)
    for step in range(1, 21):  # play 20 steps of 45 s
        replay.show(t + 45 * step)
    target = t + 45 * 20
    seeked = TrackBuffer(len(roster), 64)
    TrailReplay(hist, seeked, trail).show(target)
    a, b = played.trails(target, trail), seeked.trails(target, trail)
    assert len(a) > 0
    assert np.array_equal(a.worker, b.worker) and np.allclose(a.x, b.x) and np.allclose(a.y, b.y)
    # seeking back drops everything newer
    replay.show(t)
    back = played.trails(t, trail)
    assert len(back) and back.age.min() >= 0 and (t - back.age).max() <= t


def test_events_appear_as_they_did(store):
    tl = load_timeline(store)
    early, late = DAY + 8 * 3600, NOW
    rep_early, open_early = tl.cases_at(early)
    rep_late, open_late = tl.cases_at(late)
    assert rep_early.sum() < rep_late.sum()
    assert np.all(rep_late[rep_early])  # once reported, always reported
    assert not np.any(open_early & ~rep_early)
    assert tl.whistles_in_progress(DAY - 400 * 86400).sum() == 0
