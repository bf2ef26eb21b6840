"""The district import wizard (issue 15): real-world-shaped files (GCJ-02 streets as a
bare array of Features, a GBK shapefile without .cpg, grids in a GeoPackage …) driven
through file → mapping → CRS → report → import into a new district file; the mapping
page's preview, the report's places on the map, 取消 before the commit, and a broken
file's reason on the first page."""

from __future__ import annotations

import threading

import pytest
import shapely
from PySide6.QtWidgets import QWizard

from app.store import open_store
from tests.app.district_fixtures import load_demo, real_world
from tests.ui.english import english_language  # noqa: F401
from ui.district_import import ImportWizard

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning")]

#: a step of the wizard (reading, checking, writing a small district) ends well within this
STEP_MS = 15_000


@pytest.fixture(scope="module")
def demo(store):
    return load_demo(store)


@pytest.fixture
def sources(demo, tmp_path):
    return real_world(demo, tmp_path / "src")


@pytest.fixture
def make_wizard(themed_app, qtbot, store):
    made = []

    def make(target):
        w = ImportWizard(store, default_target=target)
        launched = []
        w.launch = lambda path: launched.append(path) or True
        w.launched = launched
        qtbot.addWidget(w)
        w.resize(1280, 860)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        if w.isVisible():
            w.reject()


def to_mapping(w, qtbot, files) -> None:
    w.files_page.set_paths(files)
    w.next()
    qtbot.waitUntil(lambda: w.currentId() == w.PAGE_MAPPING, timeout=STEP_MS)


def to_report(w, qtbot, *, repair: bool) -> None:
    w.next()
    assert w.currentId() == w.PAGE_CRS
    assert not w.button(QWizard.WizardButton.BackButton).isEnabled()  # while it checks
    qtbot.waitUntil(lambda: w.crs_page.isComplete(), timeout=STEP_MS)
    assert w.button(QWizard.WizardButton.BackButton).isEnabled()
    if repair:
        w.crs_page.repair.setChecked(True)  # checks again, with repairs
        qtbot.waitUntil(lambda: w.crs_page.isComplete(), timeout=STEP_MS)
    w.next()
    assert w.currentId() == w.PAGE_REPORT
    qtbot.waitUntil(lambda: w.report_page.report is not None, timeout=STEP_MS)


