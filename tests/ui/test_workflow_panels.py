"""The workflow panels as each role uses them: blow from a map click in five interactions,
report in and feed back, verify and rate, overdue on the supervision list, second whistle,
the case queue with role-allowed actions, the login dialog."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app.auth.accounts import authenticate
from app.auth.permissions import Role
from app.auth.session import sign_in, sign_out
from app.clock import FixedClock
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from tests.ui.store_spy import QuerySpy

T0 = datetime(2026, 11, 20, 10, 30)  # a Friday


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def db(small_db_copy, themed_app):
    from ui.background import wait_all

    store = open_store(small_db_copy)
    yield store
    sign_out()
    wait_all()  # a panel's model may still be reading the last change on its own cursor
    store.close()


def as_user(store, name: str, role: Role, at=T0):
    sign_in(authenticate(store, name, DEMO_PASSWORDS[role], at=at))


def _grid_point(store):
    return store.rows("SELECT g.label_lon, g.label_lat FROM grid_units g JOIN grid_units c "
                      "ON c.id = g.parent_id WHERE g.level = 4 AND c.parent_id = 2 "
                      "ORDER BY g.code LIMIT 1")[0]


def settle(qtbot, *panels) -> None:
    """Wait until the panels' district models have read every change (they follow the
    store's change feed: a step shows once its change has been read)."""
    qtbot.waitUntil(lambda: all(p.model.settled() for p in panels), timeout=10_000)


def _registered_cases(store, qtbot, clock, name: str, role: Role):
    """A case panel signed in as ``name``, listing the registered cases (the small
    district at T0 has some), the first one selected."""
    from ui.docks.case_panel import CasePanel

    as_user(store, name, role)
    panel = CasePanel(store, clock=clock)
    qtbot.addWidget(panel)
    panel.status.setCurrentIndex(panel.status.findData("registered"))
    assert panel.table.rowCount() > 0
    panel.table.selectRow(0)
    return panel


def _check(panel, code: str) -> None:
    for i in range(panel.dept_list.count()):
        it = panel.dept_list.item(i)
        if f"（{code}）" in it.text():
            it.setCheckState(Qt.CheckState.Checked)


