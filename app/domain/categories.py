"""Case categories (案件分类): 2-digit class + 2-digit subclass.

Event and component classes follow GB/T 30428.2 (数字化城市管理信息系统 第2部分:
管理部件和事件); the service classes 20-23 cover the citizens' request types
of seed 002 (我要咨询 / 我要建议 / 民生困难 / 矛盾纠纷).  Every subclass names
the department it is dispatched to by default and its handling time limit in
working hours (处置时限).

``kind`` groups subclasses the way seed 002 reports events; ``KIND_COUNTS``
holds that report's figures, which the demo district reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass

#: seed 002 (高兰路): 2,660 events by request type
KIND_COUNTS: dict[str, int] = {
    "enquiry": 251,  # 我要咨询
    "suggestion": 190,  # 我要建议
    "hardship": 273,  # 民生困难
    "sanitation": 1532,  # 环境卫生
    "dispute": 56,  # 矛盾纠纷
    "hazard": 358,  # 安全隐患
}

KIND_NAMES: dict[str, str] = {
    "enquiry": "我要咨询",
    "suggestion": "我要建议",
    "hardship": "民生困难",
    "sanitation": "环境卫生",
    "dispute": "矛盾纠纷",
    "hazard": "安全隐患",
}

KINDS: tuple[str, ...] = tuple(KIND_COUNTS)


@dataclass(frozen=True)
class Category:
    """One case subclass (小类) with its class (大类), owner and time limit."""

    code: str
    class_name: str
    name: str
    kind: str
    department: str  # department code, see app.domain.departments
    limit_hours: int  # working hours from dispatch to handled
    weight: float = 1.0  # relative frequency within its kind

    @property
    def class_code(self) -> str:
        return self.code[:2]


def _c(code, cls, name, kind, dept, hours, weight=1.0) -> Category:
    return Category(code, cls, name, kind, dept, hours, weight)


_SR = "市容环境"
_AD = "宣传广告"
_CM = "施工管理"
_EM = "突发事件"
_SO = "街面秩序"
_PF = "公用设施"
_RT = "道路交通"
_GR = "园林绿化"
_HL = "房屋土地"
_EN = "咨询服务"
_SU = "意见建议"
_HD = "民生服务"
_DI = "矛盾纠纷"
_SA = "安全隐患"

CATEGORIES: tuple[Category, ...] = (
    # 01 市容环境 (event class)
    _c("0101", _SR, "暴露垃圾", "sanitation", "HW", 4, 9),
    _c("0102", _SR, "积存垃圾渣土", "sanitation", "HW", 8, 5),
    _c("0103", _SR, "道路不洁", "sanitation", "HW", 4, 6),
    _c("0104", _SR, "水域不洁", "sanitation", "SW", 24, 0.6),
    _c("0105", _SR, "绿地脏乱", "sanitation", "YL", 8, 2),
    _c("0106", _SR, "废弃家具设备", "sanitation", "HW", 8, 3),
    _c("0107", _SR, "餐饮油烟", "sanitation", "ST", 24, 1),
    _c("0108", _SR, "垃圾满溢", "sanitation", "HW", 2, 6),
    _c("0109", _SR, "公厕不洁", "sanitation", "HW", 4, 1.5),
    _c("0110", _SR, "楼道堆物", "sanitation", "FG", 24, 4),
    # 02 宣传广告
    _c("0201", _AD, "非法小广告", "sanitation", "ZF", 8, 5),
    _c("0202", _AD, "违规户外广告", "sanitation", "ZF", 48, 1),
    _c("0203", _AD, "占道广告牌", "sanitation", "ZF", 24, 1.5),
    _c("0204", _AD, "破损招牌", "hazard", "ZF", 24, 1),
    # 03 施工管理
    _c("0301", _CM, "施工扰民", "dispute", "ZJ", 24, 1),
    _c("0302", _CM, "工地扬尘", "sanitation", "ST", 8, 1.5),
    _c("0303", _CM, "施工废弃料", "sanitation", "ZJ", 24, 1),
    _c("0304", _CM, "无证掘路", "hazard", "SZ", 24, 0.5),
    _c("0305", _CM, "施工围挡破损", "hazard", "ZJ", 24, 0.8),
    # 04 突发事件
    _c("0401", _EM, "路面塌陷", "hazard", "SZ", 2, 0.4),
    _c("0402", _EM, "自来水管破裂", "hazard", "ZLS", 4, 0.8),
    _c("0403", _EM, "燃气泄漏", "hazard", "RQ", 1, 0.3),
    _c("0404", _EM, "道路积水", "hazard", "PS", 4, 1),
    _c("0405", _EM, "大树倒伏", "hazard", "YL", 4, 0.4),
    _c("0406", _EM, "供电线路故障", "hazard", "GD", 4, 0.5),
    # 05 街面秩序
    _c("0501", _SO, "无照经营游商", "sanitation", "ZF", 4, 3),
    _c("0502", _SO, "店外经营", "sanitation", "ZF", 4, 4),
    _c("0503", _SO, "占道废品收购", "sanitation", "ZF", 8, 1.5),
    _c("0504", _SO, "露天烧烤", "sanitation", "ZF", 4, 1.5),
    _c("0505", _SO, "机动车乱停放", "sanitation", "JJ", 4, 3),
    _c("0506", _SO, "共享单车乱停放", "sanitation", "CG", 4, 3),
    _c("0507", _SO, "私搭乱建", "hazard", "ZF", 72, 1.5),
    # 06 公用设施 (component class)
    _c("0601", _PF, "井盖破损缺失", "hazard", "SZ", 4, 2),
    _c("0602", _PF, "路灯损坏", "hazard", "CG", 24, 2),
    _c("0603", _PF, "消防栓损坏", "hazard", "XF", 24, 0.6),
    _c("0604", _PF, "通信线缆脱落", "hazard", "YD", 24, 1),
    _c("0605", _PF, "供热管道漏水", "hazard", "RL", 8, 0.5),
    _c("0606", _PF, "雨水口堵塞", "sanitation", "PS", 24, 1.5),
    # 07 道路交通
    _c("0701", _RT, "道路破损", "hazard", "SZ", 48, 1.5),
    _c("0702", _RT, "交通信号灯故障", "hazard", "JJ", 4, 0.5),
    _c("0703", _RT, "交通护栏损坏", "hazard", "SZ", 24, 0.6),
    _c("0704", _RT, "公交站亭损坏", "hazard", "GJ", 48, 0.3),
    # 08 园林绿化
    _c("0801", _GR, "绿地黄土裸露", "sanitation", "YL", 72, 1),
    _c("0802", _GR, "树木枯死缺株", "sanitation", "YL", 72, 0.8),
    _c("0803", _GR, "树枝遮挡影响通行", "hazard", "YL", 24, 1),
    _c("0804", _GR, "绿地毁损侵占", "sanitation", "YL", 48, 0.8),
    # 09 房屋土地
    _c("0901", _HL, "违法建设", "hazard", "GH", 120, 0.6),
    _c("0902", _HL, "房屋漏雨渗水", "hardship", "FG", 72, 2),
    _c("0903", _HL, "老旧楼房外墙脱落", "hazard", "FG", 24, 0.6),
    _c("0904", _HL, "电梯故障", "hazard", "SJ", 8, 0.8),
    _c("0905", _HL, "楼道照明损坏", "hardship", "FG", 48, 1.5),
    # 20 咨询服务 (我要咨询)
    _c("2001", _EN, "社保医保政策咨询", "enquiry", "RS", 24, 3),
    _c("2002", _EN, "户籍证件办理咨询", "enquiry", "GA", 24, 2),
    _c("2003", _EN, "政务办事指南咨询", "enquiry", "ZW", 24, 3),
    _c("2004", _EN, "入学入托咨询", "enquiry", "JY", 24, 1.5),
    _c("2005", _EN, "住房保障政策咨询", "enquiry", "ZZ", 24, 1),
    _c("2006", _EN, "养老服务政策咨询", "enquiry", "MZ", 24, 1.5),
    # 21 意见建议 (我要建议)
    _c("2101", _SU, "城市管理建议", "suggestion", "CG", 72, 3),
    _c("2102", _SU, "社区服务建议", "suggestion", "MZ", 72, 2),
    _c("2103", _SU, "交通出行建议", "suggestion", "JJ", 72, 2),
    _c("2104", _SU, "环境绿化建议", "suggestion", "YL", 72, 1.5),
    _c("2105", _SU, "便民设施建议", "suggestion", "SWJ", 72, 1),
    # 22 民生服务 (民生困难)
    _c("2201", _HD, "困难群众救助", "hardship", "MZ", 48, 2),
    _c("2202", _HD, "孤寡老人照料", "hardship", "MZ", 24, 2),
    _c("2203", _HD, "残疾人帮扶", "hardship", "CL", 48, 1),
    _c("2204", _HD, "就业帮扶", "hardship", "RS", 72, 1),
    _c("2205", _HD, "供暖不热", "hardship", "RL", 24, 2.5),
    _c("2206", _HD, "停水停电", "hardship", "ZLS", 8, 1.5),
    _c("2207", _HD, "老旧小区改造诉求", "hardship", "ZJ", 120, 1),
    # 23 矛盾纠纷
    _c("2301", _DI, "邻里纠纷", "dispute", "SF", 24, 3),
    _c("2302", _DI, "家庭婚姻纠纷", "dispute", "FL", 24, 1),
    _c("2303", _DI, "物业纠纷", "dispute", "FG", 48, 2),
    _c("2304", _DI, "劳资纠纷", "dispute", "RS", 48, 1),
    _c("2305", _DI, "噪声扰民", "dispute", "ST", 24, 2),
    # 24 安全隐患
    _c("2401", _SA, "消防通道堵塞", "hazard", "XF", 4, 2.5),
    _c("2402", _SA, "电动车楼道充电", "hazard", "XF", 4, 3),
    _c("2403", _SA, "飞线充电", "hazard", "YJ", 4, 2.5),
    _c("2404", _SA, "燃气使用隐患", "hazard", "RQ", 8, 1.5),
    _c("2405", _SA, "高空坠物隐患", "hazard", "FG", 8, 1),
    _c("2406", _SA, "食品安全隐患", "hazard", "SJ", 24, 1),
    _c("2407", _SA, "安全生产隐患", "hazard", "YJ", 24, 1.5),
    _c("2408", _SA, "治安隐患", "hazard", "GA", 8, 1),
)


def category_by_code() -> dict[str, Category]:
    """Look-up of the catalogue by 4-digit code."""
    return {c.code: c for c in CATEGORIES}


def kind_shares() -> dict[str, float]:
    """Seed 002's proportion of each request type."""
    total = sum(KIND_COUNTS.values())
    return {k: v / total for k, v in KIND_COUNTS.items()}
