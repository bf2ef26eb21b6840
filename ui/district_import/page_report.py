"""Page 4, 检查报告: hierarchy, gaps, overlaps and orphans (in m², with their places), the
repairs made, the other layers' records and the difference to the district stored.
A problem with a place is picked in the list to centre the map on it, with a marker."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.district_io.problems import ERROR, REPAIR, WARNING
from ui.district_import.preview_map import PreviewMap, legend_html
from ui.district_import.runner import ImportCancelled, StepRunner
from ui.district_import.texts import SEVERITY_COLOUR, SEVERITY_TEXT, counts_text, shown, title_html

AREA_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
#: the tree lists this many findings of a severity (the rest counted on a last line)
MAX_LISTED = 2000


class ReportPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title_html(self.tr("第 4 步　检查报告")))
        self.setSubTitle(self.tr("点击带 ◎ 的条目，右图定位到该处。有错误时不能导入：返回修改映射或坐标系，或在上一步勾选修复。"))
        self.summary = QLabel("")
        self.summary.setObjectName("ImportReportSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("ImportReportTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("文件"), self.tr("位置"), self.tr("说明")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(lambda item, _prev: self._picked(item))
        self.detail = QLabel(self.tr("选中一条查看完整说明。"))
        self.detail.setObjectName("ImportDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # room for three lines from the start: the list above does not jump when one is picked
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3 + 20)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.map = PreviewMap()
        self.map.set_outlines(wizard.outlines)
        legend = QLabel(legend_html(None))
        legend.setObjectName("ImportMapLegend")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.map, 1)
        rl.addWidget(legend)
        self.runner = StepRunner(self)
        self.runner.busyChanged.connect(lambda _b: self.completeChanged.emit())
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.summary)
        ll.addWidget(self.tree, 1)
        ll.addWidget(self.detail)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([1100, 800])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.runner)
        self.report = None

    def initializePage(self) -> None:
        s = self.wiz.session
        s.rewind(self.wiz.mark_geo)
        s.say = self.runner.progress
        self.report = self.wiz.report = None
        self.tree.clear()
        self.detail.setText(self.tr("选中一条查看完整说明。"))
        self.summary.setText(self.tr("正在检查层级、拓扑与其他图层……"))
        self.completeChanged.emit()
        self.runner.start(self.tr("层级与拓扑检查…"), s.validate, self._validated, self._failed)

    def cleanupPage(self) -> None:
        if not self.runner.busy:
            self.wiz.session.rewind(self.wiz.mark_geo)
        self.report = self.wiz.report = None

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(self.tr("已取消检查") if isinstance(exc, ImportCancelled)
                             else self.tr("检查失败：{reason}").format(reason=exc))

    def _validated(self, report) -> None:
        self.report = self.wiz.report = report
        f = report.findings
        n = {sev: len(f.of(sev)) for sev in (ERROR, WARNING, REPAIR)}
        head = (f"<b style='color:{SEVERITY_COLOUR[ERROR]}'>"
                + self.tr("{n} 个错误，不能导入").format(n=n[ERROR]) + "</b>" if n[ERROR]
                else "<b style='color:#4fd1a5'>" + self.tr("可以导入") + "</b>")
        lines = [head + self.tr("　警告 {warnings}　修复 {repairs}").format(warnings=n[WARNING], repairs=n[REPAIR])]
        if report.counts:
            lines.append(self.tr("将写入：{counts}").format(counts=counts_text(report.counts)))
        if report.diff is not None:
            d = report.diff
            lines.append(self.tr("与现有边界相比：新增 {added}，变化 {changed}，删除 {removed}，不变 {unchanged}").format(
                added=len(d["added"]), changed=len(d["changed"]), removed=len(d["removed"]),
                unchanged=d["unchanged"]))
        self.summary.setText("<br>".join(lines))
        self._fill(report)
        self._draw_layers()
        self.completeChanged.emit()

    def _fill(self, report) -> None:
        self.tree.clear()
        for sev in (ERROR, WARNING, REPAIR):
            items = report.findings.of(sev)
            if not items:
                continue
            top = QTreeWidgetItem([self.tr("{severity}（{n}）").format(severity=shown(SEVERITY_TEXT[sev]),
                                                                     n=len(items))])
            top.setForeground(0, QBrush(QColor(SEVERITY_COLOUR[sev])))
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for p in items[:MAX_LISTED]:
                where = ("◎ " if p.place else "") + p.where
                child = QTreeWidgetItem([Path(p.file).name if p.file else self.tr("（导入）"), where, p.reason])
                child.setData(0, Qt.ItemDataRole.UserRole, p.place)
                child.setData(0, AREA_ROLE, p.area_m2)
                child.setData(0, TEXT_ROLE, p.text())
                child.setToolTip(2, p.reason)
                top.addChild(child)
            if len(items) > MAX_LISTED:
                top.addChild(QTreeWidgetItem(["", "", self.tr("…… 另有 {n} 条（完整报告见命令行 --dry-run）").format(
                    n=len(items) - MAX_LISTED)]))
            top.setExpanded(sev != REPAIR or len(items) <= 200)
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(0, min(self.tree.sizeHintForColumn(0) + 24, 260))

    def _draw_layers(self) -> None:
        s = self.wiz.session
        self.map.clear_layers()
        for r, st in enumerate(s.staged):
            if st.geoms is not None and st.ok is not None and st.ok.any() and st.mapping.kind == "grids":
                self.map.set_layer(f"layer{r}", st.geoms[st.ok], selected=False)
        order = {REPAIR: 0, WARNING: 1, ERROR: 2}  # errors drawn last, on top
        places = sorted(((p.place[0], p.place[1], p.severity) for p in s.findings.items if p.place),
                        key=lambda t: order.get(t[2], 0))
        self.map.set_places(places)
        self.map.zoom_all()

    def places(self) -> list[QTreeWidgetItem]:
        """The listed findings that have a place (tests, screenshots)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out += [top.child(k) for k in range(top.childCount())
                    if top.child(k).data(0, Qt.ItemDataRole.UserRole)]
        return out

    def _picked(self, item: QTreeWidgetItem | None) -> None:
        if item is None or item.data(0, TEXT_ROLE) is None:
            return
        place = item.data(0, Qt.ItemDataRole.UserRole)
        text = item.data(0, TEXT_ROLE)
        if place:
            area = item.data(0, AREA_ROLE)
            # a sliver of a few m² needs a closer look than a street 500 m off
            span = 500.0 if not area else min(1500.0, max(150.0, math.sqrt(area) * 12))
            self.map.centre_on(place[0], place[1], span)
            self.tree.scrollToItem(item)
            text += self.tr("　［位置 {lon}, {lat}］").format(lon=f"{place[0]:.6f}", lat=f"{place[1]:.6f}")
        self.detail.setText(text)

    def isComplete(self) -> bool:
        return self.report is not None and self.report.ok and not self.runner.busy
