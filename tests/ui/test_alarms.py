"""Audible alarms (ui.alarms): which event rings which sound, muted rings nothing, each
case and whistle rings once, a burst once; the sounds are real WAVs.  Nothing here
depends on an audio device: ``Alarms.play`` is replaced (the seam)."""

from __future__ import annotations

import wave
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Signal

from app.video.alarms import UrgentCase
from ui.alarms import URGENT_CASE, WHISTLE_OVERDUE, AlarmRules, Alarms

T0 = datetime(2026, 11, 20, 10, 30)


class FakeModel(QObject):
    """What the alarms read of a DistrictModel: two signals, the open whistles, now."""

    urgentCases = Signal(object)
    whistlesChanged = Signal(object)

    def __init__(self):
        super().__init__()
        self.whistles: dict[int, bool] = {}  # id -> overdue now
        self.at = T0
        self.state = SimpleNamespace(open_whistles=lambda: [
            SimpleNamespace(id=i, street_id=1, department_ids=frozenset(),
                            overdue=lambda _now, late=late: late)
            for i, late in sorted(self.whistles.items())])

    def now(self):
        return self.at


class Ticks:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def case(i: int) -> UrgentCase:
    return UrgentCase(i, f"C{i:05d}", "0402", "燃气泄漏", 117.1, 39.1)  # i18n: no


@pytest.fixture
def rig(qtbot):
    model, ticks = FakeModel(), Ticks()
    model.whistles = {7: True, 8: False}  # 7 was overdue before the shift began
    alarms = Alarms(model, rules=AlarmRules(now=ticks))
    played = []
    alarms.play = played.append  # the seam: no audio device offscreen
    yield SimpleNamespace(model=model, alarms=alarms, ticks=ticks, played=played)
    alarms.stop()


def test_a_new_urgent_case_rings_the_urgent_sound_once(rig):
    rig.model.urgentCases.emit([case(1)])
    assert rig.played == [URGENT_CASE]
    rig.ticks.t += 60
    rig.model.urgentCases.emit([case(1)])  # the same case named again: silent
    assert rig.played == [URGENT_CASE]
    rig.model.urgentCases.emit([case(2)])
    assert rig.played == [URGENT_CASE, URGENT_CASE] == rig.alarms.rang


def test_a_burst_rings_once(rig):
    rig.model.urgentCases.emit([case(i) for i in range(1, 200)])  # an import
    rig.model.urgentCases.emit([case(300)])  # the next batch of the same burst
    assert rig.played == [URGENT_CASE]
    rig.ticks.t += 10  # later: a new case rings again
    rig.model.urgentCases.emit([case(301)])
    assert rig.played == [URGENT_CASE, URGENT_CASE]


def test_a_whistle_going_overdue_rings_once(rig):
    rig.alarms.check_overdue()
    assert rig.played == []  # 7 was overdue at start: the supervision list shows it
    rig.model.whistles[8] = True  # its deadline passes
    rig.model.whistlesChanged.emit((8,))
    assert rig.played == [WHISTLE_OVERDUE]
    rig.ticks.t += 60
    rig.alarms.check_overdue()  # the timer looks again: still overdue, no second ring
    rig.model.whistles[9] = False  # a new whistle, in time
    rig.model.whistlesChanged.emit((9,))
    assert rig.played == [WHISTLE_OVERDUE]
    rig.model.whistles[8] = False  # reported in
    rig.alarms.check_overdue()
    rig.model.whistles[8] = True  # … and overdue again at the finish deadline
    rig.alarms.check_overdue()
    assert rig.played == [WHISTLE_OVERDUE, WHISTLE_OVERDUE]


def test_whistles_read_after_the_start_are_the_baseline(qtbot):
    model, ticks = FakeModel(), Ticks()
    model.whistles_loaded = False  # the window's start-up reads them on a worker
    alarms = Alarms(model, rules=AlarmRules(now=ticks))
    played = []
    alarms.play = played.append
    model.whistles = {7: True, 8: False}
    model.whistles_loaded = True
    model.whistlesChanged.emit(None)  # read: 7 was overdue before the shift began
    alarms.check_overdue()
    assert played == []
    model.whistles[8] = True
    alarms.check_overdue()
    assert played == [WHISTLE_OVERDUE]
    alarms.stop()


def test_several_whistles_passing_a_deadline_together_ring_once(rig):
    for i in range(20, 30):
        rig.model.whistles[i] = True
    rig.alarms.check_overdue()
    rig.model.whistles[31] = True  # a moment later, same burst
    rig.alarms.check_overdue()
    assert rig.played == [WHISTLE_OVERDUE]


