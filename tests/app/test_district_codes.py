"""Grid codes longer than 14 digits (Jinhua's micro-grids, 民情格): the import takes them
and ``check`` accepts what the import took."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.checks import code_fits, level_of_code, run_checks
from app.cli import main
from app.store import open_store
from tests.app.district_fixtures import load_demo, write

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]


def test_code_lengths_per_level():
    assert [level_of_code("1" * n) for n in (6, 9, 12, 14, 16, 19, 20)] == [1, 2, 3, 4, 4, 4, 4]
    assert level_of_code("1" * 13) is None and level_of_code("1" * 21) is None
    assert code_fits(4, "1201060010010100001") and code_fits(2, "120106001")
    assert not code_fits(3, "12010600100101")  # a grid's length is no community's
    assert not code_fits(4, "12010600100A0101") and not code_fits(4, "1201060010010")


@pytest.mark.parametrize("suffix", ["01", "00001"])  # 16 and 19 digits
def test_micro_grid_codes_import_and_pass_check(store, tmp_path, capsys, suffix):
    demo = load_demo(store)
    units = [(c + (suffix if lv == 4 else ""), n, g) for lv in (1, 2, 3, 4) for c, n, g in
             zip(demo.units[lv]["code"], demo.units[lv]["name"], demo.units[lv]["geom"], strict=True)]
    src = write(tmp_path / "民情格.geojson", [u[2] for u in units], {
        "编码": np.array([u[0] for u in units], dtype=object),
        "名称": np.array([u[1] for u in units], dtype=object)}, driver="GeoJSON")
    db = tmp_path / "micro.duckdb"
    code = main(["district", "import", str(src), "--json", "--db", str(db)])
    rep = json.loads(capsys.readouterr().out)
    assert code == 0, rep["errors"]
    with open_store(db, read_only=True) as st:
        lengths = st.rows("SELECT DISTINCT length(code) FROM grid_units WHERE level = 4")
        report = run_checks(st)
    assert lengths == [(14 + len(suffix),)]
    assert report.ok, [(r.name, r.problems[:3]) for r in report.results if not r.ok]


def test_a_grid_code_of_21_digits_is_refused_with_the_lengths_allowed(store, tmp_path, capsys):
    demo = load_demo(store)
    codes = np.array([c + "0000001" for c in demo.units[4]["code"]], dtype=object)
    src = write(tmp_path / "grids.geojson", demo.units[4]["geom"], {"网格编码": codes}, driver="GeoJSON")
    code = main(["district", "import", str(src), "--level", "grid", "--dry-run", "--db", str(tmp_path / "x.duckdb")])
    out = capsys.readouterr().out
    assert code == 1 and "应为 14-20 位数字" in out
