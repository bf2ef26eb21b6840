"""What the import wizard shows (导入向导的文字): target fields, levels, CRS choices."""

from __future__ import annotations

from app.district_io.mapping import KIND_ZH, KINDS, LEVELS

#: the target fields of every kind, as an operator reads them
FIELD_ZH = {
    "code": "编码", "name": "名称", "level": "层级", "parent_code": "上级编码",
    "street_code": "街道编码", "street_name": "街道名称", "community_code": "社区编码",
    "community_name": "社区名称", "households": "户数", "residents": "人口", "use": "用途",
    "floors": "层数", "height": "高度 (m)", "entrances": "单元数", "grid_code": "所属网格编码",
    "elderly": "老年人", "children": "儿童", "special_care": "重点人群", "trade": "行业",
    "hazard_class": "风险等级", "lon": "经度", "lat": "纬度", "wkt": "WKT 几何", "kind": "类型",
    "department": "部门", "heading": "朝向 (°)", "fov": "视场角 (°)", "stream_url": "主码流地址",
    "substream_url": "辅码流地址", "online": "在线", "role": "角色", "phone": "手机号",
    "shift_start": "上班时间", "shift_end": "下班时间", "short_name": "简称",
    "class_name": "大类名称", "limit_hours": "处置时限 (小时)",
}
LEVEL_ZH = {1: "区", 2: "街道", 3: "社区", 4: "网格"}
#: (label, option) of the level combo of a boundary layer; None: from a level field or the codes
LEVEL_CHOICES = [("自动（层级字段或编码长度）", None)] + [(LEVEL_ZH[v], v) for v in LEVELS.values()]
KIND_CHOICES = [(KIND_ZH[k], k) for k in KINDS]
#: (label, --crs value) of a layer's CRS combo; None: the .prj, else the numbers
CRS_CHOICES = [
    ("自动（.prj 或坐标数值）", None),
    ("CGCS2000 经纬度 (EPSG:4490)", "EPSG:4490"),
    ("WGS 84 经纬度 (EPSG:4326)", "EPSG:4326"),
    ("GCJ-02（高德、腾讯等网络地图）", "gcj02"),
    ("BD-09（百度地图）", "bd09"),
    ("CGCS2000 3 度带 39 带，含带号 (EPSG:4527)", "EPSG:4527"),
    ("CGCS2000 3 度带 117°E，不含带号 (EPSG:4548)", "EPSG:4548"),
    ("Web 墨卡托 (EPSG:3857)", "EPSG:3857"),
]
ENCODING_CHOICES = [("自动（.cpg 或评分）", None), ("UTF-8", "utf-8"), ("GBK / GB18030", "gb18030"),
                    ("Big5", "big5")]
SEVERITY_COLOUR = {"error": "#ff5a6e", "warning": "#ffc94d", "repair": "#4fd1a5"}
NO_FIELD = "（不导入）"


def field_label(target: str, required: bool) -> str:
    return f"{FIELD_ZH.get(target, target)}{' *' if required else ''}"


def title_html(text: str) -> str:
    """A page title, large enough to read across the room (the wizard's titles are rich text)."""
    from ui.theme import ui_scale

    return f"<span style='font-size:{round(24 * ui_scale())}px; color:#9ff0ff'>{text}</span>"