def test_real_world_files_import_through_the_wizard(make_wizard, sources, demo, tmp_path, qtbot, monkeypatch):
    from app.district_io import writer

    target = tmp_path / "新区.duckdb"
    w = make_wizard(target)
    to_mapping(w, qtbot, sources.files)
    page = w.mapping_page
    # the GBK shapefile without .cpg: its fields found, its first records shown as mapped
    page.layers.setCurrentRow(1)
    assert page.preview.rowCount() == min(20, len(demo.units[3]["code"]))
    headers = [page.preview.horizontalHeaderItem(c).text() for c in range(page.preview.columnCount())]
    assert headers == ["#", "编码", "名称"]
    assert page.preview.item(0, 1).text() == demo.units[3]["code"][0]
    assert page.preview.item(0, 2).text() == demo.units[3]["name"][0]
    saved = tmp_path / "映射.toml"
    page.save_mapping(saved)
    assert 'match = "社区边界.shp"' in saved.read_text(encoding="utf-8")

    w.next()
    qtbot.waitUntil(lambda: w.crs_page.isComplete(), timeout=STEP_MS)
    crs = [w.crs_page.table.item(r, 1).text() for r in range(2)]
    assert "4326" in crs[0] and "4527" in crs[1]  # the web download; the zone form, not the .prj's
    assert "GCJ-02" in w.crs_page.notes.text()
    w.back()
    to_report(w, qtbot, repair=True)
    report = w.report_page.report
    assert report.ok
    repairs = [p.reason for p in report.findings.of("repair")]
    assert any("GCJ-02" in r and "已从 gcj02 转换" in r for r in repairs)
    assert any("缝隙" in r for r in repairs)
    assert not any("GCJ-02" in p.reason for p in report.findings.of("warning"))  # said once, as the repair
    # a sliver picked in the list: the map centres on it, with the marker
    items = w.report_page.places()
    sliver = next(i for i in items if "缝隙" in i.text(2))
    before = w.report_page.map.view_centre()
    w.report_page.tree.setCurrentItem(sliver)
    lon, lat = w.report_page.map.centre
    place = sliver.data(0, 0x0100)  # Qt.UserRole
    assert (lon, lat) == pytest.approx(tuple(place))
    assert w.report_page.map.view_centre() == pytest.approx(tuple(place), abs=1e-6)
    assert w.report_page.map.view_centre() != pytest.approx(before, abs=1e-4)

    w.next()
    assert w.currentId() == w.PAGE_COMMIT and not target.exists()
    # the write tells its progress batch by batch: what the runner is given to show
    runner, told = w.commit_page.runner, []
    shown = runner.report
    monkeypatch.setattr(writer, "BATCH", 25)
    monkeypatch.setattr(runner, "report", lambda text, f: (told.append((text, f)), shown(text, f)))
    w.commit_page.start_button.click()
    qtbot.waitUntil(lambda: w.commit_page.isComplete(), timeout=STEP_MS)
    assert "导入完成" in w.commit_page.result.text()
    writes = [f for text, f in told if text.startswith("写入") and "/" in text]
    assert len(writes) >= (105 + len(demo.buildings["floors"])) // 25
    assert writes == sorted(writes) and writer.WRITE_FROM <= writes[0] < writes[-1] <= writer.WRITE_TO
    assert not w.button(QWizard.WizardButton.BackButton).isVisible()  # written: no way back
    assert w.button(QWizard.WizardButton.FinishButton).isVisible()
    with open_store(target, read_only=True) as st:
        assert st.scalar("SELECT count(*) FROM grid_units") == 105
        assert st.scalar("SELECT count(*) FROM buildings") == len(demo.buildings["floors"])
        street = shapely.from_wkb(st.scalar("SELECT geom FROM grid_units WHERE level = 2 ORDER BY code LIMIT 1"))
        assert shapely.hausdorff_distance(street, demo.units[2]["geom"][0]) < 5e-5  # GCJ-02 undone
        assert st.rows("SELECT action FROM audit_log") == [("district.import",)]
    w.commit_page.open_button.click()
    assert w.launched == [target] and not w.isVisible()


def test_a_missing_field_is_corrected_on_the_mapping_page(make_wizard, sources, tmp_path, qtbot):
    w = make_wizard(tmp_path / "x.duckdb")
    to_mapping(w, qtbot, [sources.communities])
    page = w.mapping_page
    page._field_changed("code", None)  # the operator clears the code column
    assert not page.isComplete() and "缺少字段：code" in page.problems.text()
    page._field_changed("code", "社区编码")
    assert page.isComplete() and not page.problems.isVisible()


def test_cancelling_before_the_commit_writes_nothing(make_wizard, sources, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "取消.duckdb"
    w = make_wizard(target)
    to_mapping(w, qtbot, sources.files)
    to_report(w, qtbot, repair=True)
    w.next()
    # the worker holds where the district file is opened until 取消 has been pressed
    import app.store

    gate, real_open = threading.Event(), app.store.open_store

    def held_open(*args, **kwargs):
        assert gate.wait(STEP_MS / 1000)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(app.store, "open_store", held_open)
    runner = w.commit_page.runner
    w.commit_page.start_button.click()
    assert runner.busy and runner.cancel_button.isEnabled()
    assert not w.button(QWizard.WizardButton.BackButton).isEnabled()  # no going back meanwhile
    runner.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=STEP_MS)
    assert "已取消" in w.commit_page.result.text() and w.commit_page.committed is None
    assert not target.exists() and not (tmp_path / "取消.duckdb.wal").exists()
    w.reject()  # and closing the wizard there writes nothing either
    assert not target.exists()


