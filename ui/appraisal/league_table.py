"""League tables (排名表) of department and area scores: rank, name, score, grade in
its colour (分级分色), change from last period (▲▼), and for departments the two
halves of the 下考上 score."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableWidget, QVBoxLayout, QWidget

from app.appraisal import format_rate
from ui import theme
from ui.appraisal.figures import delta_text, grade_qcolor, score_text, text_on
from ui.appraisal.vocabulary import term
from ui.docks.workflow_common import item, record_table

DEPARTMENT_COLUMNS = [
    QT_TRANSLATE_NOOP("LeagueTable", "排名"), QT_TRANSLATE_NOOP("LeagueTable", "部门"),
    QT_TRANSLATE_NOOP("LeagueTable", "得分"), QT_TRANSLATE_NOOP("LeagueTable", "等级"),
    QT_TRANSLATE_NOOP("LeagueTable", "较上期"), QT_TRANSLATE_NOOP("LeagueTable", "街道评价"),
    QT_TRANSLATE_NOOP("LeagueTable", "客观指标"), QT_TRANSLATE_NOOP("LeagueTable", "状态")]
AREA_COLUMNS = [
    QT_TRANSLATE_NOOP("LeagueTable", "排名"), QT_TRANSLATE_NOOP("LeagueTable", "名称"),
    QT_TRANSLATE_NOOP("LeagueTable", "得分"), QT_TRANSLATE_NOOP("LeagueTable", "等级"),
    QT_TRANSLATE_NOOP("LeagueTable", "较上期"), QT_TRANSLATE_NOOP("LeagueTable", "结案率"),
    QT_TRANSLATE_NOOP("LeagueTable", "按期结案率"), QT_TRANSLATE_NOOP("LeagueTable", "满意率"),
    QT_TRANSLATE_NOOP("LeagueTable", "状态")]
AREA_VALUES = ("close_rate", "on_time_close_rate", "satisfaction_rate")
#: translucency of the grade colour behind a whole row
ROW_TINT_ALPHA = 34


class LeagueTable(QWidget):
    """The ranked scores of one kind of subject; ``subjectChosen(id, name)`` on a click."""

    subjectChosen = Signal(object, str)

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind  # department | street | community
        self.columns = DEPARTMENT_COLUMNS if kind == "department" else AREA_COLUMNS
        self.table: QTableWidget = record_table([self.tr(c) for c in self.columns], stretch=1)
        self.table.setAlternatingRowColors(False)  # the grade tint colours the rows
        self.scores: list = []
        self.table.itemSelectionChanged.connect(self._chosen)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table)

    def show_scores(self, scores: list) -> None:
        """Fill the table with ``scores`` (ranked by the engine: rank 1 first)."""
        self.scores = sorted(scores, key=lambda s: s.rank)
        t = self.table
        t.blockSignals(True)
        t.clearContents()
        t.setRowCount(len(self.scores))
        bold = QFont(t.font())
        bold.setBold(True)
        for r, s in enumerate(self.scores):
            ident = s.department_id if self.kind == "department" else s.id
            change, change_colour = delta_text(s.delta)
            published = getattr(s, "published", False)
            cells = [str(s.rank), s.name, score_text(s.score), term(s.grade_label), change]
            if self.kind == "department":
                cells += [score_text(s.street_appraisal), score_text(s.objective)]
            else:
                cells += [format_rate(s.values.get(code)) for code in AREA_VALUES]
            cells.append(self.tr("已发布") if published else self.tr("未发布"))
            tint = QBrush(grade_qcolor(s.grade_colour, ROW_TINT_ALPHA))
            for c, text in enumerate(cells):
                it = item(text, data=ident if c == 0 else None)
                it.setBackground(tint)
                if c != 1:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                t.setItem(r, c, it)
            grade = t.item(r, 3)
            grade.setBackground(grade_qcolor(s.grade_colour))
            grade.setForeground(text_on(s.grade_colour))
            grade.setFont(bold)
            score = t.item(r, 2)
            score.setForeground(grade_qcolor(s.grade_colour).lighter(125))
            score.setFont(bold)
            t.item(r, 4).setForeground(grade_qcolor(change_colour))
            state = t.item(r, len(cells) - 1)
            if published:
                state.setToolTip(self.tr("本期已发布：数据冻结，不再变动"))
                state.setForeground(QColor(theme.HIGHLIGHT))
            else:
                state.setForeground(QColor(theme.TEXT_DIM))
            if s.previous_score is not None:
                t.item(r, 4).setToolTip(self.tr("上期 {score} 分").format(
                    score=f"{s.previous_score:.2f}"))
        t.blockSignals(False)
        self._fit_width()

    def _fit_width(self) -> None:
        """Never narrower than its columns with names of ~8 characters: a squeezed table
        would elide every name to '区…'."""
        t = self.table
        header = t.horizontalHeader()
        width = t.fontMetrics().horizontalAdvance("区" * 8) + 16  # i18n: no (a width sample)
        for c in range(t.columnCount()):
            if c != 1:
                width += max(t.sizeHintForColumn(c), header.sectionSizeHint(c))
        width += t.verticalScrollBar().sizeHint().width() + 2 * t.frameWidth() + 4
        t.setMinimumWidth(width)

    def subject_id(self, row: int):
        return self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            r = rows[0].row()
            self.subjectChosen.emit(self.subject_id(r), self.table.item(r, 1).text())