def test_whistle_from_map_click_to_second_whistle(db, qtbot):
    from ui.docks.supervision_panel import SupervisionPanel
    from ui.docks.whistle_panel import WhistlePanel

    clock = Clock()
    as_user(db, "sec01", Role.STREET_SECRETARY)
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(panel)
    asked: list[str] = []
    panel.confirmer = lambda text: asked.append(text) or True
    lon, lat = _grid_point(db)
    panel.on_map_click(lon, lat)  # 1 the map click: the place, the tab only marked
    street = db.scalar("SELECT name FROM grid_units WHERE id = 2")
    assert street in panel.place_label.text() and panel.tabs.currentIndex() == 0
    assert panel.tabs.tabText(1) == "吹哨 ●"
    panel.tabs.setCurrentIndex(1)  # 2 the 吹哨 tab
    _check(panel, "CG")  # 3 a department
    _check(panel, "HW")  # (another one)
    panel.title_edit.setText("闲置空地垃圾堆积")  # 4 the problem
    panel.set_attachments(["/photos/1.jpg", "/photos/2.jpg"])  # (optional photos)
    panel.blow_button.click()  # 5 send (deadline preset left at its default), then confirm
    assert len(asked) == 1 and "城管" in asked[0] and "报到：8 个工作小时内" in asked[0]
    wid = db.scalar("SELECT max(id) FROM whistles")
    assert db.scalar("SELECT title FROM whistles WHERE id = ?", [wid]) == "闲置空地垃圾堆积"
    qtbot.waitUntil(lambda: wid in panel.row_ids, timeout=10_000)  # the model read the change
    assert panel.row_ids[0] == wid and "报到剩" in panel.table.item(0, 2).text()
    assert panel.timeline.events.item(0).text().endswith("sec01：闲置空地垃圾堆积（附件 2 个）")
    assert panel.attach_button.text().startswith("添加")
    assert not panel.timeline.buttons["report_in"].isVisibleTo(panel)

    as_user(db, "dept_cg", Role.DEPARTMENT_HANDLER)
    handler = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(handler)
    assert handler.row_ids == [wid] and not handler.blow_button.isEnabled()
    handler.select_whistle(wid)
    clock.now = T0 + timedelta(minutes=40)
    handler.timeline.run("report_in")
    handler.timeline.prompt.answers = ["已清运完毕"]
    clock.now = T0 + timedelta(hours=4)
    handler.timeline.run("feed_back")
    assert "已完成" in handler.timeline.message.text()

    as_user(db, "sec01", Role.STREET_SECRETARY)
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(panel)
    panel.select_whistle(wid)
    panel.timeline.run("verify")
    panel.timeline.prompt.answers = [4]
    panel.timeline.run("rate")
    assert db.scalar("SELECT rating FROM whistle_departments d JOIN departments p ON "
                     "p.id = d.department_id WHERE whistle_id = ? AND p.code = 'CG'", [wid]) == 4

    # HW never reports in (8 working hours: Monday 09:30): by 10:00 it is red and supervised
    clock.now = datetime(2026, 11, 23, 10, 0)
    panel.refresh()
    assert panel.table.item(0, 2).text().startswith("报到超时")
    assert panel.table.item(0, 2).foreground().color().name() == "#ff3355"
    as_user(db, "supervisor", Role.SUPERVISION_OFFICE, clock.now)
    sup = SupervisionPanel(db, clock=clock)
    qtbot.addWidget(sup)
    assert sup.row_ids == [wid] and "区环卫所 报到超时 0.5h" in sup.table.item(0, 2).text()
    sup.table.selectRow(0)
    sup.supervise_button.click()
    assert db.scalar("SELECT supervised FROM whistles WHERE id = ?", [wid])
    settle(qtbot, sup)
    assert sup.table.item(0, 3).text().startswith("已督办")

    as_user(db, "sec01", Role.STREET_SECRETARY, clock.now)
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(panel)
    panel.select_whistle(wid)
    panel.timeline.run("second")
    second = db.scalar("SELECT max(id) FROM whistles")
    settle(qtbot, panel)
    assert second == wid + 1 and panel.table.item(0, 3).text() == "二次哨"
    assert "区领导" in panel.timeline.events.item(panel.timeline.events.count() - 1).text()
    panel.timeline.show_whistle(wid)
    panel.timeline.run("second")  # again: refused with the reason, nothing changes
    assert "已经吹过二次哨" in panel.timeline.message.text()
    assert db.scalar("SELECT max(id) FROM whistles") == second


def test_blowing_for_another_street_is_refused_in_the_panel(db, qtbot):
    from ui.docks.whistle_panel import WhistlePanel

    as_user(db, "sec02", Role.STREET_SECRETARY)
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=Clock())
    qtbot.addWidget(panel)
    before = db.scalar("SELECT count(*) FROM whistles")
    panel.confirmer = lambda _text: pytest.fail("a refused place is never confirmed")
    panel.on_map_click(*_grid_point(db))
    # refused when picked, by the streets' names
    mine, theirs = (db.scalar("SELECT name FROM grid_units WHERE id = ?", [i]) for i in (3, 2))
    assert panel.blow_message.text() == f"只能为本街道（{mine}）吹哨，该处属于{theirs}"
    assert panel.blow_message.text() in panel.place_label.text() and panel.place is None
    _check(panel, "CG")
    panel.title_edit.setText("不属于本街道")
    panel.blow_button.click()
    assert "只能为本街道（" in panel.blow_message.text()
    assert "吹哨，该处属于" in panel.blow_message.text()
    assert db.scalar("SELECT count(*) FROM whistles") == before
    assert panel.title_edit.text() == "不属于本街道"  # nothing typed is lost


