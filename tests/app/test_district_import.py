"""District import and export (issue 15): real-world-shaped sources, the datum and CRS
checks, repairs, the re-import difference and the export → import round trip."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from app.cli import main
from app.district_io.crs import guess_from_numbers, resolve_crs
from app.district_io.encoding import best_encoding, decode_name
from app.district_io.webdatum import bd_to_gcj, gcj_to_wgs, wgs_to_bd, wgs_to_gcj
from app.privacy.masking import mask_phone
from app.store import open_store
from tests.app.district_fixtures import load_demo, real_world, write
from tests.conftest import TEST_NOW

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def demo(store):
    return load_demo(store)


# -- units ---------------------------------------------------------------------------------
def test_web_datums_match_the_published_vectors():
    lon, lat = wgs_to_gcj(121.5272106, 31.1774276)
    assert (lon, lat) == pytest.approx((121.531541859215, 31.17530398364597), abs=1e-9)
    lon, lat = wgs_to_gcj(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    lon, lat = bd_to_gcj(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-9)
    # the inverse is iterated to well below a millimetre (1e-8 degree is ~1 mm)
    back = gcj_to_wgs(*wgs_to_gcj(np.array([117.16, 100.0]), np.array([39.17, 30.0])))
    assert np.allclose(back, [[117.16, 100.0], [39.17, 30.0]], atol=1e-8)
    lon, lat = wgs_to_bd(117.16, 39.17)
    assert 0.005 < lon - 117.16 < 0.02 and 0.003 < lat - 39.17 < 0.01


def test_encoding_is_scored_among_utf8_gb18030_and_big5():
    words = ["红桥区西沽南街道", "桃花三段社区第1网格", "和平里社区居委会", "光荣道"]
    assert best_encoding([w.encode("gbk") for w in words])[0] == "gb18030"
    assert best_encoding([w.encode("utf-8") for w in words])[0] == "utf-8"
    trad = ["臺北市大安區", "網格編碼", "社區名稱", "東門里"]
    assert best_encoding([w.encode("big5") for w in trad])[0] == "big5"
    # a DBF name cut after 10 bytes, mid-character, loses the half character only
    assert decode_name("网格编码".encode()[:10], "utf-8") == ("网格编", True)
    assert decode_name("网格编码".encode("gbk"), "gb18030") == ("网格编码", False)


def test_gauss_kruger_forms_are_recognised_from_the_numbers():
    zone = guess_from_numbers((39_498_000, 4_334_000, 39_505_000, 4_340_000), None, None)[0]
    assert zone.epsg == 4527
    cm = guess_from_numbers((498_000, 4_334_000, 505_000, 4_340_000), None, 117.1)[0]
    assert cm.epsg == 4548
    assert guess_from_numbers((498_000, 4_334_000, 505_000, 4_340_000), None, None)[0] is None
    assert guess_from_numbers((39.1, 117.1, 39.2, 117.2), None, None)[0].swap
    # a .prj naming 4548 for numbers carrying the zone: corrected, with a warning
    from pyproj import CRS

    choice, notes = resolve_crs((39_498_000, 4_334_000, 39_505_000, 4_340_000),
                                CRS.from_epsg(4548).to_wkt("WKT1_ESRI"), None, None)
    assert choice.epsg == 4527 and notes[0][0] == "warning"
    choice, notes = resolve_crs((117.1, 39.1, 117.2, 39.2), CRS.from_epsg(3857).to_wkt(), None, None)
    assert choice is None and "EPSG:3857" in notes[0][1]
    assert resolve_crs((1171.0, 391.0, 1172.0, 392.0), None, None, None)[0] is None  # wrong units


def test_phones_are_masked():
    assert mask_phone("13812342721") == "138****2721"
    assert mask_phone("") == ""


# -- a real district ---------------------------------------------------------------------
def test_real_world_dry_run_reports_and_writes_nothing(demo, tmp_path, capsys):
    rw = real_world(demo, tmp_path / "src")
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "district", "import", *rw.files, "--dry-run", "--json", "--db", db)
    rep = json.loads(out)
    assert code == 1 and not rep["committed"] and not db.exists()
    warnings = " ".join(w["reason"] for w in rep["warnings"])
    assert "GCJ-02" in warnings and "--crs gcj02" in warnings  # the datum check
    assert "GB18030" in warnings  # the GBK table without .cpg
    assert "EPSG:4548" in warnings and "EPSG:4527" in warnings  # 4548 .prj on zone numbers
    assert "要素数组" in warnings  # the bare array of Features
    # the street layer 500 m off puts communities outside their street: refused, with places
    assert rep["errors"] and all(e["place"] and e["where"].startswith("第") for e in rep["errors"])
    comm = next(f for f in rep["files"] if f["file"].endswith(".shp"))
    assert comm["encoding"] == "gb18030" and comm["fields"] == {"code": "社区编码", "name": "社区名称"}


def test_real_world_imports_with_repairs_then_checks(demo, tmp_path, capsys):
    from app.audit.log import verify_log
    from app.checks import run_checks
    from app.map.layers import load_district_map

    rw = real_world(demo, tmp_path / "src")
    db = tmp_path / "real.duckdb"
    code, out, _ = run(capsys, "district", "import", *rw.files, "--repair", "--json", "--user", "surveyor",
                       "--db", db)
    rep = json.loads(out)
    assert code == 0 and rep["committed"], rep["errors"]
    repairs = [r["reason"] for r in rep["repairs"]]
    assert any("GCJ-02" in r and "已从 gcj02 转换" in r for r in repairs)
    assert any("缝隙" in r for r in repairs) and any("重叠" in r or "超出" in r for r in repairs)
    assert all(r["area_m2"] is not None and r["place"] for r in rep["repairs"] if "m²" in r["reason"])
    code, out, _ = run(capsys, "district", "import", rw.cameras, "--crs", "bd09", "--json", "--db", db)
    assert code == 0, out
    code, out, _ = run(capsys, "district", "import", rw.staff, "--json", "--db", db)
    assert code == 0, out
    with open_store(db, read_only=True) as st:
        report = run_checks(st)
        assert report.ok, [p for r in report.results for p in r.problems]
        assert st.scalar("SELECT count(*) FROM grid_units") == 105
        # the streets, converted back from GCJ-02, lie where the surveyed ones were
        street = shapely.from_wkb(st.scalar("SELECT geom FROM grid_units WHERE level = 2 ORDER BY code LIMIT 1"))
        assert shapely.hausdorff_distance(street, demo.units[2]["geom"][0]) < 5e-5  # a few metres at most
        cams = st.columns("SELECT code, lon, lat, stream_url FROM cameras ORDER BY code")
        assert np.allclose(cams["lon"], demo.cameras["lon"], atol=1e-7)  # BD-09 undone to ~1 cm
        assert np.allclose(cams["lat"], demo.cameras["lat"], atol=1e-7)
        assert st.scalar("SELECT phone FROM workers ORDER BY code LIMIT 1") == demo.workers["phone"][0]
        log = st.rows("SELECT username, action, after FROM audit_log ORDER BY seq")
        assert verify_log(st).ok
        assert [r[1] for r in log] == ["district.import"] * 3 and log[0][0] == "surveyor"
        files = json.loads(log[0][2])["files"]
        h = hashlib.sha256(rw.grids.read_bytes()).hexdigest()
        assert any(f["file"] == rw.grids.name and f["sha256"] == h for f in files)
        dm = load_district_map(st)  # the map opens a district with no demo data
        assert dm is not None
    code, out, _ = run(capsys, "info", "--json", "--db", db)
    info = json.loads(out)
    assert code == 0 and info["cases"]["total"] == 0 and info["cameras"]["total"] == 60


def test_mapping_file_overrides_and_is_saved(demo, tmp_path, capsys):
    g = demo.units[4]
    src = write(tmp_path / "grids_vendor.gpkg", g["geom"], {"WG_ID": np.array(g["code"], dtype=object),
                                                            "TITLE": np.array(g["name"], dtype=object)},
                driver="GPKG", layer="grids")
    db = tmp_path / "m.duckdb"
    code, out, _ = run(capsys, "district", "import", src, "--dry-run", "--json", "--db", db)
    assert code == 1 and "缺少字段：code" in out
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[[layer]]\nmatch = "grids_vendor.gpkg:grids"\nkind = "grids"\nlevel = "grid"\n'
                       '[layer.fields]\ncode = "WG_ID"\nname = "TITLE"\n', encoding="utf-8")
    saved = tmp_path / "saved.json"
    code, out, _ = run(capsys, "district", "import", src, "--mapping", mapping, "--save-mapping", saved,
                       "--district-name", "测试区", "--json", "--db", db)
    assert code == 0, out
    assert json.loads(saved.read_text())["layer"][0]["fields"] == {"code": "WG_ID", "name": "TITLE"}
    with open_store(db, read_only=True) as st:
        assert st.meta()["district_name"] == "测试区"
        assert st.scalar("SELECT count(*) FROM grid_units WHERE level = 3") == 12  # dissolved


# -- export and the round trip -----------------------------------------------------------
def _strip(doc: str) -> dict:
    d = json.loads(doc)
    d.pop("database", None)
    return d


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp"])
def test_export_import_round_trip_is_identical(small_db_copy, tmp_path, capsys, fmt):
    def export_import(src: Path, name: str) -> Path:
        out = tmp_path / f"{name}.{fmt}" if fmt == "gpkg" else tmp_path / name
        code, _, err = run(capsys, "district", "export", "--format", fmt, out, "--db", src)
        assert code == 0, err
        files = [out] if fmt == "gpkg" else sorted(p for p in out.iterdir() if p.suffix in (".shp", ".geojson", ".csv"))
        db = tmp_path / f"{name}.duckdb"
        code, text, _ = run(capsys, "district", "import", *files, "--db", db)
        assert code == 0, text
        return db

    first = export_import(small_db_copy, "first")
    second = export_import(first, "second")
    docs = []
    for db in (first, second):
        _, info, _ = run(capsys, "info", "--json", "--db", db)
        _, check, _ = run(capsys, "check", "--json", "--db", db)
        docs.append((_strip(info), json.loads(check)))
    assert docs[0] == docs[1]
    assert docs[0][1]["ok"]
    _, orig, _ = run(capsys, "info", "--json", "--db", small_db_copy)
    orig = _strip(orig)
    for key in ("grid_units", "buildings", "households", "residents", "merchants", "workers",
                "departments", "cameras"):
        assert docs[0][0][key] == orig[key], key
    assert docs[0][0]["district"]["area_km2"] == orig["district"]["area_km2"]


def test_export_masks_phones_unless_an_admin_asks(small_db_copy, tmp_path, capsys, monkeypatch):
    from pyogrio import raw

    out = tmp_path / "x.gpkg"
    assert run(capsys, "district", "export", out, "--user", "operator", "--db", small_db_copy)[0] == 0
    phones = raw.read(out, layer="staff")[3][5]
    assert all(p[3:7] == "****" and len(p) == 11 for p in phones)
    code, _, err = run(capsys, "district", "export", out, "--unmask", "--user", "operator", "--db", small_db_copy)
    assert code == 1 and "审计员" in err
    code, _, err = run(capsys, "district", "export", out, "--unmask", "--user", "admin", "--db", small_db_copy)
    assert code == 1 and "GRIDCC_PASSWORD" in err
    monkeypatch.setenv("GRIDCC_PASSWORD", "Admin#2026")
    assert run(capsys, "district", "export", out, "--unmask", "--user", "admin", "--db", small_db_copy)[0] == 0
    phones = raw.read(out, layer="staff")[3][5]
    assert "*" not in "".join(phones)
    with open_store(small_db_copy, read_only=True) as st:
        rows = st.rows("SELECT username, after FROM audit_log WHERE action = 'district.export' ORDER BY seq")
        assert st.rows("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 2")[1][0].startswith("login")
    assert [r[0] for r in rows] == ["operator", "admin"]
    assert json.loads(rows[-1][1])["personal_masked"] is False


# -- re-import: a difference that keeps every case ---------------------------------------
def _split_one_grid(st, tmp_path: Path) -> tuple[Path, str, set[str]]:
    """The small district's boundaries with one grid split in two around a case."""
    from app.clock import store_clock
    from app.district_io.exporter import _layers
    from app.geo.wkb import geoms_from_wkb

    layers = {name: (gtype, fields, geoms) for name, gtype, fields, geoms in _layers(st, False, store_clock(st).now())}
    gtype, fields, wkb = layers["grids"]
    geoms = shapely.from_wkb(wkb)
    cases = st.columns("SELECT c.code, c.lon, c.lat, g.code AS grid FROM cases c JOIN grid_units g "
                       "ON g.id = c.grid_id ORDER BY c.id")
    blds = geoms_from_wkb(st.columns("SELECT geom FROM buildings")["geom"])
    tree = shapely.STRtree(blds)
    for k in range(len(cases["code"])):
        p = shapely.Point(cases["lon"][k], cases["lat"][k])
        box = p.buffer(0.0003, cap_style="square")  # ~30 m
        near = blds[tree.query(box, predicate="intersects")]
        cut = box.difference(shapely.union_all(shapely.buffer(near, 0.00001))) if len(near) else box
        g = int(np.flatnonzero(fields["code"] == cases["grid"][k])[0])
        piece = shapely.intersection(geoms[g], cut)
        if piece.is_empty or not piece.contains(p) or piece.area < 1e-8:
            continue
        piece = max(shapely.get_parts(piece), key=lambda x: x.area) if piece.geom_type != "Polygon" else piece
        if not piece.contains(p):
            continue
        break
    new_code = fields["code"][g][:12] + "99"
    rest = shapely.difference(geoms[g], piece)
    geoms = np.append(geoms, piece)
    geoms[g] = rest
    fields = {k: np.append(v, v[g]) for k, v in fields.items()}
    fields["code"][-1], fields["name"][-1] = new_code, "新划网格"
    inside = {str(cases["code"][i]) for i in range(len(cases["code"]))
              if cases["grid"][i] == fields["code"][g] and piece.contains(shapely.Point(cases["lon"][i], cases["lat"][i]))}
    out = tmp_path / "boundaries.gpkg"
    for name in ("district", "streets", "communities"):
        t, f, w = layers[name]
        write(out, shapely.from_wkb(w), f, driver="GPKG", layer=name)
    write(out, geoms, fields, driver="GPKG", layer="grids", geometry_type="Unknown")
    return out, new_code, inside


