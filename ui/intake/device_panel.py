"""The device-health panel (终端状态): the phones of the intake and who is where.

Four tabs, read together on a worker with a cursor of its own (:func:`read_wall`):

* 告警 — workers on shift silent longer than the preference ``offline_minutes`` (离线)
  or outside their own grid longer than ``outside_minutes`` (出格); also drawn on the
  map (:class:`~ui.intake.presence_markers.PresenceMarkers`, with a legend section);
* 终端 — each device: its worker (a pseudonym in demonstration mode, never a phone),
  last fix and its age, battery, accuracy, flagged fixes by reason;
* 待绑定 — devices nobody is bound to yet, with 绑定… for an administrator
  (permission ``devices.bind``);
* 街道 — per street the on-duty workers and the share with a fix under 60 s old.

Read again when a fix is committed (the store's change feed, coalesced) and every
:data:`REFRESH_MS` (ages, shifts and 离线 are a matter of time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.auth.permissions import decide, require
from app.intake.devices import bind
from app.intake.health import DeviceHealth, device_health
from app.intake.presence import (
    Presence,
    UnitPresence,
    WorkerAlarm,
    presence,
    street_presence,
    worker_alarms,
)
from app.privacy.demo import person_name
from app.privacy.masking import mask_text
from ui import theme
from ui.background import BackgroundWork
from ui.docks.workflow_common import acting_user, attempt, item, record_table, viewing_user
from ui.i18n import translate

#: a periodic read (ages grow, shifts begin and end) besides the change feed
REFRESH_MS = 15_000
#: committed fixes arriving within this are read together: a read of a big district takes
#: a good part of a second (Hongqiao, 4,215 workers, 1.1 M fixes: 0.7 s on the worker),
#: and under a steady intake the change feed never rests
COALESCE_MS = 5_000

#: the reasons of app/intake/filters.py FLAGS as the operator reads them
REASONS = {
    "invalid": QT_TRANSLATE_NOOP("DevicePanel", "无效"),
    "zero": QT_TRANSLATE_NOOP("DevicePanel", "零坐标"),
    "future": QT_TRANSLATE_NOOP("DevicePanel", "时间超前"),
    "outdated": QT_TRANSLATE_NOOP("DevicePanel", "过时"),
    "accuracy": QT_TRANSLATE_NOOP("DevicePanel", "精度差"),
    "speed": QT_TRANSLATE_NOOP("DevicePanel", "速度异常"),
}
KINDS = {"offline": QT_TRANSLATE_NOOP("DevicePanel", "离线"),
         "outside": QT_TRANSLATE_NOOP("DevicePanel", "出格")}


@dataclass(frozen=True)
class WallRead:
    """What the panel shows, read at ``now``."""

    now: datetime
    devices: list[DeviceHealth]
    presence: Presence
    alarms: list[WorkerAlarm]
    streets: list[UnitPresence]


def read_wall(store, now: datetime, offline_min: float, outside_min: float) -> WallRead:
    """Everything the panel shows (Qt-free: run on a worker with its own cursor)."""
    p = presence(store, now, silent_min=offline_min, outside_min=outside_min)
    return WallRead(now, device_health(store), p, worker_alarms(store, p),
                    street_presence(store, p))


def age_text(seconds: float | None) -> str:
    """'12 秒' / '8 分钟' / '3 小时' / '—'."""
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    if s < 120:
        return translate("DevicePanel", "{n} 秒").format(n=s)
    if s < 2 * 3600:
        return translate("DevicePanel", "{n} 分钟").format(n=s // 60)
    return translate("DevicePanel", "{n} 小时").format(n=s // 3600)


def flagged_text(flagged: dict[str, int]) -> str:
    """'精度差 3 · 速度异常 1' (reasons in the interface language)."""
    return " · ".join(f"{translate('DevicePanel', REASONS.get(r, r))} {n}"
                      for r, n in sorted(flagged.items(), key=lambda kv: -kv[1]))


def device_text(key: str) -> str:
    """A device key as shown: a phone number in it (an OwnTracks user named by the
    phone's number, a Traccar id that is one) masked."""
    return mask_text(key)


def worker_text(code: str | None, name: str | None) -> str:
    """'WGZ00001 黄刚' (the name a pseudonym in demonstration mode), or 待绑定."""
    if code is None:
        return translate("DevicePanel", "待绑定")
    return f"{code} {person_name(name)}"


class DevicePanel(QWidget):
    """终端状态 (see the module doc).  ``markers``: the map's PresenceMarkers, or None;
    ``limits``: () -> (offline, outside) minutes (default: the preferences)."""

    def __init__(self, store, clock: Callable[[], datetime], *, markers=None,
                 limits: Callable[[], tuple[float, float]] | None = None,
                 on_read: Callable[[WallRead], None] | None = None,
                 refresh_ms: int = REFRESH_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock
        self.markers = markers
        self._limits = limits or _preference_limits
        self._on_read = on_read
        self.last: WallRead | None = None
        self.reads = 0  # reads shown (tests)
        self._tables_stale = False  # a read not yet in the tables (filled when shown)
        self.work = BackgroundWork(self)
        self.summary = QLabel()
        self.summary.setObjectName("Hint")
        self.summary.setWordWrap(True)
        self.alarms = record_table([self.tr("告警"), self.tr("人员"), self.tr("网格"),
                                    self.tr("最后定位")], stretch=2)
        self.devices = record_table([self.tr("终端"), self.tr("人员"), self.tr("最后定位"),
                                     self.tr("间隔"), self.tr("电量"), self.tr("精度"),
                                     self.tr("标记的定位")], stretch=6)
        self.unbound = record_table([self.tr("终端"), self.tr("最后定位"),
                                     self.tr("定位数")], stretch=0)
        self.streets = record_table([self.tr("街道"), self.tr("在岗"), self.tr("定位新鲜"),
                                     self.tr("在线率")], stretch=0)
        self.bind_button = QPushButton(self.tr("绑定…"))
        self.bind_button.clicked.connect(self._ask_bind)
        self.message = QLabel()
        self.message.setWordWrap(True)
        user = acting_user()
        allowed = (decide(user.role, user.scope, "devices.bind") if user is not None
                   else None)
        self.may_bind = bool(allowed) and not getattr(store, "read_only", False)
        if not self.may_bind:
            self.bind_button.setEnabled(False)
            self.bind_button.setToolTip(
                allowed.reason if allowed is not None
                else self.tr("只读演示：登录系统管理员账号后可绑定终端"))
        queue = QWidget()
        q = QVBoxLayout(queue)
        q.setContentsMargins(0, 0, 0, 0)
        q.addWidget(self.unbound, 1)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.bind_button)
        q.addLayout(row)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.alarms, self.tr("告警"))
        self.tabs.addTab(self.devices, self.tr("终端列表"))
        self.tabs.addTab(queue, self.tr("待绑定"))
        self.tabs.addTab(self.streets, self.tr("各街道"))
        v = QVBoxLayout(self)
        v.addWidget(self.summary)
        v.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        if refresh_ms > 0:  # (0: only on the change feed)
            self._timer.start()
        # the change feed calls on the committing thread: it only raises a flag, which a
        # GUI timer looks at (no Qt object touched from another thread)
        dirty = self._dirty = [False]

        def heard(changes) -> None:
            if any(c.entity == "gps_fix" for c in changes):
                dirty[0] = True

        unsubscribe = store.changes.subscribe(heard)
        self.destroyed.connect(lambda *_a: unsubscribe())
        self._coalesce = QTimer(self)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self._follow_changes)
        self._coalesce.start()
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def _follow_changes(self) -> None:
        if self._dirty[0]:
            self._dirty[0] = False
            self.refresh()

    def refresh(self) -> None:
        """Read everything again on the worker; the newest read wins."""
        now = self._clock()
        offline_min, outside_min = self._limits()
        cursor_of = self._store.cursor

        def job():
            cur = cursor_of()
            try:
                return read_wall(cur, now, offline_min, outside_min)
            finally:
                cur.close()

        self.work.run(job, self.show_read, self._failed, channel="read", owner=self)

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(self.tr("终端状态读取失败：{reason}").format(reason=exc))
        self.summary.setStyleSheet(f"color: {theme.ALERT};")

    def show_read(self, r: WallRead) -> None:
        self.last = r
        self.reads += 1
        self.summary.setStyleSheet("")
        total = r.presence.coverage.total()
        on, fresh = total.on_duty, total.located
        waiting = [d for d in r.devices if d.worker_code is None]
        share = f"{fresh / on:.0%}" if on else "—"
        self.summary.setText(self.tr(
            "在岗 {on} 人，定位新鲜（60 秒内）{fresh} 人（{share}）· 离线 {offline} · "
            "出格 {outside} · 终端 {devices}，待绑定 {waiting}").format(
                on=on, fresh=fresh, share=share, offline=len(r.presence.silent),
                outside=sum(a.kind == "outside" for a in r.alarms),
                devices=len(r.devices), waiting=len(waiting)))
        self._tables_stale = True
        if self.isVisible():  # a hidden panel's tables fill when it is shown (10,000
            self._fill_tables()  # phones' rows cost the window a third of its time)
        if self.markers is not None:
            self.markers.show_alarms(r.alarms, total)
        if self._on_read is not None:
            self._on_read(r)

    def _fill_tables(self) -> None:
        r = self.last
        if r is None or not self._tables_stale:
            return
        self._tables_stale = False
        waiting = [d for d in r.devices if d.worker_code is None]
        self._fill_alarms(r)
        self._fill_devices(r)
        self._fill_unbound(waiting)
        self._fill_streets(r.streets)
        self.tabs.setTabText(0, self.tr("告警 ({n})").format(n=len(r.alarms)))
        self.tabs.setTabText(2, self.tr("待绑定 ({n})").format(n=len(waiting)))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fill_tables()

    def _fill_alarms(self, r: WallRead) -> None:
        t = self.alarms
        t.setRowCount(len(r.alarms))
        for i, a in enumerate(r.alarms):
            t.setItem(i, 0, item(translate("DevicePanel", KINDS[a.kind]), data=a.worker_id,
                                 alert=a.kind == "offline", accent=a.kind == "outside"))
            t.setItem(i, 1, item(worker_text(a.code, a.name)))
            t.setItem(i, 2, item(a.grid))
            last = (None if a.last_fix is None
                    else (r.now - a.last_fix).total_seconds())
            t.setItem(i, 3, item(self.tr("{age}前").format(age=age_text(last))
                                 if last is not None else self.tr("一天内无定位")))

    def _fill_devices(self, r: WallRead) -> None:
        t = self.devices
        t.setRowCount(len(r.devices))
        for i, d in enumerate(r.devices):
            age = d.silent_s(r.now)
            t.setItem(i, 0, item(device_text(d.key), data=d.key))
            t.setItem(i, 1, item(worker_text(d.worker_code, d.worker_name),
                                 accent=d.worker_code is None))
            t.setItem(i, 2, item(d.last_fix.strftime("%m-%d %H:%M:%S") if d.last_fix
                                 else "—"))
            t.setItem(i, 3, item(age_text(age), alert=age is not None and age > 600))
            t.setItem(i, 4, item("—" if d.battery is None else f"{d.battery:.0f}%",
                                 alert=d.battery is not None and d.battery < 20))
            t.setItem(i, 5, item("—" if d.accuracy_m is None else f"{d.accuracy_m:.0f} m"))
            flagged = item(flagged_text(d.flagged) or "—")
            flagged.setToolTip(flagged.text())
            t.setItem(i, 6, flagged)

    def _fill_unbound(self, waiting: list[DeviceHealth]) -> None:
        t = self.unbound
        before = self.selected_unbound()
        t.setRowCount(len(waiting))
        for i, d in enumerate(waiting):
            t.setItem(i, 0, item(device_text(d.key), data=d.key))
            t.setItem(i, 1, item(d.last_fix.strftime("%m-%d %H:%M") if d.last_fix else "—"))
            t.setItem(i, 2, item(str(d.fixes)))
            if d.key == before:
                t.selectRow(i)

    def _fill_streets(self, streets: list[UnitPresence]) -> None:
        t = self.streets
        t.setRowCount(len(streets))
        for i, s in enumerate(streets):
            t.setItem(i, 0, item(s.name, data=s.id))
            c = s.counts
            t.setItem(i, 1, item(str(c.on_duty)))
            t.setItem(i, 2, item(str(c.located)))
            t.setItem(i, 3, item("—" if c.share is None else f"{c.share:.0%}",
                                 alert=c.share is not None and c.share < 0.8))

    # -- binding ---------------------------------------------------------------------------
    def selected_unbound(self) -> str | None:
        rows = self.unbound.selectionModel().selectedRows() if self.unbound.model() else []
        if not rows:
            return None
        return self.unbound.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def _ask_bind(self) -> None:
        key = self.selected_unbound()
        if key is None:
            self.message.setText(self.tr("先在列表中选中一个待绑定的终端"))
            return
        from ui.intake.bind_dialog import choose_worker

        code = choose_worker(self, self._store, key)
        if code:
            self.bind_device(key, code)

    def bind_device(self, key: str, worker_code: str) -> bool:
        """Bind ``key`` to the worker with ``worker_code`` as the signed-in user (refused
        with the reason for anyone but an administrator); True when done."""
        user = viewing_user()  # nobody signed in: the read-only viewer, refused

        def run():
            require(user.role, user.scope, "devices.bind")
            return bind(self._store, key, worker_code, self._clock(), actor=user.username)

        done = attempt(self, self.message, run)
        if done is not None:
            self.message.setText(self.tr("终端 {key} 已绑定到 {worker}").format(
                key=device_text(key), worker=worker_text(done.worker_code, done.worker_name)))
            self.refresh()
        return done is not None


def _preference_limits() -> tuple[float, float]:
    from ui.settings import preferences

    p = preferences()
    return float(p.offline_minutes), float(p.outside_minutes)

