"""The import wizard on its own: ``python -m ui.district_import [--db CURRENT] [FILE …]``
(read-only: its district's boundaries under the preview, the import to a new file), and
``python -m app district import --wizard [--db DISTRICT] [FILE …]`` (:func:`run_wizard`,
which may also import into that district).  The files are put on the first page.
(Inside the command centre: 导入辖区数据… on the toolbar.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ui.district_import.wizard import DEFAULT_NAME


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.district_import", description="district import wizard")
    p.add_argument("--db", type=Path, help="the current district (its outlines under the preview)")
    p.add_argument("--out", type=Path, help=f"the new district file (default: {DEFAULT_NAME} here)")
    p.add_argument("files", nargs="*", type=Path)
    a = p.parse_args(argv)
    from app.store import open_store

    current = open_store(a.db, read_only=True) if a.db else None
    try:
        return _show(current, a.files, a.out or Path.cwd() / DEFAULT_NAME, into_current=False)
    finally:
        if current is not None:
            current.close()


def run_wizard(db, files: list[Path]) -> int:
    """``district import --wizard``: ``db`` (a DbTarget) is the district to import into
    when it exists (or to a new file beside it), else the new district file itself."""
    from app.store import open_store

    exists = db.is_postgres or db.path.exists()
    current = open_store(db) if exists else None
    if db.is_postgres:
        default = Path.cwd() / DEFAULT_NAME
    else:
        default = db.path.with_name(DEFAULT_NAME) if exists else db.path
    try:
        return _show(current, files, default, into_current=exists, reopen=None if db.is_postgres else db.path)
    finally:
        if current is not None:
            current.close()


def _show(current, files: list[Path], default: Path, *, into_current: bool, reopen: Path | None = None) -> int:
    from ui.app import _application, _prepare
    from ui.district_import import ImportWizard
    from ui.district_import.wizard import launch_district

    app = _application()
    screen = app.primaryScreen()
    size = screen.size() if screen is not None else None
    _prepare(app, size.width() if size else 1920, size.height() if size else 1080)
    w = ImportWizard(current, default_target=default)
    w.files_page.to_current.setEnabled(into_current and current is not None)
    w.files_page.set_paths(files)
    w.show()
    code = int(app.exec())
    if reopen is not None and w.reopen_requested and w.committed_into_current:
        launch_district(reopen)  # 重新打开: the district just updated, in GridCC
    return code


if __name__ == "__main__":
    sys.exit(main())
