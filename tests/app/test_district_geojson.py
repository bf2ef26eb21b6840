"""GeoJSON read in batches (app/district_io/geojson.py): the same columns and shapes as
one read, for a FeatureCollection, a bare array and a JavaScript-wrapped file; and the
import bench's GeoJSON weighs what it is asked to."""

from __future__ import annotations

import json
import tempfile

import numpy as np
import pytest
import shapely
from pyogrio import raw

from app.district_io import geojson
from app.district_io.sources import read_source

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]


def _features(n: int) -> list[dict]:
    out = []
    for k in range(n):
        props = {"层数": None if k % 5 == 3 else k % 30, "名称": None if k % 7 == 2 else f"楼{k}",
                 "高度": None if k % 4 == 1 else k * 0.5, "在用": None if k % 9 == 0 else bool(k % 2)}
        geom = None if k == 11 else json.loads(shapely.to_geojson(shapely.box(117 + k * 1e-4, 39, 117.00005 + k * 1e-4, 39.0001)))
        out.append({"type": "Feature", "properties": props, "geometry": geom})
    return out


@pytest.mark.parametrize("shape", ["collection", "bare", "js"])
def test_batches_give_what_one_read_gives(tmp_path, monkeypatch, shape):
    feats = _features(53)
    whole = tmp_path / "whole.geojson"
    whole.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    meta, _f, wkb, cols = raw.read(whole)
    text = {"collection": whole.read_text(encoding="utf-8"),
            "bare": json.dumps(feats, ensure_ascii=False),
            "js": "var buildings = " + json.dumps(feats, ensure_ascii=False) + ";\n"}[shape]
    src = tmp_path / ("楼.js" if shape == "js" else "楼.geojson")
    src.write_text(text, encoding="utf-8")
    monkeypatch.setattr(geojson, "BATCH", 10)  # six batches, nulls in some of them only
    monkeypatch.setattr(geojson, "EDGE", 64)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the temporary collection goes
    layer = read_source(src)[0]
    assert layer.fields == list(meta["fields"]) and len(layer) == 53
    for f, want in zip(meta["fields"], cols, strict=True):
        got = layer.columns[f]
        assert got.dtype == want.dtype, f
        if want.dtype.kind == "f":
            np.testing.assert_array_equal(got, want)
        else:
            assert got.tolist() == want.tolist(), f
    assert layer.geoms[11] is None
    assert shapely.equals(layer.geoms[np.arange(53) != 11], shapely.from_wkb(wkb[np.arange(53) != 11])).all()
    notes = [p.reason for p in layer.findings.items]
    assert ("要素数组" in " ".join(notes)) == (shape != "collection")
    assert ("JavaScript" in " ".join(notes)) == (shape == "js")
    assert not list(tmp_path.glob("gridcc-import-*"))  # the temporary collection is gone


def test_a_syntax_error_in_a_bare_array_is_placed(tmp_path):
    from app.district_io.problems import SourceError

    src = tmp_path / "坏.geojson"
    src.write_text('[{"type": "Feature", "properties": {}, "geometry": null},\n {"type": }]', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_source(src)
    assert "JSON 语法错误" in err.value.problem.reason and err.value.problem.where.startswith("第 2 行")


def test_the_bench_geojson_weighs_what_is_asked(tmp_path):
    from app.district_io.bench import _lattice, _write_geojson

    cells, _codes, blds, floors, halves = _lattice(100, 10)
    assert len(halves) == 2 * len(blds) == 2000
    path = tmp_path / "b.geojson"
    n = _write_geojson(path, halves, np.repeat(floors, 2), 200_000)
    size = path.stat().st_size
    assert 200_000 <= size < 200_000 + 1000 and 0 < n < len(halves)
    assert len(json.loads(path.read_text(encoding="utf-8"))["features"]) == n
    # at scale 1 (10,000 grids) the halves weigh well over the 50 MB asked for
    assert size / n * 2 * 100_000 > 60e6
