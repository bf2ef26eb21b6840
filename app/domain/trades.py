"""Merchant trades (商户业态) and their hazard classes (风险等级).

Longta pre-classified its 3,072 merchants by trade into hazard classes
(DOMAIN.md section 6): class 1 high (重点: fire load, gas, crowds, hazardous
goods), 2 medium (一般), 3 low (低风险).  ``weight`` is the trade's share of
street-front merchants in an old Tianjin urban district.
"""

from __future__ import annotations

from dataclasses import dataclass

HAZARD_HIGH, HAZARD_MEDIUM, HAZARD_LOW = 1, 2, 3


@dataclass(frozen=True)
class Trade:
    """A trade with its hazard class and the shop-name suffixes it uses."""

    name: str
    hazard_class: int
    weight: float
    suffixes: tuple[str, ...]


TRADES: tuple[Trade, ...] = (
    Trade("餐饮", HAZARD_MEDIUM, 22, ("饭庄", "家常菜", "面馆", "包子铺", "火锅店", "快餐", "烧烤店")),
    Trade("便利店", HAZARD_LOW, 10, ("便利店", "超市", "便民店")),
    Trade("美容美发", HAZARD_LOW, 8, ("美发店", "理发店", "美容院", "造型")),
    Trade("水果蔬菜", HAZARD_LOW, 6, ("果蔬店", "鲜果行", "菜店")),
    Trade("服装鞋帽", HAZARD_LOW, 6, ("服饰", "鞋店", "童装")),
    Trade("汽车维修", HAZARD_MEDIUM, 4, ("汽修", "汽车维修部", "汽车美容")),
    Trade("五金建材", HAZARD_MEDIUM, 4, ("五金店", "建材商行", "装饰材料")),
    Trade("药店", HAZARD_LOW, 4, ("大药房", "药店")),
    Trade("诊所", HAZARD_MEDIUM, 2, ("诊所", "口腔诊所", "中医诊所")),
    Trade("烟酒副食", HAZARD_LOW, 5, ("烟酒店", "副食店", "粮油店")),
    Trade("快递驿站", HAZARD_LOW, 3, ("快递驿站", "菜鸟驿站")),
    Trade("培训机构", HAZARD_MEDIUM, 3, ("培训学校", "艺术培训", "托管班")),
    Trade("棋牌室", HAZARD_MEDIUM, 2, ("棋牌室", "茶社")),
    Trade("干洗店", HAZARD_MEDIUM, 1.5, ("干洗店", "洗衣店")),
    Trade("家电维修", HAZARD_LOW, 2, ("家电维修", "手机维修")),
    Trade("网吧", HAZARD_HIGH, 1.5, ("网吧", "网咖")),
    Trade("宾馆", HAZARD_HIGH, 2, ("宾馆", "旅馆", "快捷酒店")),
    Trade("洗浴足疗", HAZARD_HIGH, 1.5, ("浴池", "足疗", "洗浴中心")),
    Trade("歌舞娱乐", HAZARD_HIGH, 1, ("KTV", "歌舞厅")),
    Trade("小作坊", HAZARD_HIGH, 2.5, ("食品加工坊", "豆制品作坊", "糕点作坊", "加工厂")),
    Trade("电动车销售维修", HAZARD_HIGH, 2, ("电动车行", "电动车维修")),
    Trade("废品回收", HAZARD_HIGH, 1.5, ("废品收购站", "再生资源回收点")),
    Trade("液化气供应", HAZARD_HIGH, 0.5, ("液化气站",)),
    Trade("加油站", HAZARD_HIGH, 0.4, ("加油站",)),
    Trade("仓储物流", HAZARD_MEDIUM, 1.5, ("物流", "仓储")),
)
