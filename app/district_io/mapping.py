"""Which column of a source holds what: proposed from common names, or from a file.

The proposal knows the usual Chinese and English names of survey-bureau, vendor and
platform tables (名称/网格名称/NAME, 编码/网格编码/CODE, 上级编码/parentcode, 街道,
社区, 楼层/层数/floors, 高度/height …).  A mapping file (TOML or JSON, the same
structure; the wizard saves one for the next import) overrides it::

    [[layer]]
    match = "社区边界.shp"       # a file name, its stem, or FILE:LAYER
    kind = "grids"
    level = "community"
    [layer.fields]
    code = "SQDM"
    name = "SQMC"
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # only named: importing it loads GDAL (pyogrio), ~30 MB for every command
    from app.district_io.sources import SourceLayer

KINDS = ("grids", "buildings", "merchants", "cameras", "staff", "departments", "categories")
KIND_ZH = {"grids": "网格边界", "buildings": "建筑", "merchants": "商户", "cameras": "摄像头",
           "staff": "人员", "departments": "部门", "categories": "案件分类"}
#: layers an export carries that ``district import`` leaves alone (cases: ``cases import``)
SKIPPED = ("cases", "whistles", "tracks", "案件", "哨令", "轨迹")
LEVELS = {"district": 1, "street": 2, "community": 3, "grid": 4}
LEVEL_WORDS = {1: ("区", "district", "qx", "xzq"), 2: ("街道", "街", "乡镇", "镇", "street", "jd"),
               3: ("社区", "村", "居委", "communit", "sq"), 4: ("网格", "grid", "wg")}

_CODE = ["编码", "代码", "编号", "code", "bm", "dm", "bh"]
_NAME = ["名称", "名字", "name", "mc"]
_LON = ["经度", "lon", "lng", "long", "longitude", "x", "jd", "x坐标"]
_LAT = ["纬度", "lat", "latitude", "y", "wd", "y坐标"]
_WKT = ["wkt", "geom", "geometry", "the_geom", "几何", "shape"]
_LEVEL_CODE = {2: ["街道编码", "街道代码", "街道编号", "jddm", "jdbm", "streetcode", "street_code"],
               3: ["社区编码", "社区代码", "社区编号", "居委会编码", "sqdm", "sqbm", "communitycode",
                   "community_code", "commcode"],
               4: ["网格编码", "网格代码", "网格编号", "wgbm", "wgdm", "gridcode", "grid_code"]}
_LEVEL_NAME = {2: ["街道名称", "街道", "jdmc", "streetname", "street_name", "street"],
               3: ["社区名称", "社区", "居委会", "sqmc", "communityname", "community_name", "community"],
               4: ["网格名称", "网格名", "wgmc", "gridname", "grid_name"]}

#: per kind: target field -> candidate source names (best first); * marks required
TARGETS: dict[str, dict[str, list[str]]] = {
    "grids": {
        "code*": [], "name": [], "level": ["层级", "级别", "网格层级", "网格级别", "level", "jb"],
        "parent_code": ["上级编码", "上级代码", "父级编码", "父编码", "parentcode", "parent_code",
                        "parent", "pcode", "sjbm", "sjdm"],
        "street_code": _LEVEL_CODE[2], "street_name": _LEVEL_NAME[2],
        "community_code": _LEVEL_CODE[3], "community_name": _LEVEL_NAME[3],
        "households": ["户数", "住户数", "总户数", "households", "hs"],
        "residents": ["人口", "人数", "常住人口", "户籍人口", "residents", "population", "rk"],
    },
    "buildings": {
        "name": ["建筑名称", "楼名", "楼栋名称", "名称", "name", "mc"],
        "use": ["用途", "建筑用途", "建筑类型", "类型", "use", "type"],
        "floors": ["楼层", "层数", "地上层数", "总层数", "floors", "floor", "cs", "storeys"],
        "height": ["高度", "建筑高度", "楼高", "height", "height_m", "gd"],
        "entrances": ["单元数", "门洞数", "entrances"],
        "grid_code": _LEVEL_CODE[4] + ["所属网格", "grid"],
        "households": ["户数", "住户数", "households"], "residents": ["人口", "人数", "residents"],
        "elderly": ["老年人", "老人", "elderly"], "children": ["儿童", "children"],
        "special_care": ["重点人群", "特殊人群", "special_care", "special"],
    },
    "merchants": {
        "name*": ["商户名称", "店名", "名称", "name", "mc"],
        "trade": ["行业", "业态", "经营范围", "经营类别", "trade", "industry"],
        "hazard_class": ["风险等级", "隐患等级", "风险", "hazard_class", "hazard"],
        "grid_code": _LEVEL_CODE[4] + ["所属网格", "grid"], "lon": _LON, "lat": _LAT, "wkt": _WKT,
    },
    "cameras": {
        "code*": ["点位编码", "设备编码", "摄像头编码", "国标编码", "编码", "编号", "code", "id"],
        "name": ["点位名称", "设备名称", "名称", "name"],
        "kind": ["点位类型", "摄像头类型", "类型", "kind", "type"],
        "department": ["所属部门", "权属单位", "建设单位", "主管部门", "部门", "department", "dept",
                       "owner"],
        "grid_code": _LEVEL_CODE[4] + ["所属网格", "grid"], "lon": _LON, "lat": _LAT, "wkt": _WKT,
        "heading": ["朝向", "方向", "视角方向", "方位角", "heading", "direction", "azimuth"],
        "fov": ["视场角", "视角", "fov"],
        "stream_url": ["主码流", "视频流", "流地址", "取流地址", "视频地址", "rtsp", "stream_url",
                       "stream", "url"],
        "substream_url": ["辅码流", "子码流", "substream_url", "substream", "sub_url"],
        "online": ["在线", "在线状态", "online"],
    },
    "staff": {
        "code*": ["工号", "人员编号", "人员编码", "编号", "code"],
        "name*": ["姓名", "名字", "name"],
        "role*": ["角色", "职务", "岗位", "身份", "人员类型", "role"],
        "grid_code*": _LEVEL_CODE[4] + ["所属网格", "网格", "grid"],
        "phone*": ["手机", "手机号", "手机号码", "联系电话", "电话", "phone", "mobile", "tel"],
        "department": ["所属部门", "部门", "单位", "department", "dept"],
        "shift_start": ["上班时间", "shift_start"], "shift_end": ["下班时间", "shift_end"],
    },
    "departments": {
        "code*": ["部门编码", "部门代码", "简码", "编码", "代码", "code"],
        "name*": ["部门名称", "单位名称", "名称", "name"],
        "short_name": ["简称", "部门简称", "short_name", "shortname"],
        "kind": ["类型", "部门类型", "kind", "type"],
    },
    "categories": {
        "code*": ["分类编码", "小类编码", "类别编码", "小类代码", "编码", "code"],
        "name*": ["小类名称", "分类名称", "名称", "name"],
        "class_name": ["大类名称", "大类", "class_name"],
        "kind": ["类型", "诉求类型", "kind"],
        "department*": ["责任部门", "主管部门", "处置部门", "部门", "department", "dept"],
        "limit_hours": ["处置时限", "时限", "时限小时", "limit_hours", "limit_h"],
    },
}


def required(kind: str) -> list[str]:
    return [k[:-1] for k in TARGETS[kind] if k.endswith("*")]


def targets(kind: str) -> list[str]:
    return [k.rstrip("*") for k in TARGETS[kind]]


def norm(name: str) -> str:
    return re.sub(r"[\s_\-./（）()]", "", str(name)).lower()


@dataclass
class LayerMapping:
    """What a source layer is and which of its columns feed which target field."""

    kind: str
    level: int | None = None  # grids: 1-4, None when a level field or the codes say
    fields: dict[str, str] = field(default_factory=dict)  # target -> source column

    def as_dict(self) -> dict:
        d = {"kind": self.kind, "fields": dict(self.fields)}
        if self.level:
            d["level"] = {v: k for k, v in LEVELS.items()}[self.level]
        return d


def guess_kind(layer: SourceLayer) -> str:
    """What a layer holds, from its geometry, its column names and its file name."""
    names = {norm(f) for f in layer.fields}
    stem = layer.path.stem.lower() + " " + layer.layer.lower()

    def has(*words):
        return any(norm(w) in names for w in words)

    if layer.layer.lower() in SKIPPED or layer.path.stem.lower() in SKIPPED:
        return "skip"
    for kind, words in (("buildings", ("楼", "建筑", "build", "house", "jz")),
                        ("cameras", ("摄像", "camera", "cam_", "cams", "video", "监控", "视频", "点位")),
                        ("merchants", ("商户", "merchant", "商铺", "shop")),
                        ("staff", ("人员", "网格员", "staff", "roster", "花名册", "worker")),
                        ("categories", ("分类", "类别", "categor")),
                        ("departments", ("部门", "department", "dept"))):
        if any(w in stem for w in words):
            return kind
    gtype = (layer.geometry_type or "").lower()
    if "polygon" in gtype:
        return "buildings" if has("楼层", "层数", "floors", "高度", "height") else "grids"
    if has("主码流", "视频流", "rtsp", "stream_url", "流地址"):
        return "cameras"
    if has("手机", "电话", "phone", "mobile"):
        return "staff"
    if has("行业", "trade", "业态"):
        return "merchants"
    if has("处置时限", "limit_hours", "大类名称", "责任部门"):
        return "categories"
    if layer.geoms is None and has(*_LON) and has(*_LAT):
        return "cameras" if has("所属部门", "部门", "department", "dept") else "merchants"
    if layer.geoms is None and has("部门名称", "简称", "short_name"):
        return "departments"
    return "grids"


def guess_level(layer: SourceLayer) -> int | None:
    """A grid layer's level from its file or layer name (街道, 社区, 网格 …)."""
    for text in (layer.layer.lower(), layer.path.stem.lower()):
        for level in (4, 3, 2, 1):
            if any(w in text for w in LEVEL_WORDS[level] if len(w) > 1 or not w.isascii()):
                return level
    return None