def test_a_malformed_file_is_named_on_the_file_page(make_wizard, tmp_path, qtbot):
    bad = tmp_path / "网格边界.shp"
    bad.write_bytes(b"\x00\x00\x27\x0a" + b"\x00" * 40)  # a truncated header, no .shx/.dbf
    w = make_wizard(tmp_path / "y.duckdb")
    w.files_page.set_paths([bad])
    w.next()
    qtbot.waitUntil(lambda: bool(w.files_page.problems.text()), timeout=STEP_MS)
    text = w.files_page.problems.text()
    assert w.currentId() == w.PAGE_FILES and "网格边界.shp" in text and "错误" in text
    assert not (tmp_path / "y.duckdb").exists()


def test_the_main_window_opens_the_wizard_over_its_district(make_window, qtbot):
    window = make_window()
    assert window.import_action in window.toolbar.actions()
    window.import_action.trigger()
    wizard = window.findChild(ImportWizard)
    qtbot.waitExposed(wizard)
    assert wizard.windowTitle() == "导入辖区数据" and wizard.files_page.to_current.isEnabled()
    assert len(wizard.outlines) == 1 + 2 + 12  # the district, its streets and communities drawn under
    wizard.reject()
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is None, timeout=STEP_MS)


def test_a_reimport_into_the_open_district_is_a_difference(themed_app, qtbot, sources, small_db_copy):
    """导入到当前打开的辖区: the steps read and write through a cursor of the open store
    (off the GUI thread); the report shows the difference; cases are kept."""
    with open_store(small_db_copy) as current:
        cases = current.scalar("SELECT count(*) FROM cases")
        w = ImportWizard(current)
        qtbot.addWidget(w)
        w.show()
        w.files_page.to_current.setChecked(True)
        to_mapping(w, qtbot, [sources.streets, sources.communities, sources.grids])
        assert w.target.store is not None and w.target.store is not current
        to_report(w, qtbot, repair=True)
        assert w.report_page.report.ok, [p.text() for p in w.report_page.report.findings.errors]
        assert "与现有边界相比" in w.report_page.summary.text()
        w.next()
        w.commit_page.start_button.click()
        qtbot.waitUntil(lambda: w.commit_page.isComplete(), timeout=STEP_MS)
        assert w.committed_into_current
        w.commit_page.open_button.click()  # the opener reopens the main window on it
        assert w.reopen_requested and not w.isVisible() and w.target.store is None
        assert current.scalar("SELECT count(*) FROM cases") == cases
        assert current.scalar("SELECT count(*) FROM audit_log WHERE action = 'district.import'") == 1


def test_the_main_window_reopens_on_the_district_after_a_reimport(make_window, qtbot):
    from ui.district_import import reopen_main_window

    window = make_window()
    new = reopen_main_window(window)
    qtbot.addWidget(new)
    qtbot.waitUntil(lambda: new.canvas.first_paint_seconds is not None, timeout=STEP_MS)
    qtbot.waitUntil(new.loaded, timeout=STEP_MS)
    assert new.store is window.store and not window.isVisible() and new.isVisible()
    new.close()


def test_a_broken_mapping_file_is_named_on_the_file_page(make_wizard, sources, tmp_path, qtbot):
    """(Also two reads on one worker thread: the PROJ context the first made must outlive
    its job, or the second crashed the process.)"""
    bad = tmp_path / "映射.toml"
    bad.write_text("[[layer]\nkind = ", encoding="utf-8")
    w = make_wizard(tmp_path / "z.duckdb")
    w.files_page.set_paths([sources.grids])
    w.files_page.mapping_path.setText(str(bad))
    w.next()
    qtbot.waitUntil(lambda: bool(w.files_page.problems.text()), timeout=STEP_MS)
    assert w.currentId() == w.PAGE_FILES and "映射文件" in w.files_page.problems.text()
    w.files_page.mapping_path.setText("")  # without it the layer is read and mapped
    w.next()
    qtbot.waitUntil(lambda: w.currentId() == w.PAGE_MAPPING, timeout=STEP_MS)
    assert w.mapping_page.isComplete()


