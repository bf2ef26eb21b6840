"""Roles, scopes and THE permission matrix (权限矩阵) — the only place that decides.

Every role carries a scope: the whole district (区级平台), one street (街道平台),
one community (社区平台) or one department.  The three platforms are the same
app: what a user may see and do follows from ``MATRIX[action][role]`` — how the
target must relate to the user's scope — and nothing else.

Scope rules:

* ``any``  — anywhere in the district
* ``area`` — the target lies in the user's area (district ⊃ street ⊃ community)
* ``dept`` — the target names the user's department (案件/哨令的责任部门)

Administrator (系统管理员), auditor (审计员) and the business roles are kept
apart (三员分立): the administrator manages accounts but touches no case, the
auditor reads the log and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    OPERATOR = "operator"  # 指挥中心值班员
    DISPATCHER = "dispatcher"  # 派遣员 / 值班长
    STREET_SECRETARY = "street_secretary"  # 街道党工委书记
    STREET_DIRECTOR = "street_director"  # 街道办事处主任
    COMMUNITY_STAFF = "community_staff"  # 社区工作人员
    GRID_WORKER = "grid_worker"  # 网格员
    DEPARTMENT_HANDLER = "department_handler"  # 职能部门承办人
    SUPERVISION_OFFICE = "supervision_office"  # 区委督查室
    DISTRICT_LEADER = "district_leader"  # 区领导
    AUDITOR = "auditor"  # 审计员
    ADMINISTRATOR = "administrator"  # 系统管理员
    WALL = "wall"  # 大屏: the read-only wall seat, sees no personal data, writes nothing


ROLE_NAMES = {
    Role.OPERATOR: "指挥中心值班员", Role.DISPATCHER: "派遣员", Role.STREET_SECRETARY: "街道党工委书记",
    Role.STREET_DIRECTOR: "街道办事处主任", Role.COMMUNITY_STAFF: "社区工作人员",
    Role.GRID_WORKER: "网格员", Role.DEPARTMENT_HANDLER: "部门承办人",
    Role.SUPERVISION_OFFICE: "区委督查室", Role.DISTRICT_LEADER: "区领导", Role.AUDITOR: "审计员",
    Role.ADMINISTRATOR: "系统管理员", Role.WALL: "大屏只读账号",
}

SCOPE_KINDS = ("district", "street", "community", "department")
#: the scope kinds each role may hold
ROLE_SCOPES: dict[Role, tuple[str, ...]] = {
    Role.OPERATOR: ("district", "street"),
    Role.DISPATCHER: ("district", "street"),
    Role.STREET_SECRETARY: ("street",),
    Role.STREET_DIRECTOR: ("street",),
    Role.COMMUNITY_STAFF: ("community",),
    Role.GRID_WORKER: ("community",),
    Role.DEPARTMENT_HANDLER: ("department",),
    Role.SUPERVISION_OFFICE: ("district",),
    Role.DISTRICT_LEADER: ("department",),  # the 区领导 department (LD) of the second whistle
    Role.AUDITOR: ("district",),
    Role.ADMINISTRATOR: ("district",),
    Role.WALL: ("district", "street"),  # the district's wall, or a street platform's
}
#: roles that see no personal data at all (no phone, not even masked; people under
#: pseudonyms) and may do nothing but look (app/privacy/wall.py)
READ_ONLY_ROLES = (Role.WALL,)


@dataclass(frozen=True)
class Scope:
    """Where a user's powers apply: kind plus the street/community/department id."""

    kind: str = "district"
    id: int | None = None
    street_id: int | None = None  # for a community: the street it belongs to

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"管辖范围须为 {', '.join(SCOPE_KINDS)} 之一，而不是“{self.kind}”")
        if (self.kind == "district") != (self.id is None):
            raise ValueError("全区范围不带编号，街道、社区、部门范围必须带编号")

    def label(self) -> str:
        return "district" if self.kind == "district" else f"{self.kind} {self.id}"


@dataclass(frozen=True)
class Target:
    """What an action touches: its place (street, community) and departments."""

    street_id: int | None = None
    community_id: int | None = None
    department_ids: frozenset[int] = frozenset()


