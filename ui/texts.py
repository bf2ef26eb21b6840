"""Display text for the codes and terms ``app`` hands to the interface (levels, kinds,
statuses, roles …), in the interface language.

The source texts are Chinese, marked ``QT_TRANSLATE_NOOP("domain", …)`` so that the
``cards`` catalogue carries their English; they are translated when read
(:func:`domain_text`).  The tables below are read-only mappings that translate on every
read, so a table read after the language changed reads in the new language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP


def domain_text(name: str) -> str:
    """A term of the domain vocabulary coming from ``app/`` (a case status, a category,
    a role, a level …), in the interface language (catalogue context ``domain``).
    Proper names (places, departments, people) are data and are shown as they are."""
    from ui.i18n import translate

    return translate("domain", name)


class DomainNames(Mapping):
    """code → display name in the interface language; ``source`` keeps the Chinese."""

    def __init__(self, source: Mapping) -> None:
        self.source = dict(source)

    def __getitem__(self, code) -> str:
        return domain_text(self.source[code])

    def __contains__(self, code) -> bool:
        return code in self.source

    def __iter__(self) -> Iterator:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)

    def __repr__(self) -> str:
        return f"DomainNames({self.source!r})"


LEVEL_NAMES = DomainNames({
    1: QT_TRANSLATE_NOOP("domain", "区"), 2: QT_TRANSLATE_NOOP("domain", "街道"),
    3: QT_TRANSLATE_NOOP("domain", "社区"), 4: QT_TRANSLATE_NOOP("domain", "网格"),
})

LAYER_TITLES = DomainNames({
    "buildings": QT_TRANSLATE_NOOP("domain", "建筑物"),
    "grids": QT_TRANSLATE_NOOP("domain", "网格边界"),
    "communities": QT_TRANSLATE_NOOP("domain", "社区边界"),
    "streets": QT_TRANSLATE_NOOP("domain", "街道边界"),
    "district": QT_TRANSLATE_NOOP("domain", "区界"),
    "cases": QT_TRANSLATE_NOOP("domain", "案件"),
    "labels": QT_TRANSLATE_NOOP("domain", "注记"),
    "cameras": QT_TRANSLATE_NOOP("domain", "视频点位"),
})

CASE_KIND_NAMES = DomainNames({
    "enquiry": QT_TRANSLATE_NOOP("domain", "咨询"),
    "suggestion": QT_TRANSLATE_NOOP("domain", "建议"),
    "hardship": QT_TRANSLATE_NOOP("domain", "民生困难"),
    "sanitation": QT_TRANSLATE_NOOP("domain", "环境卫生"),
    "dispute": QT_TRANSLATE_NOOP("domain", "矛盾纠纷"),
    "hazard": QT_TRANSLATE_NOOP("domain", "安全隐患"),
    "other": QT_TRANSLATE_NOOP("domain", "其他"),
})

CASE_STATUS_NAMES = DomainNames({
    "accepted": QT_TRANSLATE_NOOP("domain", "已受理"),
    "registered": QT_TRANSLATE_NOOP("domain", "已立案"),
    "dispatched": QT_TRANSLATE_NOOP("domain", "已派遣"),
    "handled": QT_TRANSLATE_NOOP("domain", "已处置"),
    "fed_back": QT_TRANSLATE_NOOP("domain", "已反馈"),
    "verified": QT_TRANSLATE_NOOP("domain", "已核查"),
    "closed": QT_TRANSLATE_NOOP("domain", "已结案"),
    "evaluated": QT_TRANSLATE_NOOP("domain", "已评价"),
    "returned": QT_TRANSLATE_NOOP("domain", "已回退"),
    "voided": QT_TRANSLATE_NOOP("domain", "已作废"),
    "extended": QT_TRANSLATE_NOOP("domain", "延期"),
    "deferred": QT_TRANSLATE_NOOP("domain", "缓办"),
    "parked": QT_TRANSLATE_NOOP("domain", "挂账"),
})

#: a case's steps (流转环节) as the case card lists them
CASE_ACTION_NAMES = DomainNames({
    "accept": QT_TRANSLATE_NOOP("domain", "受理"),
    "register": QT_TRANSLATE_NOOP("domain", "立案"),
    "dispatch": QT_TRANSLATE_NOOP("domain", "派遣"),
    "handle": QT_TRANSLATE_NOOP("domain", "处置"),
    "feed_back": QT_TRANSLATE_NOOP("domain", "反馈"),
    "verify": QT_TRANSLATE_NOOP("domain", "核查"),
    "close": QT_TRANSLATE_NOOP("domain", "结案"),
    "evaluate": QT_TRANSLATE_NOOP("domain", "评价"),
    "return": QT_TRANSLATE_NOOP("domain", "回退"),
    "void": QT_TRANSLATE_NOOP("domain", "作废"),
    "extend": QT_TRANSLATE_NOOP("domain", "延期"),
    "defer": QT_TRANSLATE_NOOP("domain", "缓办"),
    "park": QT_TRANSLATE_NOOP("domain", "挂账"),
    "rework": QT_TRANSLATE_NOOP("domain", "返工"),
})

#: where a case comes from (案件来源, app.domain.sources)
CASE_SOURCE_NAMES = DomainNames({
    "public": QT_TRANSLATE_NOOP("domain", "群众反映"),
    "patrol": QT_TRANSLATE_NOOP("domain", "网格巡查"),
    "hotline": QT_TRANSLATE_NOOP("domain", "12345热线"),
    "app": QT_TRANSLATE_NOOP("domain", "随手拍"),
    "instruction": QT_TRANSLATE_NOOP("domain", "上级交办"),
    "petition": QT_TRANSLATE_NOOP("domain", "信访督办"),
    "sensor": QT_TRANSLATE_NOOP("domain", "物联感知"),
})

#: a grid team member's role (app.feed: the roster's ``role``)
ROLE_NAMES = DomainNames({
    "grid_leader": QT_TRANSLATE_NOOP("domain", "网格长"),
    "grid_worker": QT_TRANSLATE_NOOP("domain", "专职网格员"),
    "police": QT_TRANSLATE_NOOP("domain", "网格民警"),
    "sanitation": QT_TRANSLATE_NOOP("domain", "环卫"),
    "city_management": QT_TRANSLATE_NOOP("domain", "城管"),
})

#: who took a case's step (办理方): the transition's ``actor_role``
ACTOR_NAMES = DomainNames({
    "department": QT_TRANSLATE_NOOP("domain", "职能部门"),
    "public": QT_TRANSLATE_NOOP("domain", "群众"),
    "operator": QT_TRANSLATE_NOOP("domain", "指挥中心"),
    **ROLE_NAMES.source,
})

#: The other terms ``app`` hands over in Chinese, listed here so that the catalogue
#: carries them; shown through :func:`domain_text` (e.g. ``domain_text(cm.STATUS_NAMES[s])``).
#: The appraisal's terms (indicators, measures, grades, drill-down columns, among them
#: 全区, 部门, 督办 and 网格员) are listed once, in ui/appraisal/vocabulary.py.
#: tests/ui/test_texts.py checks that every such term of app/ is in one of the two.
VOCABULARY = (
    # case kinds as app.domain.categories names them
    QT_TRANSLATE_NOOP("domain", "我要咨询"), QT_TRANSLATE_NOOP("domain", "我要建议"),
    # category classes (大类), app.domain.categories
    QT_TRANSLATE_NOOP("domain", "市容环境"), QT_TRANSLATE_NOOP("domain", "宣传广告"),
    QT_TRANSLATE_NOOP("domain", "施工管理"), QT_TRANSLATE_NOOP("domain", "突发事件"),
    QT_TRANSLATE_NOOP("domain", "街面秩序"), QT_TRANSLATE_NOOP("domain", "公用设施"),
    QT_TRANSLATE_NOOP("domain", "道路交通"), QT_TRANSLATE_NOOP("domain", "园林绿化"),
    QT_TRANSLATE_NOOP("domain", "房屋土地"), QT_TRANSLATE_NOOP("domain", "咨询服务"),
    QT_TRANSLATE_NOOP("domain", "意见建议"), QT_TRANSLATE_NOOP("domain", "民生服务"),
    # category subclasses (小类), app.domain.categories
    QT_TRANSLATE_NOOP("domain", "暴露垃圾"), QT_TRANSLATE_NOOP("domain", "积存垃圾渣土"),
    QT_TRANSLATE_NOOP("domain", "道路不洁"), QT_TRANSLATE_NOOP("domain", "水域不洁"),
    QT_TRANSLATE_NOOP("domain", "绿地脏乱"), QT_TRANSLATE_NOOP("domain", "废弃家具设备"),
    QT_TRANSLATE_NOOP("domain", "餐饮油烟"), QT_TRANSLATE_NOOP("domain", "垃圾满溢"),
    QT_TRANSLATE_NOOP("domain", "公厕不洁"), QT_TRANSLATE_NOOP("domain", "楼道堆物"),
    QT_TRANSLATE_NOOP("domain", "非法小广告"), QT_TRANSLATE_NOOP("domain", "违规户外广告"),
    QT_TRANSLATE_NOOP("domain", "占道广告牌"), QT_TRANSLATE_NOOP("domain", "破损招牌"),
    QT_TRANSLATE_NOOP("domain", "施工扰民"), QT_TRANSLATE_NOOP("domain", "工地扬尘"),
    QT_TRANSLATE_NOOP("domain", "施工废弃料"), QT_TRANSLATE_NOOP("domain", "无证掘路"),
    QT_TRANSLATE_NOOP("domain", "施工围挡破损"), QT_TRANSLATE_NOOP("domain", "路面塌陷"),
    QT_TRANSLATE_NOOP("domain", "自来水管破裂"), QT_TRANSLATE_NOOP("domain", "燃气泄漏"),
    QT_TRANSLATE_NOOP("domain", "道路积水"), QT_TRANSLATE_NOOP("domain", "大树倒伏"),
    QT_TRANSLATE_NOOP("domain", "供电线路故障"), QT_TRANSLATE_NOOP("domain", "无照经营游商"),
    QT_TRANSLATE_NOOP("domain", "店外经营"), QT_TRANSLATE_NOOP("domain", "占道废品收购"),
    QT_TRANSLATE_NOOP("domain", "露天烧烤"), QT_TRANSLATE_NOOP("domain", "机动车乱停放"),
    QT_TRANSLATE_NOOP("domain", "共享单车乱停放"), QT_TRANSLATE_NOOP("domain", "私搭乱建"),
    QT_TRANSLATE_NOOP("domain", "井盖破损缺失"), QT_TRANSLATE_NOOP("domain", "路灯损坏"),
    QT_TRANSLATE_NOOP("domain", "消防栓损坏"), QT_TRANSLATE_NOOP("domain", "通信线缆脱落"),
    QT_TRANSLATE_NOOP("domain", "供热管道漏水"), QT_TRANSLATE_NOOP("domain", "雨水口堵塞"),
    QT_TRANSLATE_NOOP("domain", "道路破损"), QT_TRANSLATE_NOOP("domain", "交通信号灯故障"),
    QT_TRANSLATE_NOOP("domain", "交通护栏损坏"), QT_TRANSLATE_NOOP("domain", "公交站亭损坏"),
    QT_TRANSLATE_NOOP("domain", "绿地黄土裸露"), QT_TRANSLATE_NOOP("domain", "树木枯死缺株"),
    QT_TRANSLATE_NOOP("domain", "树枝遮挡影响通行"), QT_TRANSLATE_NOOP("domain", "绿地毁损侵占"),
    QT_TRANSLATE_NOOP("domain", "违法建设"), QT_TRANSLATE_NOOP("domain", "房屋漏雨渗水"),
    QT_TRANSLATE_NOOP("domain", "老旧楼房外墙脱落"), QT_TRANSLATE_NOOP("domain", "电梯故障"),
    QT_TRANSLATE_NOOP("domain", "楼道照明损坏"), QT_TRANSLATE_NOOP("domain", "社保医保政策咨询"),
    QT_TRANSLATE_NOOP("domain", "户籍证件办理咨询"), QT_TRANSLATE_NOOP("domain", "政务办事指南咨询"),
    QT_TRANSLATE_NOOP("domain", "入学入托咨询"), QT_TRANSLATE_NOOP("domain", "住房保障政策咨询"),
    QT_TRANSLATE_NOOP("domain", "养老服务政策咨询"), QT_TRANSLATE_NOOP("domain", "城市管理建议"),
    QT_TRANSLATE_NOOP("domain", "社区服务建议"), QT_TRANSLATE_NOOP("domain", "交通出行建议"),
    QT_TRANSLATE_NOOP("domain", "环境绿化建议"), QT_TRANSLATE_NOOP("domain", "便民设施建议"),
    QT_TRANSLATE_NOOP("domain", "困难群众救助"), QT_TRANSLATE_NOOP("domain", "孤寡老人照料"),
    QT_TRANSLATE_NOOP("domain", "残疾人帮扶"), QT_TRANSLATE_NOOP("domain", "就业帮扶"),
    QT_TRANSLATE_NOOP("domain", "供暖不热"), QT_TRANSLATE_NOOP("domain", "停水停电"),
    QT_TRANSLATE_NOOP("domain", "老旧小区改造诉求"), QT_TRANSLATE_NOOP("domain", "邻里纠纷"),
    QT_TRANSLATE_NOOP("domain", "家庭婚姻纠纷"), QT_TRANSLATE_NOOP("domain", "物业纠纷"),
    QT_TRANSLATE_NOOP("domain", "劳资纠纷"), QT_TRANSLATE_NOOP("domain", "噪声扰民"),
    QT_TRANSLATE_NOOP("domain", "消防通道堵塞"), QT_TRANSLATE_NOOP("domain", "电动车楼道充电"),
    QT_TRANSLATE_NOOP("domain", "飞线充电"), QT_TRANSLATE_NOOP("domain", "燃气使用隐患"),
    QT_TRANSLATE_NOOP("domain", "高空坠物隐患"), QT_TRANSLATE_NOOP("domain", "食品安全隐患"),
    QT_TRANSLATE_NOOP("domain", "安全生产隐患"), QT_TRANSLATE_NOOP("domain", "治安隐患"),
    # case statuses and steps, app.workflow.case_machine
    QT_TRANSLATE_NOOP("domain", "延期中"), QT_TRANSLATE_NOOP("domain", "缓办中"),
    QT_TRANSLATE_NOOP("domain", "已挂账"), QT_TRANSLATE_NOOP("domain", "恢复"),
    # whistle statuses, steps and a department's report-in state, app.workflow.whistle_machine
    QT_TRANSLATE_NOOP("domain", "已吹哨"), QT_TRANSLATE_NOOP("domain", "报到中"),
    QT_TRANSLATE_NOOP("domain", "处置中"), QT_TRANSLATE_NOOP("domain", "已办结"),
    QT_TRANSLATE_NOOP("domain", "吹哨"), QT_TRANSLATE_NOOP("domain", "报到"),
    QT_TRANSLATE_NOOP("domain", "核查不通过"), QT_TRANSLATE_NOOP("domain", "二次哨"),
    QT_TRANSLATE_NOOP("domain", "问责"), QT_TRANSLATE_NOOP("domain", "办结"),
    QT_TRANSLATE_NOOP("domain", "尚未报到"),
    QT_TRANSLATE_NOOP("domain", "已报到、尚未反馈"), QT_TRANSLATE_NOOP("domain", "已反馈、待核查"),
    QT_TRANSLATE_NOOP("domain", "已核查、待评价"), QT_TRANSLATE_NOOP("domain", "已报到"),
    # roles and scopes, app.auth.permissions
    QT_TRANSLATE_NOOP("domain", "指挥中心值班员"), QT_TRANSLATE_NOOP("domain", "派遣员"),
    QT_TRANSLATE_NOOP("domain", "街道党工委书记"), QT_TRANSLATE_NOOP("domain", "街道办事处主任"),
    QT_TRANSLATE_NOOP("domain", "社区工作人员"), QT_TRANSLATE_NOOP("domain", "部门承办人"),
    QT_TRANSLATE_NOOP("domain", "区委督查室"), QT_TRANSLATE_NOOP("domain", "区领导"),
    QT_TRANSLATE_NOOP("domain", "审计员"), QT_TRANSLATE_NOOP("domain", "系统管理员"),
    QT_TRANSLATE_NOOP("domain", "大屏只读账号"),
)


def text_for(table: Mapping, code, default: str | None = None) -> str:
    """Display text for ``code``; unknown codes show as themselves (never crash on new codes)."""
    return table.get(code, default if default is not None else str(code))