def _counts(db) -> dict:
    with open_store(db, read_only=True) as st:
        return {t: st.scalar(f"SELECT count(*) FROM {t}") for t in
                ("grid_units", "cases", "whistles", "buildings", "workers", "merchants", "cameras", "audit_log")}


def test_reimport_is_a_difference_that_keeps_every_case(small_db_copy, tmp_path, capsys):
    from app.checks import run_checks

    with open_store(small_db_copy, read_only=True) as st:
        src, new_code, inside = _split_one_grid(st, tmp_path)
    before = _counts(small_db_copy)
    code, out, _ = run(capsys, "district", "import", src, "--json", "--db", small_db_copy)
    rep = json.loads(out)
    assert code == 0 and rep["committed"], rep["errors"]
    assert rep["diff"]["added"] == [f"网格 {new_code} 新划网格"]
    assert len(rep["diff"]["changed"]) == 1 and rep["diff"]["removed"] == []
    moved = {m["key"] for m in rep["diff"]["refiled"]["cases"] if m["to"] == new_code}
    assert inside and moved == inside
    after = _counts(small_db_copy)
    assert after["cases"] == before["cases"] and after["whistles"] == before["whistles"]
    assert after["grid_units"] == before["grid_units"] + 1
    with open_store(small_db_copy, read_only=True) as st:
        got = {r[0] for r in st.rows("SELECT c.code FROM cases c JOIN grid_units g ON g.id = c.grid_id "
                                      "WHERE g.code = ?", [new_code])}
        assert got == inside
        report = run_checks(st)
        assert report.ok, [p for r in report.results for p in r.problems]