def propose(layer: SourceLayer, kind: str, level: int | None) -> LayerMapping:
    """The automatic mapping of ``layer`` as ``kind`` (at ``level`` for grids)."""
    cols = {norm(f): f for f in layer.fields}
    mapping = LayerMapping(kind, level)
    used: set[str] = set()
    spec = dict(TARGETS[kind])
    if kind == "grids":
        # the layer's own code and name; a layer of unknown level takes any level's
        # (its codes' length says the level)
        own_code = (_LEVEL_CODE.get(level, []) if level else _LEVEL_CODE[4] + _LEVEL_CODE[3] + _LEVEL_CODE[2]) + _CODE
        own_name = (_LEVEL_NAME.get(level, []) if level else _LEVEL_NAME[4]) + _NAME
        spec = {"code*": own_code, "name": own_name, **{k: v for k, v in spec.items()
                                                         if k not in ("code*", "name")}}
        if level:  # the layer's own level is not an upper level of itself
            for key in ("street", "community"):
                if LEVELS[key] >= level:
                    spec.pop(f"{key}_code", None)
                    spec.pop(f"{key}_name", None)
    for target, cands in spec.items():
        t = target.rstrip("*")
        for cand in cands:
            src = cols.get(norm(cand))
            if src is not None and src not in used:
                mapping.fields[t] = src
                used.add(src)
                break
    if layer.driver == "shp":  # DBF names are 10 bytes: 网格编码 arrives as 网格编
        for target, cands in spec.items():
            t = target.rstrip("*")
            if t in mapping.fields:
                continue
            for cand in cands:
                hit = [src for key, src in cols.items() if src not in used and len(key) >= 3 and
                       len(src.encode("utf-8")) >= 7 and norm(cand).startswith(key) and norm(cand) != key]
                if hit:
                    mapping.fields[t] = hit[0]
                    used.add(hit[0])
                    break
    return mapping


