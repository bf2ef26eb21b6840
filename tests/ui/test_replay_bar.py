"""The replay slider: hour marks with labels, a click on the groove jumps there, the time
under the cursor while hovering; type and groove scale with the interface (4K walls)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from app.feed import from_seconds, to_seconds
from ui.map.replay_bar import SLIDER_STEPS, TimeSlider

DAY = datetime(2026, 11, 20)


def _slider(qtbot, start: datetime, end: datetime, width: int) -> TimeSlider:
    s = TimeSlider()
    qtbot.addWidget(s)
    s.set_span(to_seconds(start), to_seconds(end))
    s.resize(width, s.sizeHint().height())
    return s


@pytest.mark.parametrize(("start", "end", "hours"), [
    ((0, 0), (10, 30), list(range(0, 11))),
    ((6, 30), (18, 0), list(range(7, 19))),
    ((0, 0), None, list(range(0, 25))),
])
def test_a_mark_for_every_whole_hour(themed_app, qtbot, start, end, hours):
    t1 = DAY.replace(day=21) if end is None else DAY.replace(hour=end[0], minute=end[1])
    s = _slider(qtbot, DAY.replace(hour=start[0], minute=start[1]), t1, 1200)
    marks = s.hour_marks()
    assert [h for _, h in marks] == hours
    assert all(from_seconds(t).minute == 0 for t, _ in marks)


def test_every_hour_labelled_when_wide_every_other_when_narrow(themed_app, qtbot):
    wide = _slider(qtbot, DAY, DAY.replace(day=21), 1600)
    assert wide.label_step() == 1 and len(wide.labelled_hours()) == 25
    narrow = _slider(qtbot, DAY, DAY.replace(day=21), 420)
    step = narrow.label_step()
    assert step in (2, 3, 4)
    assert narrow.labelled_hours() == list(range(0, 25, step))
    # labels never crowd: each one's width fits between it and the next
    x0, span = narrow._track()
    px_per_label = span / 24 * step
    width = narrow.fontMetrics().horizontalAdvance("00")
    assert px_per_label > width


def test_type_and_groove_scale_for_a_4k_wall(themed_app, qtbot):
    from ui.theme import apply_theme

    small = _slider(qtbot, DAY, DAY.replace(hour=12), 800)
    small_font, small_height = small.label_font.pixelSize(), small.sizeHint().height()
    try:
        apply_theme(themed_app, 2.0)
        large = _slider(qtbot, DAY, DAY.replace(hour=12), 1600)
        assert large.label_font.pixelSize() == 2 * small_font
        assert large.sizeHint().height() >= 2 * small_height - 4
    finally:
        apply_theme(themed_app, 1.0)


def test_a_click_on_the_groove_at_75_percent_jumps_to_75_percent_of_the_day(window, qtbot):
    bar, c = window.replay_bar, window.patrol_controller
    slider = bar.slider
    assert (slider.start_s, slider.end_s) == (c.clock.start, c.clock.end)
    x = slider.x_at_fraction(0.75)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(x), slider.height() // 4))
    assert c.mode == "replay"
    span = c.clock.end - c.clock.start
    # one pixel of the groove or one slider step, whichever is coarser
    tolerance = span * max(1 / slider._track()[1], 1 / SLIDER_STEPS)
    assert abs(c.shown_time() - (c.clock.start + 0.75 * span)) <= tolerance
    assert abs(slider.value() - 0.75 * SLIDER_STEPS) <= SLIDER_STEPS * tolerance / span
    # a second click, lower down the marks, jumps again (never a page step)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(slider.x_at_fraction(0.25)), slider.height() - 2))
    assert abs(c.shown_time() - (c.clock.start + 0.25 * span)) <= tolerance
    assert "回放" in bar.time_label.text()


def test_dragging_from_the_click_follows_the_cursor(window, qtbot):
    c, slider = window.patrol_controller, window.replay_bar.slider
    y = slider.height() // 4
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_at_fraction(0.2)), y))
    assert slider.isSliderDown()
    qtbot.mouseMove(slider, QPoint(round(slider.x_at_fraction(0.6)), y))
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(slider.x_at_fraction(0.6)), y))
    assert not slider.isSliderDown()
    span = c.clock.end - c.clock.start
    assert abs(c.clock.fraction() - 0.6) <= max(1 / slider._track()[1], 1 / SLIDER_STEPS)
    assert span > 0


def test_hovering_shows_the_time_under_the_cursor(window, qtbot):
    c, slider = window.patrol_controller, window.replay_bar.slider
    x = round(slider.x_at_fraction(0.5))
    qtbot.mouseMove(slider, QPoint(x, slider.height() // 4))
    want = from_seconds(slider.time_at_x(x))
    assert slider.hover_text == f"{want:%H:%M:%S}"
    hovering = slider.grab().toImage()
    QApplication.sendEvent(slider, QEvent(QEvent.Type.Leave))
    assert slider.hover_text == ""
    assert slider.grab().toImage() != hovering  # the boxed time was painted, and is gone
    assert c.mode == "live"  # hovering moves nothing
    mid = c.clock.start + 0.5 * (c.clock.end - c.clock.start)
    assert abs(to_seconds(want) - mid) <= (c.clock.end - c.clock.start) / slider._track()[1]
