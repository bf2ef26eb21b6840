"""Chinese display text for the codes ``app`` returns (levels, kinds, statuses, roles)."""

from __future__ import annotations

LEVEL_NAMES = {1: "区", 2: "街道", 3: "社区", 4: "网格"}

LAYER_TITLES = {
    "buildings": "建筑物",
    "grids": "网格边界",
    "communities": "社区边界",
    "streets": "街道边界",
    "district": "区界",
    "cases": "案件",
    "labels": "注记",
    "cameras": "视频点位",
}

CASE_KIND_NAMES = {
    "enquiry": "咨询",
    "suggestion": "建议",
    "hardship": "民生困难",
    "sanitation": "环境卫生",
    "dispute": "矛盾纠纷",
    "hazard": "安全隐患",
    "other": "其他",
}

CASE_STATUS_NAMES = {
    "accepted": "已受理",
    "registered": "已立案",
    "dispatched": "已派遣",
    "handled": "已处置",
    "fed_back": "已反馈",
    "verified": "已核查",
    "closed": "已结案",
    "evaluated": "已评价",
    "returned": "已回退",
    "voided": "已作废",
    "extended": "延期",
    "deferred": "缓办",
    "parked": "挂账",
}

ROLE_NAMES = {
    "grid_leader": "网格长",
    "grid_worker": "专职网格员",
    "police": "网格民警",
    "sanitation": "环卫",
    "city_management": "城管",
}


def text_for(table: dict, code, default: str | None = None) -> str:
    """Display text for ``code``; unknown codes show as themselves (never crash on new codes)."""
    return table.get(code, default if default is not None else str(code))


def domain_text(name: str) -> str:
    """A term of the domain vocabulary coming from ``app/`` (a case status, a category,
    a role, a level …), in the interface language (catalogue context ``domain``).
    Proper names (places, departments, people) are data and are shown as they are."""
    from ui.i18n import translate

    return translate("domain", name)
