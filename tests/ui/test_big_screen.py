"""Big-screen mode: no chrome, headline strip sized for the wall, one key back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.big_screen import NUMBER_SHARE


def test_big_screen_and_back(window, qtbot):
    docks_before = {k for k, d in window.docks.items() if d.isVisible()}
    assert docks_before and window.toolbar.isVisible()
    window.big_screen_action.trigger()
    bs = window.big_screen
    assert bs.active and window.isFullScreen()
    assert not any(d.isVisible() for d in window.docks.values())
    assert not window.toolbar.isVisible() and not window.replay_bar.isVisible()
    assert not window.statusBar().isVisible()
    strip = bs.strip
    assert strip.isVisible() and strip.width() == window.canvas.width()
    h = bs.headline()
    assert strip.numbers["open_cases"].text() == f"{h.open_cases:,}"
    assert strip.numbers["closure_rate"].text().endswith("%")
    assert h.cases_today > 0 and h.open_cases >= h.overdue
    # Esc: the workstation layout comes back as it was
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not bs.active and not strip.isVisible() and not window.isFullScreen()
    assert {k for k, d in window.docks.items() if d.isVisible()} == docks_before
    assert window.toolbar.isVisible() and window.replay_bar.isVisible()


def test_headline_type_reads_from_across_the_room(window):
    strip = window.big_screen.strip
    strip.fit_to(2160)
    px = strip.numbers["overdue"].font().pixelSize()
    assert px == round(2160 * NUMBER_SHARE) and px >= 90
    strip.fit_to(1080)
    assert strip.numbers["overdue"].font().pixelSize() == round(1080 * NUMBER_SHARE)


def test_headline_follows_the_replay_clock(window):
    c = window.patrol_controller
    c.feed_timer.stop()
    bs = window.big_screen
    now = bs.headline()
    c.seek(c.day_start + 7 * 3600)
    early = bs.headline()
    assert early.cases_today < now.cases_today
    bs.refresh()
    assert "回放" in bs.strip.clock.text()


def test_live_clock_ticks_alone_and_figures_follow_changes(window, monkeypatch):
    """Live, the strip's second tick sets the clock only; the figures come from the
    district model's signal, and every FIGURES_EVERY_S for what time alone changes."""
    from ui.big_screen import FIGURES_EVERY_S

    bs = window.big_screen
    bs.enter()
    bs.timer.stop()
    computed = []
    real = bs.headline
    monkeypatch.setattr(bs, "headline", lambda: computed.append(1) or real())
    bs._tick()
    assert computed == [] and bs.strip.clock.text().endswith("实时")
    for _ in range(FIGURES_EVERY_S - 1):
        bs._tick()
    assert computed == [1]
    bs.leave()