R = Role
_BIZ = (R.OPERATOR, R.DISPATCHER, R.STREET_SECRETARY, R.STREET_DIRECTOR, R.COMMUNITY_STAFF,
        R.GRID_WORKER, R.DEPARTMENT_HANDLER, R.SUPERVISION_OFFICE, R.DISTRICT_LEADER)
_STREET_HEADS = (R.STREET_SECRETARY, R.STREET_DIRECTOR)


def _viewers() -> dict[Role, str]:
    """Who sees cases and whistles: everyone of the business in their area or department,
    and the wall in its area."""
    out = {r: "area" for r in (*_BIZ, R.WALL)}
    out[R.DEPARTMENT_HANDLER] = "dept"
    out[R.DISTRICT_LEADER] = "any"
    return out


#: action -> {role: scope rule}; a role missing from an action may not do it
MATRIX: dict[str, dict[Role, str]] = {
    "case.view": _viewers(),
    "case.new": {R.OPERATOR: "area", R.DISPATCHER: "area", R.COMMUNITY_STAFF: "area",
                 R.GRID_WORKER: "area"},  # 受理 (a grid worker's 上报 too)
    "case.register": {R.OPERATOR: "area", R.DISPATCHER: "area"},  # 立案
    "case.dispatch": {R.DISPATCHER: "area"},  # 派遣 (incl. re-dispatch after 回退)
    "case.handle": {R.DEPARTMENT_HANDLER: "dept"},  # 处置, 反馈
    "case.request": {R.DEPARTMENT_HANDLER: "dept"},  # ask for 回退/延期/缓办
    "case.approve": {R.DISPATCHER: "area", R.SUPERVISION_OFFICE: "any"},  # 审批 exceptions
    "case.verify": {R.GRID_WORKER: "area", R.COMMUNITY_STAFF: "area"},  # 核查 / 返工
    "case.close": {R.OPERATOR: "area", R.DISPATCHER: "area"},  # 结案
    "case.evaluate": {R.OPERATOR: "area", R.COMMUNITY_STAFF: "area"},  # 评价 (回访)
    "whistle.view": _viewers(),
    # 行踪轨迹 (PIPL: sensitive): where grid staff walked, in the viewer's own area
    "patrol.view": {**{r: "area" for r in _BIZ if r != R.DEPARTMENT_HANDLER},
                    R.DISTRICT_LEADER: "any", R.WALL: "area"},
    "whistle.blow": {r: "area" for r in _STREET_HEADS},  # only 书记 and 主任 of that street
    "whistle.second": {r: "area" for r in _STREET_HEADS},  # 二次哨
    "whistle.report_in": {R.DEPARTMENT_HANDLER: "dept", R.DISTRICT_LEADER: "dept"},
    "whistle.feed_back": {R.DEPARTMENT_HANDLER: "dept", R.DISTRICT_LEADER: "dept"},
    "whistle.verify": {r: "area" for r in _STREET_HEADS},
    "whistle.rate": {r: "area" for r in _STREET_HEADS},  # 下考上
    "whistle.supervise": {R.SUPERVISION_OFFICE: "any"},  # 督办
    "whistle.accountability": {R.SUPERVISION_OFFICE: "any"},  # 问责 (hand-over to 纪检监察)
    "audit.view": {R.AUDITOR: "any"},
    "audit.verify": {R.AUDITOR: "any", R.ADMINISTRATOR: "any"},
    "export": {R.OPERATOR: "area", R.DISPATCHER: "area", R.SUPERVISION_OFFICE: "any",
               R.AUDITOR: "any"},
    "users.manage": {R.ADMINISTRATOR: "any"},
    # 终端绑定: which phone is whose (a worker's track follows from it)
    "devices.bind": {R.ADMINISTRATOR: "any"},
    # 下考上: a street's periodic survey of the departments (its secretary), publishing
    # a period (督查室), the scoring scheme (configuration: the administrator)
    "appraisal.survey": {R.STREET_SECRETARY: "area"},
    "appraisal.publish": {R.SUPERVISION_OFFICE: "any"},
    "appraisal.scheme": {R.ADMINISTRATOR: "any"},
}
ACTIONS: tuple[str, ...] = tuple(MATRIX)
#: how an action reads in a refusal (中文, what the user sees)
ACTION_VERBS = {
    "case.view": "查看案件", "case.new": "受理案件", "case.register": "立案",
    "case.dispatch": "派遣案件", "case.handle": "处置案件",
    "case.request": "申请回退、延期或缓办", "case.approve": "审批",
    "case.verify": "核查案件", "case.close": "结案", "case.evaluate": "评价案件",
    "whistle.view": "查看哨令", "patrol.view": "查看巡查轨迹", "whistle.blow": "吹哨",
    "whistle.second": "吹二次哨", "whistle.report_in": "报到",
    "whistle.feed_back": "反馈", "whistle.verify": "核查哨令",
    "whistle.rate": "评价部门", "whistle.supervise": "督办",
    "whistle.accountability": "提请问责", "audit.view": "查看审计日志",
    "audit.verify": "校验审计日志", "export": "导出数据",
    "users.manage": "管理账号", "devices.bind": "绑定终端",
    "appraisal.survey": "填报街道对部门的评价",
    "appraisal.publish": "发布考核结果", "appraisal.scheme": "修改考核方案",
}
#: scope kinds as the user reads them
SCOPE_KIND_NAMES = {"district": "全区", "street": "街道", "community": "社区",
                    "department": "部门"}


