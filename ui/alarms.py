"""Audible alarms (告警提示音): a new urgent case and a whistle going overdue.

What rings is decided by :class:`AlarmRules` (no Qt, no audio): urgent cases are those
of app.video.alarms (突发事件 and the short-limit safety hazards), named by the district
model's ``urgentCases`` as they come in; a whistle goes overdue when the clock passes
one of its deadlines (app.workflow.whistle_machine.is_overdue), which no change
announces, so the open whistles are looked at again every :data:`CHECK_MS` and after
every whistle change.  Each case and each whistle rings once; a burst (an import, a
batch of changes, several whistles passing the same deadline) rings once; whistles
already overdue when the window opens do not ring (the supervision list shows them).

The sounds are QSoundEffect WAVs from ``resources/sounds`` at the preference's volume;
the preference's 告警声音 off, or :attr:`Alarms.mute_action` (静音, for this session),
silences them.  ``play`` is the seam tests replace (offscreen has no audio device).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QAction

from ui.lifetime import connect_while
from ui.resources import resource_path

URGENT_CASE, WHISTLE_OVERDUE = "urgent_case", "whistle_overdue"
SOUNDS = (URGENT_CASE, WHISTLE_OVERDUE)
#: how often the open whistles are compared with the clock (a deadline passing)
CHECK_MS = 30_000
#: a sound does not ring again within this many seconds (a burst rings once)
BURST_S = 5.0


@dataclass
class AlarmRules:
    """Which event rings which sound (Qt-free); ``now``: monotonic seconds."""

    now: Callable[[], float] = time.monotonic
    burst_s: float = BURST_S
    rung_cases: set[int] = field(default_factory=set)
    overdue_whistles: set[int] = field(default_factory=set)
    _last: dict[str, float] = field(default_factory=dict)

    def _ring(self, sound: str, muted: bool) -> str | None:
        if muted:  # decided, silently: a burst is counted from what was heard
            return None
        t = self.now()
        last = self._last.get(sound)
        if last is not None and t - last < self.burst_s:
            return None
        self._last[sound] = t
        return sound

    def urgent_cases(self, ids: Iterable[int], muted: bool = False) -> str | None:
        """New urgent cases came in: the sound to ring, or None (all rung already, or
        muted: they will not ring later either)."""
        new = {int(i) for i in ids} - self.rung_cases
        if not new:
            return None
        self.rung_cases |= new
        return self._ring(URGENT_CASE, muted)

    def known_overdue(self, ids: Iterable[int]) -> None:
        """Whistles overdue before the alarms started: they never ring."""
        self.overdue_whistles |= {int(i) for i in ids}

    def overdue(self, ids: Iterable[int], muted: bool = False) -> str | None:
        """The whistles overdue now: the sound to ring when one of them was not before.
        A whistle that is no longer overdue (closed, reported in) may ring again later."""
        now = {int(i) for i in ids}
        new = now - self.overdue_whistles
        self.overdue_whistles = now
        return self._ring(WHISTLE_OVERDUE, muted) if new else None


class Alarms(QObject):
    """The window's audible alarms (see the module doc)."""

    def __init__(self, model, *, clock: Callable[[], datetime] | None = None,
                 scope: Callable[[], object] | None = None,
                 rules: AlarmRules | None = None, audible: bool | None = None,
                 parent: QObject | None = None) -> None:
        """``model``: a :class:`ui.district_model.DistrictModel`; ``clock``: the district
        time (the model's); ``scope``: the signed-in user's scope (whose whistles ring);
        ``audible``: make the sound effects (default: unless the screen is offscreen,
        where nobody listens and the audio probe only warns)."""
        super().__init__(parent)
        from ui.settings import hub, preferences

        self.model = model
        self._clock = clock or model.now
        self._scope = scope or _user_scope
        self.rules = rules or AlarmRules()
        #: what rang, in order (sound names; what tests and the log look at)
        self.rang: list[str] = []
        if audible is None:
            audible = may_sound()
        #: sound name → QSoundEffect (none where nothing can be heard: offscreen)
        self.effects = {name: sound_effect(name, self) for name in SOUNDS} if audible else {}
        prefs = preferences()
        self.enabled = prefs.alarm_sound
        self.set_volume(prefs.alarm_volume)
        self.mute_action = QAction(self.tr("静音"), self, checkable=True)
        self.mute_action.setToolTip(self.tr("告警提示音静音（本次值班）"))
        self.mute_action.setChecked(not prefs.alarm_sound)
        self.mute_action.toggled.connect(self._muted)
        self._mute_icon()
        connect_while(self, hub().changed, self.follow_preferences)
        #: the whistles overdue at start are known (silent) once the model has read them
        self._baseline = False
        self._take_baseline()
        model.urgentCases.connect(self.on_urgent_cases)
        model.whistlesChanged.connect(self.check_overdue)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_overdue)
        self.timer.start(CHECK_MS)

    @property
    def muted(self) -> bool:
        return self.mute_action.isChecked()

    def set_volume(self, volume: int) -> None:
        """0–100 (the preference)."""
        self.volume = max(0, min(100, int(volume)))
        for e in self.effects.values():
            e.setVolume(self.volume / 100)

    def follow_preferences(self, prefs) -> None:
        """The settings dialog saved: volume at once, sound on/off as the mute switch."""
        self.set_volume(prefs.alarm_volume)
        if prefs.alarm_sound != self.enabled:
            self.enabled = prefs.alarm_sound
            self.mute_action.setChecked(not prefs.alarm_sound)

    def _muted(self, _on: bool) -> None:
        self._mute_icon()

    def _mute_icon(self) -> None:
        try:
            import qtawesome as qta

            name = "mdi6.volume-off" if self.muted else "mdi6.volume-high"
            self.mute_action.setIcon(qta.icon(name))
        except Exception:  # noqa: BLE001 (an icon font missing is no reason to fail)
            pass

    # -- events -------------------------------------------------------------------------
    def on_urgent_cases(self, cases: list) -> None:
        self._sound(self.rules.urgent_cases((c.id for c in cases), self.muted))

    def _take_baseline(self) -> bool:
        if not self._baseline and getattr(self.model, "whistles_loaded", True):
            self.rules.known_overdue(self._overdue_now())
            self._baseline = True
        return self._baseline

    def check_overdue(self, *_ids) -> None:
        if not self._baseline:  # the whistles were still being read at start
            self._take_baseline()
            return
        self._sound(self.rules.overdue(self._overdue_now(), self.muted))

    def _overdue_now(self) -> list[int]:
        from app.live.district_state import visible_to

        now, scope = self._clock(), self._scope()
        return [w.id for w in self.model.state.open_whistles()
                if (scope is None or visible_to(w, scope)) and w.overdue(now)]

    def _sound(self, name: str | None) -> None:
        if name is None:
            return
        self.rang.append(name)
        self.play(name)

    def play(self, name: str) -> None:
        """Ring ``name`` (the seam tests replace: offscreen has no audio output)."""
        effect = self.effects.get(name)
        if effect is not None:
            effect.setVolume(self.volume / 100)
            effect.play()

    def stop(self) -> None:
        self.timer.stop()
        for e in self.effects.values():
            e.stop()


def _user_scope():
    from app.auth.session import VIEWER, current_user

    return (current_user() or VIEWER).scope


def may_sound() -> bool:
    """Whether sounds can be heard here: not on an offscreen or minimal screen (tests,
    screenshots), where QtMultimedia's audio probe only warns that no server answers."""
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def sound_effect(name: str, parent: QObject | None = None):
    """A QSoundEffect of the alarm sound ``name`` (one of :data:`SOUNDS`)."""
    from ui.video.ffmpeg_log import quiet_multimedia

    quiet_multimedia()  # before QtMultimedia loads: no PipeWire probe warning, no banner
    from PySide6.QtMultimedia import QSoundEffect

    effect = QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(resource_path("sounds", f"{name}.wav"))))
    return effect


def install_alarms(window) -> Alarms:
    """The audible alarms of ``window`` (its district model and clock); H1 places
    ``window.alarms.mute_action`` in the toolbar or status bar."""
    alarms = Alarms(window.district_model, clock=lambda: window.district_model.now(),
                    parent=window)
    window.alarms = alarms
    return alarms
