"""The appraisal and video panels in English: the engine's vocabulary reaches the
catalogue, periods and months read as English, the PDF report follows the interface
language and keeps its layout."""

from __future__ import annotations

import re

import pytest

from app.appraisal import INDICATORS, MEASURES, latest_complete_month

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def english(themed_app):
    """The English catalogues installed for one test, Chinese again afterwards."""
    from PySide6.QtCore import QLocale

    from ui import i18n

    locale = QLocale()
    assert i18n.install(themed_app, "en") == "en"
    yield themed_app
    i18n.install(themed_app, "zh_CN")
    QLocale.setDefault(locale)


def test_every_term_of_the_engine_is_in_the_vocabulary_and_translated():
    """A new indicator, measure, drill-down column or default grade in app.appraisal
    must be added to ui/appraisal/vocabulary.py (the one list of the appraisal's terms)
    and translated in its catalogue, or it shows in Chinese in the English interface."""
    import json

    from app.appraisal.drilldown import CASE_COLUMNS, PATROL_COLUMNS, WHISTLE_COLUMNS
    from ui import i18n
    from ui.appraisal import vocabulary
    from ui.resources import resources_dir

    scheme = json.loads((resources_dir() / "appraisal" / "scheme-v1.json").read_text("utf-8"))
    terms = {*vocabulary.NAMES, *vocabulary.FORMULAS, *vocabulary.COLUMNS, *vocabulary.GRADES}
    wanted = ({i.name_zh for i in INDICATORS.values()} | {i.formula_zh for i in INDICATORS.values()}
              | {m.name_zh for m in MEASURES.values()} | {m.formula_zh for m in MEASURES.values()}
              | {*CASE_COLUMNS, *WHISTLE_COLUMNS, *PATROL_COLUMNS}
              | {g["label"] for g in scheme["grades"]})
    assert wanted - terms == set()
    translated = {src for ctx, src, tr in i18n.messages(i18n.catalogue("appraisal"))
                  if ctx == "domain" and tr}
    assert terms - translated == set()


def test_periods_and_indicators_read_in_english(english):
    from app.appraisal import Period
    from ui.appraisal.period_picker import display_label
    from ui.appraisal.report_pdf import period_title
    from ui.appraisal.trend_chart import month_ticks
    from ui.appraisal.vocabulary import indicator_formula, indicator_name

    assert display_label("2026-10") == "Oct 2026"
    assert display_label("2026Q3") == "Q3 2026"
    assert period_title(Period.month(2026, 1)) == "Jan 2026"
    assert [t for _i, t in month_ticks(["2025-12", "2026-01", "2026-02"])] == \
        ["Dec 2025", "Jan 2026", "Feb"]
    for code in INDICATORS:
        assert not CJK.search(indicator_name(code)), code
        assert not CJK.search(indicator_formula(code)), code


def test_scoring_dock_in_english_has_no_chinese_but_data(english, store, qtbot):
    from ui.appraisal.scoring_dock import ScoringDock

    dock = ScoringDock(store)
    qtbot.addWidget(dock)
    dock.refresh()
    qtbot.waitUntil(lambda: not dock.busy(), timeout=30_000)
    league = dock.leagues["department"].table
    headers = [league.horizontalHeaderItem(c).text() for c in range(league.columnCount())]
    assert headers[:3] == ["Rank", "Department", "Score"]
    assert league.rowCount() > 0
    # names (column 1) are data; every other cell is figures or English
    for r in range(league.rowCount()):
        for c in range(league.columnCount()):
            if c != 1:
                assert not CJK.search(league.item(r, c).text()), (r, c)
    assert dock.pdf_button.text() == "Export report"
    assert not CJK.search(dock.picker.value.currentText())
    dock.close()
    dock.jobs.wait()


def test_pdf_report_follows_the_interface_language(english, store, tmp_path):
    """In English the report is English (names of places and departments are data)."""
    from PySide6.QtPdf import QPdfDocument

    from ui.appraisal.report_pdf import collect, write_report

    out = write_report(collect(store, latest_complete_month(store), "department"),
                       tmp_path / "report.pdf")
    doc = QPdfDocument()
    assert doc.load(str(out)) == QPdfDocument.Error.None_
    text = "\n".join(doc.getAllText(p).text() for p in range(doc.pageCount()))
    doc.close()
    assert "Monthly Performance Report" in text and "Department ranking" in text
    assert "绩效考核月报" not in text and "指标口径" not in text
    for header in ("Street rating", "On-time rate", "Black list", "Indicator definitions"):
        assert header in text


def test_a_cell_text_wider_than_its_column_shrinks_to_fit(themed_app, tmp_path):
    """English words are longer than the Chinese the columns were sized for: a header
    or value too wide for its cell is drawn smaller (down to 70 %), not cut off."""
    from PySide6.QtGui import QFontMetricsF, QPdfWriter

    from ui.appraisal.report_pdf import DPI, _Page

    writer = QPdfWriter(str(tmp_path / "fit.pdf"))
    writer.setResolution(DPI)
    page = _Page(writer, "")
    try:
        text = "On-time closure rate"
        full = QFontMetricsF(page.font(9, True)).horizontalAdvance(text)
        width = full * 0.8
        assert QFontMetricsF(page.fitted(text, width, 9, True)).horizontalAdvance(text) <= width
        assert page.fitted("Rank", width, 9, True).pixelSize() == page.font(9, True).pixelSize()
        # never below 70 %: a far too narrow column overflows rather than turning unreadable
        tiny = page.fitted(text, full * 0.2, 9, True)
        assert tiny.pixelSize() >= round(page.font(9 * 0.7, True).pixelSize())
    finally:
        page.finish()
