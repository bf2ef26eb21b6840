"""Signing in on a server (ui/login_dialog.py): the dialog connects as the account, a
wrong password keeps it open with one Chinese line, and the seat's window runs on the
account's own connection — with only what the server lets that account see."""

from __future__ import annotations

import pytest
import shiboken6

from app.auth.permissions import Role
from app.demo.accounts import DEMO_PASSWORDS
from app.map.layers import load_district_map
from app.store import open_store
from app.store.pg_copy import copy_district
from app.store.pg_server import init_server
from app.store.target import parse_db

DB = "login_ui_district"
SEC = DEMO_PASSWORDS[Role.STREET_SECRETARY]


@pytest.fixture(scope="module")
def server(pg_cluster, small_db_path):
    """The small district on a secured server database (``server init``)."""
    pg_cluster.drop_db(DB)
    url = pg_cluster.url(DB)
    init_server(url)
    with open_store(url) as dst, open_store(small_db_path, read_only=True) as src:
        copy_district(src, dst)
    init_server(url)  # the demo accounts' logins
    # a seat's own URL: the server and the database, no account
    yield parse_db(f"postgresql://127.0.0.1:{pg_cluster.port}/{DB}"), url
    pg_cluster.drop_db(DB)


def test_a_wrong_password_keeps_the_dialog_open_with_one_line(server, qtbot):
    from ui.login_dialog import LoginDialog

    target, _url = server
    dialog = LoginDialog(None, server=target)
    qtbot.addWidget(dialog)
    assert not dialog.viewer_button.isEnabled()  # no connection to view with
    dialog.username.setEditText("sec01")
    dialog.password.setText("wrong-password")
    assert not dialog.try_login()
    assert dialog.error.text() == "用户名或密码错误"
    assert dialog.result() == 0 and dialog.session_store is None and dialog.user is None
    dialog.password.setText(SEC)
    assert dialog.try_login()
    try:
        assert dialog.user.username == "sec01" and dialog.session_store.user == "sec01"
    finally:
        dialog.session_store.close()


def test_an_unreachable_server_is_said_in_chinese(qtbot):
    from ui.login_dialog import LoginDialog

    dialog = LoginDialog(None, server=parse_db("postgresql://127.0.0.1:1/nowhere"))
    qtbot.addWidget(dialog)
    dialog.username.setEditText("sec01")
    dialog.password.setText(SEC)
    assert not dialog.try_login()
    assert dialog.error.text().startswith("无法连接服务器")


def test_the_viewer_url_lists_the_demo_accounts_and_counts_failures(server, qtbot):
    from app.auth.accounts import get_user
    from ui.login_dialog import LoginDialog

    target, url = server
    with open_store(url) as admin:  # a --db URL with the administrator's account
        dialog = LoginDialog(admin, server=target)
        qtbot.addWidget(dialog)
        assert dialog.viewer_button.isEnabled()
        dialog.username.setCurrentIndex(dialog.username.findData("dir02"))
        assert dialog.password.text() == DEMO_PASSWORDS[Role.STREET_DIRECTOR]
        dialog.password.setText("wrong-password")
        # counted (the --db account may manage accounts): as on a file district
        assert not dialog.try_login() and dialog.error.text() == "用户名或密码错误（还可再试 4 次）"
        assert get_user(admin, "dir02").failed_logins == 1


def test_a_street_seat_runs_on_its_own_connection(server, themed_app, qtbot, monkeypatch):
    from app.auth.session import current_user, sign_out
    from ui.login_dialog import login_to_server
    from ui.main_window import MainWindow

    target, url = server
    monkeypatch.setenv("GRIDCC_USER", "sec01")
    monkeypatch.setenv("GRIDCC_PASSWORD", SEC)
    signed_in, seat = login_to_server(target)
    assert signed_in and seat.user == "sec01" and current_user().username == "sec01"
    window = None
    try:
        with open_store(url) as admin:
            all_cases = admin.scalar("SELECT count(*) FROM cases")
            street = admin.scalar("SELECT scope_id FROM users WHERE username = 'sec01'")
            own = admin.scalar(
                "SELECT count(*) FROM cases c JOIN grid_units g ON g.id = c.grid_id "
                "JOIN grid_units m ON m.id = g.parent_id WHERE m.parent_id = ?", [street])
        assert 0 < own < all_cases
        window = MainWindow(seat, district_map=load_district_map(seat), persist=False)
        qtbot.addWidget(window)
        window.resize(1400, 800)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.loaded() and window.panels_filled(), timeout=60_000)
        # the window's own reads (other threads, other connections) run as sec01 too
        cursor = window.store.cursor()
        try:
            assert cursor.user == "sec01"
            assert cursor.scalar("SELECT count(*) FROM cases") == own
        finally:
            cursor.close()
    finally:
        if window is not None and shiboken6.isValid(window):
            window.close()
        seat.close()
        sign_out()
