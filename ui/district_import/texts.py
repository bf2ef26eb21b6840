"""What the import wizard shows (导入向导的文字): target fields, levels, kinds, CRS choices,
the steps' progress, in the interface language.

The tables hold Chinese source texts marked ``QT_TRANSLATE_NOOP("DistrictImport", …)``;
:func:`shown` translates one where it is shown.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.district_io.mapping import KINDS, LEVELS

CONTEXT = "DistrictImport"


def shown(text: str) -> str:
    """A text of the tables below in the interface language."""
    from ui.i18n import translate

    return translate(CONTEXT, text)


#: the target fields of every kind, as an operator reads them
FIELD_ZH = {
    "code": QT_TRANSLATE_NOOP("DistrictImport", "编码"), "name": QT_TRANSLATE_NOOP("DistrictImport", "名称"),
    "level": QT_TRANSLATE_NOOP("DistrictImport", "层级"),
    "parent_code": QT_TRANSLATE_NOOP("DistrictImport", "上级编码"),
    "street_code": QT_TRANSLATE_NOOP("DistrictImport", "街道编码"),
    "street_name": QT_TRANSLATE_NOOP("DistrictImport", "街道名称"),
    "community_code": QT_TRANSLATE_NOOP("DistrictImport", "社区编码"),
    "community_name": QT_TRANSLATE_NOOP("DistrictImport", "社区名称"),
    "households": QT_TRANSLATE_NOOP("DistrictImport", "户数"),
    "residents": QT_TRANSLATE_NOOP("DistrictImport", "人口"), "use": QT_TRANSLATE_NOOP("DistrictImport", "用途"),
    "floors": QT_TRANSLATE_NOOP("DistrictImport", "层数"),
    "height": QT_TRANSLATE_NOOP("DistrictImport", "高度 (m)"),
    "entrances": QT_TRANSLATE_NOOP("DistrictImport", "单元数"),
    "grid_code": QT_TRANSLATE_NOOP("DistrictImport", "所属网格编码"),
    "elderly": QT_TRANSLATE_NOOP("DistrictImport", "老年人"),
    "children": QT_TRANSLATE_NOOP("DistrictImport", "儿童"),
    "special_care": QT_TRANSLATE_NOOP("DistrictImport", "重点人群"),
    "trade": QT_TRANSLATE_NOOP("DistrictImport", "行业"),
    "hazard_class": QT_TRANSLATE_NOOP("DistrictImport", "风险等级"),
    "lon": QT_TRANSLATE_NOOP("DistrictImport", "经度"), "lat": QT_TRANSLATE_NOOP("DistrictImport", "纬度"),
    "wkt": QT_TRANSLATE_NOOP("DistrictImport", "WKT 几何"), "kind": QT_TRANSLATE_NOOP("DistrictImport", "类型"),
    "department": QT_TRANSLATE_NOOP("DistrictImport", "所属部门"),
    "heading": QT_TRANSLATE_NOOP("DistrictImport", "朝向 (°)"),
    "fov": QT_TRANSLATE_NOOP("DistrictImport", "视场角 (°)"),
    "stream_url": QT_TRANSLATE_NOOP("DistrictImport", "主码流地址"),
    "substream_url": QT_TRANSLATE_NOOP("DistrictImport", "辅码流地址"),
    "online": QT_TRANSLATE_NOOP("DistrictImport", "在线"), "role": QT_TRANSLATE_NOOP("DistrictImport", "角色"),
    "phone": QT_TRANSLATE_NOOP("DistrictImport", "手机号"),
    "shift_start": QT_TRANSLATE_NOOP("DistrictImport", "上班时间"),
    "shift_end": QT_TRANSLATE_NOOP("DistrictImport", "下班时间"),
    "short_name": QT_TRANSLATE_NOOP("DistrictImport", "简称"),
    "class_name": QT_TRANSLATE_NOOP("DistrictImport", "大类名称"),
    "limit_hours": QT_TRANSLATE_NOOP("DistrictImport", "处置时限 (小时)"),
}
LEVEL_ZH = {1: QT_TRANSLATE_NOOP("DistrictImport", "区"), 2: QT_TRANSLATE_NOOP("DistrictImport", "街道"),
            3: QT_TRANSLATE_NOOP("DistrictImport", "社区"), 4: QT_TRANSLATE_NOOP("DistrictImport", "网格")}
#: what a layer holds (app.district_io.mapping.KIND_ZH's words)
KIND_TEXT = {
    "grids": QT_TRANSLATE_NOOP("DistrictImport", "网格边界"), "buildings": QT_TRANSLATE_NOOP("DistrictImport", "建筑"),
    "merchants": QT_TRANSLATE_NOOP("DistrictImport", "商户"), "cameras": QT_TRANSLATE_NOOP("DistrictImport", "摄像头"),
    "staff": QT_TRANSLATE_NOOP("DistrictImport", "人员"), "departments": QT_TRANSLATE_NOOP("DistrictImport", "部门"),
    "categories": QT_TRANSLATE_NOOP("DistrictImport", "案件分类"),
}
SEVERITY_TEXT = {"error": QT_TRANSLATE_NOOP("DistrictImport", "错误"),
                 "warning": QT_TRANSLATE_NOOP("DistrictImport", "警告"),
                 "repair": QT_TRANSLATE_NOOP("DistrictImport", "修复")}
#: (label, option) of the level combo of a boundary layer; None: from a level field or the codes
LEVEL_CHOICES = [(QT_TRANSLATE_NOOP("DistrictImport", "自动（层级字段或编码长度）"), None)] + [
    (LEVEL_ZH[v], v) for v in LEVELS.values()]
KIND_CHOICES = [(KIND_TEXT[k], k) for k in KINDS]
#: (label, --crs value) of a layer's CRS combo; None: the .prj, else the numbers
CRS_CHOICES = [
    (QT_TRANSLATE_NOOP("DistrictImport", "自动（.prj 或坐标数值）"), None),
    (QT_TRANSLATE_NOOP("DistrictImport", "CGCS2000 经纬度 (EPSG:4490)"), "EPSG:4490"),
    (QT_TRANSLATE_NOOP("DistrictImport", "WGS 84 经纬度 (EPSG:4326)"), "EPSG:4326"),
    (QT_TRANSLATE_NOOP("DistrictImport", "GCJ-02（高德、腾讯等网络地图）"), "gcj02"),
    (QT_TRANSLATE_NOOP("DistrictImport", "BD-09（百度地图）"), "bd09"),
    (QT_TRANSLATE_NOOP("DistrictImport", "CGCS2000 3 度带 39 带，含带号 (EPSG:4527)"), "EPSG:4527"),
    (QT_TRANSLATE_NOOP("DistrictImport", "CGCS2000 3 度带 117°E，不含带号 (EPSG:4548)"), "EPSG:4548"),
    (QT_TRANSLATE_NOOP("DistrictImport", "Web 墨卡托 (EPSG:3857)"), "EPSG:3857"),
]
ENCODING_CHOICES = [(QT_TRANSLATE_NOOP("DistrictImport", "自动（.cpg 或评分）"), None), ("UTF-8", "utf-8"),
                    ("GBK / GB18030", "gb18030"), ("Big5", "big5")]
#: what is written, per table of the import's counts (a context of their own: plurals)
COUNT_TEXT = {
    "grid_units": QT_TRANSLATE_NOOP("DistrictImportCounts", "各级网格单元"),
    "grid_units.district": QT_TRANSLATE_NOOP("DistrictImportCounts", "区"),
    "grid_units.street": QT_TRANSLATE_NOOP("DistrictImportCounts", "街道"),
    "grid_units.community": QT_TRANSLATE_NOOP("DistrictImportCounts", "社区"),
    "grid_units.grid": QT_TRANSLATE_NOOP("DistrictImportCounts", "网格"),
    "buildings": QT_TRANSLATE_NOOP("DistrictImportCounts", "建筑"),
    "building_population": QT_TRANSLATE_NOOP("DistrictImportCounts", "建筑人口"),
    "merchants": QT_TRANSLATE_NOOP("DistrictImportCounts", "商户"),
    "cameras": QT_TRANSLATE_NOOP("DistrictImportCounts", "摄像头"),
    "workers": QT_TRANSLATE_NOOP("DistrictImportCounts", "人员"),
    "staff": QT_TRANSLATE_NOOP("DistrictImportCounts", "人员"),
    "departments": QT_TRANSLATE_NOOP("DistrictImportCounts", "部门"),
    "categories": QT_TRANSLATE_NOOP("DistrictImportCounts", "案件分类"),
    "users": QT_TRANSLATE_NOOP("DistrictImportCounts", "账号"),
}
SEVERITY_COLOUR = {"error": "#ff5a6e", "warning": "#ffc94d", "repair": "#4fd1a5"}
NO_FIELD = QT_TRANSLATE_NOOP("DistrictImport", "（不导入）")


def field_label(target: str, required: bool) -> str:
    return shown(FIELD_ZH[target]) + (" *" if required else "") if target in FIELD_ZH else target


def counts_text(counts: dict) -> str:
    """``建筑 1,200，摄像头 60``: the rows of each table (refiled cases and empty ones left out)."""
    from ui.i18n import translate

    sep = translate("DistrictImport", "，")
    return sep.join(f"{count_word(k)} {v:,}" for k, v in counts.items() if v and not k.startswith("refiled."))


def count_word(table: str) -> str:
    """What the rows of ``table`` (a key of the import's counts) are, in the interface language."""
    from ui.i18n import translate

    return translate("DistrictImportCounts", COUNT_TEXT[table]) if table in COUNT_TEXT else table


def title_html(text: str) -> str:
    """A page title, large enough to read across the room (the wizard's titles are rich text)."""
    from ui.theme import ui_scale

    return f"<span style='font-size:{round(24 * ui_scale())}px; color:#9ff0ff'>{text}</span>"


#: the steps the importer (app/district_io) reports, in its words: (pattern, text with {n})
_STEPS = [
    (re.compile(r"^读取 (?P<name>.+)$"), QT_TRANSLATE_NOOP("DistrictImport", "读取 {name}")),  # i18n: no
    (re.compile(r"^坐标与几何 (?P<name>.+)$"), QT_TRANSLATE_NOOP("DistrictImport", "坐标与几何 {name}")),  # i18n: no
    (re.compile(r"^层级与拓扑检查$"), QT_TRANSLATE_NOOP("DistrictImport", "层级与拓扑检查")),  # i18n: no
    (re.compile(r"^其他图层$"), QT_TRANSLATE_NOOP("DistrictImport", "其他图层")),  # i18n: no
    (re.compile(r"^写入数据库…?$"), QT_TRANSLATE_NOOP("DistrictImport", "写入数据库…")),  # i18n: no
    (re.compile(r"^准备写入$"), QT_TRANSLATE_NOOP("DistrictImport", "准备写入")),  # i18n: no
    (re.compile(r"^汇总人口并写入审计记录$"), QT_TRANSLATE_NOOP("DistrictImport", "汇总人口并写入审计记录")),  # i18n: no
    (re.compile(r"^完成$"), QT_TRANSLATE_NOOP("DistrictImport", "完成")),  # i18n: no
]
_WRITE = re.compile(r"^写入(?P<table>\S+) (?P<done>[\d,]+)/(?P<total>[\d,]+)$")  # i18n: no
_TABLE_WORDS = {"网格单元": "grid_units", "部门": "departments", "案件类别": "categories",  # i18n: no
                "建筑": "buildings", "建筑人口": "building_population", "商户": "merchants",  # i18n: no
                "摄像头": "cameras", "人员": "workers"}  # i18n: no


def step_text(text: str) -> str:
    """A progress text of the importer (Chinese, from app/) in the interface language;
    a text not known here is shown as it came."""
    from ui.i18n import translate

    m = _WRITE.match(text)
    if m:
        table = _TABLE_WORDS.get(m["table"])
        what = count_word(table) if table in COUNT_TEXT else m["table"]
        return translate("DistrictImport", "写入{what} {done}/{total}").format(
            what=what, done=m["done"], total=m["total"])
    for pattern, source in _STEPS:
        m = pattern.match(text)
        if m:
            return shown(source).format(**m.groupdict())
    return text
