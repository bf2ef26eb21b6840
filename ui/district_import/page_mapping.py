"""Page 2, 图层与字段映射: what each layer is, which column feeds which field, and the
first records as mapped (the preview table).  The mapping can be saved for the next
import (TOML or JSON, the format ``district import --mapping`` reads)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.district_io.mapping import (
    LayerMapping,
    propose,
    required,
    save_mapping_file,
    targets,
)
from ui.district_import.texts import (
    FIELD_ZH,
    KIND_CHOICES,
    KIND_TEXT,
    LEVEL_CHOICES,
    LEVEL_ZH,
    NO_FIELD,
    SEVERITY_COLOUR,
    field_label,
    shown,
    title_html,
)

PREVIEW_ROWS = 20


class MappingPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title_html(self.tr("第 2 步　图层与字段映射")))
        self.setSubTitle(self.tr("已按常见字段名自动对应（名称/网格名称/NAME、编码/网格编码/CODE、层数……），"
                                 "可逐项修改；带 * 的为必填。下方是按当前映射读出的前 {n} 条记录。")
                         .format(n=PREVIEW_ROWS))
        self.layers = QListWidget()
        self.layers.setObjectName("ImportLayers")
        self.layers.currentRowChanged.connect(self._show_layer)
        self.kind = QComboBox()
        for label, value in KIND_CHOICES:
            self.kind.addItem(shown(label), value)
        self.kind.activated.connect(self._kind_or_level_changed)
        self.level = QComboBox()
        for label, value in LEVEL_CHOICES:
            self.level.addItem(shown(label), value)
        self.level.activated.connect(self._kind_or_level_changed)
        self.info = QLabel("")
        self.info.setObjectName("ImportLayerInfo")
        self.info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("图层内容"), self.kind)
        form.addRow(self.tr("边界层级"), self.level)
        form.addRow("", self.info)

        self.fields = QTableWidget(0, 2)
        self.fields.setObjectName("ImportFieldTable")
        self.fields.setHorizontalHeaderLabels([self.tr("导入为"), self.tr("文件中的字段")])
        self.fields.verticalHeader().setVisible(False)
        self.fields.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview = QTableWidget(0, 0)
        self.preview.setObjectName("ImportPreviewTable")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setAlternatingRowColors(True)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.problems = QLabel("")
        self.problems.setObjectName("ImportMappingProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {SEVERITY_COLOUR['error']};")
        save = QPushButton(self.tr("保存映射…"))
        save.setObjectName("ImportSaveMapping")
        save.setToolTip(self.tr("把各图层的内容与字段对应保存为 TOML 或 JSON，下次导入时在第 1 步选用"))
        save.clicked.connect(self._save_dialog)

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(QLabel(self.tr("图层")))
        left_lay.addWidget(self.layers, 1)
        left_lay.addWidget(save)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addLayout(form)
        right_lay.addWidget(self.fields, 1)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.addWidget(top, 5)
        lay.addWidget(QLabel(self.tr("预览（按当前映射）")))
        lay.addWidget(self.preview, 4)
        lay.addWidget(self.problems)

    # -- filling ------------------------------------------------------------------------
    def initializePage(self) -> None:
        s = self.wiz.session
        self.layers.clear()
        for st in s.staged:
            self.layers.addItem(self._layer_text(st))
        if s.staged:
            self.layers.setCurrentRow(0)
        self._show_problems()

    def _layer_text(self, st) -> str:
        lv = f" · {shown(LEVEL_ZH[st.mapping.level])}" if st.mapping.level else ""
        rows = self.tr("{n} 条").format(n=f"{len(st.source):,}")
        return f"{st.source.name}\n    {shown(KIND_TEXT[st.mapping.kind])}{lv} · {rows}"

    def _show_layer(self, row: int) -> None:
        s = self.wiz.session
        if s is None or not (0 <= row < len(s.staged)):
            return
        st = s.staged[row]
        self.kind.setCurrentIndex(self.kind.findData(st.mapping.kind))
        self.level.setCurrentIndex(self.level.findData(st.mapping.level))
        self.level.setEnabled(st.mapping.kind == "grids")
        src = st.source
        self.info.setText(self.tr("{driver} · 编码 {encoding} · 几何 {geometry} · 字段 {n} 个").format(
            driver=src.driver.upper(), encoding=src.encoding or "-",
            geometry=src.geometry_type or self.tr("无（表格）"), n=len(src.fields)))
        self._fill_fields(row)
        self._fill_preview(row)

    def _fill_fields(self, row: int) -> None:
        st = self.wiz.session.staged[row]
        need = set(required(st.mapping.kind))
        names = targets(st.mapping.kind)
        self.fields.setRowCount(len(names))
        for r, t in enumerate(names):
            item = QTableWidgetItem(field_label(t, t in need))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.fields.setItem(r, 0, item)
            combo = QComboBox()
            combo.addItem(shown(NO_FIELD), None)
            for f in st.source.fields:
                combo.addItem(f, f)
            combo.setCurrentIndex(max(0, combo.findData(st.mapping.fields.get(t))))
            combo.activated.connect(lambda _i, t=t, c=combo: self._field_changed(t, c.currentData()))
            self.fields.setCellWidget(r, 1, combo)
        self.fields.resizeRowsToContents()

    def _fill_preview(self, row: int) -> None:
        s = self.wiz.session
        rows = s.preview(row, PREVIEW_ROWS)
        cols = ["#"] + list(s.staged[row].mapping.fields)
        self.preview.clear()
        self.preview.setColumnCount(len(cols))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels([shown(FIELD_ZH[c]) if c in FIELD_ZH else c for c in cols])
        for r, rec in enumerate(rows):
            for c, key in enumerate(cols):
                v = rec.get(key)
                self.preview.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))
        self.preview.resizeColumnsToContents()

    # -- corrections -----------------------------------------------------------------------
    def _current(self) -> int:
        return self.layers.currentRow()

    def _kind_or_level_changed(self, _i: int = 0) -> None:
        row = self._current()
        st = self.wiz.session.staged[row]
        kind, level = self.kind.currentData(), self.level.currentData()
        if kind != "grids":
            level = None
        self.wiz.session.set_mapping(row, propose(st.source, kind, level))
        self._after_change(row)

    def _field_changed(self, target: str, source: str | None) -> None:
        row = self._current()
        m = self.wiz.session.staged[row].mapping
        fields = {k: v for k, v in m.fields.items() if k != target and (source is None or v != source)}
        if source is not None:
            fields[target] = source
        self.wiz.session.set_mapping(row, LayerMapping(m.kind, m.level, fields))
        self._after_change(row)

    def _after_change(self, row: int) -> None:
        self.layers.item(row).setText(self._layer_text(self.wiz.session.staged[row]))
        self._show_layer(row)
        self._show_problems()
        self.completeChanged.emit()

    def _show_problems(self) -> None:
        s = self.wiz.session
        errors = [p.text() for p in s.findings.errors]
        self.problems.setText("\n".join(errors[:8]))
        self.problems.setVisible(bool(errors))

    def isComplete(self) -> bool:
        return self.wiz.session is not None and self.wiz.session.findings.ok

    def validatePage(self) -> bool:
        self.wiz.mark_mapped = self.wiz.session.mark()
        return True

    # -- the mapping file -----------------------------------------------------------------
    def save_mapping(self, path: Path) -> None:
        s = self.wiz.session
        save_mapping_file(path, [(st.source, st.mapping) for st in s.staged])

    def _save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存字段映射"), self.tr("导入映射.toml"),
                                              "TOML (*.toml);;JSON (*.json)")
        if name:
            self.save_mapping(Path(name))
