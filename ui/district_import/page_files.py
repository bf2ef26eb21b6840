"""Page 1, 选择文件: the source files, where the import goes, and the reading options.

Leaving the page reads the files and proposes each layer's mapping off the GUI thread;
a file that cannot be read keeps the operator here with its reason (file, feature or
line, why) in Chinese.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from app.district_io.importer import ImportOptions
from app.district_io.problems import ERROR
from ui.district_import.runner import ImportCancelled, StepRunner
from ui.district_import.texts import ENCODING_CHOICES, SEVERITY_COLOUR, shown, title_html

SOURCE_FILTER = QT_TRANSLATE_NOOP("FilesPage", "矢量与表格 (*.shp *.gpkg *.geojson *.json *.js *.csv *.txt *.xlsx);;"
                                              "Shapefile (*.shp);;GeoPackage (*.gpkg);;GeoJSON (*.geojson *.json *.js);;"
                                              "CSV / Excel (*.csv *.txt *.xlsx);;所有文件 (*)")


class FilesPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title_html(self.tr("第 1 步　选择文件")))
        self.setSubTitle(self.tr("边界（街道、社区、网格）、建筑、摄像头、人员、部门：Shapefile、GeoPackage、"
                                 "GeoJSON、CSV 或 Excel，可一次选多个文件。"))
        self.files = QListWidget()
        self.files.setObjectName("ImportFiles")
        add = QPushButton(self.tr("添加文件…"))
        add.clicked.connect(self._add_files)
        remove = QPushButton(self.tr("移除所选"))
        remove.clicked.connect(self._remove)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(buttons)

        self.to_new = QRadioButton(self.tr("新建辖区文件"))
        self.to_current = QRadioButton(self.tr("导入到当前打开的辖区（与现有边界比较，保留案件与哨令）"))
        group = QButtonGroup(self)
        group.addButton(self.to_new)
        group.addButton(self.to_current)
        self.to_new.setChecked(True)
        self.to_current.setEnabled(wizard.current is not None)
        self.target_path = QLineEdit(str(wizard.default_target or ""))
        self.target_path.setObjectName("ImportTargetPath")
        self.target_path.setPlaceholderText(self.tr("新辖区的 .duckdb 文件"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse_target)
        new_row = QHBoxLayout()
        new_row.addWidget(self.to_new)
        new_row.addWidget(self.target_path, 1)
        new_row.addWidget(browse)

        self.mapping_path = QLineEdit()
        self.mapping_path.setPlaceholderText(self.tr("可选：上次保存的字段映射（TOML 或 JSON）"))
        mapping_browse = QPushButton(self.tr("浏览…"))
        mapping_browse.clicked.connect(self._browse_mapping)
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(self.mapping_path, 1)
        mapping_row.addWidget(mapping_browse)
        self.encoding = QComboBox()
        for label, value in ENCODING_CHOICES:
            self.encoding.addItem(shown(label), value)
        self.district_name = QLineEdit()
        self.district_name.setPlaceholderText(self.tr("可选：由街道合成区时的区名称"))
        form = QFormLayout()
        form.addRow(self.tr("字段映射文件"), mapping_row)
        form.addRow(self.tr("属性表编码"), self.encoding)
        form.addRow(self.tr("区名称"), self.district_name)

        self.problems = QLabel("")
        self.problems.setObjectName("ImportFileProblems")
        self.problems.setWordWrap(True)
        self.runner = StepRunner(self)
        self.runner.busyChanged.connect(lambda _b: self.completeChanged.emit())

        lay = QVBoxLayout(self)
        lay.addLayout(file_row, 3)
        lay.addSpacing(6)
        lay.addWidget(QLabel(self.tr("导入到")))
        lay.addLayout(new_row)
        lay.addWidget(self.to_current)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addWidget(self.problems, 1)
        lay.addWidget(self.runner)
        self._read_for: tuple | None = None  # what the session was read from
        self.files.model().rowsInserted.connect(lambda *_: self.completeChanged.emit())
        self.files.model().rowsRemoved.connect(lambda *_: self.completeChanged.emit())

    # -- inputs -------------------------------------------------------------------------
    def set_paths(self, paths: list[Path]) -> None:
        self.files.clear()
        self.files.addItems([str(p) for p in paths])

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("选择要导入的文件"), "", self.tr(SOURCE_FILTER))
        known = set(map(str, self.paths()))
        self.files.addItems([n for n in names if n not in known])

    def _remove(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def _browse_target(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("新辖区文件"), self.target_path.text(),
                                              self.tr("GridCC 辖区 (*.duckdb)"))
        if name:
            self.target_path.setText(name if name.endswith(".duckdb") else name + ".duckdb")

    def _browse_mapping(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("字段映射文件"), "", self.tr("映射文件 (*.toml *.json)"))
        if name:
            self.mapping_path.setText(name)

    def options(self) -> ImportOptions:
        from ui.district_import.wizard import user_and_role

        mapping = self.mapping_path.text().strip()
        return ImportOptions(encoding=self.encoding.currentData(),
                             mapping_file=Path(mapping) if mapping else None,
                             district_name=self.district_name.text().strip() or None,
                             user=user_and_role()[0])

    def _target(self):
        from ui.district_import.wizard import Target

        if self.to_current.isChecked() and self.wiz.current is not None:
            old = self.wiz.target
            if old is not None and old.store is not None:
                return Target(store=old.store)
            return Target(store=self.wiz.current.cursor())
        text = self.target_path.text().strip()
        return Target(path=Path(text).expanduser()) if text else None

    # -- leaving: read the files ----------------------------------------------------------
    def isComplete(self) -> bool:
        return self.files.count() > 0 and not self.runner.busy

    def validatePage(self) -> bool:
        target = self._target()
        if target is None:
            self._show([self.tr("请指定新辖区文件的位置（.duckdb）")])
            return False
        if target.is_new and target.path.exists():
            self._show([self.tr("{path} 已存在：新建辖区请换一个文件名，更新现有辖区请打开它后再导入")
                        .format(path=target.path)])
            return False
        key = (tuple(self.paths()), repr(self.options()), target.describe())
        if self._read_for == key and self.wiz.session is not None:
            return True
        self._read_for = None
        session = self.wiz.new_session(self.paths(), self.options(), target)
        session.say = self.runner.progress
        self._show([])

        def read():
            session.read()
            mark = session.mark()
            if session.findings.ok and session.sources:
                session.propose()
            return mark

        self.runner.start(self.tr("读取文件…"), read, lambda mark: self._read(key, mark), self._failed)
        return False

    def _read(self, key, mark: int) -> None:
        s = self.wiz.session
        mapping = str(s.options.mapping_file) if s.options.mapping_file else None
        # a file that cannot be read, or a mapping file that cannot be: fixed here, not later
        problems = [p for k, p in enumerate(s.findings.items) if p.severity == ERROR
                    and (k < mark or (mapping is not None and p.file == mapping))]
        if problems or not s.sources:
            self._show([p.text() for p in problems] or [self.tr("文件中没有可导入的图层")])
            return
        self.wiz.mark_read = mark
        self._read_for = key
        self.wiz.next()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ImportCancelled):
            self._show([self.tr("已取消读取")], colour=SEVERITY_COLOUR["warning"])
        else:
            self._show([self.tr("读取失败：{reason}").format(reason=exc)])

    def _show(self, lines: list[str], colour: str = SEVERITY_COLOUR["error"]) -> None:
        self.problems.setStyleSheet(f"color: {colour};")
        more = "\n" + self.tr("…… 另有 {n} 条").format(n=len(lines) - 30) if len(lines) > 30 else ""
        self.problems.setText("\n".join(lines[:30]) + more)
