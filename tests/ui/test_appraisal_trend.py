"""Trend dock: monthly score and closure rate of the chosen departments, one series each
over the last 12 complete months, legend in Chinese."""

from __future__ import annotations

from app.appraisal import latest_complete_month, score_trend


def test_trend_has_one_point_per_month_and_series(store, themed_app, qtbot):
    from ui.appraisal.trend_panel import MONTHS, TrendPanel, last_months

    panel = TrendPanel(store)
    qtbot.addWidget(panel)
    panel.resize(1400, 700)
    panel.load()
    qtbot.waitUntil(lambda: not panel.busy())
    assert panel.loaded and panel.list.count() > 3
    default = panel.chosen()
    assert len(default) == 4  # the three best and the worst
    ids = [panel.list.item(i).data(0x0100) for i in (0, 1, 2)]
    panel.choose(ids)
    qtbot.waitUntil(lambda: not panel.busy())
    months = last_months(latest_complete_month(store))
    assert len(months) == MONTHS and months[-1].label == "2026-10"
    trend = score_trend(store, ids, months)
    counts = panel.chart.point_counts()
    names = [n for _i, n in panel.chosen()]
    assert list(counts) == names and len(names) == 3
    for did, name in zip(ids, names, strict=True):
        expected_scores = sum(p.score is not None for p in trend[did])
        expected_rates = sum(p.closure_rate is not None for p in trend[did])
        assert counts[name] == (expected_scores, expected_rates)
        assert expected_scores >= MONTHS - 1  # the demo's year starts within the first month
    legend = [label.text for _sample, label in panel.chart.legend.items]
    assert legend == names
    assert panel.chart.labels == [m.label for m in months]


def test_month_ticks_name_the_year_once():
    from ui.appraisal.trend_chart import month_ticks

    ticks = month_ticks(["2025-11", "2025-12", "2026-01", "2026-02"])
    assert [t for _i, t in ticks] == ["2025年11月", "12月", "2026年1月", "2月"]


def test_grid_lines_follow_the_months_and_the_score_ticks(themed_app, qtbot):
    from ui.appraisal.trend_chart import Series, TrendChart

    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(1200, 600)
    labels = [f"2026-{m:02d}" for m in range(1, 7)]
    chart.set_series(labels, [Series("区城管委", [70, 72, 74, 76, 78, 80], [0.9] * 6)])
    grid = chart.grids[0]
    x, y = grid.curve.getData()
    (x0, x1), (y0, y1) = chart.score_plot.getViewBox().viewRange()
    # one vertical pair per month, horizontal pairs across the whole plot
    verticals = sorted({float(a) for a, b in zip(x[::2], x[1::2], strict=True) if a == b})
    assert verticals == [float(m) for m in range(6)]
    horizontals = [float(a) for a, b in zip(y[::2], y[1::2], strict=True) if a == b]
    assert len(horizontals) >= 2 and all(y0 <= v <= y1 for v in horizontals)
    assert min(x) == x0 and max(x) == x1