def test_muted_rings_nothing_and_does_not_ring_later(rig):
    rig.alarms.mute_action.trigger()
    assert rig.alarms.muted
    rig.model.urgentCases.emit([case(1)])
    rig.model.whistles[8] = True
    rig.alarms.check_overdue()
    assert rig.played == []
    rig.alarms.mute_action.trigger()  # unmuted: what came while muted stays silent
    rig.ticks.t += 60
    rig.model.urgentCases.emit([case(1)])
    rig.alarms.check_overdue()
    assert rig.played == []
    rig.model.urgentCases.emit([case(2)])
    assert rig.played == [URGENT_CASE]


# a machine without a sound server: QtMultimedia's audio probe says so (environment)
NO_AUDIO = ("PulseAudioService", "not supported on the selected audio device")


@pytest.mark.qt_log_ignore(*NO_AUDIO)
def test_the_preferences_set_sound_and_volume(qtbot):
    from ui.settings import update_preferences

    update_preferences(alarm_sound=False, alarm_volume=40)
    model = FakeModel()
    alarms = Alarms(model, audible=True)
    played = []
    alarms.play = played.append
    assert alarms.muted and alarms.volume == 40
    assert all(e.volume() == pytest.approx(0.4) for e in alarms.effects.values())
    model.urgentCases.emit([case(1)])
    assert played == []
    update_preferences(alarm_sound=True, alarm_volume=90)  # the settings dialog saved
    assert not alarms.muted and alarms.volume == 90
    assert all(e.volume() == pytest.approx(0.9) for e in alarms.effects.values())
    model.urgentCases.emit([case(2)])
    assert played == [URGENT_CASE]
    alarms.stop()


@pytest.mark.qt_log_ignore(*NO_AUDIO)
def test_each_sound_is_a_short_wav_the_effect_can_load(qtbot):
    from PySide6.QtCore import QUrl

    alarms = Alarms(FakeModel(), audible=True)
    assert set(alarms.effects) == {URGENT_CASE, WHISTLE_OVERDUE}
    for name, effect in alarms.effects.items():
        source = effect.source()
        assert isinstance(source, QUrl) and source.isLocalFile()
        with wave.open(source.toLocalFile(), "rb") as w:
            seconds = w.getnframes() / w.getframerate()
            assert w.getnchannels() == 1 and w.getsampwidth() == 2
            assert 0.3 < seconds < 1.5, name
    alarms.play(URGENT_CASE)  # no device: nothing heard, nothing raised
    alarms.stop()


def test_offscreen_makes_no_sound_effect(qtbot):
    # (tests and screenshots: QtMultimedia is never touched, so never warns)
    alarms = Alarms(FakeModel())
    assert alarms.effects == {}
    alarms.play(URGENT_CASE)
    alarms.stop()


def test_install_alarms_on_a_window_follows_its_model(themed_app, qtbot, small_db_copy,
                                                      district_map):
    """On a real window over a writable district: an urgent case accepted in the
    workflow rings; a whistle blown now rings once its report-in deadline passes."""
    from app.auth.accounts import get_user
    from app.clock import FixedClock
    from app.store import open_store
    from app.workflow import cases, whistles
    from ui.alarms import install_alarms
    from ui.main_window import MainWindow

    db = open_store(small_db_copy)
    window = MainWindow(db, district_map=district_map, persist=False, clock=FixedClock(T0),
                        deferred=False)
    qtbot.addWidget(window)
    try:
        alarms = install_alarms(window)
        assert window.alarms is alarms and alarms.mute_action.text() == "静音"
        played = []
        alarms.play = played.append
        grid = int(db.scalar("SELECT g.id FROM grid_units g JOIN grid_units c "
                             "ON c.id = g.parent_id WHERE g.level = 4 AND c.parent_id = 2 "
                             "ORDER BY g.code LIMIT 1"))
        lon, lat = db.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?",
                           [grid])[0]
        cases.new_case(db, get_user(db, "operator"), category_code="0402", source="patrol",
                       description="燃气泄漏", grid_id=grid, lon=lon, lat=lat, at=T0)  # i18n: no
        qtbot.waitUntil(lambda: played == [URGENT_CASE], timeout=10_000)
        wid = whistles.blow(db, get_user(db, "sec01"), grid_id=grid, department_ids=[6],
                            title="占道经营整治", description="", lon=lon, lat=lat,  # i18n: no
                            at=T0, report_hours=1, finish_hours=8)
        qtbot.waitUntil(lambda: wid in window.district_model.state.whistles, timeout=10_000)
        alarms.check_overdue()
        assert played == [URGENT_CASE]  # in time
        later = T0 + timedelta(days=2)
        alarms._clock = lambda: later  # the district clock passes the deadline
        alarms.check_overdue()
        alarms.check_overdue()
        assert played == [URGENT_CASE, WHISTLE_OVERDUE]
    finally:
        qtbot.waitUntil(window.district_model.settled, timeout=10_000)
        window.close()
        db.close()
