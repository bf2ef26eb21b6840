"""A corpus of malformed district files, made by the tests themselves (pyogrio and by
hand): each with what the import must say about it."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from app.geo.crs import geoms_to_metric
from tests.app.district_fixtures import Demo, feature_array, write

DRIVERS = {"shp": ("ESRI Shapefile", ".shp"), "gpkg": ("GPKG", ".gpkg"), "geojson": ("GeoJSON", ".geojson")}


@dataclass
class Bad:
    """One malformed input: files, import options, a phrase its error must contain,
    whether the error names a feature or line, and which district it goes into."""

    name: str
    paths: list[Path]
    expect: str
    where: bool = False
    options: dict = field(default_factory=dict)
    target: str = "empty"  # "empty": a new empty district; "district": the small demo district


class Corpus:
    def __init__(self, demo: Demo, out: Path) -> None:
        self.demo, self.out, self.items = demo, out, []
        out.mkdir(parents=True, exist_ok=True)
        comm = demo.units[3]["code"][0]
        g = demo.units[4]
        k = [i for i, c in enumerate(g["code"]) if c.startswith(comm)]
        self.codes = np.array([g["code"][i] for i in k], dtype=object)
        self.names = np.array([g["name"][i] for i in k], dtype=object)
        self.geoms = np.asarray(g["geom"][k], dtype=object)

    def add(self, *a, **kw) -> None:
        self.items.append(Bad(*a, **kw))

    def grids(self, name: str, fmt: str, geoms=None, fields=None, crs="EPSG:4490", gtype=None) -> Path:
        driver, ext = DRIVERS[fmt]
        path = self.out / f"{name}_{fmt}{ext}"
        fields = fields if fields is not None else {"网格编码": self.codes, "网格名称": self.names}
        geoms = self.geoms if geoms is None else geoms
        kw = {"encoding": "UTF-8"} if fmt == "shp" else {}
        if fmt == "shp" and gtype is None:
            gtype = "Unknown" if len({x.geom_type for x in geoms if x is not None}) > 1 else None
        write(path, geoms, fields, driver=driver, crs=crs, geometry_type=gtype, **kw)
        return path


def _copy_shapefile(src: Path, dst_stem: Path, skip: tuple = ()) -> Path:
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        if ext not in skip and src.with_suffix(ext).exists():
            shutil.copy(src.with_suffix(ext), dst_stem.with_suffix(ext))
    return dst_stem.with_suffix(".shp")


def build(demo: Demo, out: Path) -> list[Bad]:
    c = Corpus(demo, out)
    n = len(c.codes)
    base_shp = c.grids("base", "shp")
    size = base_shp.stat().st_size

    # -- the frame of a Shapefile --------------------------------------------------------
    for k, cut in enumerate(np.unique(np.linspace(1, size - 1, 24).astype(int))):
        p = _copy_shapefile(base_shp, out / f"trunc_shp_{k}")
        with open(p, "r+b") as f:
            f.truncate(int(cut))
        c.add(f"truncated .shp at {cut} bytes", [p], "截断")
    p = _copy_shapefile(base_shp, out / "zero_size")
    p.write_bytes(b"")
    c.add("empty .shp", [p], "文件为空")
    dbf_size = base_shp.with_suffix(".dbf").stat().st_size
    for k, cut in enumerate(np.unique(np.linspace(40, dbf_size - 2, 10).astype(int))):
        p = _copy_shapefile(base_shp, out / f"trunc_dbf_{k}")
        with open(p.with_suffix(".dbf"), "r+b") as f:
            f.truncate(int(cut))
        c.add(f"truncated .dbf at {cut}", [p], "属性表文件被截断")
    for k, cut in enumerate((20, 60, 99, 110, 150)):
        p = _copy_shapefile(base_shp, out / f"trunc_shx_{k}")
        with open(p.with_suffix(".shx"), "r+b") as f:
            f.truncate(cut)
        c.add(f"truncated .shx at {cut}", [p], "截断")
    c.add("missing .shx", [_copy_shapefile(base_shp, out / "no_shx", (".shx",))], "缺少索引文件 .shx")
    c.add("missing .dbf", [_copy_shapefile(base_shp, out / "no_dbf", (".dbf",))], "缺少属性表文件 .dbf")
    # missing .prj on Gauss-Kruger numbers without the zone: the meridian is unknown
    p = c.grids("no_prj_cm", "shp", geoms=shapely.transform(geoms_to_metric(c.geoms), lambda xy: xy - [39_000_000, 0]),
                crs=None)
    p.with_suffix(".prj").unlink(missing_ok=True)
    c.add("missing .prj, GK numbers without the zone", [p], "中央经线")
    for k, seed in enumerate(range(5)):
        p = _copy_shapefile(base_shp, out / f"badmagic_{k}")
        data = bytearray(p.read_bytes())
        data[0:4] = np.random.default_rng(seed).integers(0, 256, 4, dtype=np.uint8).tobytes()
        p.write_bytes(bytes(data))
        c.add("corrupt header", [p], "不是 Shapefile")
    p = _copy_shapefile(base_shp, out / "zeros")
    p.write_bytes(b"\0" * size)
    c.add("zero-filled .shp", [p], "不是 Shapefile")
    # wrong .prj
    for k, text in enumerate(["this is not a projection", "", 'GEOGCS["broken"', "PROJCS[]"]):
        p = _copy_shapefile(base_shp, out / f"garbage_prj_{k}")
        p.with_suffix(".prj").write_text(text)
        c.add("unreadable .prj", [p], "")  # GDAL itself may refuse the layer
    for epsg in (3857, 32650, 2385, 4527, 4548, 3395, 2437, 4544):
        p = _copy_shapefile(base_shp, out / f"wrong_prj_{epsg}")
        p.with_suffix(".prj").write_text(CRS.from_epsg(epsg).to_wkt("WKT1_ESRI"))
        c.add(f".prj says EPSG:{epsg} for lon/lat", [p], f"EPSG:{epsg}")
    metric = geoms_to_metric(c.geoms)
    for fmt in ("shp", "gpkg"):
        c.add(f"{fmt}: metric numbers declared lon/lat", [c.grids("metric_as_4490", fmt, geoms=metric)], "EPSG:4490")

    # -- content, in every vector format ---------------------------------------------------
    codes = c.codes
    for fmt in ("shp", "gpkg", "geojson"):
        mixed = c.geoms.copy()
        if fmt == "shp":  # one type per Shapefile: a point layer where areas are expected
            mixed = shapely.centroid(mixed)
        else:
            mixed[1] = shapely.centroid(mixed[1])
            mixed[2] = shapely.boundary(mixed[2])
        c.add(f"{fmt}: mixed geometry types", [c.grids("mixed", fmt, geoms=mixed, gtype="Point" if fmt == "shp" else "Unknown")],
              "几何类型是", where=True)
        c.add(f"{fmt}: empty layer", [c.grids("empty", fmt, geoms=c.geoms[:0],
                                                  fields={"网格编码": codes[:0], "网格名称": c.names[:0]},
                                                  gtype="Polygon")], "空图层")
        c.add(f"{fmt}: Z coordinates", [c.grids("z", fmt, geoms=shapely.force_3d(c.geoms, 5.0), gtype="Polygon Z")],
              "Z/M", where=True)
        swapped = shapely.transform(c.geoms, lambda xy: xy[:, ::-1])
        c.add(f"{fmt}: swapped axes", [c.grids("swapped", fmt, geoms=swapped, crs=None)], "顺序颠倒", where=True)
        for unit, factor in (("km", 1e-3), ("microdegrees", 1e6), ("radians", np.pi / 180), ("centimetres", 100.0)):
            geoms = shapely.transform(metric if unit in ("km", "centimetres") else c.geoms,
                                      lambda xy, f=factor: xy * f)
            c.add(f"{fmt}: wrong units ({unit})", [c.grids(f"units_{unit}", fmt, geoms=geoms, crs=None)],
                  "单位")
        bow = c.geoms.copy()
        x0, y0, x1, y1 = shapely.bounds(bow[0])
        bow[0] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
        c.add(f"{fmt}: self-intersection", [c.grids("bowtie", fmt, geoms=bow)], "自相交", where=True)
        dup = codes.copy()
        dup[2] = dup[1]
        c.add(f"{fmt}: duplicated codes", [c.grids("dup", fmt, fields={"网格编码": dup, "网格名称": c.names})],
              "重复", where=True)
        nest = codes.copy()
        nest[0] = "120106002" + nest[0][9:]  # another street's prefix, geometry in this one
        c.add(f"{fmt}: codes that do not nest", [c.grids("nonest", fmt, fields={
            "网格编码": codes, "网格名称": c.names, "上级编码": np.array([nest[0][:12]] + [x[:12] for x in codes[1:]],
                                                                dtype=object)})], "不嵌套", where=True)
        short = codes.copy()
        short[3] = short[3][:-1]
        c.add(f"{fmt}: a code too short", [c.grids("short", fmt, fields={"网格编码": short, "网格名称": c.names,
                                                                          "层级": np.full(n, "网格", dtype=object)})],
              "应为 14-20 位数字", where=True)
        alpha = codes.copy()
        alpha[4] = "12010600A00101"
        c.add(f"{fmt}: a code with letters", [c.grids("alpha", fmt, fields={"网格编码": alpha, "网格名称": c.names,
                                                                             "层级": np.full(n, 4)})],
              "应为 14-20 位数字", where=True)
        c.add(f"{fmt}: no code column", [c.grids("nocode", fmt, fields={"备注": c.names})], "缺少字段：code")
        lv = np.full(n, "网格", dtype=object)
        lv[2] = "第九层"
        c.add(f"{fmt}: unknown level", [c.grids("badlevel", fmt, fields={"网格编码": codes, "网格名称": c.names,
                                                                          "层级": lv})], "层级", where=True)
        c.add(f"{fmt}: no grid level", [c.grids("only_streets", fmt, geoms=c.demo.units[2]["geom"], fields={
            "编码": np.array(c.demo.units[2]["code"], dtype=object)})], "缺少第 4 级网格")
        other = codes.copy()
        other[0] = "130102" + other[0][6:]
        c.add(f"{fmt}: two districts", [c.grids("two_counties", fmt, fields={"网格编码": other, "网格名称": c.names})],
              "只有一个区")
        oneword = np.array([x[:12] + "01" for x in codes], dtype=object)
        c.add(f"{fmt}: all codes equal", [c.grids("allsame", fmt, fields={"网格编码": oneword, "网格名称": c.names})],
              "重复", where=True)
    # the community layer is given and lacks the community of some grids: orphans, in m²
    comm = c.demo.units[3]
    for fmt in ("shp", "gpkg", "geojson"):
        cp = c.grids("comm_missing", fmt, geoms=comm["geom"][1:2], fields={
            "社区编码": np.array(comm["code"][1:2], dtype=object), "社区名称": np.array(comm["name"][1:2], dtype=object)})
        c.add(f"{fmt}: orphans (their community is missing)", [cp, c.grids("orph_grids", fmt)], "孤立单元", where=True,
              options={"level": None})
    for fmt in ("gpkg", "geojson"):
        nulls = c.geoms.copy()
        nulls[1] = None
        c.add(f"{fmt}: a feature without geometry", [c.grids("nullgeom", fmt, geoms=nulls, gtype="Polygon")],
              "没有几何", where=True)
    # -- encodings and field names ----------------------------------------------------
    gbk = c.grids("gbk_nocpg", "shp")
    gbk.unlink()
    for ext in (".shx", ".dbf", ".prj", ".cpg"):
        gbk.with_suffix(ext).unlink(missing_ok=True)
    gbk = write(out / "gbk_nocpg.shp", c.geoms, {"网格编码": codes, "网格名称": c.names}, driver="ESRI Shapefile",
                encoding="GBK")
    gbk.with_suffix(".cpg").unlink()
    c.add("GBK without .cpg read as UTF-8", [gbk], "无法解码", where=True, options={"encoding": "utf-8"})
    c.add("GBK without .cpg read as Big5", [gbk], "无法解码", where=True, options={"encoding": "big5"})
    big5 = write(out / "big5.shp", c.geoms, {"網格編碼": codes, "網格名稱": np.array([f"網格{i}號" for i in range(n)],
                                                                                   dtype=object)},
                 driver="ESRI Shapefile", encoding="BIG5")
    big5.with_suffix(".cpg").unlink()
    c.add("Big5 read as UTF-8", [big5], "无法解码", where=True, options={"encoding": "utf-8"})
    c.add("an unknown --encoding", [gbk], "未知的字符编码", options={"encoding": "klingon-8"})
    cut = write(out / "cut_names.shp", c.geoms, {"网格编码": codes, "网格编号": codes}, driver="ESRI Shapefile",
                encoding="UTF-8")
    c.add("field names cut mid-character into the same name", [cut], "重名字段")
    # -- GeoJSON text --------------------------------------------------------------------
    fc = json.dumps({"type": "FeatureCollection", "features": feature_array(
        c.geoms, [{"网格编码": x, "网格名称": y} for x, y in zip(codes, c.names, strict=True)])},
        ensure_ascii=False, indent=1)
    lines = fc.count("\n")
    for k, frac in enumerate(np.linspace(0.05, 0.95, 14)):
        p = out / f"trunc_{k}.geojson"
        p.write_text(fc[: int(len(fc) * frac)], encoding="utf-8")
        c.add(f"truncated GeoJSON at {frac:.0%}", [p], "JSON 语法错误", where=True)
    for k, (old, new) in enumerate([('"type": "Feature",', '"type": "Feature"'), ("]", "}"),
                                    ('"coordinates"', "coordinates"), ('"网格编码"', "'网格编码'")]):
        p = out / f"syntax_{k}.geojson"
        p.write_text(fc.replace(old, new, 1), encoding="utf-8")
        c.add(f"GeoJSON syntax error {k}", [p], "JSON 语法错误", where=True)
    assert lines > 10
    p = out / "gbk.geojson"
    p.write_bytes(fc.encode("gbk"))
    c.add("GeoJSON in GBK", [p], "UTF-8")
    p = out / "not_geo.json"
    p.write_text('{"a": 1, "b": [1, 2, 3]}')
    c.add("JSON that is not GeoJSON", [p], "GDAL 无法读取")
    p = out / "nojson.js"
    p.write_text("var district = undefined;\nconsole.log('nothing here');\n")
    c.add("a .js without JSON", [p], "")
    p = out / "binary.geojson"
    p.write_bytes(bytes(range(256)) * 4)
    c.add("binary .geojson", [p], "二进制")
    p = out / "blank.geojson"
    p.write_text("   \n\n  ")
    c.add("blank .geojson", [p], "空白")
    nanfc = fc.replace("117.", "NaN", 1)
    p = out / "nan.geojson"
    p.write_text(nanfc, encoding="utf-8")
    c.add("NaN coordinate", [p], "")
    # -- tables --------------------------------------------------------------------------
    cam = c.demo.cameras
    header = "编号,点位名称,所属部门,经度,纬度\n"
    rows = [f"{cam['code'][i]},{cam['name'][i]},{cam['dept'][i]},{cam['lon'][i]:.7f},{cam['lat'][i]:.7f}"
            for i in range(20)]
    for k, bad in enumerate(["东经117度", "", "117,16", "--", "1e999"]):
        r = list(rows)
        r[5] = f"{cam['code'][5]},{cam['name'][5]},{cam['dept'][5]},{bad},{cam['lat'][5]:.7f}"
        p = out / f"cams_badnum_{k}.csv"
        p.write_text(header + "\n".join(r) + "\n", encoding="utf-8")
        c.add(f"CSV with a bad longitude {bad!r}", [p], "", where=True, target="district")
    p = out / "cams_nocoords.csv"
    p.write_text("编号,点位名称,所属部门\n" + "\n".join(f"{cam['code'][i]},x,{cam['dept'][i]}" for i in range(5)) + "\n",
                 encoding="utf-8")
    c.add("CSV without coordinate columns", [p], "坐标列", target="district", options={"kind": "cameras"})
    p = out / "cams_swapped.csv"
    p.write_text("编号,点位名称,所属部门,经度,纬度\n" + "\n".join(
        f"{cam['code'][i]},x,{cam['dept'][i]},{cam['lat'][i]:.7f},{cam['lon'][i]:.7f}" for i in range(8)) + "\n",
        encoding="utf-8")
    c.add("CSV with lat/lon swapped", [p], "顺序颠倒", where=True, target="district")
    p = out / "cams_outside.csv"
    p.write_text(header + "\n".join(f"{cam['code'][i]},x,{cam['dept'][i]},116.{i:02d},40.{i:02d}"
                                    for i in range(6)) + "\n", encoding="utf-8")
    c.add("cameras outside every grid", [p], "不在任何基础网格内", where=True, target="district")
    p = out / "cams_dept.csv"
    p.write_text(header + "\n".join(f"{cam['code'][i]},x,没有这个部门,{cam['lon'][i]:.7f},{cam['lat'][i]:.7f}"
                                    for i in range(6)) + "\n", encoding="utf-8")
    c.add("cameras of an unknown department", [p], "所属部门", where=True, target="district")
    p = out / "cams_dup.csv"
    p.write_text(header + "\n".join(rows[:6] + rows[2:3]) + "\n", encoding="utf-8")
    c.add("cameras with a duplicated code", [p], "重复", where=True, target="district")
    p = out / "cams_nogrid.csv"
    p.write_text(header + "\n".join(rows[:6]) + "\n", encoding="utf-8")
    c.add("cameras into a district without grids", [p], "还没有网格")
    w = c.demo.workers
    staff_cols = {"工号": w["code"][:10], "姓名": w["name"][:10], "岗位": np.full(10, "网格员", dtype=object),
                  "网格编码": w["grid"][:10], "手机号": w["phone"][:10]}
    for what, col, k, value, expect in (("a bad phone", "手机号", 3, "12345", "电话号码"),
                                        ("a letter phone", "手机号", 4, "138abcd1234", "电话号码"),
                                        ("an unknown role", "岗位", 2, "宇航员", "角色"),
                                        ("an unknown grid", "网格编码", 1, "12010699999999", "所属网格"),
                                        ("no name", "姓名", 6, "", "缺少工号或姓名"),
                                        ("a duplicated worker code", "工号", 7, w["code"][0], "重复")):
        cols = {kk: np.array(v, dtype=object).copy() for kk, v in staff_cols.items()}
        cols[col][k] = value
        for fmt in ("xlsx", "csv"):
            p = out / f"staff_{what.replace(' ', '_')}.{fmt}"
            if fmt == "xlsx":
                write(p, None, cols, driver="XLSX")
            else:
                p.write_text(",".join(cols) + "\n" + "\n".join(",".join(str(cols[kk][i]) for kk in cols)
                                                                for i in range(10)) + "\n", encoding="utf-8")
            c.add(f"staff {fmt}: {what}", [p], expect, where=True, target="district")
    p = out / "staff_gbk_as_utf8.csv"
    p.write_bytes((",".join(staff_cols) + "\n" + "\n".join(",".join(str(staff_cols[kk][i]) for kk in staff_cols)
                                                         for i in range(10)) + "\n").encode("gbk"))
    c.add("staff CSV in GBK read as UTF-8", [p], "无法解码", where=True, target="district",
          options={"encoding": "utf-8"})
    deps = {"部门编码": np.array(["A1", "A2", "A1"], dtype=object), "部门名称": np.array(["甲", "乙", "丙"], dtype=object)}
    p = write(out / "departments_dup.xlsx", None, deps, driver="XLSX")
    c.add("departments with a duplicated code", [p], "重复", where=True)
    cats = {"分类编码": np.array(["0101", "01x2", "0103"], dtype=object),
            "小类名称": np.array(["暴露垃圾", "坏", "道路不洁"], dtype=object),
            "责任部门": np.array(["HW", "HW", "不存在的部门"], dtype=object)}
    p = write(out / "categories_bad.xlsx", None, cats, driver="XLSX")
    c.add("categories with a bad code and department", [p], "分类编码", where=True, target="district")
    for k, cut in enumerate((30, 200, 1000)):
        src = out / "departments_dup.xlsx"
        p = out / f"trunc_{k}.xlsx"
        p.write_bytes(src.read_bytes()[:cut])
        c.add(f"truncated XLSX at {cut}", [p], "")
    # buildings
    b = c.demo.buildings
    bf = {"层数": b["floors"][:20].astype(object)}
    bf["层数"][3] = "五层半"
    c.add("buildings with text floors", [write(out / "buildings_badfloors.gpkg", b["geom"][:20], bf, driver="GPKG",
                                                layer="建筑")], "层数/高度无效", where=True, target="district")
    far = shapely.transform(b["geom"][:5], lambda xy: xy + [0.5, 0.5])
    c.add("buildings outside every grid", [write(out / "buildings_far.gpkg", far, {"层数": np.ones(5, np.int32)},
                                                  driver="GPKG", layer="建筑")], "不在任何基础网格内",
          where=True, target="district")
    pts = shapely.centroid(b["geom"][:5])
    c.add("buildings as points", [write(out / "buildings_points.gpkg", pts, {"层数": np.ones(5, np.int32)},
                                         driver="GPKG", layer="建筑")], "几何类型是", where=True,
          target="district", options={"kind": "buildings"})
    # -- GeoPackage ----------------------------------------------------------------------
    gp = c.grids("base", "gpkg")
    for k, cut in enumerate((50, 1024, 4096, 20000)):
        p = out / f"trunc_{k}.gpkg"
        p.write_bytes(gp.read_bytes()[:cut])
        c.add(f"truncated GeoPackage at {cut}", [p], "")
    c.add("a GeoPackage layer that is not there", [gp], "没有图层", options={"layer": "不存在"})
    p = out / "fake.gpkg"
    p.write_text("SQLite format 3 this is not really a database")
    c.add("a fake GeoPackage", [p], "GeoPackage")
    # -- the file system -----------------------------------------------------------------
    d = out / "a_directory"
    d.mkdir(exist_ok=True)
    c.add("a directory", [d], "目录")
    d2 = out / "folder.shp"
    d2.mkdir(exist_ok=True)
    c.add("a directory named .shp", [d2], "目录")
    c.add("a missing file", [out / "nowhere.gpkg"], "不存在")
    link = out / "dangling.geojson"
    if not link.is_symlink():
        link.symlink_to(out / "gone.geojson")
    c.add("a dangling symlink", [link], "不存在")
    fifo = out / "pipe.geojson"
    if not fifo.exists():
        os.mkfifo(fifo)
    c.add("a named pipe (unreadable as a file)", [fifo], "不是普通文件")
    locked = out / "locked.geojson"
    locked.write_text(fc, encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads anything: the pipe above stands for it there
        c.add("a file without read permission", [locked], "权限")
    for ext in (".kml", ".dwg", ""):
        p = out / f"unsupported{ext or '_noext'}"
        p.write_text("x")
        c.add(f"unsupported type {ext or '(none)'}", [p], "不支持")
    for ext in (".shp", ".gpkg", ".geojson", ".csv", ".xlsx", ".js"):
        p = out / f"zero{ext}"
        p.write_bytes(b"")
        c.add(f"empty {ext}", [p], "文件为空")
    for ext, expect in ((".geojson", "文件过大"), (".shp", "不是 Shapefile"), (".gpkg", "不是 GeoPackage"),
                        (".csv", "文件过大")):
        p = out / f"huge{ext}"
        with open(p, "wb") as f:
            f.truncate(2 * 1024**3)  # 2 GB, sparse: costs no disk
        c.add(f"a 2 GB sparse {ext}", [p], expect)
    # -- options and mapping files ---------------------------------------------------
    c.add("an unknown --crs", [base_shp], "无法识别的坐标系", options={"crs": "EPSG:999999"})
    c.add("--crs contradicting the numbers", [c.grids("crs_contra", "gpkg", geoms=metric)], "不符",
          options={"crs": "EPSG:4490"})
    m = out / "bad.toml"
    m.write_text("[[layer]\nkind = grids")
    c.add("a broken mapping file", [gp], "映射文件", options={"mapping_file": m})
    m = out / "missing_field.json"
    m.write_text(json.dumps({"layer": [{"kind": "grids", "fields": {"code": "不存在的字段"}}]}), encoding="utf-8")
    c.add("a mapping to a field that is not there", [gp], "没有该字段", options={"mapping_file": m})
    m = out / "bad_kind.json"
    m.write_text(json.dumps({"layer": [{"kind": "toilets"}]}), encoding="utf-8")
    c.add("a mapping file with an unknown kind", [gp], "kind", options={"mapping_file": m})
    return c.items
