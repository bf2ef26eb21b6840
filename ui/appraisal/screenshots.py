"""Render the appraisal views to PNG files offscreen, to look at them:

    QT_QPA_PLATFORM=offscreen python -m ui.appraisal.screenshots --db DB OUT_PREFIX

writes OUT_PREFIX_dock.png (scoring dock at 1920×700 with a department's indicators),
_drilldown.png (the cases behind its 结案率),
_board.png (红黑榜 at 3840×2160), _trend.png (trend dock at 1600×800), _pdf.png (page
1 of the PDF report) and _report.pdf.  With ``--async``: OUT_PREFIX_computing.png and
_done.png, the scoring dock at 3840×2160 (wall scale) while the worker computes the
year's figures over the month's, and after they arrived."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def pdf_page_png(pdf: Path, out: Path, page: int = 0, width: int = 1654) -> None:
    """Page ``page`` of ``pdf`` as a PNG ``width`` pixels wide (QtPdf renders it)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    if doc.load(str(pdf)) != QPdfDocument.Error.None_:
        raise ValueError(f"{pdf} is not a readable PDF")
    pts = doc.pagePointSize(page)
    size = QSize(width, round(width * pts.height() / pts.width()))
    image = doc.render(page, size)
    flat = QImage(size, QImage.Format.Format_RGB32)  # the page is transparent: paper white
    flat.fill(QColor("#ffffff"))
    p = QPainter(flat)
    p.drawImage(0, 0, image)
    p.end()
    flat.save(str(out))
    doc.close()


def settle(app, *panels, timeout: float = 60.0) -> None:
    """Process events until no panel is computing (the appraisal worker is done)."""
    import time

    deadline = time.perf_counter() + timeout
    app.processEvents()
    while any(p.busy() for p in panels):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the appraisal figures did not arrive within {timeout:.0f} s")
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()


def async_states(app, store, period, prefix: str) -> None:
    """The scoring dock at 3840×2160 while it computes a year over the month shown,
    and once the year has arrived."""
    from ui.appraisal.scoring_dock import ScoringDock
    from ui.theme import apply_theme

    apply_theme(app, 2.0)
    dock = ScoringDock(store)
    dock.picker.set_period(period.label)
    dock.resize(3840, 2160)
    dock.refresh()
    settle(app, dock)
    dock.leagues["department"].select_row(0)
    settle(app, dock, dock.indicators)
    dock.picker.set_period(f"{period.start.year}")  # a year: computed on the worker
    app.processEvents()
    dock.grab().save(f"{prefix}_computing.png")
    settle(app, dock)
    dock.leagues["department"].select_row(0)
    settle(app, dock, dock.indicators)
    dock.grab().save(f"{prefix}_done.png")
    dock.close()
    apply_theme(app, 1.0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--period", default=None)
    ap.add_argument("--async", dest="async_states", action="store_true",
                    help="only the 4K dock while computing and after")
    ap.add_argument("prefix")
    a = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.appraisal import latest_complete_month, parse_period
    from app.store import open_store
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=False)
    store = open_store(a.db, read_only=True)
    period = parse_period(a.period) if a.period else latest_complete_month(store)
    prefix = a.prefix

    if a.async_states:
        async_states(app, store, period, prefix)
        store.close()
        return
    apply_theme(app, 1.0)
    from ui.appraisal.scoring_dock import ScoringDock

    dock = ScoringDock(store)
    dock.picker.set_period(period.label)
    dock.resize(1920, 700)
    dock.refresh()
    settle(app, dock)
    dock.leagues["department"].select_row(0)
    settle(app, dock, dock.indicators)
    dock.grab().save(f"{prefix}_dock.png")
    drills = []
    dock.indicators.drilled.connect(drills.append)
    dock.indicators.open_drill_down(dock.indicators.codes.index("close_rate"), show=False)
    settle(app, dock.indicators)
    drill = drills[0]
    drill.resize(1400, 700)
    drill.grab().save(f"{prefix}_drilldown.png")

    from ui.appraisal.red_black_board import RedBlackBoard
    from ui.appraisal.red_black_panel import fill_board

    apply_theme(app, 2.0)
    board = RedBlackBoard()
    fill_board(board, store, period)
    board.resize(3840, 2160)
    board.grab().save(f"{prefix}_board.png")

    apply_theme(app, 1.0)
    from ui.appraisal.trend_panel import TrendPanel

    trend = TrendPanel(store)
    trend.resize(1600, 800)
    trend.load()
    settle(app, trend)
    trend.grab().save(f"{prefix}_trend.png")

    from ui.appraisal.report_pdf import collect, write_report

    pdf = write_report(collect(store, period, "department"), Path(f"{prefix}_report.pdf"))
    pdf_page_png(pdf, Path(f"{prefix}_pdf.png"))
    store.close()


if __name__ == "__main__":
    main()
