"""GeoJSON read in batches: a FeatureCollection, a bare array of Features, or either
wrapped in JavaScript (``var data = …;``).

GDAL streams the file; pyogrio hands it over :data:`BATCH` features at a time and each
batch's shapes are made at once, so only one batch of WKB is held.  A bare array or a
wrapped file is first copied, block by block, into a temporary FeatureCollection (never
read whole into memory).  Attribute columns come out as :func:`pyogrio.raw.read` would
give them (integers with nulls as floats with NaN).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyogrio import raw

from app.district_io.problems import Findings, SourceError

#: features per batch
BATCH = 20_000
#: bytes looked at for the JavaScript around the JSON, at each end; and copied at a time
EDGE, BLOCK = 1 << 16, 1 << 24
_COLLECTION = b'{"type":"FeatureCollection","features":'
_BLANK = b"\xef\xbb\xbf \t\r\n"


def read_geojson(path: Path):
    """The layer of a GeoJSON file (a :class:`~app.district_io.sources.SourceLayer`)."""
    from app.district_io.sources import _crs_from_geojson, _finish, sha256_of

    digest = sha256_of([path])
    findings = Findings()
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(EDGE)
        f.seek(max(0, size - EDGE))
        tail = f.read()
    skipped = len(head) - len(head.lstrip(_BLANK))
    body = head[skipped:]
    if body[:1] == b"{" and path.suffix.lower() != ".js":  # a plain FeatureCollection: GDAL reads the file
        meta, shapes, cols = _read_batches(path, path)
    else:
        start, end = skipped, size
        if body[:1] not in (b"{", b"["):
            starts = [i for i in (body.find(b"{"), body.find(b"[")) if i >= 0]
            last = max(tail.rfind(b"}"), tail.rfind(b"]"))
            if not starts or last < 0:
                raise SourceError(str(path), "不是 GeoJSON：文件中没有 JSON 对象或数组")
            prefix = body[:min(starts)]
            findings.warn(str(path), f"去掉了包在 GeoJSON 外面的 JavaScript（{prefix[:40].decode('utf-8', 'replace').strip()} …）")
            start, end = skipped + min(starts), size - len(tail) + last + 1
        with open(path, "rb") as f:
            f.seek(start)
            bare = f.read(1) == b"["
        if bare:
            findings.warn(str(path), "文件是要素数组（不是 FeatureCollection），已按要素集合读取")
        tmp = _copy_as_collection(path, start, end, bare)
        try:
            meta, shapes, cols = _read_batches(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    meta["crs_wkt"] = _crs_from_geojson(meta.get("crs"))
    layer = _finish(path, path.stem, "geojson", meta, None, meta["fields"], cols, "要素", digest, shapes=shapes)
    layer.findings = findings
    return layer


def _copy_as_collection(path: Path, start: int, end: int, bare: bool) -> Path:
    """``path``'s bytes ``start:end`` in a temporary file, an array made a FeatureCollection."""
    fd, name = tempfile.mkstemp(suffix=".geojson", prefix="gridcc-import-")
    with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
        if bare:
            out.write(_COLLECTION)
        src.seek(start)
        left = end - start
        while left > 0:
            block = src.read(min(BLOCK, left))
            if not block:
                break
            out.write(block)
            left -= len(block)
        if bare:
            out.write(b"}")
    return Path(name)


def _read_batches(read_from: Path, named: Path):
    """(meta, shapely geometries, attribute columns) of ``read_from``; errors name ``named``."""
    try:
        with warnings.catch_warnings():  # GDAL's notes on odd files: the findings say it
            warnings.simplefilter("ignore")
            with raw.open_arrow(read_from, batch_size=BATCH, use_pyarrow=True) as (meta, reader):
                meta = dict(meta)
                fields = [str(f) for f in meta["fields"]]
                chunks: dict[str, list] = {f: [] for f in fields}
                shapes = []
                for batch in reader:
                    geom = next(n for n in batch.schema.names if n not in chunks)
                    for f in fields:
                        chunks[f].append(batch.column(f))
                    wkb = batch.column(geom).to_numpy(zero_copy_only=False)
                    shapes.append(shapely.from_wkb(wkb, on_invalid="ignore"))
    except Exception as exc:  # noqa: BLE001 - GDAL/pyogrio raise many types for bad files
        _explain(read_from, named, exc)
    cols = [_column(chunks[f], dtype) for f, dtype in zip(fields, meta["dtypes"], strict=True)]
    geoms = np.concatenate(shapes) if shapes else np.empty(0, dtype=object)
    return meta, geoms, cols


def _column(chunks: list, dtype) -> np.ndarray:
    """One attribute column as pyogrio's raw.read gives it."""
    if not chunks:
        return np.empty(0, dtype=np.dtype(str(dtype)) if str(dtype) != "object" else object)
    col = pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0]
    if col.null_count and (pa.types.is_integer(col.type) or pa.types.is_boolean(col.type)):
        col = pc.cast(col, pa.float64())
    return col.to_numpy(zero_copy_only=False)


def _explain(read_from: Path, named: Path, exc: Exception):
    """Raise the SourceError for a GeoJSON GDAL could not read: the JSON syntax error
    with its line and column where there is one."""
    from app.district_io.sources import _gdal_reason

    try:
        json.loads(read_from.read_bytes())
    except json.JSONDecodeError as jexc:
        raise SourceError(str(named), f"JSON 语法错误：{jexc.msg}", f"第 {jexc.lineno} 行第 {jexc.colno} 列") from None
    except UnicodeDecodeError:
        raise SourceError(str(named), "GeoJSON 必须是 UTF-8 文本，本文件无法按 UTF-8 解码") from None
    raise SourceError(str(named), f"GDAL 无法读取：{_gdal_reason(exc)}") from None
