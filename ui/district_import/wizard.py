"""The district import wizard (导入辖区数据向导): file → layer and field mapping with a
preview table → CRS over the current district → the validation report, its places on
the map → import with a progress bar → open the district.

Driven only through :class:`app.district_io.importer.ImportSession`; every long step
runs on a :class:`ui.district_import.runner.StepRunner` (off the GUI thread).  Each page
is a small module: page_files, page_mapping, page_crs, page_report, page_commit.
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget, QWizard

from app.district_io.importer import ImportOptions, ImportSession
from app.store import DistrictRepository
from ui import theme

MIN_WIDTH, MIN_HEIGHT = 960, 680
#: the new district file's name when nothing else is said
DEFAULT_NAME = "导入的辖区.duckdb"  # i18n: no (a file name)


@dataclass
class Target:
    """Where the import goes: a new DuckDB file, or the district open in the window."""

    path: Path | None = None  # a new district file
    store: DistrictRepository | None = None  # the open district (a cursor of its store)

    @property
    def is_new(self) -> bool:
        return self.store is None

    def describe(self) -> str:
        from ui.i18n import translate

        if self.is_new:
            return translate("DistrictImport", "新建辖区文件 {path}").format(path=self.path)
        return translate("DistrictImport", "当前打开的辖区（与现有边界比较，保留案件与哨令）")


class ImportWizard(QWizard):
    """The pages share :attr:`session`, :attr:`target` and the current district's outlines."""

    #: the import was committed: the district file (None: the district open in the window)
    imported = Signal(object)

    PAGE_FILES, PAGE_MAPPING, PAGE_CRS, PAGE_REPORT, PAGE_COMMIT = range(5)

    def __init__(self, current: DistrictRepository | None = None, *, default_target: Path | None = None,
                 parent: QWidget | None = None) -> None:
        from ui.district_import.page_commit import CommitPage
        from ui.district_import.page_crs import CrsPage
        from ui.district_import.page_files import FilesPage
        from ui.district_import.page_mapping import MappingPage
        from ui.district_import.page_report import ReportPage
        from ui.district_import.preview_map import outlines_of

        super().__init__(parent)
        self.setObjectName("ImportWizard")
        self.setWindowTitle(self.tr("导入辖区数据"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setStyleSheet(_wizard_qss(theme.ui_scale()))
        self.current = current
        #: the open district's boundaries (lon/lat), drawn under the imported layers
        self.outlines = outlines_of(current)
        self.default_target = default_target
        self.session: ImportSession | None = None
        self.target: Target | None = None
        self.report = None
        #: findings marks: after reading (file problems), before georeference, before validate
        self.mark_read = self.mark_mapped = self.mark_geo = 0
        #: opens a district file after the import (replaced by the tests)
        self.launch = launch_district
        #: 打开辖区 was pressed (the opener reopens the main window on the open district)
        self.reopen_requested = False
        self.files_page = FilesPage(self)
        self.mapping_page = MappingPage(self)
        self.crs_page = CrsPage(self)
        self.report_page = ReportPage(self)
        self.commit_page = CommitPage(self)
        for pid, page in ((self.PAGE_FILES, self.files_page), (self.PAGE_MAPPING, self.mapping_page),
                          (self.PAGE_CRS, self.crs_page), (self.PAGE_REPORT, self.report_page),
                          (self.PAGE_COMMIT, self.commit_page)):
            self.setPage(pid, page)
        # no way back while a step runs: going back would undo what the worker is doing
        # (also after a page change: QWizard then sets its buttons again)
        for runner in self.runners():
            runner.busyChanged.connect(self._busy)
        self.currentIdChanged.connect(lambda _id: self._busy(self.busy()))
        # A fixed minimum: else QWizard follows each page's, and every change makes
        # platforms without propagateSizeHints() (offscreen) warn
        scale = theme.ui_scale()
        self.setMinimumSize(round(MIN_WIDTH * scale), round(MIN_HEIGHT * scale))
        self.resize(round(1280 * scale), round(860 * scale))

    # -- shared -------------------------------------------------------------------------
    def new_session(self, paths: list[Path], options: ImportOptions, target: Target) -> ImportSession:
        old = self.target
        if old is not None and old.store is not None and old.store is not target.store:
            old.store.close()  # a cursor of the open district no longer needed
        self.target = target
        self.session = ImportSession(paths, options, target.store)
        self.report = None
        self.mark_read = self.mark_mapped = self.mark_geo = 0
        return self.session

    @property
    def committed_into_current(self) -> bool:
        return (self.commit_page.committed is not None and self.target is not None
                and not self.target.is_new)

    def runners(self):
        from ui.district_import.runner import StepRunner

        return self.findChildren(StepRunner)

    def busy(self) -> bool:
        return any(r.busy for r in self.runners())

    def _busy(self, busy: bool) -> None:
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)

    def done(self, result: int) -> None:  # closing (完成, 取消, Esc): stop what runs, quietly
        for r in self.runners():
            r.close_work()
        if self.target is not None and self.target.store is not None:
            self.target.store.close()
            self.target.store = None
        super().done(result)


def _wizard_qss(scale: float) -> str:
    """Visible check boxes and radio buttons on the dark theme; the page titles large."""
    from ui.resources import resources_dir

    px = lambda v: f"{round(v * scale)}px"  # noqa: E731
    check = (resources_dir() / "icons" / "check.svg").as_posix()
    return f"""
    QCheckBox::indicator, QRadioButton::indicator {{
        width: {px(18)}; height: {px(18)}; border: {px(2)} solid #2fd6c0; background: #07101f;
    }}
    QCheckBox::indicator {{ border-radius: {px(3)}; }}
    QRadioButton::indicator {{ border-radius: {px(11)}; }}
    QCheckBox::indicator:checked {{ background: #14d6b4; image: url({check}); }}
    QRadioButton::indicator:checked {{ background: qradialgradient(cx:0.5, cy:0.5, radius:0.5,
        fx:0.5, fy:0.5, stop:0 #14d6b4, stop:0.55 #14d6b4, stop:0.65 #07101f, stop:1 #07101f); }}
    QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: #3e6488; }}
    QLabel#ImportDetail {{ background: #0a1628; border: 1px solid #16395e; padding: {px(8)}; }}
    """


def user_and_role() -> tuple[str, str]:
    """Who imports (the signed-in user, else the login name) and the role the audit records."""
    from app.auth.session import current_user

    user = current_user()
    if user is None or user.id == 0:
        return getpass.getuser(), "import"
    role = getattr(user.role, "value", str(user.role))
    return user.username, role


def launch_district(path: Path) -> bool:
    """Open a district file in a new GridCC process (its own sign-in); True if started."""
    from PySide6.QtCore import QProcess

    return QProcess.startDetached(sys.executable, ["-m", "app", "run", "--db", str(path)])[0]
