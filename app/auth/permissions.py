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


ROLE_NAMES = {
    Role.OPERATOR: "指挥中心值班员", Role.DISPATCHER: "派遣员", Role.STREET_SECRETARY: "街道党工委书记",
    Role.STREET_DIRECTOR: "街道办事处主任", Role.COMMUNITY_STAFF: "社区工作人员",
    Role.GRID_WORKER: "网格员", Role.DEPARTMENT_HANDLER: "部门承办人",
    Role.SUPERVISION_OFFICE: "区委督查室", Role.DISTRICT_LEADER: "区领导", Role.AUDITOR: "审计员",
    Role.ADMINISTRATOR: "系统管理员",
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
}


@dataclass(frozen=True)
class Scope:
    """Where a user's powers apply: kind plus the street/community/department id."""

    kind: str = "district"
    id: int | None = None
    street_id: int | None = None  # for a community: the street it belongs to

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope must be one of {', '.join(SCOPE_KINDS)}, not {self.kind!r}")
        if (self.kind == "district") != (self.id is None):
            raise ValueError("a district scope has no id; every other scope needs one")

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
    """Who sees cases and whistles: everyone of the business in their area or department."""
    out = {r: "area" for r in _BIZ}
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
    # 下考上: a street's periodic survey of the departments (its secretary), publishing
    # a period (督查室), the scoring scheme (configuration: the administrator)
    "appraisal.survey": {R.STREET_SECRETARY: "area"},
    "appraisal.publish": {R.SUPERVISION_OFFICE: "any"},
    "appraisal.scheme": {R.ADMINISTRATOR: "any"},
}
ACTIONS: tuple[str, ...] = tuple(MATRIX)
#: how an action reads in an error message
ACTION_VERBS = {
    "case.view": "see a case", "case.new": "accept a case", "case.register": "register a case",
    "case.dispatch": "dispatch a case", "case.handle": "handle a case",
    "case.request": "ask for an exception on a case", "case.approve": "approve an exception",
    "case.verify": "verify a case", "case.close": "close a case", "case.evaluate": "evaluate a case",
    "whistle.view": "see a whistle", "whistle.blow": "blow a whistle",
    "whistle.second": "blow a second whistle", "whistle.report_in": "report in on a whistle",
    "whistle.feed_back": "feed back on a whistle", "whistle.verify": "verify a whistle",
    "whistle.rate": "rate a department", "whistle.supervise": "supervise a whistle",
    "whistle.accountability": "flag accountability", "audit.view": "read the audit log",
    "audit.verify": "verify the audit log", "export": "export data",
    "users.manage": "manage accounts",
    "appraisal.survey": "enter a street's appraisal survey",
    "appraisal.publish": "publish appraisal figures", "appraisal.scheme": "change the scoring scheme",
}


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


def decide(role: Role | str, scope: Scope, action: str, target: Target | None = None) -> Decision:
    """May a user with ``role`` over ``scope`` do ``action`` on ``target``?"""
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}")
    role = Role(role)
    target = target or Target()
    verb = ACTION_VERBS[action]
    rule = MATRIX[action].get(role)
    if rule is None:
        return Decision(False, f"role {role.value} may not {verb} ({action})")
    if scope.kind not in ROLE_SCOPES[role]:
        return Decision(False, f"role {role.value} cannot hold a {scope.kind} scope")
    if rule == "any":
        return Decision(True)
    if rule == "area":
        if _in_area(scope, target):
            return Decision(True)
        where = (f"street {target.street_id}" if target.street_id is not None else
                 f"community {target.community_id}" if target.community_id is not None
                 else "an unknown place")
        return Decision(False, f"role {role.value} of {scope.label()} may not {verb} "
                               f"for {where}")
    # dept
    if scope.kind == "department" and scope.id in target.department_ids:
        return Decision(True)
    return Decision(False, f"role {role.value} of {scope.label()} may not {verb}: "
                           f"not one of the departments concerned")


class PermissionDenied(PermissionError):
    """A forbidden action; the message is one line fit for the user."""


def require(role: Role | str, scope: Scope, action: str, target: Target | None = None) -> None:
    d = decide(role, scope, action, target)
    if not d:
        raise PermissionDenied(d.reason)