def test_reimport_refuses_removing_a_grid_with_staff(small_db_copy, tmp_path, capsys):
    from pyogrio import raw

    src = tmp_path / "b.gpkg"
    assert run(capsys, "district", "export", src, "--db", small_db_copy)[0] == 0
    meta, _f, geom, data = raw.read(src, layer="grids")
    fields = dict(zip(meta["fields"], data, strict=True))
    # grid 2 merged into grid 1 of the same community: grid 2's code disappears
    g = shapely.from_wkb(geom)
    g[0] = shapely.union_all([g[0], g[1]])
    keep = np.arange(len(g)) != 1
    out = tmp_path / "merged.gpkg"
    for name in ("district", "streets", "communities"):
        m2, _f2, geom2, d2 = raw.read(src, layer=name)
        write(out, shapely.from_wkb(geom2), dict(zip(m2["fields"], d2, strict=True)), driver="GPKG", layer=name)
    write(out, g[keep], {k: v[keep] for k, v in fields.items()}, driver="GPKG", layer="grids",
          geometry_type="Unknown")
    before = _counts(small_db_copy)
    code, out_text, _ = run(capsys, "district", "import", out, "--json", "--db", small_db_copy)
    rep = json.loads(out_text)
    assert code == 1 and not rep["committed"]
    assert any("人员" in e["reason"] and "已删除" in e["reason"] for e in rep["errors"])
    assert _counts(small_db_copy) == before


