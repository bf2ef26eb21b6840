"""Chinese name pools for the demo district; every person is invented.

Worker names are a random common surname plus one or two random given-name
characters, so that no real person is described.  Community names combine
auspicious roots with the usual suffixes of Tianjin residential areas.
"""

from __future__ import annotations

import numpy as np

#: Hongqiao's ten streets (街道), used in catalogue order
HONGQIAO_STREETS = ("西于庄", "咸阳北路", "丁字沽", "西沽南", "三条石",
                    "邵公庄", "芥园", "铃铛阁", "和苑", "双环邨")
JINHUA_STREETS = ("城东", "城中", "城西", "城北", "江南", "西关", "三江", "新狮")

COMMUNITY_ROOTS = tuple(
    "春和 晓园 光荣 丁字沽 西沽 芥园 铃铛阁 双环 和苑 咸阳 邵公 三条石 西于 "
    "千禧 欣桃 美丽 民畅 锦绣 康宁 泰和 宜居 怡然 华苑 新村 佳园 富民 盛世 翠屏 "
    "桃花 柳林 兰苑 明德 仁爱 永安 长虹 宏达 善德 水岸 河畔 湖滨 龙禧 凤鸣 "
    "北岸 南开 红旗 胜利 友谊 团结 和平 建设 光明 幸福 文昌 复兴 勤俭 育红 "
    "天河 运河 子牙 南运 北运 大丰 小西关 西站 北马 红星 工农 新华 东风 "
    "桂馨 榕华 梅江 丽景 金钟 银河 碧水 青春 朝阳 向阳 五爱 三义 四新".split()
)
COMMUNITY_SUFFIXES = ("里", "园", "苑", "北里", "南里", "东里", "西里", "新苑", "家园",
                      "花园", "大街", "一段", "二段", "三段", "新村", "公寓", "庄")

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
                 "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付"
                 "方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
# Zipf-like weights: the first surnames are far more common (王, 李, 张 …)
SURNAME_WEIGHTS = 1.0 / (np.arange(len(SURNAMES)) + 3.0)
GIVEN_CHARS = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国文红玉兰凤云"
                    "海燕鹏辉飞波宁丹萍颖琳晶欣怡佳悦晨浩宇轩博然思雨婷雪梅亮志学斌")

MERCHANT_PREFIXES = tuple("鑫源 顺达 华盛 福兴 隆昌 佳美 好邻 惠民 乐康 康宁 祥瑞 金宝 旺福 "
                          "老街坊 津味 河畔 桥头 宏发 永兴 聚福 百顺 友缘 和气 红运 盛世 "
                          "新风 万家 鸿运 德顺 众诚 家和 益民 速达 恒通 嘉禾".split())

BUILDING_ROAD_ROOTS = tuple("光荣 咸阳 西青 勤俭 丁字沽 北马 西站 芥园 红旗 子牙 南运 "
                            "小西关 大丰 本溪 桃花 西沽 邵公庄 三条石 怡和 湘潭".split())


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` invented full names (surname + 1-2 given characters)."""
    p = SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum()
    sur = rng.choice(len(SURNAMES), size=n, p=p)
    g1 = rng.integers(0, len(GIVEN_CHARS), n)
    g2 = rng.integers(0, len(GIVEN_CHARS), n)
    two = rng.random(n) < 0.65
    return [SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if t else "")
            for s, a, b, t in zip(sur, g1, g2, two, strict=True)]


def fictional_phones(n: int, offset: int = 0) -> list[str]:
    """Fictional mobile numbers 1380000xxxx, 1390000xxxx, … (reserved-looking blocks)."""
    out = []
    for i in range(offset, offset + n):
        block, rest = divmod(i, 10_000)
        out.append(f"13{8 + block % 2}{block // 2 % 10}000{rest:04d}"[:11])
    return out


def community_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct community names ending in 社区."""
    roots = rng.permutation(len(COMMUNITY_ROOTS))
    names: list[str] = []
    seen: set[str] = set()
    k = 0
    while len(names) < n:
        root = COMMUNITY_ROOTS[roots[k % len(roots)]]
        suffix = COMMUNITY_SUFFIXES[int(rng.integers(len(COMMUNITY_SUFFIXES)))]
        name = f"{root}{suffix}社区"
        k += 1
        if name not in seen and root[-1] != suffix[0]:  # no 佳园园
            seen.add(name)
            names.append(name)
    return names


CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 35 -> 三十五 (for names like 第十二中学)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")
