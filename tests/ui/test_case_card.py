"""The cards over the map: a close button and Esc close them, and they stay inside the
map (never over the status bar) at any window size; the case card in English."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from app.feed.worker_record import WorkerRecord
from tests.ui.english import english_language  # noqa: F401

SHOTS = os.environ.get("GRIDCC_TEST_SHOTS")  # a directory: the cards are saved there


def _a_case(store) -> int:
    return int(store.scalar("SELECT id FROM cases WHERE status = 'closed' ORDER BY id LIMIT 1"))


def _global(w) -> QRect:
    return QRect(w.mapToGlobal(QPoint(0, 0)), w.size())


def _record() -> WorkerRecord:
    from datetime import datetime

    # (a record holds the phone masked, as app.feed.worker_record reads it)
    return WorkerRecord(id=1, code="W0001", name="张三", role="grid_leader", phone="138****5678",
                        grid_name="一号网格", grid_code="12010600100101",
                        on_patrol_since=datetime(2026, 11, 20, 8, 0),
                        last_fix=datetime(2026, 11, 20, 10, 29), distance_m=1234.0,
                        fixes_today=5)


def test_close_button_hides_the_case_card(window, store, qtbot):
    card = window.case_card
    assert card.show_case(_a_case(store)) and card.isVisible()
    with qtbot.waitSignal(card.dismissed, timeout=1000):
        qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()


def test_escape_on_the_map_hides_the_card_before_the_windows_own_escape(window, store, qtbot):
    """The window's Esc shortcut (the big screen's: leave it) waits while a card is open:
    the first Esc closes the card, the next one reaches the window."""
    fired = []
    key = QKeySequence(Qt.Key.Key_Escape)
    shortcuts = [s for s in window.findChildren(QShortcut) if s.key() == key]
    if not shortcuts:
        shortcuts = [QShortcut(key, window)]
    for s in shortcuts:
        s.activated.connect(lambda: fired.append(True))
        s.activatedAmbiguously.connect(lambda: fired.append(True))
    card = window.case_card
    card.show_case(_a_case(store))
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert not card.isVisible() and fired == []
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert fired


def test_escape_on_the_card_itself_hides_it(window, store, qtbot):
    card = window.case_card
    card.show_case(_a_case(store))
    card.steps.setFocus()
    qtbot.keyClick(card.steps, Qt.Key.Key_Escape)
    assert not card.isVisible()


@pytest.mark.parametrize("size", [(1600, 900), (1366, 768), (800, 560)])
def test_the_cards_stay_inside_the_map_and_off_the_status_bar(make_window, store, qtbot, size):
    window = make_window(size=size)
    canvas, bar = window.canvas, window.statusBar()
    for card in (window.case_card, window.worker_card):
        if card is window.case_card:
            card.show_case(_a_case(store))
        else:
            card.show_record(_record())
        assert card.isVisible()
        assert canvas.rect().contains(card.geometry()), (card.geometry(), canvas.rect())
        assert not _global(card).intersects(_global(bar))
        if SHOTS:
            window.grab().save(os.path.join(SHOTS, f"{card.objectName()}-{size[0]}.png"))
        card.dismiss()
    # the map shrinks under an open card: the card shrinks with it
    window.case_card.show_case(_a_case(store))
    window.resize(size[0], 520)
    qtbot.waitUntil(lambda: canvas.height() < 400)
    assert canvas.rect().contains(window.case_card.geometry())


def test_the_worker_card_closes_and_keeps_the_phone_masked(window, qtbot):
    card = window.worker_card
    card.show_record(_record())
    assert card.fields["phone"].text() == "138****5678"
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert not card.isVisible()
    card.show_record(_record())
    qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()


def test_the_case_card_in_english(english, make_window, store):
    window = make_window()
    card = window.case_card
    card.show_case(_a_case(store))
    labels = [card.form.labelForField(f).text() for f in card.fields.values()]
    assert labels[:4] == ["Category", "Request type", "Source", "Status"]
    assert card.fields["status"].text() == "Closed"
    assert card.title.text().startswith("Case ")
    assert card.step_texts()[0] == "Accept → Accepted"
    shown = " ".join([card.fields["category"].text(), card.fields["kind"].text(),
                      card.fields["source"].text(), *card.step_texts()])
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "CaseCard-en.png"))


def test_on_the_big_screen_the_card_sits_below_the_headline_strip(window, store, qtbot):
    window.big_screen.enter()
    try:
        strip = window.big_screen.strip
        qtbot.waitUntil(strip.isVisible)
        card = window.case_card
        card.show_case(_a_case(store))
        assert card.geometry().top() > strip.geometry().bottom()
        assert window.canvas.rect().contains(card.geometry())
    finally:
        window.big_screen.leave()