def test_a_wizard_drives_the_import_step_by_step(demo, tmp_path):
    from app.district_io.importer import ImportOptions, ImportSession

    rw = real_world(demo, tmp_path / "src")
    steps = []
    with open_store(tmp_path / "w.duckdb", create=True) as st:
        session = ImportSession(rw.files, ImportOptions(repair=True, user="wizard"), st,
                                progress=lambda step, frac: steps.append(frac))
        layers = session.read()
        assert [lay.driver for lay in layers] == ["geojson", "shp", "gpkg", "gpkg", "xlsx"]
        staged = session.propose()
        assert [s.mapping.kind for s in staged] == ["grids", "grids", "grids", "buildings", "departments"]
        rows = session.preview(1, rows=3)
        assert rows[0]["code"] == demo.units[3]["code"][0] and rows[0]["name"] == demo.units[3]["name"][0]
        session.georeference()
        assert staged[0].crs.epsg == 4326 and staged[1].crs.epsg == 4527
        report = session.validate()
        assert report.ok and not report.committed and st.scalar("SELECT count(*) FROM grid_units") == 0
        places = [p for p in report.findings.items if p.place]
        assert places and all(73 < p.place[0] < 136 and 3 < p.place[1] < 54 for p in places)
        done = session.commit(st, now=TEST_NOW)
        assert done.committed and st.scalar("SELECT count(*) FROM grid_units") == 105
    assert steps == sorted(steps) and steps[-1] == 1.0


