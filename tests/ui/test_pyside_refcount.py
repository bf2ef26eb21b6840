"""Regression guard: PySide6 6.12.0 on Python 3.11 decrements None's refcount on
every void QPainter/QPainterPath call and aborts in none_dealloc after a few
thousand.  We pin 6.11.x; this test makes a million such calls."""

import sys

import PySide6
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath


def test_pyside_is_pinned_below_6_12():
    major, minor = (int(v) for v in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12), f"PySide6 {PySide6.__version__} crashes on Python 3.11"


def test_a_million_void_painter_calls_keep_none_alive():
    before = sys.getrefcount(None)
    path = QPainterPath()
    for i in range(500_000):
        path.lineTo(float(i % 640), float(i % 480))  # void
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    brush = QBrush(QColor(10, 200, 220))
    rect = QRectF(1, 1, 4, 4)
    for _ in range(250_000):
        painter.setBrush(brush)  # void
        painter.drawRect(rect)  # void
    painter.end()
    after = sys.getrefcount(None)
    # Each broken call would take one reference from None: a million calls, a million lost.
    assert after >= before - 100, f"None lost {before - after} references"
    assert path.elementCount() >= 500_000
