"""Reading the files a district arrives in, with pyogrio (bundled GDAL).

Shapefile (with or without ``.cpg``), GeoPackage (one or all layers), GeoJSON (a
FeatureCollection, a bare array of Features, or either wrapped in JavaScript such as
``var data = …;``; read in batches, app/district_io/geojson.py), CSV and XLSX (coordinates or WKT in columns, made into geometry
once the columns are mapped).  Before GDAL sees a file its frame is checked (exists,
is a file, readable, not empty, not absurdly large, a Shapefile's header and
companion files), so that a broken file is named with a reason instead of a crash.
"""

from __future__ import annotations

import hashlib
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio import raw

from app.district_io.encoding import best_encoding, decode_name, from_latin1, normalise_encoding
from app.district_io.problems import Findings, SourceError, where_feature

FORMATS = {".shp": "shp", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
           ".js": "geojson", ".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
#: text formats are read whole into memory: a cap keeps the import within 2 GB
MAX_TEXT_BYTES = 1 << 30
MAX_BINARY_BYTES = (1 << 31) + (1 << 20)  # a Shapefile's .shp cannot exceed 2 GB
_CPG = {"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8", "gbk": "gb18030", "936": "gb18030",
        "cp936": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "54936": "gb18030",
        "big5": "big5", "950": "big5", "cp950": "big5"}
_LDID = {0x4D: "gb18030", 0x7A: "gb18030", 0x4F: "big5", 0x78: "big5"}


@dataclass
class SourceLayer:
    """One layer of one file, read: attribute columns and geometries as found."""

    path: Path
    layer: str
    driver: str
    fields: list[str]
    columns: dict[str, np.ndarray]
    geoms: np.ndarray | None  # shapely in the file's CRS; None for a plain table
    crs_wkt: str | None
    geometry_type: str | None
    numbers: np.ndarray  # feature number (1-based) or table line
    unit: str = "要素"  # what a row is called in messages: 要素 or 行
    encoding: str | None = None
    encoding_scores: dict[str, float] = field(default_factory=dict)
    sha256: str = ""
    findings: Findings = field(default_factory=Findings)

    @property
    def name(self) -> str:
        return self.path.name if self.layer in ("", self.path.stem) else f"{self.path.name}:{self.layer}"

    def __len__(self) -> int:
        return len(self.numbers)

    def where(self, i: int) -> str:
        return where_feature(int(self.numbers[i]), self.unit)


def sha256_of(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _companion(path: Path, ext: str) -> Path | None:
    for cand in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if cand.is_file():
            return cand
    return None


def check_frame(path: Path) -> str:
    """The format of ``path`` after checking it can be read at all (else SourceError)."""
    name = str(path)
    if path.is_dir():
        raise SourceError(name, "这是一个目录，不是数据文件（请指定其中的 .shp/.gpkg/.geojson 等文件）")
    if not path.exists():
        what = "符号链接指向的文件不存在" if path.is_symlink() else "文件不存在"
        raise SourceError(name, what)
    if not path.is_file():
        raise SourceError(name, "不是普通文件（设备、管道或套接字）")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(name, f"不支持的文件类型 {path.suffix or '（无扩展名）'}；可用 "
                                ".shp、.gpkg、.geojson/.json/.js、.csv、.xlsx")
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except PermissionError:
        raise SourceError(name, "没有读取权限") from None
    except OSError as exc:
        raise SourceError(name, f"无法读取：{exc.strerror}") from None
    size = path.stat().st_size
    if size == 0:
        raise SourceError(name, "文件为空（0 字节）")
    limit = MAX_BINARY_BYTES if fmt in ("shp", "gpkg", "xlsx") else MAX_TEXT_BYTES
    if size > limit:
        raise SourceError(name, f"文件过大（{size / 2**30:.1f} GB），超过 {limit / 2**30:.0f} GB 上限")
    if fmt == "shp":
        _check_shapefile(path, head, size)
    elif fmt == "gpkg" and not head.startswith(b"SQLite format 3\x00"):
        raise SourceError(name, "不是 GeoPackage（文件头不是 SQLite 数据库）")
    elif fmt == "xlsx" and not head.startswith(b"PK"):
        raise SourceError(name, "不是 XLSX 工作簿（文件头不是 ZIP）")
    elif fmt == "geojson" and not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise SourceError(name, "文件内容为空白")
    elif b"\x00" in head and fmt in ("geojson", "csv"):
        raise SourceError(name, "文件含二进制零字节，不是文本（文件损坏或稀疏文件？）")
    return fmt


def _check_shapefile(path: Path, head: bytes, size: int) -> None:
    name = str(path)
    if len(head) < 100:
        raise SourceError(name, f"文件被截断：只有 {size} 字节，连 100 字节的文件头都不完整")
    code, = struct.unpack(">i", head[0:4])
    if code != 9994:
        raise SourceError(name, "不是 Shapefile（文件头标识不是 9994；文件损坏或稀疏文件？）")
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        raise SourceError(name, f"文件被截断：文件头记录长度 {declared:,} 字节，实际只有 {size:,} 字节")
    if _companion(path, ".shx") is None:
        raise SourceError(name, "缺少索引文件 .shx（Shapefile 由 .shp、.shx、.dbf 三个文件组成）")
    dbf = _companion(path, ".dbf")
    if dbf is None:
        raise SourceError(name, "缺少属性表文件 .dbf（Shapefile 由 .shp、.shx、.dbf 三个文件组成）")
    with open(dbf, "rb") as f:
        h = f.read(32)
    if len(h) < 32:
        raise SourceError(str(dbf), "属性表文件被截断（文件头不完整）")
    n, hlen, rlen = struct.unpack("<IHH", h[4:12])
    dsize = dbf.stat().st_size
    if dsize < hlen + n * rlen:
        raise SourceError(str(dbf), f"属性表文件被截断：应有 {n:,} 条记录（{hlen + n * rlen:,} 字节），"
                                    f"实际只有 {dsize:,} 字节")
    shx = _companion(path, ".shx")
    if shx.stat().st_size < 100 + 8 * n:
        raise SourceError(str(shx), f"索引文件 .shx 被截断：属性表有 {n:,} 条记录")


def list_layers(path: Path) -> list[tuple[str, str | None]]:
    """The layers of a file (name, geometry type), for the wizard's layer step."""
    fmt = check_frame(path)
    if fmt != "gpkg":
        return [(path.stem, None)]
    try:
        return [(str(n), None if t is None else str(t)) for n, t in pyogrio.list_layers(path)]
    except Exception as exc:  # noqa: BLE001 - GDAL's errors are many; all mean unreadable
        raise SourceError(str(path), f"GDAL 无法读取：{_gdal_reason(exc)}") from None


def read_source(path: Path, layer: str | None = None, encoding: str | None = None) -> list[SourceLayer]:
    """Read ``path`` (every layer of a GeoPackage unless ``layer`` names one)."""
    path = Path(path)
    fmt = check_frame(path)
    if fmt == "shp":
        return [_read_shapefile(path, encoding)]
    if fmt == "gpkg":
        names = [n for n, _ in list_layers(path)]
        if layer is not None and layer not in names:
            raise SourceError(str(path), f"没有图层 {layer!r}；可选：{'、'.join(names)}")
        if not names:
            raise SourceError(str(path), "GeoPackage 中没有任何图层")
        digest = sha256_of([path])
        return [_read_plain(path, "gpkg", n, digest) for n in ([layer] if layer else names)]
    if fmt == "geojson":
        from app.district_io.geojson import read_geojson

        return [read_geojson(path)]
    return [_read_table(path, fmt, encoding)]


def _gdal_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _finish(path, layer, driver, meta, geometry, fields, data, unit, digest, numbers=None,
            shapes=None) -> SourceLayer:
    """The SourceLayer of what was read: ``geometry`` as WKB, or ``shapes`` already made."""
    geoms = shapes
    if geometry is not None:
        geoms = shapely.from_wkb(np.asarray(geometry, dtype=object), on_invalid="ignore")
    n = len(data[0]) if data else (0 if geoms is None else len(geoms))
    if numbers is None:
        numbers = np.arange(1, n + 1)
    return SourceLayer(
        path=path, layer=layer, driver=driver, fields=list(fields),
        columns={f: np.asarray(v) for f, v in zip(fields, data, strict=True)}, geoms=geoms,
        crs_wkt=meta.get("crs_wkt") or meta.get("crs"), geometry_type=meta.get("geometry_type"),
        numbers=numbers, unit=unit, sha256=digest)


def _read(path_or_bytes, name: str, **kw):
    try:
        with warnings.catch_warnings():  # GDAL's notes on odd files: the findings say it
            warnings.simplefilter("ignore")
            meta, _fids, geometry, data = raw.read(path_or_bytes, **kw)
    except UnicodeDecodeError as exc:
        raise SourceError(name, f"文本编码无法解码（{exc.reason}）；请用 --encoding 指定") from None
    except Exception as exc:  # noqa: BLE001 - GDAL/pyogrio raise many types for bad files
        raise SourceError(name, f"GDAL 无法读取：{_gdal_reason(exc)}") from None
    return dict(meta), geometry, data


def _read_plain(path: Path, driver: str, layer: str | None, digest: str) -> SourceLayer:
    meta, geometry, data = _read(path, str(path), layer=layer)
    crs = _crs_wkt(path, layer)
    meta["crs_wkt"] = crs
    return _finish(path, layer or path.stem, driver, meta, geometry, meta["fields"], data, "要素", digest)


def _crs_wkt(path, layer=None) -> str | None:
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception:  # noqa: BLE001
        return None
    if not info.get("crs"):
        return None
    try:
        from pyproj import CRS

        return CRS.from_user_input(info["crs"]).to_wkt()
    except Exception:  # noqa: BLE001
        return str(info["crs"])


def _read_shapefile(path: Path, encoding: str | None) -> SourceLayer:
    files = [path] + [c for e in (".shx", ".dbf", ".prj", ".cpg") if (c := _companion(path, e))]
    digest = sha256_of(files)
    # ENCODING="" : GDAL hands back the bytes (as ISO-8859-1) whatever the .cpg says;
    # the encoding is decided here (a cut UTF-8 field name would not decode in GDAL)
    meta, geometry, data = _read(path, str(path), ENCODING="")
    prj = _companion(path, ".prj")
    meta["crs_wkt"] = prj.read_text(encoding="latin-1", errors="replace").strip() if prj else None
    if prj is not None and not meta["crs_wkt"]:
        meta["crs_wkt"] = "(empty .prj)"
    raw_names = [from_latin1(f) for f in meta["fields"]]
    string_cols = [i for i, col in enumerate(data) if col.dtype == object]
    samples = raw_names + [from_latin1(v) for i in string_cols for v in data[i][:2000] if isinstance(v, str)]
    findings = Findings()
    cpg = _companion(path, ".cpg")
    scores: dict[str, float] = {}
    if encoding:
        enc, how = normalise_encoding(encoding), "--encoding"
    elif cpg is not None:
        text = cpg.read_text(encoding="latin-1", errors="replace").strip().lower()
        enc = _CPG.get(text.replace("cp", "") if text.startswith("cp") and text[2:].isdigit() else text)
        how = ".cpg"
        if enc is None:
            enc, scores = best_encoding(samples)
            how = "评分"
            findings.warn(str(cpg), f".cpg 声明的编码 {text!r} 无法识别，按评分选用 {enc}")
    else:
        with open(_companion(path, ".dbf"), "rb") as f:
            ldid = f.read(32)[29]
        enc, how = (_LDID[ldid], "DBF 代码页") if ldid in _LDID else (None, "评分")
        if enc is None:
            enc, scores = best_encoding(samples)
            if any(b > 127 for s in samples for b in s):
                findings.warn(str(path), f"没有 .cpg 编码说明，按评分判定属性表编码为 {enc.upper()}"
                                         f"（{', '.join(f'{k} {v:.2f}' for k, v in scores.items())}）")
    names = []
    for raw_name in raw_names:
        nm, cut = decode_name(raw_name, enc)
        if cut:
            findings.repair(str(path), f"字段名被截断在半个汉字处，已修复为 {nm!r}")
        names.append(nm)
    if len(set(names)) < len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        findings.error(str(path), f"修复截断的字段名后出现重名字段：{'、'.join(dup)}；请用映射文件指定字段")
        names = [n if names.count(n) == 1 else f"{n}#{i}" for i, n in enumerate(names)]
    out = []
    for col in data:
        if col.dtype != object:
            out.append(col)
            continue
        vals = np.empty(len(col), dtype=object)
        for k, v in enumerate(col):
            if not isinstance(v, str):
                vals[k] = v
                continue
            b = from_latin1(v)
            try:
                vals[k] = b.decode(enc).strip()
            except UnicodeDecodeError:
                vals[k] = b.decode(enc, errors="replace").strip()
                if len([p for p in findings.errors if "无法解码" in p.reason]) < 20:
                    findings.error(str(path), f"属性文本按 {enc.upper()}（{how}）无法解码；"
                                              "请用 --encoding 指定正确的编码", where_feature(k + 1))
        out.append(vals)
    layer = _finish(path, path.stem, "shp", meta, geometry, names, out, "要素", digest)
    layer.encoding, layer.encoding_scores, layer.findings = enc, scores, findings
    return layer


def _crs_from_geojson(crs: str | None) -> str | None:
    if not crs:
        return None
    try:
        from pyproj import CRS

        return CRS.from_user_input(crs).to_wkt()
    except Exception:  # noqa: BLE001
        return None


def _read_table(path: Path, fmt: str, encoding: str | None) -> SourceLayer:
    digest = sha256_of([path])
    findings = Findings()
    if fmt == "csv":
        meta, _g, data = _read(path, str(path), encoding="latin-1", read_geometry=False,
                               HEADERS="YES", AUTODETECT_TYPE="NO")
        raw_names = [from_latin1(f) for f in meta["fields"]]
        samples = raw_names + [from_latin1(v) for col in data for v in col[:2000] if isinstance(v, str)]
        if encoding:
            enc = normalise_encoding(encoding)
        else:
            enc, scores = best_encoding(samples)
            if enc != "utf-8" and any(b > 127 for s in samples for b in s):
                findings.warn(str(path), f"CSV 不是 UTF-8，按评分判定为 {enc.upper()}")
        names = [b.decode(enc, errors="replace").lstrip("\ufeff").strip() for b in raw_names]
        out = []
        for col in data:
            vals = np.empty(len(col), dtype=object)
            for k, v in enumerate(col):
                if isinstance(v, str):
                    try:
                        vals[k] = from_latin1(v).decode(enc).strip()
                    except UnicodeDecodeError:
                        vals[k] = from_latin1(v).decode(enc, errors="replace").strip()
                        findings.error(str(path), f"文本按 {enc.upper()} 无法解码；请用 --encoding 指定",
                                       where_feature(k + 2, "行"))
                else:
                    vals[k] = v
            out.append(vals)
    else:
        meta, _g, out = _read(path, str(path), read_geometry=False, HEADERS="FORCE")
        names = [str(f).strip() for f in meta["fields"]]
        enc = "utf-8"
    n = len(out[0]) if out else 0
    layer = _finish(path, path.stem, fmt, {"geometry_type": None}, None, names, out, "行", digest,
                    numbers=np.arange(2, n + 2))
    layer.encoding, layer.findings = enc, findings
    return layer
