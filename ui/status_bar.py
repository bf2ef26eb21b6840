"""The status bar: the headline figures (the status strip, :mod:`ui.status_strip`, in a
main window), cursor position in CGCS2000, map scale, district name, and the district's
time now (read from the window's clock, ticking every second); on a server, whether the
seat still hears it ("与服务器断开（自 10:32）" until it is back).

The strip sits on the left, where a passing message (加载中…, 已重新连接) takes its place
for a moment; it gives way when the bar is narrow (short captions, then fewer figures),
the position and the clock never do."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.clock import DEFAULT_TZ, Clock, LiveClock
from app.geo.crs import LocalFrame
from app.map.scale import round_scale, scale_denominator
from app.preferences import shown_time
from ui import theme
from ui.i18n import translate
from ui.settings import preferences
from ui.status_strip import StatusStrip

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

#: how often the clock is read (a new second shows within this)
CLOCK_TICK_MS = 250
#: how long "已重新连接" stays after the server is back
RECONNECTED_MS = 5_000


def server_lost_text(since: datetime) -> str:
    """What the status bar (and a refused action's tooltip) says while the server is gone."""
    return translate("MapStatusBar", "与服务器断开（自 {time}）").format(time=f"{since:%H:%M}")


def zone_caption(tz: str | None) -> str:
    """What the time is called: 北京时间 in the default zone, else the zone's name."""
    if (tz or DEFAULT_TZ) == DEFAULT_TZ:
        return translate("MapStatusBar", "北京时间")
    return translate("MapStatusBar", "当地时间（{zone}）").format(zone=tz)


class MapStatusBar(QStatusBar):
    """Permanent read-outs an operator glances at.  Built with a main window as parent
    (it has a district model) it carries that window's status strip (:attr:`strip`)."""

    def __init__(self, canvas: MapCanvas, frame: LocalFrame, district_name: str,
                 parent: QWidget | None = None, *, clock: Clock | None = None,
                 time_zone: str | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._frame = frame
        self.clock = clock or LiveClock(time_zone)
        #: the district's zone; the operator's preference may show the clock in another
        self._district_zone = time_zone or DEFAULT_TZ
        self.position_label = QLabel()
        self.position_label.setObjectName("PositionLabel")
        self.position_label.setToolTip(self.tr("光标处的经度、纬度（CGCS2000）"))
        #: the position without its captions (117.160000°E 39.170000°N; CGCS2000 in the
        #: tooltip), on a narrow bar
        self.compact_position = False
        self._position: tuple[float, float] | None = None
        self.scale_label = QLabel(self.tr("比例尺 —"))
        self.scale_label.setObjectName("ScaleLabel")
        self.district_label = QLabel(district_name)
        self.district_label.setObjectName("DistrictLabel")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("ClockLabel")
        #: shown only while the server is gone (a seat on a PostgreSQL server)
        self.server_label = QLabel()
        self.server_label.setObjectName("ServerLost")
        self.server_label.setStyleSheet(f"color: {theme.ALERT}; font-weight: bold;")
        self.server_label.setVisible(False)
        self.server_lost = False
        self.strip: StatusStrip | None = None
        self._fitting = False
        if parent is not None and hasattr(parent, "district_model"):
            self.strip = StatusStrip(self)
            self.addWidget(self.strip, 1)
            self.strip.follow(parent)
        self.addPermanentWidget(self.server_label)
        self.addPermanentWidget(self.position_label)
        self.addPermanentWidget(self.scale_label)
        self.addPermanentWidget(self.district_label)
        self.addPermanentWidget(self.clock_label)
        self.setSizeGripEnabled(False)
        # room for the widest readings from the start: the strip is fitted to what is left,
        # and nothing shifts as the cursor moves
        self._position_widths = {}
        for compact in (True, False):  # (the full form last: the one shown first)
            self.compact_position = compact
            self._position_widths[compact] = _hold_width(
                self.position_label, self._position_text(117.0, 39.0))
        self.position_label.setText(self._position_text(None, None))
        _hold_width(self.scale_label, self.tr("比例尺 1:{denominator}").format(
            denominator="1,000,000"))
        canvas.cursorMoved.connect(self.show_position)
        canvas.viewChanged.connect(self.update_scale)
        self.show_time()
        # a child of the bar: it stops with it
        self._tick = QTimer(self, interval=CLOCK_TICK_MS, timeout=self.show_time)
        self._tick.start()

    def show_time(self) -> None:
        """The clock's now, to the second."""
        at, zone = shown_time(self.clock.now(), self._district_zone, preferences())
        text = f"{at:%Y-%m-%d %H:%M:%S} {zone_caption(zone)}"
        if text != self.clock_label.text():
            self.clock_label.setText(text)

    def show_server(self, online: bool, since: datetime | None = None) -> None:
        """The server is gone (since ``since``, the district's time) or back: the warning
        stays until it is back, then "已重新连接" shows for a moment."""
        if not online:
            self.server_label.setText(server_lost_text(since or self.clock.now()))
            self.server_label.setVisible(True)
            self.server_lost = True
        elif self.server_lost:
            self.server_lost = False
            self.server_label.setVisible(False)
            self.server_label.clear()
            self.showMessage(self.tr("已重新连接"), RECONNECTED_MS)

    def show_position(self, x: float, y: float) -> None:
        lon, lat = self._frame.to_lonlat(x, y)
        self._position = (float(lon), float(lat))
        self.position_label.setText(self._position_text(*self._position))

    def _position_text(self, lon: float | None, lat: float | None) -> str:
        """The position as the label writes it (— before the cursor was over the map)."""
        lon_s, lat_s = ("—", "—") if lon is None else (f"{lon:.6f}", f"{lat:.6f}")
        if self.compact_position:
            return self.tr("{lon}°E {lat}°N").format(lon=lon_s, lat=lat_s)
        return self.tr("经度 {lon}°  纬度 {lat}°  (CGCS2000)").format(lon=lon_s, lat=lat_s)

    def _set_compact_position(self, compact: bool) -> None:
        if compact == self.compact_position:
            return
        self.compact_position = compact
        self.position_label.setMinimumWidth(self._position_widths[compact])
        # (setting the text also renews the label's size hint)
        self.position_label.setText(self._position_text(*(self._position or (None, None))))

    def scale_denominator(self) -> float:
        dpi = self._canvas.logicalDpiX() or 96
        return scale_denominator(self._canvas.metres_per_pixel(), dpi)

    def update_scale(self) -> None:
        self.scale_label.setText(self.tr("比例尺 1:{denominator}").format(
            denominator=f"{round_scale(self.scale_denominator()):,}"))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.size().width() != ev.oldSize().width():
            self.fit_strip()

    def fit_strip(self) -> None:
        """The strip takes what the permanent read-outs leave: with the position in full
        if all six figures still fit, else with the position's short form, else without
        the district's name (the title bar has it); only then with fewer figures."""
        if self.strip is None or self._fitting:
            return
        self._fitting = True  # (what it hides may resize the bar: no second fit inside)
        try:
            self.district_label.setVisible(True)
            for compact in (False, True):
                self._set_compact_position(compact)
                if self.strip.fit(self._room_for_strip()):
                    return
            self.district_label.setVisible(False)
            self.strip.fit(self._room_for_strip())
        finally:
            self._fitting = False

    def _room_for_strip(self) -> int:
        others = [w for w in (self.server_label, self.position_label, self.scale_label,
                              self.district_label, self.clock_label) if not w.isHidden()]
        spacing = max(0, self.layout().spacing()) if self.layout() is not None else 0
        m = self.contentsMargins()
        used = (sum(max(w.sizeHint().width(), w.minimumWidth()) + spacing for w in others)
                + m.left() + m.right())
        return self.width() - used - 2 * spacing


def _hold_width(label: QLabel, widest: str) -> int:
    """``label`` at least as wide as it is showing ``widest``; that width."""
    shown = label.text()
    label.ensurePolished()
    label.setMinimumWidth(0)
    label.setText(widest)
    width = label.sizeHint().width()
    label.setMinimumWidth(width)
    label.setText(shown)
    return width


class _StateRelay(QObject):
    """Process-wide, never deleted: a listener's thread emits here, never on a window
    that the GUI thread may be deleting at that moment (as the district model's relay)."""

    changed = Signal(object, object)  # (follower key, ListenerState)


_relay: _StateRelay | None = None
_followers: dict[int, tuple[weakref.ref, Callable]] = {}


def _deliver(key: int, state) -> None:
    entry = _followers.get(key)
    owner = entry[0]() if entry is not None else None
    if owner is not None and shiboken6.isValid(owner):
        entry[1](state)


def follow_server(listener, owner: QObject, slot: Callable[[object], None]) -> Callable[[], None]:
    """Call ``slot(state)`` on the GUI thread whenever ``listener``
    (app.store.pg_changes.ChangeListener) goes offline or comes back, for as long as
    ``owner`` exists; returns the stop (call it before closing the listener)."""
    global _relay
    if _relay is None:
        _relay = _StateRelay()
        _relay.changed.connect(_deliver, Qt.ConnectionType.QueuedConnection)
    relay = _relay
    key = id(owner)
    _followers[key] = (weakref.ref(owner), slot)
    unsubscribe = listener.observe(lambda state: relay.changed.emit(key, state))

    def stop() -> None:
        unsubscribe()
        _followers.pop(key, None)

    owner.destroyed.connect(lambda *_a: stop())
    return stop