def test_dry_run_on_a_district_shows_the_difference_and_writes_nothing(small_db_copy, tmp_path, capsys):
    with open_store(small_db_copy, read_only=True) as st:
        src, new_code, _ = _split_one_grid(st, tmp_path)
    before = _counts(small_db_copy)
    code, out, _ = run(capsys, "district", "import", src, "--dry-run", "--db", small_db_copy)
    assert code == 0 and f"新增 网格 {new_code} 新划网格" in out and "试运行" in out
    assert _counts(small_db_copy) == before


def test_one_layer_with_a_level_field_and_tables_with_wkt(demo, tmp_path, capsys):
    """All four levels in one GeoJSON told apart by a 层级 field; merchants from a CSV with a
    WKT column; a Big5 shapefile's names decoded by scoring."""
    units = [(lv, c, n, g) for lv in (1, 2, 3, 4) for c, n, g in
             zip(demo.units[lv]["code"], demo.units[lv]["name"], demo.units[lv]["geom"], strict=True)]
    zh = {1: "区", 2: "街道", 3: "社区", 4: "网格"}
    src = write(tmp_path / "全部边界.geojson", [u[3] for u in units], {
        "层级": np.array([zh[u[0]] for u in units], dtype=object),
        "编码": np.array([u[1] for u in units], dtype=object),
        "名称": np.array([u[2] for u in units], dtype=object)}, driver="GeoJSON")
    pts = shapely.point_on_surface(demo.units[4]["geom"][:5])
    csv = tmp_path / "商户.csv"
    csv.write_text("商户名称,行业,风险等级,WKT\n" + "\n".join(
        f"店{i},餐饮,{'重点' if i % 2 else '一般'},\"{p.wkt}\"" for i, p in enumerate(pts)) + "\n", encoding="utf-8")
    db = tmp_path / "one.duckdb"
    code, out, _ = run(capsys, "district", "import", src, csv, "--json", "--db", db)
    rep = json.loads(out)
    assert code == 0, rep["errors"]
    assert rep["counts"]["grid_units"] == 105 and rep["counts"]["merchants"] == 5
    with open_store(db, read_only=True) as st:
        assert st.rows("SELECT hazard_class FROM merchants ORDER BY id") == [(2,), (1,), (2,), (1,), (2,)]
        from app.checks import run_checks

        assert run_checks(st).ok
    big5 = write(tmp_path / "big5.shp", demo.units[4]["geom"][:3], {
        "網格編碼": np.array(demo.units[4]["code"][:3], dtype=object),
        "網格名稱": np.array(["東門里第一網格", "西門里第二網格", "南門里第三網格"], dtype=object)},
        driver="ESRI Shapefile", encoding="BIG5")
    big5.with_suffix(".cpg").unlink()
    from app.district_io.sources import read_source

    layer = read_source(big5)[0]
    assert layer.encoding == "big5" and layer.fields == ["網格編碼", "網格名稱"]
    assert layer.columns["網格名稱"][0] == "東門里第一網格"