def test_gcj02_chosen_for_the_street_layer_lines_it_up(make_wizard, sources, tmp_path, qtbot):
    w = make_wizard(tmp_path / "gcj.duckdb")
    to_mapping(w, qtbot, [sources.streets, sources.communities, sources.grids])
    w.next()
    qtbot.waitUntil(lambda: w.crs_page.isComplete(), timeout=STEP_MS)
    assert "GCJ-02" in w.crs_page.notes.text()
    combo = w.crs_page.table.cellWidget(0, 2)
    combo.setCurrentIndex(combo.findData("gcj02"))
    combo.activated.emit(combo.currentIndex())  # as the operator's pick
    qtbot.waitUntil(lambda: w.crs_page.isComplete(), timeout=STEP_MS)
    assert "GCJ-02" in w.crs_page.table.item(0, 1).text() and "错开" not in w.crs_page.notes.text()
    w.next()
    qtbot.waitUntil(lambda: w.report_page.report is not None, timeout=STEP_MS)
    assert w.report_page.report.ok and not w.report_page.report.findings.of("repair")


def test_the_runner_shows_a_report_in_its_bar_and_text(themed_app, qtbot):
    from ui.district_import.runner import StepRunner

    runner = StepRunner()
    qtbot.addWidget(runner)
    runner.report("写入建筑 20,000/100,000", 0.8)
    runner._poll()
    assert runner.bar.value() == 800 and "20,000/100,000" in runner.label.text()
    assert not runner.cancel_button.isEnabled()  # past the point of no return


def _wizard_run_by(argv, monkeypatch) -> dict:
    """``python -m app district import --wizard …``: what the wizard showed (closed at once)."""
    from PySide6.QtWidgets import QApplication

    from app.cli import main

    seen = {}

    def exec_(app):
        w = next(x for x in QApplication.topLevelWidgets() if isinstance(x, ImportWizard) and x.isVisible())
        seen.update(files=w.files_page.paths(), into_current=w.files_page.to_current.isEnabled(),
                    target=w.files_page.target_path.text(), outlines=len(w.outlines))
        w.reject()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert main(argv) == 0
    return seen


def test_the_command_line_opens_the_wizard(themed_app, sources, small_db_copy, tmp_path, monkeypatch):
    seen = _wizard_run_by(["district", "import", "--wizard", str(sources.grids), "--db", str(small_db_copy)],
                          monkeypatch)
    # an existing district: imported into, or a new file beside it
    assert seen["files"] == [sources.grids] and seen["into_current"] and seen["outlines"] == 15
    assert seen["target"] == str(small_db_copy.with_name("导入的辖区.duckdb"))
    new = tmp_path / "新辖区.duckdb"
    seen = _wizard_run_by(["district", "import", "--wizard", "--db", str(new)], monkeypatch)
    assert seen == {"files": [], "into_current": False, "target": str(new), "outlines": 0}
    assert not new.exists()


def test_the_wizard_reads_in_english(english, store, qtbot):
    """Titles, buttons, table choices and the importer's progress steps in English; no
    Chinese on the wizard's own labels (the files' names and the importer's findings are data)."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from ui.district_import.runner import StepRunner
    from ui.district_import.texts import counts_text, step_text

    w = ImportWizard(store)
    qtbot.addWidget(w)
    assert w.windowTitle() == "Import district data"
    assert w.button(QWizard.WizardButton.NextButton).text() == "Next >"
    assert w.files_page.encoding.itemText(0) == "Automatic (.cpg or scoring)"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for page in (w.files_page, w.mapping_page, w.crs_page, w.report_page, w.commit_page):
        # (the field names the mapping recognises, 名称/NAME …, are the files' words)
        assert not cjk.search(re.sub(r"\(.*?\)", "", page.title() + page.subTitle())), page.title()
        for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
            assert not cjk.search(widget.text()), widget.text()
    assert step_text("写入建筑 20,000/100,000") == "Writing Buildings 20,000/100,000"
    assert step_text("读取 社区边界.shp") == "Reading 社区边界.shp"
    assert step_text("something new") == "something new"
    assert counts_text({"grid_units.street": 2, "departments": 57, "refiled.cases": 3}) == "Streets 2, Departments 57"
    runner = StepRunner()
    qtbot.addWidget(runner)
    runner.report("写入网格单元 25/105", 0.8)
    runner._poll()
    assert runner.label.text() == "Writing Grid units (all levels) 25/105"
    assert runner.cancel_button.text() == "Writing, cannot cancel"