def test_read_only_viewer_sees_but_cannot_act(db, qtbot):
    from ui.docks.case_panel import CasePanel
    from ui.docks.whistle_panel import WhistlePanel

    sign_out()
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=Clock())
    qtbot.addWidget(panel)
    assert len(panel.row_ids) > 0 and not panel.blow_button.isEnabled()
    panel.select_whistle(panel.row_ids[0])
    assert not any(b.isEnabled() for b in panel.timeline.buttons.values())
    cases = CasePanel(db, clock=Clock())
    qtbot.addWidget(cases)
    cases.table.selectRow(0)
    assert cases.action_buttons == {}


def test_case_panel_filters_and_role_allowed_actions(db, qtbot):
    from ui.docks.case_panel import CasePanel

    clock = Clock()
    panel = _registered_cases(db, qtbot, clock, "operator", Role.OPERATOR)
    assert "dispatch" not in panel.action_buttons and "void" not in panel.action_buttons
    case_id = panel.selected_id()

    as_user(db, "dispatcher", Role.DISPATCHER)
    panel = CasePanel(db, clock=clock)
    qtbot.addWidget(panel)
    panel.status.setCurrentIndex(panel.status.findData("registered"))
    panel.select_case(case_id)
    assert {"dispatch", "void"} <= set(panel.action_buttons)
    panel.action_buttons["dispatch"].click()
    assert db.scalar("SELECT status FROM cases WHERE id = ?", [case_id]) == "dispatched"
    clock.now = T0 + timedelta(days=30)
    panel.status.setCurrentIndex(0)
    panel.overdue.setChecked(True)
    panel.refresh()
    assert any(panel.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == case_id
               for r in range(panel.table.rowCount()))


def test_case_list_of_the_dock_arrives_from_a_worker(db, qtbot):
    """Built as the window's dock (list_in_background), the case panel returns without
    querying cases on the GUI thread; the same rows as a panel filled at once arrive from
    a worker thread, and the panel is "loaded" then."""

    from ui.docks.case_panel import CasePanel

    as_user(db, "operator", Role.OPERATOR)
    spy = QuerySpy(db)
    queries = spy.queries
    clock = Clock()
    panel = CasePanel(spy, clock=clock, list_in_background=True)
    qtbot.addWidget(panel)
    assert not [sql for on_gui, sql in queries if on_gui and "FROM cases" in sql]
    assert panel.property("loaded") is False and panel.table.rowCount() == 0
    qtbot.waitUntil(lambda: panel.property("loaded"), timeout=10_000)
    assert [on_gui for on_gui, sql in queries if "FROM cases" in sql] == [False]
    at_once = CasePanel(db, clock=clock)
    qtbot.addWidget(at_once)
    assert at_once.property("loaded") and at_once.table.rowCount() > 0

    def codes(p):
        return [p.table.item(r, 0).text() for r in range(p.table.rowCount())]

    assert codes(panel) == codes(at_once)
    assert panel.detail.text() == "选择一件案件查看并办理"
    # a filter changed before the worker's list came: the older list is dropped, the
    # filtered one read on the worker too (nothing on the GUI thread)
    del queries[:]
    late = CasePanel(spy, clock=clock, list_in_background=True)
    qtbot.addWidget(late)
    late.status.setCurrentIndex(late.status.findData("closed"))
    qtbot.waitUntil(lambda: late.property("loaded") and not late.work.busy(), timeout=10_000)
    closed = CasePanel(db, clock=clock)
    qtbot.addWidget(closed)
    closed.status.setCurrentIndex(closed.status.findData("closed"))
    assert codes(late) == codes(closed) and codes(late)
    assert not [sql for on_gui, sql in queries if on_gui and "FROM cases" in sql]


