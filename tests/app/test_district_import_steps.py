"""The steps a wizard needs beyond the command line's run (issue 15): a layer's mapping
corrected, a CRS chosen for one layer, a step run again after going back."""

from __future__ import annotations

import numpy as np
import pytest

from app.district_io.importer import ImportOptions, ImportSession
from app.district_io.mapping import LayerMapping
from tests.app.district_fixtures import load_demo, real_world, write

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.fixture(scope="module")
def demo(store):
    return load_demo(store)


def test_a_corrected_mapping_clears_its_missing_fields_error(demo, tmp_path):
    g = demo.units[4]
    src = write(tmp_path / "vendor.gpkg", g["geom"], {"WG_ID": np.array(g["code"], dtype=object),
                                                      "TITLE": np.array(g["name"], dtype=object)},
                driver="GPKG", layer="grids")
    session = ImportSession([src], ImportOptions())
    session.read()
    staged = session.propose()
    assert not session.findings.ok and "缺少字段：code" in session.findings.errors[0].reason
    session.set_mapping(0, LayerMapping("grids", 4, {"name": "TITLE"}))
    assert len(session.findings.errors) == 1  # still missing, said once
    session.set_mapping(0, LayerMapping("grids", 4, {"code": "WG_ID", "name": "TITLE"}))
    assert session.findings.ok and staged[0].mapping.fields["code"] == "WG_ID"
    assert session.preview(0, rows=2)[0]["code"] == g["code"][0]
    # a saved mapping naming a column the file no longer has: corrected the same way
    mapping = tmp_path / "old.toml"
    mapping.write_text('[[layer]]\nkind = "grids"\nlevel = "grid"\n[layer.fields]\ncode = "WGBM"\n',
                       encoding="utf-8")
    session = ImportSession([src], ImportOptions(mapping_file=mapping))
    session.read()
    session.propose()
    assert len(session.findings.errors) == 2  # the mapping file's field, then the missing code
    session.set_mapping(0, LayerMapping("grids", 4, {"code": "WG_ID"}))
    assert session.findings.ok


def test_a_crs_for_one_layer_and_steps_run_again(demo, tmp_path):
    rw = real_world(demo, tmp_path / "src")
    session = ImportSession(rw.files, ImportOptions())
    session.read()
    session.propose()
    with pytest.raises(ValueError):
        session.set_crs(0, "EPSG:nonsense")
    mark = session.mark()
    session.georeference()
    assert any("GCJ-02" in p.reason for p in session.findings.items[mark:])
    assert not session.validate().ok  # the streets 500 m off: communities outside them
    session.rewind(mark)
    assert session.mark() == mark and session.plan.units is None
    session.set_crs(0, "gcj02")  # the street layer came from a web map
    session.georeference()
    assert session.staged[0].crs.web and not any("GCJ-02" in p.reason for p in session.findings.items[mark:])
    first = session.mark()
    session.rewind(mark)
    session.georeference()
    assert session.mark() == first  # nothing reported twice
    report = session.validate()
    assert report.ok, [p.reason for p in report.findings.errors]
    assert report.counts["grid_units.street"] == len(demo.units[2]["code"])


def test_the_write_reports_its_progress_batch_by_batch(demo, tmp_path, monkeypatch):
    """The commit tells how far it is per batch of rows (a wizard's bar moves while it writes)."""
    from app.district_io import writer
    from app.store import open_store
    from tests.conftest import TEST_NOW

    monkeypatch.setattr(writer, "BATCH", 25)
    told: list[tuple[str, float]] = []
    rw = real_world(demo, tmp_path / "src")
    session = ImportSession(rw.files, ImportOptions(repair=True, user="test"),
                            progress=lambda text, f: told.append((text, f)))
    with open_store(tmp_path / "new.duckdb", create=True) as st:
        report = session.run(st, dry_run=False, now=TEST_NOW)
        units = st.scalar("SELECT count(*) FROM grid_units")
        buildings = st.scalar("SELECT count(*) FROM buildings")
    assert report.committed, [p.reason for p in report.findings.errors]
    writes = [(t, f) for t, f in told if t.startswith("写入") and "/" in t]
    # every batch of 25 of each table, fractions rising within the write's share
    assert len(writes) >= (units + buildings) // 25
    fractions = [f for _t, f in writes]
    assert fractions == sorted(fractions) and fractions[0] < fractions[-1]
    assert writer.WRITE_FROM <= fractions[0] and fractions[-1] <= writer.WRITE_TO
    assert f"写入网格单元 25/{units:,}" in [t for t, _f in writes]
    assert f"写入建筑 {buildings:,}/{buildings:,}" in [t for t, _f in writes]
    assert told[-1] == ("完成", 1.0)
