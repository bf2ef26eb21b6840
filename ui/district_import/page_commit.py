"""Page 5, 导入: one transaction, audited (who imported which files, with their SHA-256),
with a progress bar; 取消 works until the writing starts (nothing is written before).
Then the district is opened: a new district file in a new GridCC window, the district
open now by reopening the main window on it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWizard, QWizardPage

from ui.district_import.runner import ImportCancelled, StepRunner
from ui.district_import.texts import SEVERITY_COLOUR, counts_text, title_html

_B = QWizard.WizardButton
DEFAULT_BUTTONS = [_B.Stretch, _B.BackButton, _B.NextButton, _B.CommitButton, _B.FinishButton,
                   _B.CancelButton]


class CommitPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title_html(self.tr("第 5 步　导入")))
        self.setSubTitle(self.tr("一次事务写入并记入审计日志；写入开始前可随时取消，取消后不写入任何数据。"))
        self.summary = QLabel("")
        self.summary.setObjectName("ImportCommitSummary")
        self.summary.setWordWrap(True)
        self.start_button = QPushButton(self.tr("开始导入"))
        self.start_button.setObjectName("ImportStart")
        self.start_button.clicked.connect(self.start)
        self.result = QLabel("")
        self.result.setObjectName("ImportResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.open_button = QPushButton(self.tr("打开辖区"))
        self.open_button.setObjectName("ImportOpen")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_district)
        self.runner = StepRunner(self)
        self.runner.busyChanged.connect(lambda _b: self.completeChanged.emit())
        # while it writes the wizard cannot be left: 取消 would only wait for the end
        self.runner.writing.connect(lambda: self.wiz.setButtonLayout([QWizard.WizardButton.Stretch]))
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addSpacing(12)
        lay.addLayout(row)
        lay.addWidget(self.runner)
        lay.addWidget(self.result, 1)
        self.committed = None  # the report once written

    def initializePage(self) -> None:
        w = self.wiz
        files = "<br>".join(f"· {st.source.name}" for st in w.session.staged)
        self.summary.setText(self.tr("导入到：{target}<br>文件：<br>{files}<br><br>将写入：{counts}").format(
            target=w.target.describe(), files=files, counts=counts_text(w.report.counts) if w.report else "-"))
        self.start_button.setEnabled(True)
        self.result.setText("")

    def start(self) -> None:
        from app.clock import store_clock
        from app.store import open_store
        from ui.district_import.wizard import user_and_role

        w, runner = self.wiz, self.runner
        session, target = w.session, w.target
        role = user_and_role()[1] if not target.is_new else "import"
        self.start_button.setEnabled(False)
        session.say = runner.progress

        def commit():
            runner.progress("准备写入", 0.7)  # i18n: no (a step's words, shown through texts.step_text)
            created = target.is_new
            store = open_store(target.path, create=True) if created else target.store
            try:
                runner.no_return("写入数据库…")  # i18n: no (as above)
                session.say = runner.report
                session.store = store
                report = session.commit(store, now=store_clock(store).now(), role=role)
            except BaseException:
                if created:
                    store.close()
                    _remove_district_file(target.path)
                raise
            if created:
                store.close()
                if not report.committed:
                    _remove_district_file(target.path)
            return report

        runner.start(self.tr("导入…"), commit, self._committed, self._failed)

    def _committed(self, report) -> None:
        self.wiz.setButtonLayout(DEFAULT_BUTTONS)
        if not report.committed:
            self.result.setText(f"<span style='color:{SEVERITY_COLOUR['error']}'>"
                                + self.tr("没有写入：有 {n} 个错误").format(n=len(report.findings.errors)) + "</span>")
            self.start_button.setEnabled(True)
            return
        self.committed = report
        # written: no way back to the steps before (the wizard ends with 完成)
        self.wiz.setButtonLayout([QWizard.WizardButton.Stretch, QWizard.WizardButton.FinishButton])
        t = self.wiz.target
        where = t.path if t.is_new else self.tr("当前辖区")
        text = (f"<b style='color:{SEVERITY_COLOUR['repair']}'>" + self.tr("导入完成") + "</b>"
                + self.tr("（一个事务，已记入审计日志）：{counts}，写入 {where}。").format(
                    counts=counts_text(report.counts), where=where))
        if t.is_new:
            text += "<br><br>" + self.tr("也可以在命令行打开：") + (
                f"<br><code>{Path(sys.executable).name} -m app run --db {t.path}</code>")
        self.result.setText(text)
        self.open_button.setText(self.tr("在新窗口打开新辖区") if t.is_new else self.tr("重新打开主窗口"))
        self.open_button.setVisible(True)
        self.wiz.imported.emit(t.path if t.is_new else None)
        self.completeChanged.emit()

    def _failed(self, exc: Exception) -> None:
        self.wiz.setButtonLayout(DEFAULT_BUTTONS)
        if isinstance(exc, ImportCancelled):
            self.result.setText(self.tr("已取消：没有写入任何数据。"))
            self.start_button.setEnabled(True)
        else:
            self.result.setText(f"<span style='color:{SEVERITY_COLOUR['error']}'>"
                                + self.tr("导入失败，没有写入：{reason}").format(reason=exc) + "</span>")
            self.start_button.setEnabled(True)

    def open_district(self) -> None:
        t = self.wiz.target
        if t.is_new:
            if not self.wiz.launch(t.path):
                self.result.setText(self.result.text() + "<br>" + self.tr("未能启动新窗口，请用上面的命令打开。"))
                return
        self.wiz.reopen_requested = True
        self.wiz.accept()

    def isComplete(self) -> bool:
        return self.committed is not None and not self.runner.busy


def _remove_district_file(path: Path) -> None:
    """A new district file the import did not fill is not left behind (nor its WAL)."""
    Path(path).unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