def test_whistle_list_of_the_dock_fills_after_construction(db, qtbot):
    """Built as the window's dock (list_later), the whistle panel runs no whistle query
    on the GUI thread: its model reads the whistles with their departments in one query
    on a worker; the list fills then, the same as a panel filled at once."""
    from ui.docks.whistle_panel import WhistlePanel

    spy = QuerySpy(db)
    clock = Clock()
    panel = WhistlePanel(spy, lambda x, y: (x, y), clock=clock, list_later=True)
    qtbot.addWidget(panel)
    assert panel.property("loaded") is False and panel.row_ids == [] and panel.table.rowCount() == 0
    qtbot.waitUntil(lambda: panel.property("loaded"), timeout=5_000)
    assert not [q for q in spy.sql(on_gui=True) if "whistle" in q]
    assert len([q for q in spy.sql(on_gui=False) if "whistle" in q]) == 1
    at_once = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(at_once)
    assert at_once.property("loaded") and len(at_once.row_ids) > 0
    assert panel.row_ids == at_once.row_ids
    assert [panel.table.item(r, 2).text() for r in range(panel.table.rowCount())] == \
        [at_once.table.item(r, 2).text() for r in range(at_once.table.rowCount())]


def test_login_dialog_offers_demo_accounts_and_refuses_wrong_passwords(db, qtbot):
    from ui.login_dialog import LoginDialog

    dialog = LoginDialog(db, clock=Clock())
    qtbot.addWidget(dialog)
    dialog.username.setCurrentIndex(dialog.username.findData("sec01"))
    assert dialog.password.text() == DEMO_PASSWORDS[Role.STREET_SECRETARY]
    dialog.password.setText("wrong-password")
    assert not dialog.try_login() and "用户名或密码错误（还可再试 4 次）" in dialog.error.text()
    dialog.password.setText(DEMO_PASSWORDS[Role.STREET_SECRETARY])
    assert dialog.try_login() and dialog.user.username == "sec01"


def test_env_login_signs_in_without_the_dialog(db, monkeypatch):
    from app.auth.session import current_user
    from ui.login_dialog import login

    monkeypatch.setenv("GRIDCC_USER", "leader")
    monkeypatch.setenv("GRIDCC_PASSWORD", DEMO_PASSWORDS[Role.DISTRICT_LEADER])
    assert login(db) and current_user().role == Role.DISTRICT_LEADER


def test_main_window_has_the_workflow_docks(make_window):
    window = make_window(show=False)
    assert {"whistles", "cases", "supervision"} <= set(window.docks)


def test_whistles_on_the_map_follow_their_state(db, qtbot, district_map):
    """A whistle blown in the panel appears on the map; overdue turns it red."""
    from ui import theme
    from ui.main_window import MainWindow

    as_user(db, "sec01", Role.STREET_SECRETARY)
    window = MainWindow(db, district_map=district_map, persist=False)
    qtbot.addWidget(window)
    window.clock = FixedClock(T0)  # the window's clock: the panels and the markers read it
    panel = window.docks["whistles"].widget()
    lon, lat = _grid_point(window.store)
    before = len(panel.markers.ids)
    x, y = window.district_map.frame.from_lonlat(lon, lat)
    panel.on_map_click(float(x), float(y))
    panel.confirmer = lambda _text: True
    _check(panel, "CG")
    panel.title_edit.setText("地图上的哨令")
    panel.blow_button.click()
    assert "已完成" in panel.blow_message.text(), panel.blow_message.text()
    settle(qtbot, panel)
    assert len(panel.markers.ids) == before + 1
    wid = panel.markers.ids[-1]
    assert panel.markers.colours[-1] == theme.ACCENT
    window.clock = FixedClock(datetime(2026, 11, 23, 10, 0))
    panel.timer.timeout.emit()  # the countdown timer's tick
    assert panel.markers.colours[panel.markers.ids.index(wid)] == theme.ALERT
    # the case panel of the same window hands a case over to this whistle panel
    case_id = db.scalar("SELECT min(id) FROM cases")
    window.docks["cases"].widget().whistleRequested.emit(case_id)
    assert panel.from_case == case_id and panel.tabs.currentIndex() == 1
    window.close()