def load_mapping_file(path: Path) -> list[dict]:
    """The layer entries of a TOML or JSON mapping file (ValueError with the reason)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"无法读取映射文件 {path}：{exc.strerror}") from None
    try:
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"映射文件 {path} 格式错误：{exc}") from None
    entries = data.get("layer") or data.get("layers") or ([data] if "fields" in data else [])
    if not isinstance(entries, list):
        raise ValueError(f"映射文件 {path}：layer 应是一个列表")
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise ValueError(f"映射文件 {path}：第 {i + 1} 项不是表")
        if "kind" in e and e["kind"] not in KINDS:
            raise ValueError(f"映射文件 {path}：第 {i + 1} 项的 kind {e['kind']!r} 不在 {', '.join(KINDS)} 中")
        if "level" in e and e["level"] not in LEVELS:
            raise ValueError(f"映射文件 {path}：第 {i + 1} 项的 level {e['level']!r} 不在 {', '.join(LEVELS)} 中")
        if not isinstance(e.get("fields", {}), dict):
            raise ValueError(f"映射文件 {path}：第 {i + 1} 项的 fields 应是表")
    return entries


def entry_for(entries: list[dict], layer: SourceLayer) -> dict | None:
    """The mapping file's entry that names ``layer`` (or the one without ``match``)."""
    keys = {layer.path.name, layer.path.stem, f"{layer.path.name}:{layer.layer}", layer.layer}
    for e in entries:
        if e.get("match") in keys:
            return e
    return next((e for e in entries if "match" not in e), None)


def save_mapping_file(path: Path, items: list[tuple[SourceLayer, LayerMapping]]) -> None:
    """Write the mappings used, for the next import (TOML, or JSON for a .json name)."""
    entries = [{"match": f"{lay.path.name}:{lay.layer}" if lay.driver == "gpkg" else lay.path.name,
                **m.as_dict()} for lay, m in items]
    if Path(path).suffix.lower() == ".json":
        Path(path).write_text(json.dumps({"layer": entries}, ensure_ascii=False, indent=2),
                              encoding="utf-8")
        return
    lines = []
    for e in entries:
        lines.append("[[layer]]")
        for k in ("match", "kind", "level"):
            if k in e:
                lines.append(f"{k} = {json.dumps(e[k], ensure_ascii=False)}")
        lines.append("[layer.fields]")
        lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in e["fields"].items())
        lines.append("")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def preview(layer: SourceLayer, mapping: LayerMapping, rows: int = 20) -> list[dict]:
    """The first ``rows`` records as the mapping reads them (the wizard's preview table)."""
    out = []
    for i in range(min(rows, len(layer))):
        rec = {"#": int(layer.numbers[i])}
        for t, src in mapping.fields.items():
            v = layer.columns[src][i]
            rec[t] = v.item() if isinstance(v, np.generic) else v
        out.append(rec)
    return out
