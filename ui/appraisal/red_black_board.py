"""The red/black list board (红黑榜) for the big screen: the best (红榜) and the worst
(黑榜) of a period in type readable from several metres.

Everything is painted to the widget's size (no fixed pixel sizes): the same board
is a dock on a workstation and a panel over the map on a 3840×2160 wall.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme
from ui.appraisal.figures import delta_text, grade_qcolor, text_on
from ui.appraisal.vocabulary import term

RED_TOP, RED_BOTTOM = "#d3122f", "#7a0a1c"
BLACK_TOP, BLACK_BOTTOM = "#2b2f36", "#050607"
GOLD = "#ffd34d"
#: layout side by side when the board is this much wider than high
SIDE_BY_SIDE_RATIO = 1.25


@dataclass(frozen=True)
class BoardEntry:
    """One line of a list: rank, name, score, grade and the change from last period."""

    rank: int
    name: str
    score: float
    grade_label: str
    grade_colour: str
    delta: float | None = None

    @classmethod
    def of(cls, score) -> BoardEntry:
        """From a DepartmentScore / AreaScore of app.appraisal."""
        return cls(int(score.rank), str(score.name), float(score.score), str(score.grade_label),
                   str(score.grade_colour), getattr(score, "delta", None))


class RedBlackBoard(QWidget):
    """红榜 (best first) and 黑榜 (worst first) under a title line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RedBlackBoard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.title = self.tr("红黑榜")
        self.subtitle = ""
        self.red: list[BoardEntry] = []
        self.black: list[BoardEntry] = []
        self.rows = 5

    def set_lists(self, title: str, subtitle: str, red: list[BoardEntry],
                  black: list[BoardEntry], rows: int | None = None) -> None:
        self.title, self.subtitle = title, subtitle
        self.red, self.black = list(red), list(black)
        self.rows = max(1, rows or max(len(self.red), len(self.black), 1))
        self.update()

    def lines(self) -> dict[str, list[str]]:
        """What the board shows, as text (for tests and the accessible description)."""
        return {"红榜": [f"{e.rank} {e.name} {e.score:.2f}" for e in self.red],  # i18n: no (keys)
                "黑榜": [f"{e.rank} {e.name} {e.score:.2f}" for e in self.black]}  # i18n: no

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = float(self.width()), float(self.height())
        bg = QLinearGradient(0, 0, 0, h)
        bg.setColorAt(0, QColor("#081a33"))
        bg.setColorAt(1, QColor(theme.MAP_BACKGROUND))
        p.fillRect(self.rect(), bg)
        side = w >= SIDE_BY_SIDE_RATIO * h
        pad = max(6.0, min(w, h) * 0.02)
        title_h = h * (0.11 if side else 0.075)
        self._title(p, QRectF(pad, pad * 0.5, w - 2 * pad, title_h))
        top = pad * 0.5 + title_h + pad * 0.5
        if side:
            pw = (w - 3 * pad) / 2
            boxes = [QRectF(pad, top, pw, h - top - pad), QRectF(2 * pad + pw, top, pw, h - top - pad)]
        else:
            ph = (h - top - 2 * pad) / 2
            boxes = [QRectF(pad, top, w - 2 * pad, ph), QRectF(pad, top + ph + pad, w - 2 * pad, ph)]
        self._panel(p, boxes[0], self.tr("红榜"), self.tr("表扬"), self.red, RED_TOP, RED_BOTTOM,
                    GOLD, "#ffffff")
        self._panel(p, boxes[1], self.tr("黑榜"), self.tr("通报"), self.black, BLACK_TOP,
                    BLACK_BOTTOM, "#c9d3df", "#c9d3df")
        p.end()

    def _title(self, p: QPainter, r: QRectF) -> None:
        px = r.height() * 0.52
        # title and period share the line: shrink both until they fit side by side
        while px > 10:
            p.setFont(_font(px, True))
            need = p.fontMetrics().horizontalAdvance(self.title)
            p.setFont(_font(px * 0.62, False))
            need += p.fontMetrics().horizontalAdvance(self.subtitle) + px
            if need <= r.width():
                break
            px *= 0.92
        p.setFont(_font(px, True))
        p.setPen(QColor(theme.ACCENT))
        p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        p.setFont(_font(px * 0.62, False))
        p.setPen(QColor(theme.TEXT))
        p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.subtitle)
        p.setPen(QPen(QColor(theme.ACCENT), max(2.0, r.height() * 0.03)))
        p.drawLine(r.bottomLeft(), r.bottomRight())

    def _panel(self, p: QPainter, r: QRectF, name: str, tag: str, entries: list[BoardEntry],
               top: str, bottom: str, rank_colour: str, tag_colour: str) -> None:
        head_h = min(r.height() * 0.17, r.width() * 0.16)
        row_h = (r.height() - head_h) / self.rows
        # frame
        p.setPen(QPen(QColor(top).lighter(130), max(2.0, head_h * 0.04)))
        p.setBrush(QColor(4, 10, 20, 235))
        p.drawRoundedRect(r, head_h * 0.12, head_h * 0.12)
        head = QRectF(r.left(), r.top(), r.width(), head_h)
        grad = QLinearGradient(head.topLeft(), head.bottomLeft())
        grad.setColorAt(0, QColor(top))
        grad.setColorAt(1, QColor(bottom))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(grad))
        p.drawRoundedRect(head, head_h * 0.12, head_h * 0.12)
        p.setFont(_font(head_h * 0.55, True))
        p.setPen(QColor("#ffffff"))
        inset = head_h * 0.35
        p.drawText(head.adjusted(inset, 0, -inset, 0),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        p.setFont(_font(head_h * 0.3, False))
        p.setPen(QColor(tag_colour))
        p.drawText(head.adjusted(inset, 0, -inset, 0),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tag)
        if not entries:
            p.setFont(_font(row_h * 0.35, False))
            p.setPen(QColor(theme.TEXT_DIM))
            p.drawText(QRectF(r.left(), r.top() + head_h, r.width(), row_h),
                       Qt.AlignmentFlag.AlignCenter, self.tr("暂无数据"))
            return
        for i, e in enumerate(entries[: self.rows]):
            self._row(p, QRectF(r.left(), r.top() + head_h + i * row_h, r.width(), row_h), e,
                      rank_colour, i)

    def _row(self, p: QPainter, r: QRectF, e: BoardEntry, rank_colour: str, i: int) -> None:
        if i % 2:
            p.fillRect(r.adjusted(2, 0, -2, 0), QColor(255, 255, 255, 12))
        # type follows the row height, capped so that a name of 8-9 characters still
        # fits beside rank, change, score and grade
        px = min(r.height() * 0.42, r.width() / 20.5)
        inset = px * 0.55
        x = r.left() + inset
        # rank badge
        d = px * 1.45
        badge = QRectF(x, r.center().y() - d / 2, d, d)
        p.setPen(QPen(QColor(rank_colour), max(2.0, px * 0.07)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(badge)
        p.setFont(_font(px * 0.78, True))
        p.setPen(QColor(rank_colour))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(e.rank))
        x += d + inset
        # grade tag and score from the right
        right = r.right() - inset
        p.setFont(_font(max(px * 0.58, 12.0), True))
        # one tag width for the board (the widest grade shown): the score column stays put
        labels = [term(x.grade_label) for x in (*self.red, *self.black)]
        tag_w = max(p.fontMetrics().horizontalAdvance(t) for t in [*labels, "较差"]) + px * 0.6  # i18n: no
        tag = QRectF(right - tag_w, r.center().y() - px * 0.5, tag_w, px)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(grade_qcolor(e.grade_colour))
        p.drawRoundedRect(tag, px * 0.15, px * 0.15)
        p.setPen(text_on(e.grade_colour))
        p.drawText(tag, Qt.AlignmentFlag.AlignCenter, term(e.grade_label))
        right = tag.left() - inset
        p.setFont(_font(px, True))
        score = f"{e.score:.2f}"
        sw = p.fontMetrics().horizontalAdvance("100.00")
        p.setPen(grade_qcolor(e.grade_colour))
        p.drawText(QRectF(right - sw, r.top(), sw, r.height()),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score)
        right -= sw + inset * 0.6
        text, colour = delta_text(e.delta)
        p.setFont(_font(max(px * 0.5, 12.0), False))
        dw = p.fontMetrics().horizontalAdvance("▼ 00.00")
        p.setPen(QColor(colour))
        p.drawText(QRectF(right - dw, r.top(), dw, r.height()),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        right -= dw + inset * 0.6
        # the name takes what is left
        p.setFont(_font(px * 0.92, True))
        p.setPen(QColor(theme.TEXT))
        name = p.fontMetrics().elidedText(e.name, Qt.TextElideMode.ElideRight, int(right - x))
        p.drawText(QRectF(x, r.top(), right - x, r.height()),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)


def _font(px: float, bold: bool) -> QFont:
    return theme.ui_font(max(8, round(px)), bold)
