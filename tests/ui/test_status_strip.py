"""The status strip: the big screen's figures, from the same function, at the same moment
(live and in replay); it follows the district model; at 1366×768 it gives way and the
position and the clock stay in sight."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, QRect

from app.auth.accounts import get_user
from app.auth.session import sign_out
from app.clock import FixedClock
from app.store import open_store
from app.workflow import cases
from tests.ui.english import english_language  # noqa: F401
from ui.status_strip import FIGURES, figure_text

T0 = datetime(2026, 11, 20, 10, 30)
KEYS = [key for key, *_ in FIGURES]


def _big_screen_texts(window) -> dict[str, str]:
    big = window.big_screen
    big.refresh()  # (fills its strip's labels; the strip itself stays hidden)
    return {key: big.strip.numbers[key].text() for key in KEYS}


def test_the_strip_shows_the_big_screens_figures_live(make_window):
    window = make_window(clock=FixedClock(T0), persist=False)
    strip = window.map_status.strip
    assert strip is not None and strip.isVisible()
    strip.refresh()
    assert strip.headline == window.big_screen.headline()
    assert strip.figures() == _big_screen_texts(window)
    assert strip.headline.open_cases > 0 and strip.headline.on_patrol > 0
    assert not strip.replay_tag.isVisible()


def test_the_strip_shows_the_big_screens_figures_in_replay(make_window, qtbot):
    window = make_window(clock=FixedClock(T0), persist=False)
    strip, c = window.map_status.strip, window.patrol_controller
    live_open = strip.headline.open_cases
    c.seek(c.clock.start + 0.3 * (c.clock.end - c.clock.start))  # a moment of the morning
    assert c.mode == "replay"
    qtbot.waitUntil(lambda: strip.replay_tag.isVisible())
    strip.refresh()
    assert strip.headline == window.big_screen.headline()
    assert strip.figures() == _big_screen_texts(window)
    assert strip.headline.cases_today < window.district_model.state.headline(T0).cases_today
    c.set_mode("live")
    assert not strip.replay_tag.isVisible() and strip.headline.open_cases == live_open


def test_the_strip_follows_a_case_accepted_elsewhere(small_db_copy, themed_app, qtbot,
                                                       district_map):
    from ui.main_window import MainWindow

    sign_out()
    store = open_store(small_db_copy)
    window = MainWindow(store, district_map=district_map, persist=False, clock=FixedClock(T0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    try:
        strip = window.map_status.strip
        before = strip.headline
        grid_id, code = store.rows("SELECT g.id, (SELECT min(code) FROM categories) "
                                   "FROM grid_units g WHERE g.level = 4 ORDER BY g.id LIMIT 1")[0]
        cases.new_case(store, get_user(store, "operator"), category_code=code, source="patrol",
                       description="测试：井盖缺失", grid_id=int(grid_id), lon=117.16,
                       lat=39.17, at=T0)
        qtbot.waitUntil(lambda: strip.headline.open_cases == before.open_cases + 1,
                        timeout=10_000)
        assert strip.headline.cases_today == before.cases_today + 1
        assert strip.figures()["open_cases"] == figure_text("open_cases", strip.headline)
        assert strip.figures() == _big_screen_texts(window)
    finally:
        qtbot.waitUntil(window.district_model.settled, timeout=10_000)
        window.close()
        store.close()


def _inside(bar, label) -> bool:
    return label.isVisible() and QRect(QPoint(0, 0), bar.size()).contains(label.geometry())


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_narrow_the_clock_and_position_stay_in_sight(make_window, qtbot, size):
    window = make_window(size=size, clock=FixedClock(T0), persist=False)
    bar, strip = window.map_status, window.map_status.strip
    qtbot.waitUntil(lambda: bar.width() == window.width())
    for label in (bar.clock_label, bar.position_label, bar.scale_label):
        assert _inside(bar, label), (label.objectName(), label.geometry(), bar.size())
    shown = [strip.tiles[k] for k in KEYS if strip.tiles[k].isVisible()]
    assert strip.compact and shown
    right = max(t.mapTo(bar, QPoint(t.width(), 0)).x() for t in shown)
    assert right <= bar.position_label.geometry().left()  # no figure under the position
    if size == (1366, 768):
        assert len(shown) == len(KEYS)  # at 1366 all six still fit, in short form
    # the cursor over the map: the position (short form) still fits
    x, y = window.district_map.frame.from_lonlat(117.16, 39.17)
    bar.show_position(float(x), float(y))
    assert "117.160000" in bar.position_label.text() and _inside(bar, bar.position_label)


def test_wide_the_strip_writes_its_captions_in_full(make_window):
    window = make_window(size=(1920, 1080), persist=False)
    strip = window.map_status.strip
    assert not strip.compact and all(strip.tiles[k].isVisible() for k in KEYS)
    assert "在岗巡查" in strip.tiles["on_patrol"].text()
    assert "CGCS2000" in window.map_status.position_label.text()


def test_the_strip_in_english(english, make_window):
    window = make_window(size=(1920, 1080), persist=False)
    strip = window.map_status.strip
    text = " ".join(strip.tiles[k].text() for k in KEYS)
    assert "Patrol" in text and "Overdue" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert "Beijing time" in window.map_status.clock_label.text()
