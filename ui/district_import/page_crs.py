"""Page 3, 坐标系: the CRS each layer was read in (the .prj, ArcGIS names, Gauss-Kruger
zone forms told from the numbers), a choice per layer, the datum check (a layer 300-700 m
off the others: GCJ-02 or BD-09), and a map of the layers over the current district."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.district_io.problems import ERROR
from ui.district_import.preview_map import PreviewMap, legend_html
from ui.district_import.runner import ImportCancelled, StepRunner
from ui.district_import.texts import CRS_CHOICES, KIND_TEXT, SEVERITY_COLOUR, shown, title_html

#: the kinds that have a place (the others are plain tables: no CRS)
PLACED = ("grids", "buildings", "cameras", "merchants")


class CrsPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title_html(self.tr("第 3 步　坐标系")))
        self.setSubTitle(self.tr("各图层按 .prj 或坐标数值判定的坐标系；来自网络地图的数据常为 GCJ-02（.prj 却写 "
                                 "WGS 84），可逐层指定。右图为导入的图层叠在当前辖区上。"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("ImportCrsTable")
        self.table.setHorizontalHeaderLabels([self.tr("图层"), self.tr("判定的坐标系"), self.tr("指定坐标系")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.currentCellChanged.connect(lambda r, *_: self._draw(r))
        self.repair = QCheckBox(self.tr("修复：转换 GCJ-02/BD-09 偏移的图层，修正无效几何，狭长缝隙并入相邻单元（逐项列出）"))
        self.repair.setObjectName("ImportRepair")
        self.repair.toggled.connect(self._repair_toggled)
        self.recheck = QPushButton(self.tr("按所选坐标系重新检查"))
        self.recheck.clicked.connect(self.run)
        self.notes = QLabel("")
        self.notes.setObjectName("ImportCrsNotes")
        self.notes.setWordWrap(True)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.map = PreviewMap()
        self.map.set_outlines(wizard.outlines)
        self.legend = QLabel(legend_html(self.tr("所选图层（左表中选中的一行）")))
        self.legend.setObjectName("ImportMapLegend")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.map, 1)
        rl.addWidget(self.legend)
        self.runner = StepRunner(self)
        self.runner.busyChanged.connect(lambda _b: self.completeChanged.emit())

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table, 3)
        row = QHBoxLayout()
        row.addWidget(self.recheck)
        row.addStretch(1)
        ll.addLayout(row)
        ll.addWidget(self.repair)
        ll.addWidget(self.notes, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 900])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.runner)
        self.checked = False

    # -- the step -----------------------------------------------------------------------
    def initializePage(self) -> None:
        s = self.wiz.session
        self.repair.blockSignals(True)
        self.repair.setChecked(s.options.repair)
        self.repair.blockSignals(False)
        self.table.setRowCount(len(s.staged))
        for r, st in enumerate(s.staged):
            item = QTableWidgetItem(self.tr("{layer}（{kind}）").format(layer=st.source.name,
                                                                      kind=shown(KIND_TEXT[st.mapping.kind])))
            item.setToolTip(str(st.source.path))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, 0, item)
            self.table.setItem(r, 1, QTableWidgetItem("…"))
            if st.mapping.kind not in PLACED:
                self.table.setItem(r, 2, QTableWidgetItem(self.tr("—（无坐标）")))
                continue
            combo = QComboBox()
            for label, value in CRS_CHOICES:
                combo.addItem(shown(label), value)
            combo.setCurrentIndex(max(0, combo.findData(_option_of(st.override))))
            combo.activated.connect(lambda _i, r=r, c=combo: self._crs_chosen(r, c.currentData()))
            self.table.setCellWidget(r, 2, combo)
        self.table.resizeRowsToContents()
        self.run()

    def cleanupPage(self) -> None:  # back to the mapping: georeference again later
        if not self.runner.busy:
            self.wiz.session.rewind(self.wiz.mark_mapped)
        self.checked = False

    def _repair_toggled(self, on: bool) -> None:
        self.wiz.session.options.repair = on
        self.run()

    def _crs_chosen(self, row: int, value: str | None) -> None:
        try:
            self.wiz.session.set_crs(row, value)
        except ValueError as exc:
            self.notes.setText(str(exc))
            return
        self.run()

    def run(self) -> None:
        if self.runner.busy:
            return
        s = self.wiz.session
        s.rewind(self.wiz.mark_mapped)
        s.say = self.runner.progress
        self.checked = False
        self.completeChanged.emit()
        self.runner.start(self.tr("坐标与几何检查…"), s.georeference, lambda _r: self._checked(), self._failed)

    def _checked(self) -> None:
        s = self.wiz.session
        self.checked = True
        for r, st in enumerate(s.staged):
            label = st.crs.label() if st.crs else (self.tr("—（无坐标）") if st.mapping.kind not in PLACED
                                                   else self.tr("未能判定"))
            self.table.item(r, 1).setText(label)
            self.table.item(r, 1).setToolTip(label)
        notes = s.findings.items[self.wiz.mark_mapped:]
        colour = SEVERITY_COLOUR
        text = "<br>".join(f"<span style='color:{colour[p.severity]}'>{_html(p.text())}</span>"
                           for p in notes[:12]) or self.tr("坐标系与位置检查未发现问题。")
        if any(p.severity != "repair" and ("GCJ-02" in p.reason or "BD-09" in p.reason) for p in notes):
            text += "<br><br><b>{}</b>".format(self.tr("→ 在上表中为该图层指定 GCJ-02 或 BD-09，或勾选“修复”自动转换，"
                                                       "再看右图是否与当前辖区重合。"))
        self.notes.setText(text)
        if self.table.currentRow() < 0 and s.staged:
            self.table.selectRow(0)
        self._draw(max(0, self.table.currentRow()))
        self.completeChanged.emit()

    def _failed(self, exc: Exception) -> None:
        self.notes.setText(self.tr("已取消检查") if isinstance(exc, ImportCancelled)
                           else self.tr("检查失败：{reason}").format(reason=exc))

    def _draw(self, row: int) -> None:
        s = self.wiz.session
        if not self.checked or s is None:
            return
        self.map.clear_layers()
        for r, st in enumerate(s.staged):
            if st.geoms is None or st.ok is None or not st.ok.any() or st.mapping.kind not in PLACED:
                continue
            self.map.set_layer(f"layer{r}", st.geoms[st.ok], selected=r == row)
        self.map.zoom_all()

    def isComplete(self) -> bool:
        s = self.wiz.session
        return self.checked and not self.runner.busy and s is not None and not any(
            p.severity == ERROR for p in s.findings.items[self.wiz.mark_mapped:])

    def validatePage(self) -> bool:
        self.wiz.mark_geo = self.wiz.session.mark()
        return True


def _option_of(choice) -> str | None:
    """The combo value of a layer's chosen CRS (None: as found)."""
    if choice is None:
        return None
    if getattr(choice, "web", None):
        return choice.web
    return f"EPSG:{choice.epsg}" if getattr(choice, "epsg", None) else None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
