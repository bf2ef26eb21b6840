"""红黑榜 as a dock (subject and period chosen by the operator) and as a panel over
the map in big-screen mode (the last complete month's departments)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.appraisal import area_scores, department_scores, latest_complete_month, red_black_list
from ui.appraisal.jobs import busy_label, channel_name, dim, first_line, jobs_for
from ui.appraisal.period_picker import PeriodPicker, display_label
from ui.appraisal.red_black_board import BoardEntry, RedBlackBoard
from ui.docks.workflow_common import REFUSALS
from ui.i18n import translate

log = logging.getLogger(__name__)

SUBJECTS = (("department", QT_TRANSLATE_NOOP("RedBlackPanel", "部门考核（下考上）")),
            ("street", QT_TRANSLATE_NOOP("RedBlackPanel", "街道考核")),
            ("community", QT_TRANSLATE_NOOP("RedBlackPanel", "社区考核")))
LIST_LENGTH = 5
#: share of the map's width the board takes in big-screen mode
BIG_SCREEN_WIDTH_SHARE = 0.30


def board_lists(store, period, subject: str = "department", n: int = LIST_LENGTH) -> tuple:
    """What the board shows for ``period`` and ``subject``: (title, subtitle, red
    entries, black entries, rows).  Computation only: runs on the appraisal worker."""
    scores = (department_scores(store, period) if subject == "department"
              else area_scores(store, period, subject))
    red, black = red_black_list(scores, n)
    title = translate("RedBlackPanel", dict(SUBJECTS)[subject])
    published = bool(scores) and all(getattr(s, "published", False) for s in scores)
    when = display_label(period.label)
    return (translate("RedBlackPanel", "红黑榜 · {subject}").format(subject=title),
            when if published else translate("RedBlackPanel", "{period}（未发布）").format(period=when),
            [BoardEntry.of(s) for s in red], [BoardEntry.of(s) for s in black], n)


def fill_board(board: RedBlackBoard, store, period, subject: str = "department",
               n: int = LIST_LENGTH) -> None:
    """Put the period's red and black lists of ``subject`` on ``board`` (computed here:
    for reports and screenshots, not for a panel of the running window)."""
    board.set_lists(*board_lists(store, period, subject, n))


class RedBlackPanel(QWidget):
    """The board under a subject and period choice."""

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.subject = QComboBox()
        for key, name in SUBJECTS:
            self.subject.addItem(self.tr(name), key)
        self.picker = PeriodPicker(latest_complete_month(store))
        self.board = RedBlackBoard()
        self.busy_label = busy_label()
        self.jobs = jobs_for(store)
        self._channel = channel_name("red_black")
        self.message = QLabel()
        self.message.setObjectName("Alert")
        self.message.hide()
        row = QHBoxLayout()
        row.addWidget(self.subject)
        row.addWidget(self.picker)
        row.addWidget(self.busy_label)
        row.addStretch(1)
        v = QVBoxLayout(self)
        v.addLayout(row)
        v.addWidget(self.board, 1)
        v.addWidget(self.message)
        self.loaded = False  # filled when first shown, not at start-up
        self.subject.currentIndexChanged.connect(lambda _i: self.loaded and self.refresh())
        self.picker.periodChanged.connect(lambda _p: self.loaded and self.refresh())

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if not self.loaded:
            self.refresh()

    def busy(self) -> bool:
        return self.jobs.busy(self._channel)

    def refresh(self) -> None:
        """Compute the chosen lists on the appraisal worker; the board keeps the last
        ones, dimmed, until they arrive."""
        self.loaded = True
        period, subject = self.picker.period(), self.subject.currentData()
        self.busy_label.show()
        dim(self.board, True)
        self.jobs.submit(self._channel, lambda cur: board_lists(cur, period, subject),
                         self._show, self._failed, owner=self)

    def _show(self, lists: tuple) -> None:
        self.busy_label.hide()
        dim(self.board, False)
        self.message.hide()
        self.board.set_lists(*lists)

    def _failed(self, exc: Exception) -> None:
        self.busy_label.hide()
        dim(self.board, False)
        if not isinstance(exc, REFUSALS):
            log.error("red/black list failed", exc_info=exc)
        self.message.setText(self.tr("无法生成红黑榜：{reason}").format(reason=first_line(exc)))
        self.message.show()


class BigScreenBoard(QObject):
    """In big-screen mode, the red/black board stands at the right of the map under the
    headline strip; it follows the canvas's size and leaves with the mode."""

    def __init__(self, big_screen, store) -> None:
        super().__init__(big_screen)
        self.big_screen = big_screen
        self.canvas = big_screen.window.canvas
        self._store = store
        self.board: RedBlackBoard | None = None
        self.jobs = jobs_for(store)
        self._channel = channel_name("big_screen_board")
        self.canvas.installEventFilter(self)

    def set_active(self, on: bool) -> None:
        if not on:
            self.jobs.cancel(self._channel)
            if self.board is not None:
                self.board.hide()
            self.big_screen.reserve("right", 0)
            return
        if self.board is None:
            self.board = RedBlackBoard(self.canvas)
            self.board.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        period = latest_complete_month(self._store)
        self.jobs.submit(self._channel, lambda cur: board_lists(cur, period), self._show,
                         self._failed, owner=self)

    def _show(self, lists: tuple) -> None:
        if not self.big_screen.active or self.board is None:
            return  # the mode was left while the lists were computed
        self.board.set_lists(*lists)
        self.place()
        self.board.show()
        self.board.raise_()
        QTimer.singleShot(0, self, self._shift_map)

    def _failed(self, exc: Exception) -> None:
        # the map and headline still show; the log has the reason
        log.error("red/black list for the big screen failed: %s", first_line(exc))
        if self.board is not None:
            self.board.hide()
        self.big_screen.reserve("right", 0)

    def _shift_map(self) -> None:
        """The district is fitted beside the board (the big screen's free box)."""
        if not self.big_screen.active or self.board is None or not self.board.isVisible():
            return
        self.big_screen.reserve("right", self.canvas.width() - self.board.x())

    def place(self) -> None:
        if self.board is None or not self.board.isVisible() and not self.big_screen.active:
            return
        c = self.canvas
        strip = self.big_screen.strip
        top = strip.geometry().bottom() + 1 if strip.isVisible() else 0
        margin = round(c.height() * 0.012)
        w = round(c.width() * BIG_SCREEN_WIDTH_SHARE)
        self.board.setGeometry(c.width() - w - margin, top + margin, w,
                               c.height() - top - 2 * margin)

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt API)
        if obj is self.canvas and ev.type() == QEvent.Type.Resize and self.big_screen.active:
            self.place()
            self._shift_map()
        return False