def test_read_only_database_cannot_blow(store, qtbot, themed_app):
    from ui.docks.whistle_panel import WhistlePanel

    sign_in(authenticate(store, "sec01", DEMO_PASSWORDS[Role.STREET_SECRETARY], at=T0))
    try:
        panel = WhistlePanel(store, lambda x, y: (x, y), clock=Clock())
        qtbot.addWidget(panel)
        assert not panel.blow_button.isEnabled() and "只读" in panel.blow_message.text()
    finally:
        sign_out()


def test_whistle_raised_from_a_case(db, qtbot):
    """From a case: the case panel hands its place, problem and department over."""
    from ui.docks.case_panel import CasePanel
    from ui.docks.whistle_panel import WhistlePanel

    clock = Clock()
    as_user(db, "sec01", Role.STREET_SECRETARY)
    whistle = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    cases = CasePanel(db, clock=clock)
    qtbot.addWidget(whistle)
    qtbot.addWidget(cases)
    cases.whistleRequested.connect(whistle.use_case)
    whistle.confirmer = lambda _text: True
    cases.status.setCurrentIndex(cases.status.findData("dispatched"))
    cases.table.selectRow(0)
    case_id = cases.selected_id()
    cases.action_buttons["whistle"].click()  # 1
    dept = db.scalar("SELECT department_id FROM cases WHERE id = ?", [case_id])
    assert whistle.checked_departments() == [dept] and whistle.title_edit.text()
    whistle.blow_button.click()  # 2
    wid = db.scalar("SELECT max(id) FROM whistles")
    assert db.scalar("SELECT case_id FROM whistles WHERE id = ?", [wid]) == case_id


def test_case_extension_needs_reason_and_a_signed_approval(db, qtbot):
    from ui.docks.case_panel import CasePanel

    clock = Clock()
    as_user(db, "dept_hw", Role.DEPARTMENT_HANDLER)
    panel = CasePanel(db, clock=clock)
    qtbot.addWidget(panel)
    panel.status.setCurrentIndex(panel.status.findData("dispatched"))
    panel.table.selectRow(0)
    case_id = panel.selected_id()
    assert {"handle", "extend", "defer", "return"} <= set(panel.action_buttons)
    assert "dispatch" not in panel.action_buttons and "close" not in panel.action_buttons
    panel.prompt.answers = ["需协调产权单位", "dispatcher", "wrong-password", 8]
    panel.action_buttons["extend"].click()
    assert "审批人 dispatcher：用户名或密码错误" in panel.message.text()
    assert db.scalar("SELECT status FROM cases WHERE id = ?", [case_id]) == "dispatched"
    panel.select_case(case_id)
    panel.prompt.answers = ["需协调产权单位", "dispatcher", DEMO_PASSWORDS[Role.DISPATCHER], 8]
    panel.action_buttons["extend"].click()
    assert db.scalar("SELECT status FROM cases WHERE id = ?", [case_id]) == "extended"
    assert db.scalar("SELECT approver FROM case_transitions WHERE case_id = ? ORDER BY seq DESC "
                     "LIMIT 1", [case_id]) == "dispatcher"


def test_cases_on_the_map_follow_a_workflow_step(db, qtbot, district_map, monkeypatch):
    """A case changed in the store is redrawn on the map with its new state once its
    change is published: only that row of the layer's arrays is read and replaced."""
    from app.changes import Change
    from ui.main_window import MainWindow

    as_user(db, "operator", Role.OPERATOR)
    window = MainWindow(db, district_map=district_map, persist=False)
    qtbot.addWidget(window)
    view = window.canvas.view("cases")
    data = view.layer.data
    case_id = int(data.ids[data.is_open][0])
    model = window.district_model
    reloads = model.reloads
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)
    from ui.map.layers import cases as case_layer

    recoded = []  # every case's kind coded again (the layer's worker) would be a whole reload
    monkeypatch.setattr(case_layer, "kind_codes", lambda d, k: recoded.append(len(d)))
    # the step itself is the workflow's business; the map must pick up what it wrote
    db.rows("UPDATE cases SET status = 'closed', closed_at = reported_at + INTERVAL 1 HOUR "
            "WHERE id = ?", [case_id])
    db.changes.publish([Change("case", (case_id,), "case.close", "operator", T0)])
    qtbot.waitUntil(window.district_model.settled, timeout=10_000)
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)
    fresh = view.layer.data
    assert fresh is not data and fresh is window.district_model.state.cases
    assert list(fresh.ids) == list(data.ids)  # the same cases, one of them read again
    i = list(fresh.ids).index(case_id)
    assert not fresh.is_open[i] and data.is_open[i]
    assert not view.states.open[i] and recoded == []
    assert model.reloads == reloads + 1 and model.last_reload.case_ids == (case_id,)
    assert len(model.last_reload.cases) == 1  # read: that case alone
    cases = window.docks["cases"].widget()
    qtbot.waitUntil(lambda: not cases.work.busy(), timeout=10_000)  # its list read again
    window.close()


