"""District departments (区职能部门) that receive cases and whistles.

Hongqiao runs 54 departmental platforms (DOMAIN.md section 6).  The catalogue
below is modelled on a Tianjin urban district: district bureaus, the public
utilities that own pipes and cables in the street, the district supervision
office (区委督查室) that tracks overdue whistles, and the district leaders
(区领导) who must report in on a second whistle (二次哨).

Codes are short pinyin initials, stable across demo seeds, so that later code
(workflow, scoring) can name a department without knowing its row id.
"""

from __future__ import annotations

from dataclasses import dataclass

#: kind values of the ``departments`` table
DEPARTMENT_KINDS = ("bureau", "utility", "supervision", "leadership")


@dataclass(frozen=True)
class Department:
    """One district department or public utility (职能部门 / 公共服务企业)."""

    code: str
    name: str
    short_name: str
    kind: str


def _b(code: str, name: str, short: str) -> Department:
    return Department(code, name, short, "bureau")


def _u(code: str, name: str, short: str) -> Department:
    return Department(code, name, short, "utility")


DEPARTMENTS: tuple[Department, ...] = (
    # the five owners of the 4,500 video and sensor points (公安, 教育, 卫健, 安监, 民政)
    _b("GA", "天津市公安局红桥分局", "公安红桥分局"),
    _b("JY", "红桥区教育局", "区教育局"),
    _b("WJ", "红桥区卫生健康委员会", "区卫健委"),
    _b("YJ", "红桥区应急管理局", "区应急局"),
    _b("MZ", "红桥区民政局", "区民政局"),
    # city management and the street environment
    _b("CG", "红桥区城市管理委员会", "区城管委"),
    _b("ZF", "红桥区城市管理综合行政执法局", "区城管执法局"),
    _b("HW", "红桥区环境卫生管理所", "区环卫所"),
    _b("YL", "红桥区园林绿化管理所", "区园林所"),
    _b("SZ", "红桥区市政工程管理所", "区市政所"),
    _b("PS", "红桥区排水管理所", "区排水所"),
    _b("ZJ", "红桥区住房和建设委员会", "区住建委"),
    _b("FG", "红桥区房屋管理局", "区房管局"),
    _b("ZS", "红桥区房屋征收办公室", "区征收办"),
    _b("GH", "天津市规划和自然资源局红桥分局", "规划资源红桥分局"),
    _b("SJ", "红桥区市场监督管理局", "区市场监管局"),
    _b("ST", "天津市红桥区生态环境局", "区生态环境局"),
    _b("SW", "红桥区水务局", "区水务局"),
    _b("JJ", "天津市公安交通管理局红桥支队", "交警红桥支队"),
    _b("XF", "天津市红桥区消防救援支队", "红桥消防支队"),
    _b("JK", "红桥区疾病预防控制中心", "区疾控中心"),
    # people's services
    _b("RS", "红桥区人力资源和社会保障局", "区人力社保局"),
    _b("YB", "红桥区医疗保障局", "区医保局"),
    _b("SF", "红桥区司法局", "区司法局"),
    _b("TY", "红桥区退役军人事务局", "区退役军人局"),
    _b("CL", "红桥区残疾人联合会", "区残联"),
    _b("FL", "红桥区妇女联合会", "区妇联"),
    _b("GH2", "红桥区总工会", "区总工会"),
    _b("TW", "共青团红桥区委员会", "团区委"),
    _b("XFB", "红桥区信访办公室", "区信访办"),
    _b("ZW", "红桥区政务服务办公室", "区政务服务办"),
    _b("WL", "红桥区文化和旅游局", "区文旅局"),
    _b("TYJ", "红桥区体育局", "区体育局"),
    # economy and administration
    _b("FGW", "红桥区发展和改革委员会", "区发改委"),
    _b("GX", "红桥区工业和信息化局", "区工信局"),
    _b("SWJ", "红桥区商务局", "区商务局"),
    _b("CZ", "红桥区财政局", "区财政局"),
    _b("TJ", "红桥区统计局", "区统计局"),
    _b("SJJ", "红桥区审计局", "区审计局"),
    _b("KJ", "红桥区科学技术局", "区科技局"),
    _b("GZ", "红桥区国有资产监督管理委员会", "区国资委"),
    _b("WX", "红桥区委网络安全和信息化委员会办公室", "区委网信办"),
    _b("RF", "红桥区国防动员办公室", "区国动办"),
    _b("SWU", "国家税务总局天津市红桥区税务局", "区税务局"),
    _b("JG", "红桥区机关事务管理局", "区机关事务局"),
    _b("ZZ", "红桥区住房保障中心", "区住房保障中心"),
    # public utilities with assets in the street (公共服务企业)
    _u("GD", "国网天津红桥供电分公司", "红桥供电"),
    _u("ZLS", "天津水务集团红桥营业分公司", "自来水公司"),
    _u("RQ", "天津能源集团燃气红桥分公司", "燃气公司"),
    _u("RL", "天津能源集团热力红桥供热站", "热力公司"),
    _u("YD", "中国移动天津红桥分公司", "移动公司"),
    _u("LT", "中国联通天津红桥分公司", "联通公司"),
    _u("DX", "中国电信天津红桥分公司", "电信公司"),
    _u("GDW", "天津广电网络红桥分公司", "广电网络"),
    _u("GJ", "天津公交集团红桥运营部", "公交集团"),
    # oversight: supervision office and the district leaders of the second whistle
    Department("DC", "中共红桥区委督查室", "区委督查室", "supervision"),
    Department("LD", "红桥区领导", "区领导", "leadership"),
)

#: departments that embed staff in the grids (一格一警 and the street crews)
POLICE = "GA"
SANITATION = "HW"
CITY_MANAGEMENT = "ZF"
EDUCATION = "JY"
HEALTH = "WJ"
EMERGENCY = "YJ"
CIVIL_AFFAIRS = "MZ"
SUPERVISION = "DC"
LEADERSHIP = "LD"


def department_codes() -> tuple[str, ...]:
    """Codes in catalogue order; row ids are 1 + the position in this tuple."""
    return tuple(d.code for d in DEPARTMENTS)


def department_id(code: str) -> int:
    """The row id the demo generator gives the department ``code``."""
    return department_codes().index(code) + 1
