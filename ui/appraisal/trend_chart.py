"""Trend chart (考核趋势): monthly score and closure rate (结案率) of several
departments over the same months, one colour per department, legend in Chinese.

Few points per series (12 months), so one PlotDataItem each with a 3 px cosmetic pen
and small symbols stays cheap; no antialiasing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui import theme
from ui.appraisal.figures import series_colour
from ui.appraisal.period_picker import month_name, month_of_year

PEN_WIDTH = 3
#: opaque and dim: a translucent grid is what made the chart slow to paint
GRID_COLOUR = "#15304c"


class GridLines:
    """Faint lines at the months and at the left axis's major ticks, as one curve of
    line pairs under the data, following the plot's range."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.months = 0
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(GRID_COLOUR, width=1), connect="pairs")
        self.curve.setZValue(-100)
        plot.addItem(self.curve, ignoreBounds=True)
        plot.getViewBox().sigRangeChanged.connect(self.update)

    def set_months(self, n: int) -> None:
        self.months = n
        self.update()

    def update(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        axis = self.plot.getAxis("left")
        levels = axis.tickValues(y0, y1, max(axis.height(), 50))
        ys = [v for v in (levels[0][1] if levels else []) if y0 <= v <= y1]
        xs, yv = [], []
        for y in ys:
            xs += [x0, x1]
            yv += [y, y]
        for m in range(self.months):
            xs += [m, m]
            yv += [y0, y1]
        self.curve.setData(xs, yv)



@dataclass(frozen=True)
class Series:
    """One department's line: name, and per month a score and a closure rate (0..1)."""

    name: str
    scores: list[float | None]
    closure_rates: list[float | None]


def month_ticks(labels: list[str]) -> list[tuple[int, str]]:
    """'2026-01' … -> '2026年1月' at the first month and every January, else '2月'."""
    ticks = []
    for i, text in enumerate(labels):
        if len(text) == 7 and text[4] == "-":
            y, m = text[:4], int(text[5:])
            ticks.append((i, month_of_year(y, m) if i == 0 or m == 1 else month_name(m)))
        else:
            ticks.append((i, text))
    return ticks


class TrendChart(QWidget):
    """Two stacked plots sharing the month axis: 得分 above, 结案率 (%) below."""

    def __init__(self, parent: QWidget | None = None, *, px: int | None = None) -> None:
        super().__init__(parent)
        self.px = px or round(theme.BASE_FONT_PX * theme.ui_scale())
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(theme.PANEL)
        self.view.ci.setContentsMargins(self.px * 0.5, self.px * 0.5, self.px, self.px * 0.5)
        self.grids: list[GridLines] = []
        self.score_plot = self.view.addPlot(row=1, col=0)
        self.rate_plot = self.view.addPlot(row=2, col=0)
        self.rate_plot.setXLink(self.score_plot)
        for plot, title in ((self.score_plot, self.tr("月度得分")),
                            (self.rate_plot, self.tr("结案率（%）"))):
            self._style(plot, title)
        self.legend = pg.LegendItem(labelTextColor=theme.TEXT,
                                    labelTextSize=f"{self.px}px", brush=pg.mkBrush(7, 16, 31, 210),
                                    pen=pg.mkPen("#1c4a73"), colCount=1)
        # the legend in a row of its own above the plots: over a plot it hides data
        self.view.ci.addItem(self.legend, row=0, col=0)
        self.items: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.labels: list[str] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.view)

    def _style(self, plot: pg.PlotItem, title: str) -> None:
        plot.setTitle(title, color=theme.ACCENT, size=f"{self.px}px")
        # grid lines of our own: pyqtgraph's translucent axis grid costs ~25-45 ms a
        # repaint at wall size (software rendering), these cost a few
        self.grids.append(GridLines(plot))
        plot.setMenuEnabled(False)
        plot.getViewBox().setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        font = theme.ui_font(round(self.px * 0.9))
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen("#2a5580"))
            axis.setTextPen(pg.mkPen(theme.TEXT_DIM))
            axis.setStyle(tickFont=font, tickTextOffset=round(self.px * 0.4))
        plot.getAxis("left").setWidth(round(self.px * 3.2))

    def set_series(self, labels: list[str], series: list[Series]) -> None:
        """Draw ``series`` over the months ``labels``; replaces what was shown.  The
        lines already there are given the new data (creating plot items is what costs:
        ~15 ms on the GUI thread for four departments)."""
        old = list(self.items.values())
        self.items.clear()
        self.legend.clear()
        self.labels = list(labels)
        ticks = [month_ticks(self.labels)]
        for plot in (self.score_plot, self.rate_plot):
            plot.getAxis("bottom").setTicks(ticks)
        x = list(range(len(self.labels)))
        symbol_size = max(6, round(self.px * 0.45))
        for i, s in enumerate(series):
            colour = series_colour(i)
            pen = pg.mkPen(colour, width=PEN_WIDTH)
            kw = dict(pen=pen, symbol="o", symbolSize=symbol_size, symbolBrush=colour,
                      symbolPen=pg.mkPen(colour), connect="finite")
            scores = [float("nan") if v is None else float(v) for v in s.scores]
            rates = [float("nan") if v is None else float(v) * 100.0 for v in s.closure_rates]
            if i < len(old):
                a, b = old[i]
                a.setData(x, scores, name=s.name, **kw)
                b.setData(x, rates, **kw)
            else:
                a = self.score_plot.plot(x, scores, name=s.name, **kw)
                b = self.rate_plot.plot(x, rates, **kw)
            self.legend.addItem(a, s.name)
            self.items[s.name] = (a, b)
        for a, b in old[len(series):]:
            self.score_plot.removeItem(a)
            self.rate_plot.removeItem(b)
        self.legend.setColumnCount(max(1, min(len(series), 6)))
        for grid in self.grids:
            grid.set_months(len(x))
        for plot in (self.score_plot, self.rate_plot):
            plot.enableAutoRange()
            # room on the left for the first month's longer label (with a grid shown,
            # pyqtgraph drops tick labels that stick out of the plot)
            plot.setXRange(-0.6, max(0, len(x) - 1) + 0.3, padding=0)

    def clear(self) -> None:
        for a, b in self.items.values():
            self.score_plot.removeItem(a)
            self.rate_plot.removeItem(b)
        self.legend.clear()
        self.items.clear()

    def point_counts(self) -> dict[str, tuple[int, int]]:
        """Points drawn per series (score, closure rate), not counting months without data."""
        out = {}
        for name, (a, b) in self.items.items():
            out[name] = tuple(int(sum(v == v for v in item.yData)) if item.yData is not None else 0
                              for item in (a, b))
        return out
