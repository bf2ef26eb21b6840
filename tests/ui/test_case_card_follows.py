"""The case card over the map follows the district model: a step taken elsewhere (another
panel, another thread) shows on the open card without clicking again."""

from __future__ import annotations

from datetime import datetime

from app.auth.accounts import get_user
from app.auth.session import sign_out
from app.store import open_store
from app.workflow import cases

T0 = datetime(2026, 11, 20, 10, 30)


def test_open_case_card_shows_a_step_taken_elsewhere(small_db_copy, themed_app, qtbot,
                                                     district_map):
    from app.clock import FixedClock
    from ui.main_window import MainWindow

    sign_out()
    store = open_store(small_db_copy)
    window = MainWindow(store, district_map=district_map, persist=False, clock=FixedClock(T0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    try:
        cid = int(store.scalar("SELECT id FROM cases WHERE status = 'accepted' ORDER BY id "
                               "LIMIT 1"))
        assert window.case_card.show_case(cid)
        assert window.case_card.fields["status"].text() == "已受理"
        cases.advance(store.cursor(), get_user(store, "operator"), cid, "register", at=T0)
        qtbot.waitUntil(lambda: window.case_card.fields["status"].text() == "已立案",
                        timeout=10_000)
        assert window.case_card.steps.rowCount() >= 2
    finally:
        qtbot.waitUntil(window.district_model.settled, timeout=10_000)
        window.close()  # (waits for the panels' reads: the store can be closed now)
        store.close()