class PlaceNames(Protocol):
    """Names of streets, communities and departments for refusals (never their ids);
    app.workflow.places.PlaceNames reads them from the district."""

    def name(self, kind: str, id_: int | None) -> str | None: ...


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def _in_area(scope: Scope, target: Target) -> bool:
    if scope.kind == "district":
        return True
    if scope.kind == "street":
        return target.street_id is not None and target.street_id == scope.id
    if scope.kind == "community":
        return target.community_id is not None and target.community_id == scope.id
    return False


def _named(names: PlaceNames | None, kind: str, id_: int | None) -> str:
    """"（丁字沽街道）" when the name is known, else ""."""
    n = names.name(kind, id_) if names is not None and id_ is not None else None
    return f"（{n}）" if n else ""


def _where(names: PlaceNames | None, target: Target) -> str:
    """Where the target lies, by name: "，该处属于西于庄街道" (or "" when unknown)."""
    for kind, id_ in (("street", target.street_id), ("community", target.community_id)):
        n = names.name(kind, id_) if names is not None and id_ is not None else None
        if n:
            return f"，该处属于{n}"
    return "" if target.street_id or target.community_id else "，该处不在任何街道内"


def decide(role: Role | str, scope: Scope, action: str, target: Target | None = None,
           names: PlaceNames | None = None) -> Decision:
    """May a user with ``role`` over ``scope`` do ``action`` on ``target``?  A refusal's
    reason is Chinese and names places and departments by ``names`` (never ids)."""
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}")
    role = Role(role)
    target = target or Target()
    verb = ACTION_VERBS[action]
    who = ROLE_NAMES[role]
    rule = MATRIX[action].get(role)
    if rule is None:
        return Decision(False, f"{who}无权{verb}")
    if scope.kind not in ROLE_SCOPES[role]:
        return Decision(False, f"{who}的管辖范围不能是{SCOPE_KIND_NAMES[scope.kind]}")
    if rule == "any":
        return Decision(True)
    if rule == "area":
        if _in_area(scope, target):
            return Decision(True)
        if scope.kind == "community" and target.community_id is None:
            return Decision(False, f"社区的账号只能为本社区{_named(names, 'community', scope.id)}"
                                   f"{verb}，这件事没有落在哪个社区")
        mine = SCOPE_KIND_NAMES.get(scope.kind, "")
        return Decision(False, f"只能为本{mine}{_named(names, scope.kind, scope.id)}{verb}"
                               f"{_where(names, target)}")
    # dept
    if scope.kind == "department" and scope.id in target.department_ids:
        return Decision(True)
    return Decision(False, f"只有被派遣或被召集的部门才能{verb}，"
                           f"本部门{_named(names, 'department', scope.id)}不在其中")


class PermissionDenied(PermissionError):
    """A forbidden action; the message is one line in Chinese fit for the user."""


def require(role: Role | str, scope: Scope, action: str, target: Target | None = None,
            names: PlaceNames | None = None) -> None:
    """PermissionDenied with :func:`decide`'s reason unless allowed."""
    d = decide(role, scope, action, target, names)
    if not d:
        raise PermissionDenied(d.reason)
