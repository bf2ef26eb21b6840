"""Render the import wizard's pages and the imported district to PNGs (offscreen), to
look at them: ``python -m ui.district_import.screenshots --db CURRENT --out DIR FILE…``.

Drives the wizard as an operator would: the files, the mapping (the second layer shown),
the CRS page (the first layer), the report without repairs (an error's place picked),
with repairs (a sliver picked), the import, then the new district in the main window.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def _wait(app, done, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the wizard did not finish a step in time")
        app.processEvents()
        time.sleep(0.01)


def render(db: Path, files: list[Path], out: Path, size=(1920, 1080)) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.store import open_store
    from ui.app import _application, _prepare, render_screenshot
    from ui.district_import import ImportWizard
    from ui.district_import.texts import SEVERITY_TEXT, shown

    app = _application()
    _prepare(app, *size)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "wizard_district.duckdb"
    for p in (target, Path(f"{target}.wal")):
        p.unlink(missing_ok=True)
    shots: list[Path] = []

    def shot(w, name: str) -> None:
        app.processEvents()
        path = out / f"wizard_{name}.png"
        w.grab().save(str(path), "PNG")
        shots.append(path)

    with open_store(db, read_only=True) as current:
        w = ImportWizard(current, default_target=target)
        w.resize(*size)
        w.show()
        w.files_page.set_paths(files)
        w.files_page.district_name.setText(current.meta().get("district_name", ""))
        shot(w, "1_files")
        w.next()
        _wait(app, lambda: w.currentId() == w.PAGE_MAPPING)
        w.mapping_page.layers.setCurrentRow(1)
        shot(w, "2_mapping")
        w.next()
        _wait(app, lambda: w.crs_page.isComplete() or (w.crs_page.checked and not w.crs_page.runner.busy))
        w.crs_page.table.selectRow(0)
        shot(w, "3_crs")
        w.next()
        _wait(app, lambda: w.report_page.report is not None)
        errors = [i for i in w.report_page.places() if i.parent().text(0).startswith(shown(SEVERITY_TEXT["error"]))]
        if errors:
            w.report_page.tree.setCurrentItem(errors[0])
        shot(w, "4_report_errors")
        w.back()
        w.crs_page.repair.setChecked(True)
        _wait(app, lambda: w.crs_page.isComplete())
        w.next()
        _wait(app, lambda: w.report_page.report is not None)
        slivers = [i for i in w.report_page.places() if "缝隙" in i.text(2)]  # i18n: no (the importer's words)
        if slivers:
            w.report_page.tree.scrollToItem(slivers[len(slivers) // 2])
            w.report_page.tree.setCurrentItem(slivers[len(slivers) // 2])
        shot(w, "5_report")
        w.next()
        w.commit_page.start_button.click()
        _wait(app, lambda: w.commit_page.isComplete() or not w.commit_page.runner.busy)
        _wait(app, lambda: not w.commit_page.runner.busy)
        shot(w, "6_done")
        w.reject()
    with open_store(target) as imported:
        path = out / "wizard_7_district.png"
        render_screenshot(imported, path, size)
        shots.append(path)
    return shots


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, required=True, help="the district open now (its outlines)")
    p.add_argument("--out", type=Path, default=Path("/tmp"))
    p.add_argument("files", nargs="+", type=Path)
    a = p.parse_args()
    for path in render(a.db, a.files, a.out):
        print(path)


if __name__ == "__main__":
    main()