def test_a_camera_list_in_gcj02_is_caught_by_its_grid_codes(demo, small_db_copy, tmp_path, capsys):
    with open_store(small_db_copy, read_only=True) as st:
        c = st.columns("""SELECT c.code, c.lon, c.lat, g.code AS grid, d.code AS dept FROM cameras c
                          JOIN grid_units g ON g.id = c.grid_id JOIN departments d ON d.id = c.department_id
                          ORDER BY c.code LIMIT 40""")
    glon, glat = wgs_to_gcj(c["lon"], c["lat"])
    src = tmp_path / "视频点位.csv"
    src.write_text("国标编码,部门,网格编码,lng,lat\n" + "\n".join(
        f"X{c['code'][i]},{c['dept'][i]},{c['grid'][i]},{glon[i]:.8f},{glat[i]:.8f}" for i in range(40)) + "\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "district", "import", src, "--dry-run", "--json", "--db", small_db_copy)
    rep = json.loads(out)
    assert any("GCJ-02" in w["reason"] for w in rep["warnings"]), rep
    code, out, _ = run(capsys, "district", "import", src, "--repair", "--json", "--db", small_db_copy)
    rep = json.loads(out)
    assert code == 0 and any("GCJ-02" in r["reason"] for r in rep["repairs"]), rep["errors"]
    with open_store(small_db_copy, read_only=True) as st:
        got = st.columns("SELECT lon, lat FROM cameras WHERE code LIKE 'X%' ORDER BY code")
    assert np.allclose(got["lon"], c["lon"], atol=1e-7) and np.allclose(got["lat"], c["lat"], atol=1e-7)


def test_the_first_administrator_of_an_imported_district(demo, tmp_path, capsys, monkeypatch):
    from app.auth.accounts import authenticate

    g = demo.units[4]
    src = write(tmp_path / "网格.gpkg", g["geom"], {"网格编码": np.array(g["code"], dtype=object)},
                driver="GPKG", layer="网格")
    db = tmp_path / "a.duckdb"
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "short")
    code, out, _ = run(capsys, "district", "import", src, "--admin", "chief", "--db", db)
    assert code == 1 and "密码至少" in out and not db.exists()
    monkeypatch.setenv("GRIDCC_NEW_PASSWORD", "Chief#2026x")
    code, out, _ = run(capsys, "district", "import", src, "--admin", "chief", "--db", db)
    assert code == 0, out
    with open_store(db) as st:
        user = authenticate(st, "chief", "Chief#2026x", at=TEST_NOW)
        assert user.role.value == "administrator"
    code, out, _ = run(capsys, "district", "import", src, "--admin", "second", "--db", db)
    assert code == 1 and "已有账号" in out


