"""The device-health panel (终端状态): devices with their flagged fixes by reason, the
离线/出格 alarm list and its map rings, the fresh share per street, the 待绑定 queue bound
by an administrator only, and a re-read when the intake commits a fix."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pyarrow as pa
import pytest

from app.auth.accounts import User
from app.auth.permissions import Role, Scope
from app.auth.session import sign_in, sign_out
from app.clock import FixedClock
from app.intake.presence import on_duty
from app.intake.service import Intake
from app.store import open_store
from tests.conftest import TEST_NOW

ADMIN = User(90, "admin1", "管理员", Role.ADMINISTRATOR, Scope())
OPERATOR = User(91, "op1", "值班员", Role.OPERATOR, Scope())


def _tst(seconds_before_now: float) -> int:
    local = TEST_NOW - timedelta(seconds=seconds_before_now)
    return int((local - timedelta(hours=8)).replace(tzinfo=UTC).timestamp())


def _owntracks(intake: Intake, user: str, lat: float, lon: float, before_s: float,
               acc: float = 5, vel: float = 4, batt: int = 60) -> None:
    msg = {"_type": "location", "lat": lat, "lon": lon, "tst": _tst(before_s), "acc": acc,
           "vel": vel, "batt": batt}
    intake.store_decoded([intake.decode_mqtt(f"owntracks/{user}/phone",
                                             json.dumps(msg).encode())])


def _fixes(store, worker: int, points: list[tuple[int, float, float]]) -> None:
    store.bulk_insert("gps_fixes", {
        "worker_id": pa.array([worker] * len(points), pa.int32()),
        "t": pa.array([TEST_NOW - timedelta(seconds=s) for s, _, _ in points],
                      pa.timestamp("us")),
        "lon": [x for _, x, _ in points], "lat": [y for _, _, y in points],
        "flag": pa.array([None] * len(points), pa.string())})


# offscreen, a shown panel (as on the wall): Qt says so
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

@pytest.fixture
def scene(small_db_copy, tmp_path, monkeypatch):
    """The small district with one worker silent (离线), one out of their grid (出格),
    and two phones that sent a good, an inaccurate and an impossible-speed fix each,
    neither bound yet."""
    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config"))
    store = open_store(small_db_copy)
    rows = store.rows(
        "SELECT w.id, w.code, w.grid_id, g.label_lon, g.label_lat, w.shift_start, "
        "w.shift_end FROM workers w JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id")
    duty = [r for r in rows if on_duty([r[5]], [r[6]], TEST_NOW)[0]]
    silent, out = duty[0], duty[1]
    far = next(r for r in rows if r[2] not in (silent[2], out[2]))
    store.rows("DELETE FROM gps_fixes WHERE worker_id IN (?, ?) AND t > ?",
               [silent[0], out[0], TEST_NOW - timedelta(minutes=30)])
    _fixes(store, out[0], [(s, far[3], far[4]) for s in range(1200, -1, -30)])
    store.rows("INSERT INTO devices (id, key, worker_id, first_seen, bound_at) VALUES "
               "(?, ?, ?, ?, ?)", [9001, "owntracks:silent/phone", silent[0],
                                   TEST_NOW - timedelta(days=1), TEST_NOW - timedelta(days=1)])
    intake = Intake(store, FixedClock(TEST_NOW))
    lon, lat = duty[2][3], duty[2][4]
    for user in ("alice", "bob"):
        _owntracks(intake, user, lat, lon, 50)
        _owntracks(intake, user, lat, lon, 40, acc=900)  # poor accuracy
        _owntracks(intake, user, lat + 0.3, lon, 30)  # 33 km in 10 s
    yield {"store": store, "intake": intake, "silent": silent, "out": out,
           "spare": duty[3], "lonlat": (lon, lat)}
    sign_out()
    intake.close()
    store.close()


def _panel(qtbot, store, markers=None, shown=True):
    """The panel read once; no periodic re-read (only the change feed and a bind)."""
    from ui.intake.device_panel import DevicePanel

    panel = DevicePanel(store, lambda: TEST_NOW, markers=markers,
                        limits=lambda: (10.0, 15.0), refresh_ms=0)
    qtbot.addWidget(panel)
    if shown:
        panel.show()
    qtbot.waitUntil(lambda: panel.reads >= 1, timeout=60_000)
    return panel


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_devices_alarms_and_streets(qtbot, qapp, scene):
    from ui.intake.presence_markers import PresenceMarkers

    class Canvas:  # what the markers need of the map canvas
        def __init__(self) -> None:
            self.items = []

        def add_item(self, item, z=None) -> None:
            self.items.append(item)

    from app.map.layers import district_frame

    store = scene["store"]
    markers = PresenceMarkers(Canvas(), district_frame(store))
    panel = _panel(qtbot, store, markers)
    silent, out = scene["silent"], scene["out"]
    # 离线 first, then 出格, each naming the worker by code and name
    kinds = _column(panel.alarms, 0)
    people = _column(panel.alarms, 1)
    assert kinds[people.index(f"{silent[1]} " + store.scalar(
        "SELECT name FROM workers WHERE id = ?", [silent[0]]))] == "离线"
    assert kinds[[p.split()[0] for p in people].index(out[1])] == "出格"
    assert kinds == sorted(kinds, key=lambda k: k != "离线")
    assert set(markers.ids) >= {silent[0], out[0]}
    assert dict(zip(markers.ids, markers.kinds, strict=True))[out[0]] == "outside"
    assert [e.text for e in markers.legend().entries] == ["离线（长时间无定位）",
                                                          "出格（不在本网格）"]
    # the devices: unbound ones first, their flags by reason in Chinese, battery
    keys = _column(panel.devices, 0)
    assert keys[:2] == ["owntracks:alice/phone", "owntracks:bob/phone"]
    assert _column(panel.devices, 1)[:2] == ["待绑定", "待绑定"]
    flagged = _column(panel.devices, 6)[0]
    assert "精度差 1" in flagged and "速度异常 1" in flagged
    assert _column(panel.devices, 4)[0] == "60%"
    assert _column(panel.unbound, 0) == keys[:2]
    assert panel.tabs.tabText(2) == "待绑定 (2)"
    # per street: on duty, fresh, and the share as a percentage; the two silent workers
    # (out's last fix is fresh, so only `silent` lacks one) keep its street below 100 %
    streets = {panel.streets.item(r, 0).data(0x0100): r for r in range(panel.streets.rowCount())}
    p = panel.last.presence
    street_of_silent = store.scalar(
        "SELECT c.parent_id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
        "WHERE g.id = ?", [silent[2]])
    row = streets[street_of_silent]
    on, fresh = p.coverage.of(street_of_silent).on_duty, p.coverage.of(street_of_silent).located
    assert fresh < on
    assert panel.streets.item(row, 1).text() == str(on)
    assert panel.streets.item(row, 3).text() == f"{fresh / on:.0%}"
    assert "离线 1" in panel.summary.text() and "待绑定 2" in panel.summary.text()


def test_binding_is_for_an_administrator(qtbot, qapp, scene):
    store, spare = scene["store"], scene["spare"]
    sign_in(OPERATOR)
    panel = _panel(qtbot, store)
    assert not panel.bind_button.isEnabled()
    assert not panel.bind_device("owntracks:alice/phone", spare[1])
    assert "指挥中心值班员无权绑定终端" in panel.message.text()
    assert store.scalar("SELECT worker_id FROM devices WHERE key = 'owntracks:alice/phone'") \
        is None
    sign_in(ADMIN)
    panel = _panel(qtbot, store)
    assert panel.bind_button.isEnabled()
    assert not panel.bind_device("owntracks:alice/phone", "NO-SUCH-CODE")
    assert "没有编号为“NO-SUCH-CODE”的人员" in panel.message.text()
    before = panel.reads
    assert panel.bind_device("owntracks:alice/phone", spare[1])
    assert spare[1] in panel.message.text()
    qtbot.waitUntil(lambda: panel.reads > before, timeout=60_000)
    assert _column(panel.unbound, 0) == ["owntracks:bob/phone"]
    assert panel.tabs.tabText(2) == "待绑定 (1)"
    # the phone's trusted fix went into the worker's track (flagged ones kept flagged)
    assert store.scalar("SELECT count(*) FROM gps_fixes WHERE worker_id = ? AND t >= ?",
                        [spare[0], TEST_NOW - timedelta(seconds=50)]) >= 3


def test_a_committed_fix_is_read_again_without_asking(qtbot, qapp, scene):
    """The change feed (a gps_fix change) brings a re-read; the silent worker's phone
    sends a fix and the 离线 alarm goes."""
    from app.intake.devices import bind, register

    store, intake, silent = scene["store"], scene["intake"], scene["silent"]
    register(store, "owntracks:carol/phone", TEST_NOW)
    bind(store, "owntracks:carol/phone", silent[1], TEST_NOW)
    panel = _panel(qtbot, store)
    assert silent[0] in panel.last.presence.silent
    before = panel.reads
    _owntracks(intake, "carol", silent[4], silent[3], 5)
    qtbot.waitUntil(lambda: panel.reads > before
                    and silent[0] not in panel.last.presence.silent, timeout=60_000)
    assert silent[1] not in " ".join(_column(panel.alarms, 1))


def test_settings_dialog_keeps_the_intake(qtbot, qapp, tmp_path, monkeypatch):
    """The 终端接入 group shows and returns the intake fields (saving another setting
    keeps them) and refuses an address that would not start."""
    from dataclasses import replace

    from app import preferences
    from ui.settings import preferences as current
    from ui.settings_dialog import SettingsDialog

    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path / "config"))
    prefs = replace(preferences.DEFAULTS, intake_mqtt="mqtt://i:pw@127.0.0.1:1883",
                    intake_http="0.0.0.0:5055", offline_minutes=7, outside_minutes=20)
    dialog = SettingsDialog(prefs)
    qtbot.addWidget(dialog)
    assert dialog.preferences() == prefs
    dialog.idle_lock.setValue(5)
    assert dialog.preferences() == replace(prefs, idle_lock_minutes=5)
    dialog.intake_mqtt.setText("broker.example:1883")  # no scheme
    dialog.accept()
    assert dialog.saved is None and "mqtt://" in dialog.warning.text()
    dialog.intake_mqtt.setText("")
    dialog.intake_http.setText("5055")  # no host
    dialog.accept()
    assert dialog.saved is None and "主机:端口" in dialog.warning.text()
    dialog.intake_http.setText(" 127.0.0.1:5055 ")
    dialog.accept()
    assert dialog.saved == current()
    assert (current().intake_mqtt, current().intake_http, current().offline_minutes) == \
        ("", "127.0.0.1:5055", 7)


def test_a_phone_number_in_a_device_key_is_masked(qtbot, qapp, scene):
    store, intake = scene["store"], scene["intake"]
    lon, lat = scene["lonlat"]
    _owntracks(intake, "13812345678", lat, lon, 20)
    panel = _panel(qtbot, store)
    shown = _column(panel.devices, 0) + _column(panel.unbound, 0)
    assert "owntracks:138****5678/phone" in shown
    assert not any("13812345678" in text for text in shown)
    # the queue still binds the device itself
    row = _column(panel.unbound, 0).index("owntracks:138****5678/phone")
    panel.unbound.selectRow(row)
    assert panel.selected_unbound() == "owntracks:13812345678/phone"


def test_a_hidden_panel_fills_its_tables_when_shown(qtbot, qapp, scene):
    """Its reads go on (the map's alarm rings need them) but its tables wait: ten thousand
    phones' rows are not built for nobody."""
    panel = _panel(qtbot, scene["store"], shown=False)
    assert panel.devices.rowCount() == 0 and panel.summary.text()
    panel.show()
    assert panel.devices.rowCount() == len(panel.last.devices) > 0
