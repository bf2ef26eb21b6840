"""The printable monthly appraisal report (绩效考核月报) as a PDF: title, district,
period, the department league table (下考上) with coloured grades, the street table,
the red/black list, a score trend chart and the indicator formulas.

A4 portrait, drawn with QPainter on a QPdfWriter at 300 dpi; Qt embeds the subset
of Noto Sans CJK the text uses, so the file prints the same anywhere.  The report is
written in the interface language (an English seat prints an English report).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from app.appraisal import (
    INDICATORS,
    area_scores,
    current_scheme,
    department_scores,
    format_rate,
    red_black_list,
    score_trend,
)
from app.clock import Clock, store_clock
from ui import theme
from ui.appraisal.figures import delta_text, grade_qcolor, series_colour, text_on
from ui.appraisal.pdf_text import fix_radicals
from ui.appraisal.period_picker import month_name, month_of_year
from ui.appraisal.vocabulary import (
    indicator_formula,
    indicator_name,
    measure_formula,
    rule_text,
    term,
)
from ui.i18n import translate

DPI = 300
MARGIN_MM = 15.0
FONT = "Noto Sans CJK SC"
INK = QColor("#111827")
DIM = QColor("#4b5563")
RULE = QColor("#9ca3af")
HEAD_FILL = QColor("#0b3a5c")
#: departments drawn in the trend chart
TREND_SERIES = 5
TREND_MONTHS = 12
SUBJECT_NAMES = {"department": QT_TRANSLATE_NOOP("AppraisalReport", "部门（下考上）"),
                 "street": QT_TRANSLATE_NOOP("AppraisalReport", "街道"),
                 "community": QT_TRANSLATE_NOOP("AppraisalReport", "社区"),
                 "grid": QT_TRANSLATE_NOOP("AppraisalReport", "网格"),
                 "overall": QT_TRANSLATE_NOOP("AppraisalReport", "部门（下考上）")}
DEPARTMENT_HEADERS = (
    QT_TRANSLATE_NOOP("AppraisalReport", "排名"), QT_TRANSLATE_NOOP("AppraisalReport", "部门"),
    QT_TRANSLATE_NOOP("AppraisalReport", "街道评价"), QT_TRANSLATE_NOOP("AppraisalReport", "客观指标"),
    QT_TRANSLATE_NOOP("AppraisalReport", "得分"), QT_TRANSLATE_NOOP("AppraisalReport", "等级"),
    QT_TRANSLATE_NOOP("AppraisalReport", "较上期"))
#: a street, community or grid table: rank, the level's name, score … (the level between)
AREA_HEADERS = (
    QT_TRANSLATE_NOOP("AppraisalReport", "排名"), QT_TRANSLATE_NOOP("AppraisalReport", "得分"),
    QT_TRANSLATE_NOOP("AppraisalReport", "等级"), QT_TRANSLATE_NOOP("AppraisalReport", "较上期"),
    QT_TRANSLATE_NOOP("AppraisalReport", "结案率"), QT_TRANSLATE_NOOP("AppraisalReport", "按期结案率"))
AREA_WIDTHS = (0.7, 2.6, 1.1, 0.9, 1.2, 1.3, 1.4)
RED_LIST = QT_TRANSLATE_NOOP("AppraisalReport", "红榜")
BLACK_LIST = QT_TRANSLATE_NOOP("AppraisalReport", "黑榜")
BOARD_HEADERS = (QT_TRANSLATE_NOOP("AppraisalReport", "名称"),
                 QT_TRANSLATE_NOOP("AppraisalReport", "得分"),
                 QT_TRANSLATE_NOOP("AppraisalReport", "等级"))


def _text(marked: str) -> str:
    """A text marked above, in the interface language."""
    return translate("AppraisalReport", marked)


def _texts(marked) -> list[str]:
    return [_text(t) for t in marked]


def _area_headers(level: str) -> list[str]:
    rank, *rest = _texts(AREA_HEADERS)
    return [rank, level, *rest]



@dataclass
class ReportData:
    """Everything the report shows, computed by app.appraisal before drawing."""

    district: str
    period: object  # app.appraisal.Period
    subject: str
    scheme: object
    departments: list
    streets: list
    communities: list  # the community or grid table when the report is about those
    red: list
    black: list
    trend_labels: list[str] = field(default_factory=list)
    trend: list[tuple[str, list[float | None]]] = field(default_factory=list)
    #: when the report was made (district time, from the clock service)
    generated_at: datetime | None = None

    @property
    def published(self) -> bool:
        return bool(self.departments) and all(d.published for d in self.departments)


def collect(store, period, subject: str = "department", scheme=None, *,
            clock: Clock | None = None) -> ReportData:
    """The report's figures for ``period``, from the appraisal engine, made at ``clock``'s
    now (the district's clock by default)."""
    if subject not in SUBJECT_NAMES:
        raise ValueError(translate(
            "AppraisalReport", "PDF 月报的对象须为 {subjects} 之一，而不是 {subject}"
            "（网格员考核请导出 --csv 或 --xlsx）").format(
                subjects=", ".join(SUBJECT_NAMES), subject=repr(subject)))
    depts = department_scores(store, period, scheme)
    streets = area_scores(store, period, "street", scheme)
    communities = (area_scores(store, period, subject, scheme)
                   if subject in ("community", "grid") else [])
    scheme = scheme or current_scheme(store)
    ranked = {"street": streets, "community": communities, "grid": communities}.get(subject, depts)
    red, black = red_black_list(ranked, 5)
    name = (store.meta().get("district_name")
            or store.scalar("SELECT name FROM grid_units WHERE level = 1 ORDER BY id LIMIT 1") or "")
    data = ReportData(str(name), period, subject, scheme, depts, streets, communities, red, black,
                      generated_at=(clock or store_clock(store)).now())
    last = period.months()[-1]
    months = [last]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    top = [d.department_id for d in depts[:TREND_SERIES]]
    if top:
        trend = score_trend(store, top, months, scheme)
        names = {d.department_id: d.name for d in depts}
        data.trend_labels = [m.label for m in months]
        data.trend = [(names[i], [p.score for p in trend.get(i, [])]) for i in top]
    return data


def period_title(period) -> str:
    label = period.label
    if period.kind == "month":
        return month_of_year(period.start.year, period.start.month)
    if period.kind == "quarter":
        return translate("AppraisalReport", "{year}年第{quarter}季度").format(year=period.start.year, quarter=label[-1])
    if period.kind == "year":
        return translate("AppraisalReport", "{year}年度").format(year=period.start.year)
    return label


class _Page:
    """A cursor down A4 pages: text, tables and a chart, breaking pages as needed."""

    def __init__(self, writer: QPdfWriter, footer: str) -> None:
        self.writer = writer
        self.p = QPainter(writer)
        self.p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.footer = footer
        r = writer.pageLayout().paintRectPixels(DPI)
        self.width, self.height = float(r.width()), float(r.height())
        self.y = 0.0
        self.page = 1

    @staticmethod
    def px(pt: float) -> float:
        return pt * DPI / 72.0

    def font(self, pt: float, bold: bool = False) -> QFont:
        f = QFont(FONT)
        f.setFamilies([FONT, *theme.FONT_FAMILIES])
        f.setPixelSize(round(self.px(pt)))
        f.setBold(bold)
        return f

    def fitted(self, text: str, width: float, pt: float, bold: bool = False) -> QFont:
        """The font of ``pt`` points, smaller (down to 70 %) if ``text`` is wider than
        ``width``: a longer word in a translation shrinks instead of being cut off."""
        font = self.font(pt, bold)
        self.p.setFont(font)
        need = self.p.fontMetrics().horizontalAdvance(text)
        if need > width > 0:
            font = self.font(max(pt * 0.7, pt * width / need), bold)
        return font

    def need(self, h: float) -> None:
        if self.y + h > self.height - self.px(20):
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    def _footer(self) -> None:
        self.p.setFont(self.font(8))
        self.p.setPen(DIM)
        r = QRectF(0, self.height - self.px(12), self.width, self.px(12))
        self.p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, self.footer)
        self.p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                        translate("AppraisalReport", "第 {page} 页").format(page=self.page))

    def finish(self) -> None:
        self._footer()
        self.p.end()

    def text(self, text: str, pt: float, *, bold: bool = False, colour: QColor = INK,
             align=Qt.AlignmentFlag.AlignLeft, gap: float = 4.0) -> None:
        self.p.setFont(self.font(pt, bold))
        flags = align | Qt.TextFlag.TextWordWrap
        box = self.p.fontMetrics().boundingRect(QRectF(0, 0, self.width, 1e6).toRect(), flags, text)
        self.need(box.height())
        self.p.setPen(colour)
        self.p.drawText(QRectF(0, self.y, self.width, box.height()), flags, text)
        self.y += box.height() + self.px(gap)

    def heading(self, text: str) -> None:
        self.need(self.px(100))  # never a heading alone at the foot of a page
        self.y += self.px(6)
        self.p.fillRect(QRectF(0, self.y, self.px(4), self.px(15)), HEAD_FILL)
        self.p.setFont(self.font(13, True))
        self.p.setPen(HEAD_FILL)
        self.p.drawText(QRectF(self.px(9), self.y, self.width, self.px(15)),
                        Qt.AlignmentFlag.AlignVCenter, text)
        self.y += self.px(21)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], *, fills: Callable[[int, int], QColor | None] | None = None,
              inks: Callable[[int, int], QColor | None] | None = None,
              x0: float = 0.0, width: float | None = None, pt: float = 9.0) -> None:
        """A ruled table; ``widths`` are shares of ``width``; the header repeats on new pages.
        ``fills``/``inks`` give a cell's background/text colour (None: the default)."""
        width = width if width is not None else self.width
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w / sum(widths) * width)
        row_h = self.px(pt * 1.9)

        def header() -> None:
            self.p.fillRect(QRectF(x0, self.y, width, row_h), HEAD_FILL)
            for c, h in enumerate(headers):
                cell = QRectF(xs[c], self.y, xs[c + 1] - xs[c], row_h)
                self.p.setFont(self.fitted(h, cell.width() - self.px(4), pt, True))
                self.p.setPen(QColor("#ffffff"))
                self.p.drawText(cell, Qt.AlignmentFlag.AlignCenter, h)
            self.y += row_h

        whole = row_h * (len(rows) + 1)
        # a short table stays on one page; a long one starts with a few rows at least
        self.need(whole if whole < self.height * 0.4 else row_h * 6)
        header()
        for i, row in enumerate(rows):
            if self.y + row_h > self.height - self.px(20):
                self.new_page()
                header()
            if i % 2:
                self.p.fillRect(QRectF(x0, self.y, width, row_h), QColor("#f3f6fa"))
            for c, value in enumerate(row):
                cell = QRectF(xs[c], self.y, xs[c + 1] - xs[c], row_h)
                self.p.setFont(self.fitted(str(value), cell.width() - self.px(6), pt))
                fill = fills(i, c) if fills else None
                ink = inks(i, c) if inks else None
                self.p.setPen(ink or INK)
                if fill is not None:
                    self.p.fillRect(cell.adjusted(1, 1, -1, -1), fill)
                    self.p.setPen(text_on(fill.name()))
                align = (Qt.AlignmentFlag.AlignLeft if c == 1 else Qt.AlignmentFlag.AlignHCenter)
                self.p.drawText(cell.adjusted(self.px(3), 0, -self.px(3), 0),
                                align | Qt.AlignmentFlag.AlignVCenter, str(value))
            self.p.setPen(QPen(RULE, 1))
            self.p.drawLine(QPointF(x0, self.y + row_h), QPointF(x0 + width, self.y + row_h))
            self.y += row_h
        self.y += self.px(6)