def test_import_and_export_on_a_server_district(demo, pg_cluster, tmp_path):
    """The same SQL on PostgreSQL: a real-world import, its audit record, an export."""
    from app.audit.log import verify_log
    from app.checks import run_checks
    from app.district_io.exporter import export_district
    from app.district_io.importer import ImportOptions, ImportSession

    rw = real_world(demo, tmp_path / "src")
    url = pg_cluster.create_db("district_import")
    with open_store(url, create=True) as st:
        report = ImportSession(rw.files + [rw.staff], ImportOptions(repair=True, user="pg"), st).run(
            st, dry_run=False, now=TEST_NOW)
        assert report.committed, [e.text() for e in report.findings.errors]
        assert run_checks(st).ok and verify_log(st).ok
        assert st.scalar("SELECT count(*) FROM workers") == len(demo.workers["code"])
        out = export_district(st, tmp_path / "pg.gpkg", user="pg", now=TEST_NOW)
        assert out["layers"]["grids"] == 90 and out["layers"]["staff"] == len(demo.workers["code"])
    pg_cluster.drop_db("district_import")


def test_a_js_wrapped_download_and_repairs_that_are_listed(demo, tmp_path, capsys):
    from tests.app.district_fixtures import feature_array

    g = demo.units[4]
    feats = feature_array(g["geom"], [{"gridcode": c, "name": n} for c, n in zip(g["code"], g["name"], strict=True)])
    js = tmp_path / "grid_data.js"
    js.write_text("var gridData = " + json.dumps({"type": "FeatureCollection", "features": feats},
                                                 ensure_ascii=False) + ";\n", encoding="utf-8")
    code, out, _ = run(capsys, "district", "import", js, "--crs", "EPSG:4490", "--dry-run", "--json",
                       "--db", tmp_path / "x.duckdb")
    rep = json.loads(out)
    assert code == 0 and any("JavaScript" in w["reason"] for w in rep["warnings"]), rep["errors"]
    assert rep["counts"]["grid_units.grid"] == 90
    # a bow-tie and a Z coordinate: refused without --repair, repaired and listed with it
    geoms = np.asarray(g["geom"], dtype=object).copy()
    x0, y0, x1, y1 = shapely.bounds(geoms[0])
    geoms[0] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    geoms[1] = shapely.force_3d(geoms[1], 3.0)
    src = write(tmp_path / "网格_待修.gpkg", geoms, {"网格编码": np.array(g["code"], dtype=object)},
                driver="GPKG", layer="网格", geometry_type="Unknown")
    code, out, _ = run(capsys, "district", "import", src, "--dry-run", "--json", "--db", tmp_path / "y.duckdb")
    assert code == 1 and "自相交" in out and "Z/M" in out
    code, out, _ = run(capsys, "district", "import", src, "--repair", "--dry-run", "--json",
                       "--db", tmp_path / "y.duckdb")
    rep = json.loads(out)
    assert code == 0, rep["errors"]
    fixed = [r for r in rep["repairs"] if "自相交" in r["reason"]]
    assert fixed and fixed[0]["where"] == "第 1 条要素" and "多部件面" in fixed[0]["reason"]
    assert any("Z/M" in r["reason"] for r in rep["repairs"])
