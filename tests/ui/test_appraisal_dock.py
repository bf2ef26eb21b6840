"""The scoring dock on the small demo district, with the real appraisal engine: ranked
league tables in grade colours, click-through to indicators and to the cases behind them,
publishing freezes the period."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.appraisal import (
    INDICATORS,
    area_scores,
    compute_indicators,
    department_scores,
    latest_complete_month,
)
from app.auth.accounts import authenticate
from app.auth.permissions import Role
from app.auth.session import sign_in, sign_out
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from ui.appraisal.jobs import close_jobs

T0_TEXT = "2026-10"


@pytest.fixture
def dock(store, themed_app, qtbot):
    from ui.appraisal.scoring_dock import ScoringDock

    sign_out()
    d = ScoringDock(store)
    qtbot.addWidget(d)
    assert not d.loaded  # nothing computed until the dock is shown
    d.resize(1500, 600)
    d.refresh()  # what showing it does (a top-level shown offscreen makes Qt warn)
    assert d.busy()  # computed on the appraisal worker, not here
    qtbot.waitUntil(lambda: not d.busy())
    return d


def drilled(qtbot, panel, row):
    """The drill-down dialog of indicator ``row``, once the worker has listed the cases."""
    with qtbot.waitSignal(panel.drilled, timeout=10_000) as blocker:
        assert panel.open_drill_down(row, show=False)
    return blocker.args[0]


def test_period_picker_offers_months_quarters_years(store, themed_app, qtbot):
    from ui.appraisal.period_picker import PeriodPicker, display_label, period_labels

    latest = latest_complete_month(store)
    assert latest.label == T0_TEXT  # the test district's 'now' is 2026-11-20
    assert period_labels(latest, "month")[:3] == ["2026-10", "2026-09", "2026-08"]
    assert period_labels(latest, "quarter")[:2] == ["2026Q4", "2026Q3"]
    assert display_label("2026Q3") == "2026年第3季度" and display_label("2026-01") == "2026年1月"
    picker = PeriodPicker(latest)
    qtbot.addWidget(picker)
    seen = []
    picker.periodChanged.connect(seen.append)
    picker.set_period("2026Q3")
    assert seen[-1].label == "2026Q3" and picker.period().kind == "quarter"
    with pytest.raises(ValueError):
        picker.set_period("2019-01")


def test_docks_compute_only_when_shown(window, qtbot):
    for key in ("appraisal", "red_black", "appraisal_trend"):
        assert not window.docks[key].isVisible()
        assert not window.docks[key].widget().loaded
    window.docks["appraisal"].show()
    dock = window.docks["appraisal"].widget()
    qtbot.waitUntil(lambda: dock.loaded and not dock.busy())
    assert dock.leagues["department"].table.rowCount() > 0
    assert not window.docks["appraisal_trend"].widget().loaded


def test_department_league_is_ranked_and_graded_by_colour(dock, store):
    expected = department_scores(store, dock.period)
    table = dock.leagues["department"].table
    assert dock.loaded and table.rowCount() == len(expected) > 0
    ranks = [int(table.item(r, 0).text()) for r in range(table.rowCount())]
    assert ranks == sorted(ranks) and ranks[0] == 1
    scores = [float(table.item(r, 2).text()) for r in range(table.rowCount())]
    assert scores == sorted(scores, reverse=True)
    by_name = {s.name: s for s in expected}
    for r in range(table.rowCount()):
        s = by_name[table.item(r, 1).text()]
        assert table.item(r, 2).text() == f"{s.score:.2f}"
        grade = table.item(r, 3)
        assert grade.text() == s.grade_label
        assert grade.background().color().name() == s.grade_colour.lower()
        # the whole row carries a tint of the grade colour
        tint = table.item(r, 1).background().color()
        assert tint.name() == s.grade_colour.lower() and tint.alpha() < 80
        assert table.item(r, 7).text() == "未发布"
    assert "未发布" in dock.published_label.text()


def test_click_through_to_indicators_and_cases(dock, store, qtbot):
    league = dock.leagues["department"]
    first = dock.leagues["department"].scores[0]
    league.select_row(0)
    panel = dock.indicators
    assert panel.busy() and panel.status.text() == "计算中…"
    qtbot.waitUntil(lambda: not panel.busy())
    assert panel.status.isHidden()
    assert panel.subject == "department" and panel.subject_id == first.department_id
    assert first.name in panel.title.text()
    row = compute_indicators(store, dock.period, "department", ids=[first.department_id]).row(
        first.department_id)
    codes = panel.codes
    r = codes.index("close_rate")
    assert panel.table.item(r, 0).text() == "结案率"
    assert panel.table.item(r, 1).text() == (
        "—" if row.values["close_rate"] is None else f"{row.values['close_rate'] * 100:.2f}%")
    assert panel.table.item(r, 2).text() == f"{row.counts['closed']:,} / {row.counts['due']:,}"
    dialog = drilled(qtbot, panel, r)
    assert dialog.numerator_count() == panel.numerator("close_rate") == row.counts["closed"]
    assert dialog.denominator_count() == row.counts["due"]
    assert "（分子）" in dialog.tabs.tabText(0)
    dialog.close()
    # the double-click itself opens the same list
    opened = []
    panel.drilled.connect(opened.append)
    panel.table.cellDoubleClicked.emit(codes.index("on_time_close_rate"), 0)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened[0].numerator_count() == row.counts["closed_on_time"]
    opened[0].close()
    # a count indicator has no denominator tab
    d = drilled(qtbot, panel, codes.index("received"))
    assert d.numerator_count() == row.counts["received"] and d.tabs.count() == 1
    assert INDICATORS["received"].kind == "count"


def test_streets_tab_and_changes_shown(dock, store, qtbot):
    dock.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not dock.busy())
    expected = area_scores(store, dock.period, "street")
    table = dock.leagues["street"].table
    assert table.rowCount() == len(expected) == 2
    assert [table.item(r, 1).text() for r in range(2)] == [s.name for s in
                                                           sorted(expected, key=lambda s: s.rank)]
    for r in range(2):
        s = dock.leagues["street"].scores[r]
        text = table.item(r, 4).text()
        if s.delta is None:
            assert text == "—"
        else:
            assert text[0] in "▲▼—" and text.endswith(f"{abs(s.delta):.2f}")
    dock.leagues["street"].select_row(0)
    assert dock.indicators.subject == "street"
    qtbot.waitUntil(lambda: not dock.indicators.busy())
    assert dock.indicators.codes and dock.indicators.row is not None


def test_publishing_freezes_and_marks_the_period(small_db_copy, themed_app, qtbot):
    from ui.appraisal.scoring_dock import ScoringDock

    db = open_store(small_db_copy)
    try:
        sign_in(authenticate(db, "supervisor", DEMO_PASSWORDS[Role.SUPERVISION_OFFICE],
                             at=datetime(2026, 11, 20, 10, 30)))
        dock = ScoringDock(db)
        qtbot.addWidget(dock)
        dock.refresh()
        qtbot.waitUntil(lambda: not dock.busy())
        assert dock.publish_button.isEnabled()
        assert dock.publish(confirm=False)  # frozen on the worker
        assert dock.publishing() and not dock.publish_button.isEnabled()
        assert dock.message.text().startswith("正在发布")
        qtbot.waitUntil(lambda: not dock.publishing() and not dock.busy(), timeout=20_000)
        assert "考核结果已发布" in dock.message.text()
        assert "已发布" in dock.published_label.text()
        table = dock.leagues["department"].table
        assert all(table.item(r, 7).text() == "已发布" for r in range(table.rowCount()))
        assert not dock.publish_button.isEnabled()
        # a second publication is refused at once, shown, nothing lost
        assert not dock.publish(confirm=False)
        assert dock.message.text().startswith("未发布") and "已发布" in dock.message.text()
    finally:
        sign_out()
        close_jobs(db)
        db.close()


def test_drill_down_says_when_the_list_is_capped(store, themed_app, qtbot):
    from app.appraisal import drill_down
    from ui.appraisal.drill_down import DrillDownDialog

    period = latest_complete_month(store)
    drill = drill_down(store, period, "overall", None, "close_rate", limit=5)
    dialog = DrillDownDialog(drill, subject_name="全区", period_label=period.label)
    qtbot.addWidget(dialog)
    assert dialog.numerator_count() == 5 and drill.numerator_total > 5
    assert dialog.tabs.tabText(0) == (f"结案数（分子）共 {drill.numerator_total:,} 条"
                                      f"（显示前 5 条）")
    model = dialog.numerator_view.model()
    status = drill.columns.index("状态")
    assert model.data(model.index(0, status)) in ("已结案", "已评价")  # codes shown in Chinese
