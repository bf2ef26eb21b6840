"""The import wizard on its own: ``python -m ui.district_import [--db CURRENT] [FILE …]``.

``--db``: a district whose boundaries are drawn under the imported layers (opened
read-only; the import then goes to a new district file).  The files are put on the
first page.  (Inside the command centre: 导入辖区数据… on the toolbar.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.district_import", description="导入辖区数据向导")
    p.add_argument("--db", type=Path, help="the current district (its outlines under the preview)")
    p.add_argument("--out", type=Path, help="the new district file (default: 导入的辖区.duckdb here)")
    p.add_argument("files", nargs="*", type=Path)
    a = p.parse_args(argv)
    from app.store import open_store
    from ui.app import _application, _prepare
    from ui.district_import import ImportWizard

    app = _application()
    screen = app.primaryScreen()
    size = screen.size() if screen is not None else None
    _prepare(app, size.width() if size else 1920, size.height() if size else 1080)
    current = open_store(a.db, read_only=True) if a.db else None
    try:
        w = ImportWizard(current, default_target=a.out or Path.cwd() / "导入的辖区.duckdb")
        w.files_page.to_current.setEnabled(False)  # read-only here: new district files only
        w.files_page.set_paths(a.files)
        w.show()
        return int(app.exec())
    finally:
        if current is not None:
            current.close()


if __name__ == "__main__":
    sys.exit(main())