def test_a_step_on_a_case_changed_meanwhile_is_refused_with_who_and_when(db, qtbot):
    """The case panel acts on the version it showed: another dispatcher's step in between
    makes it a conflict, named in Chinese in the panel, and the case is shown as it is now."""
    from app.auth.accounts import get_user
    from app.workflow import cases

    clock = Clock()
    panel = _registered_cases(db, qtbot, clock, "dispatcher", Role.DISPATCHER)
    case_id = panel.selected_id()
    assert "dispatch" in panel.action_buttons
    seen = panel.record.version
    # meanwhile, another seat voids it (the dispatcher approves it himself)
    cases.advance(db, get_user(db, "dispatcher"), case_id, "void", at=T0, reason="重复案件",
                  approver="dispatcher")
    panel.action_buttons["dispatch"].click()
    assert db.scalar("SELECT status FROM cases WHERE id = ?", [case_id]) == "voided"
    assert "请刷新后重试" in panel.message.text() and "作废" in panel.message.text()
    assert panel.record.version > seen  # reloaded: the buttons are the voided case's
    assert "dispatch" not in panel.action_buttons


def test_change_refresh_probe_runs_at_small_scale(make_window, qtbot):
    """The bench's figure for one case changing (ui.map.bench_probe.change_refresh)."""
    from PySide6.QtWidgets import QApplication

    from ui.map.bench_probe import change_refresh

    window = make_window()
    qtbot.waitUntil(window.panels_filled, timeout=10_000)
    out = change_refresh(QApplication.instance(), window, repeats=2)
    assert out["cases"] == len(window.district_model.state.cases) > 0
    assert 0 < out["gui_ms"] <= out["gui_max_ms"] and out["worker_ms"] > 0
    assert window.district_model.reloads >= 2


def test_a_whistle_step_on_a_stale_timeline_is_refused_and_the_timeline_reloads(db, qtbot):
    from app.auth.accounts import get_user
    from app.workflow import whistles
    from ui.docks.whistle_panel import WhistlePanel

    clock = Clock()
    lon, lat = _grid_point(db)
    grid = db.scalar("SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                     "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.code LIMIT 1")
    wid = whistles.blow(db, get_user(db, "sec01"), grid_id=grid, department_ids=[6, 8],
                        title="占道经营", description="", lon=lon, lat=lat, at=T0,
                        report_hours=8, finish_hours=45)
    as_user(db, "dept_cg", Role.DEPARTMENT_HANDLER)
    panel = WhistlePanel(db, lambda x, y: (x, y), clock=clock)
    qtbot.addWidget(panel)
    panel.select_whistle(wid)
    seen = panel.timeline.state.version
    clock.now = T0 + timedelta(minutes=30)
    whistles.report_in(db, get_user(db, "dept_hw"), wid, at=clock.now)  # another seat first
    panel.timeline.run("report_in")
    assert "请刷新后重试" in panel.timeline.message.text()
    assert panel.timeline.state.version > seen  # shown as it is now
    assert db.scalar("SELECT reported_at FROM whistle_departments WHERE whistle_id = ? "
                     "AND department_id = 6", [wid]) is None
    panel.timeline.run("report_in")  # on what it shows now: accepted
    assert "已完成" in panel.timeline.message.text()
