"""The printable appraisal report: a valid A4 PDF in Chinese with the CJK font embedded."""

from __future__ import annotations

import re

import pytest

from app.appraisal import latest_complete_month


def test_report_pdf_is_valid_with_cjk_font_embedded(store, themed_app, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    from ui.app import render_score_pdf

    out = tmp_path / "report.pdf"
    render_score_pdf(store, latest_complete_month(store), "department", out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data  # the font program is embedded, not just named
    assert re.search(rb"/BaseFont\s*/[A-Z]{0,6}\+?NotoSansCJK", data)
    doc = QPdfDocument()
    assert doc.load(str(out)) == QPdfDocument.Error.None_
    assert doc.pageCount() >= 1
    size = doc.pagePointSize(0)
    assert abs(size.width() - 595) < 2 and abs(size.height() - 842) < 2  # A4 portrait
    # the text copies and searches as Chinese: 月 and 门, not the radicals ⽉ and ⻔ that
    # share their glyphs in Noto Sans CJK
    text = doc.getAllText(0).text()
    assert "绩效考核月报" in text and "部门考核排名" in text and "2026年10月" in text
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF for ch in text)
    doc.close()
    assert not list(tmp_path.glob(".report-*"))  # no temporary file left behind


def test_report_to_a_missing_folder_is_a_clear_error(store, themed_app, tmp_path):
    from app.cli import UserError
    from ui.app import render_score_pdf

    with pytest.raises(UserError, match="report"):
        render_score_pdf(store, latest_complete_month(store), "department",
                         tmp_path / "nowhere" / "r.pdf")
