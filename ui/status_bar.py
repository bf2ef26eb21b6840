"""The status bar: cursor position in CGCS2000, map scale, district name, and the
district's time now (read from the window's clock, ticking every second); on a server,
whether the seat still hears it ("与服务器断开（自 10:32）" until it is back)."""

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
from ui import theme

if TYPE_CHECKING:
    from ui.map.canvas import MapCanvas

#: how often the clock is read (a new second shows within this)
CLOCK_TICK_MS = 250
#: how long "已重新连接" stays after the server is back
RECONNECTED_MS = 5_000


def server_lost_text(since: datetime) -> str:
    """What the status bar (and a refused action's tooltip) says while the server is gone."""
    return f"与服务器断开（自 {since:%H:%M}）"


def zone_caption(tz: str | None) -> str:
    """What the time is called: 北京时间 in the default zone, else the zone's name."""
    return "北京时间" if (tz or DEFAULT_TZ) == DEFAULT_TZ else f"当地时间（{tz}）"


class MapStatusBar(QStatusBar):
    """Permanent read-outs an operator glances at."""

    def __init__(self, canvas: MapCanvas, frame: LocalFrame, district_name: str,
                 parent: QWidget | None = None, *, clock: Clock | None = None,
                 time_zone: str | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._frame = frame
        self.clock = clock or LiveClock(time_zone)
        self._zone = zone_caption(time_zone)
        self.position_label = QLabel("经度 —  纬度 —  (CGCS2000)")
        self.position_label.setObjectName("PositionLabel")
        self.scale_label = QLabel("比例尺 —")
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
        self.addPermanentWidget(self.server_label)
        self.addPermanentWidget(self.position_label)
        self.addPermanentWidget(self.scale_label)
        self.addPermanentWidget(self.district_label)
        self.addPermanentWidget(self.clock_label)
        self.setSizeGripEnabled(False)
        canvas.cursorMoved.connect(self.show_position)
        canvas.viewChanged.connect(self.update_scale)
        self.show_time()
        # a child of the bar: it stops with it
        self._tick = QTimer(self, interval=CLOCK_TICK_MS, timeout=self.show_time)
        self._tick.start()

    def show_time(self) -> None:
        """The clock's now, to the second."""
        text = f"{self.clock.now():%Y-%m-%d %H:%M:%S} {self._zone}"
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
            self.showMessage("已重新连接", RECONNECTED_MS)

    def show_position(self, x: float, y: float) -> None:
        lon, lat = self._frame.to_lonlat(x, y)
        self.position_label.setText(f"经度 {float(lon):.6f}°  纬度 {float(lat):.6f}°  (CGCS2000)")

    def scale_denominator(self) -> float:
        dpi = self._canvas.logicalDpiX() or 96
        return scale_denominator(self._canvas.metres_per_pixel(), dpi)

    def update_scale(self) -> None:
        self.scale_label.setText(f"比例尺 1:{round_scale(self.scale_denominator()):,}")


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