def _score_rows(scores, *, areas: bool) -> list[list[str]]:
    rows = []
    for s in scores:
        change = delta_text(s.delta)[0]
        if areas:
            rows.append([str(s.rank), s.name, f"{s.score:.2f}", term(s.grade_label), change,
                         format_rate(s.values.get("close_rate")),
                         format_rate(s.values.get("on_time_close_rate"))])
        else:
            street = "—" if s.street_appraisal is None else f"{s.street_appraisal:.2f}"
            rows.append([str(s.rank), s.name, street, f"{s.objective:.2f}", f"{s.score:.2f}",
                         term(s.grade_label), change])
    return rows


def _grade_fill(scores, grade_col: int):
    def fill(i: int, c: int) -> QColor | None:
        if c == grade_col:
            return grade_qcolor(scores[i].grade_colour)
        return None
    return fill


def _change_ink(scores, change_col: int):
    """Better than last period in green, worse in red (darker shades for paper)."""
    def ink(i: int, c: int) -> QColor | None:
        d = scores[i].delta
        if c != change_col or d is None or abs(d) < 0.005:
            return None
        return QColor("#15803d") if d > 0 else QColor("#c81e3a")
    return ink


def _trend_chart(page: _Page, labels: list[str], series, h: float) -> None:
    """Score per month, one line per department, drawn straight onto the page."""
    p = page.p
    page.need(h)
    left, top = page.px(34), page.y + page.px(6)
    right = page.width - page.px(120)
    bottom = page.y + h - page.px(22)
    values = [v for _n, vs in series for v in vs if v is not None]
    if not values or not labels:
        page.text(translate("AppraisalReport", "（无趋势数据）"), 9, colour=DIM)
        return
    lo = max(0.0, (min(values) // 5) * 5 - 5)
    hi = min(100.0, (max(values) // 5) * 5 + 5)
    if hi <= lo:
        hi = lo + 10

    def xy(i: int, v: float) -> QPointF:
        x = left + (right - left) * (i / max(1, len(labels) - 1))
        return QPointF(x, bottom - (v - lo) / (hi - lo) * (bottom - top))

    p.setFont(page.font(7.5))
    step = 5 if hi - lo <= 40 else 10
    v = lo
    while v <= hi + 1e-9:
        y = xy(0, v).y()
        p.setPen(QPen(QColor("#e5e7eb"), 2))
        p.drawLine(QPointF(left, y), QPointF(right, y))
        p.setPen(DIM)
        p.drawText(QRectF(0, y - page.px(6), left - page.px(4), page.px(12)),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{v:.0f}")
        v += step
    for i, label in enumerate(labels):
        text = month_name(int(label[5:])) if len(label) == 7 else label
        x = xy(i, lo).x()
        p.drawText(QRectF(x - page.px(30), bottom + page.px(3), page.px(60), page.px(12)),
                   Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
    p.setPen(QPen(RULE, 3))
    p.drawLine(QPointF(left, bottom), QPointF(right, bottom))
    for k, (name, vs) in enumerate(series):
        colour = QColor(series_colour(k)).darker(135)
        p.setPen(QPen(colour, page.px(1.4)))
        pts = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        for a, b in zip(pts, pts[1:], strict=False):
            p.drawLine(a, b)
        p.setBrush(colour)
        for pt in pts:
            p.drawEllipse(pt, page.px(1.8), page.px(1.8))
        ly = top + k * page.px(14)
        p.drawLine(QPointF(right + page.px(12), ly + page.px(6)),
                   QPointF(right + page.px(30), ly + page.px(6)))
        p.setPen(INK)
        p.setFont(page.font(8))
        p.drawText(QRectF(right + page.px(34), ly, page.px(86), page.px(12)),
                   Qt.AlignmentFlag.AlignVCenter, name)
        p.setFont(page.font(7.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    page.y += h + page.px(4)


def write_report(data: ReportData, out: Path) -> Path:
    """Draw ``data`` into the PDF ``out`` (written to a temporary file, then moved into place)."""
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise FileNotFoundError(translate("AppraisalReport", "目录不存在：{folder}").format(folder=out.parent))
    fd, tmp = tempfile.mkstemp(suffix=".pdf", prefix=".report-", dir=out.parent)
    os.close(fd)
    try:
        _draw(data, Path(tmp))
        fix_radicals(Path(tmp), FONT)  # copy and search give 月, not the radical ⽉
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _draw(data: ReportData, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    when = period_title(data.period)
    if data.period.kind == "month":
        title = translate("AppraisalReport", "{district}网格化管理绩效考核月报")
    else:
        title = translate("AppraisalReport", "{district}网格化管理绩效考核报告")
    title = title.format(district=data.district)
    writer.setTitle(f"{title} {data.period.label}")
    writer.setCreator(translate("AppraisalReport", "GridCC 网格化管理指挥中心"))
    page = _Page(writer, f"{title} · {data.period.label}")
    scheme = data.scheme
    weight = round(float(scheme.street_weight) * 100)
    centre = Qt.AlignmentFlag.AlignHCenter
    page.text(title, 20, bold=True, colour=HEAD_FILL, align=centre, gap=2)
    last_day = data.period.end - timedelta(days=1)
    page.text(translate("AppraisalReport", "考核周期：{period}（{first} 至 {last}）").format(
        period=when, first=f"{data.period.start:%Y-%m-%d}", last=f"{last_day:%Y-%m-%d}"),
        10.5, align=centre, gap=2)
    if data.published:
        state = translate("AppraisalReport", "本期数据已发布（冻结）")
    else:
        state = translate("AppraisalReport", "本期数据未发布，仅供参考")
    line = translate("AppraisalReport", "考核方案 {version} · {state}").format(
        version=scheme.version, state=state)
    if data.generated_at:
        line += translate("AppraisalReport", " · 生成于 {time}").format(
            time=f"{data.generated_at:%Y-%m-%d %H:%M}")
    page.text(line, 8.5, colour=DIM, align=centre, gap=8)

    page.heading(translate("AppraisalReport", "一、部门考核排名（下考上）"))
    page.text(translate("AppraisalReport",
                        "部门得分 = 街道评价 × {street}% + 客观指标得分 × {objective}%。"
                        "{count} 个部门参与排名（本期既无案件也无哨令的部门不排名）。").format(
                  street=weight, objective=100 - weight, count=len(data.departments)),
              9, colour=DIM)
    page.table(_texts(DEPARTMENT_HEADERS), _score_rows(data.departments, areas=False),
               [0.7, 3.2, 1.2, 1.2, 1.1, 0.9, 1.2],
               fills=_grade_fill(data.departments, 5), inks=_change_ink(data.departments, 6))

    page.heading(translate("AppraisalReport", "二、街道考核排名"))
    page.table(_area_headers(_text(SUBJECT_NAMES["street"])), _score_rows(data.streets, areas=True),
               AREA_WIDTHS, fills=_grade_fill(data.streets, 3), inks=_change_ink(data.streets, 4))
    if data.communities:
        level = _text(SUBJECT_NAMES[data.subject])
        page.heading(translate("AppraisalReport", "二（续）、{level}考核排名").format(level=level))
        page.table(_area_headers(level), _score_rows(data.communities, areas=True), AREA_WIDTHS,
                   fills=_grade_fill(data.communities, 3), inks=_change_ink(data.communities, 4))

    page.heading(translate("AppraisalReport", "三、红黑榜（{subject}）").format(
        subject=_text(SUBJECT_NAMES[data.subject])))
    half = (page.width - page.px(12)) / 2
    page.need(page.px(9 * 1.9) * (len(data.red) + 2))
    y0, bottoms = page.y, []
    for k, (name, entries) in enumerate(((RED_LIST, data.red), (BLACK_LIST, data.black))):
        page.y = y0  # side by side
        rows = [[str(s.rank), s.name, f"{s.score:.2f}", term(s.grade_label)] for s in entries]
        page.table([_text(name), *_texts(BOARD_HEADERS)], rows, [1.1, 3, 1.2, 1.1],
                   fills=_grade_fill(entries, 3), x0=k * (half + page.px(12)), width=half)
        bottoms.append(page.y)
    page.y = max(bottoms)

    if data.trend:
        page.heading(translate("AppraisalReport",
                               "四、得分趋势（得分前 {count} 名部门，{first} 至 {last}）").format(
            count=len(data.trend), first=data.trend_labels[0], last=data.trend_labels[-1]))
        _trend_chart(page, data.trend_labels, data.trend, page.px(190))

    page.heading(translate("AppraisalReport", "五、指标口径"))
    for i, n in enumerate(_definitions(scheme), 1):
        page.text(f"{i}. {n}", 8.5, colour=DIM, gap=2)
    page.finish()


def _definitions(scheme) -> list[str]:
    """The report's last section: what each rate counts, the grades and the points rules."""
    sep = translate("AppraisalReport", "；")

    def named(name: str, formula: str) -> str:
        return translate("AppraisalReport", "{name}：{formula}").format(name=name, formula=formula)

    notes = [named(indicator_name("due"), measure_formula("due"))]
    notes += [indicator_formula(code) if ind.formula_zh.startswith(ind.name_zh)
              else named(indicator_name(code), indicator_formula(code))
              for code, ind in INDICATORS.items() if ind.kind != "count"]
    notes.append(translate("AppraisalReport", "等级（分级分色）：") + sep.join(
        translate("AppraisalReport", "{grade} ≥ {score} 分").format(
            grade=term(g.label_zh), score=f"{g.min_score:g}")
        for g in scheme.grades))
    notes.append(translate("AppraisalReport", "客观指标计分：") + sep.join(
        translate("AppraisalReport", "{name} {weight} 分（{rule}）").format(
            name=indicator_name(i.indicator), weight=f"{i.weight:g}", rule=rule_text(i.rule))
        for i in scheme.objective))
    if scheme.deductions:
        notes.append(translate("AppraisalReport", "扣分项：") + sep.join(
            translate("AppraisalReport", "{name}每次扣 {points} 分（最多 {max} 分）").format(
                name=indicator_name(d.indicator), points=f"{d.points_each:g}", max=f"{d.max:g}")
            for d in scheme.deductions))
    notes.append(translate("AppraisalReport",
                           "百分比由精确计数计算，保留两位小数；分母为 0 时显示“—”。"))
    return notes
