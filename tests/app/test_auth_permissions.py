"""The permission matrix, exhaustively: every role × action × scope × target relation."""

from __future__ import annotations

import itertools

import pytest

from app.auth.permissions import (
    ACTIONS,
    MATRIX,
    ROLE_SCOPES,
    SCOPE_KINDS,
    PermissionDenied,
    Role,
    Scope,
    Target,
    decide,
    require,
)

# The specification, written out by hand: action -> "role:rule" (a = own area, d = own
# department, * = anywhere).  A change to the matrix must change this table too.
SPEC = """
case.view: operator:a dispatcher:a street_secretary:a street_director:a community_staff:a
           grid_worker:a department_handler:d supervision_office:a district_leader:* wall:a
case.new: operator:a dispatcher:a community_staff:a grid_worker:a
case.register: operator:a dispatcher:a
case.dispatch: dispatcher:a
case.handle: department_handler:d
case.request: department_handler:d
case.approve: dispatcher:a supervision_office:*
case.verify: grid_worker:a community_staff:a
case.close: operator:a dispatcher:a
case.evaluate: operator:a community_staff:a
whistle.view: operator:a dispatcher:a street_secretary:a street_director:a community_staff:a
              grid_worker:a department_handler:d supervision_office:a district_leader:* wall:a
patrol.view: operator:a dispatcher:a street_secretary:a street_director:a community_staff:a
             grid_worker:a supervision_office:a district_leader:* wall:a
whistle.blow: street_secretary:a street_director:a
whistle.second: street_secretary:a street_director:a
whistle.report_in: department_handler:d district_leader:d
whistle.feed_back: department_handler:d district_leader:d
whistle.verify: street_secretary:a street_director:a
whistle.rate: street_secretary:a street_director:a
whistle.supervise: supervision_office:*
whistle.accountability: supervision_office:*
audit.view: auditor:*
audit.verify: auditor:* administrator:*
export: operator:a dispatcher:a supervision_office:* auditor:*
users.manage: administrator:*
appraisal.survey: street_secretary:a
appraisal.publish: supervision_office:*
appraisal.scheme: administrator:*
devices.bind: administrator:*
"""


def _spec() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    action = None
    for token in SPEC.split():
        if token.endswith(":") and "." in token or token == "export:":
            action = token[:-1]
            out[action] = {}
        else:
            role, rule = token.split(":")
            out[action][role] = rule
    return out


SPEC_TABLE = _spec()
STREET, OTHER_STREET, COMMUNITY, OTHER_COMMUNITY, DEPT, OTHER_DEPT = 2, 3, 20, 21, 6, 8
SCOPES = {
    "district": Scope(),
    "street": Scope("street", STREET),
    "community": Scope("community", COMMUNITY, STREET),
    "department": Scope("department", DEPT),
}
# the place relations a target can have to the scopes above
TARGETS = {
    "own community, own dept": Target(STREET, COMMUNITY, frozenset({DEPT})),
    "own community, other dept": Target(STREET, COMMUNITY, frozenset({OTHER_DEPT})),
    "own street, other community, own dept": Target(STREET, OTHER_COMMUNITY, frozenset({DEPT})),
    "own street only": Target(STREET, None, frozenset({OTHER_DEPT})),
    "other street, own dept": Target(OTHER_STREET, None, frozenset({DEPT, OTHER_DEPT})),
    "other street, no dept": Target(OTHER_STREET, OTHER_COMMUNITY, frozenset()),
    "nowhere": Target(),
}


def _expected(role: Role, scope_kind: str, action: str, target_name: str) -> bool:
    rule = SPEC_TABLE[action].get(role.value)
    if rule is None or scope_kind not in ROLE_SCOPES[role]:
        return False
    t = TARGETS[target_name]
    if rule == "*":
        return True
    if rule == "d":
        return scope_kind == "department" and DEPT in t.department_ids
    return {"district": True,
            "street": t.street_id == STREET,
            "community": t.community_id == COMMUNITY,
            "department": False}[scope_kind]


CASES = list(itertools.product(Role, SCOPE_KINDS, ACTIONS, TARGETS))


def test_spec_covers_every_action_of_the_matrix():
    assert set(SPEC_TABLE) == set(ACTIONS) == set(MATRIX)
    assert len(Role) == 12  # the eleven of the business and the read-only wall


def test_whole_matrix_matches_the_spec():
    """11 roles × 4 scope kinds × 23 actions × 7 target relations."""
    wrong = []
    for role, kind, action, tname in CASES:
        got = decide(role, SCOPES[kind], action, TARGETS[tname])
        if bool(got) != _expected(role, kind, action, tname):
            wrong.append((role.value, kind, action, tname, got.reason))
        if not got:
            assert got.reason, (role, kind, action, tname)
    assert not wrong, f"{len(wrong)} of {len(CASES)} decisions differ, e.g. {wrong[:5]}"
    assert len(CASES) == 12 * 4 * len(ACTIONS) * 7


def test_only_street_heads_blow_and_only_for_their_street():
    blowers = {r for r in Role if any(decide(r, SCOPES[k], "whistle.blow", Target(STREET))
                                      for k in SCOPE_KINDS)}
    assert blowers == {Role.STREET_SECRETARY, Role.STREET_DIRECTOR}
    # by names (a resolver from the district), never by ids
    with pytest.raises(PermissionDenied,
                       match="^只能为本街道（丁字沽街道）吹哨，该处属于西于庄街道$"):
        require(Role.STREET_SECRETARY, SCOPES["street"], "whistle.blow", Target(OTHER_STREET),
                _Names())
    # without names: still Chinese, still no ids
    with pytest.raises(PermissionDenied, match="^只能为本街道吹哨$"):
        require(Role.STREET_SECRETARY, SCOPES["street"], "whistle.blow", Target(OTHER_STREET))


class _Names:
    def name(self, kind, id_):
        return {("street", STREET): "丁字沽街道", ("street", OTHER_STREET): "西于庄街道"}.get(
            (kind, id_))


def test_refusals_are_chinese_and_name_no_ids():
    """Every refusal of the matrix reads in Chinese: no English word, no internal id."""
    import re

    for role, kind, action, tname in CASES:
        got = decide(role, SCOPES[kind], action, TARGETS[tname])
        if not got:
            assert not re.search(r"[A-Za-z0-9]", got.reason), (role, kind, action, got.reason)
    assert decide(Role.GRID_WORKER, SCOPES["street"], "case.new").reason == \
        "网格员的管辖范围不能是街道"
    assert decide(Role.AUDITOR, Scope(), "case.dispatch").reason == "审计员无权派遣案件"


def test_separation_of_duties():
    """三员分立: the administrator does no business, the auditor only reads the log."""
    admin = [a for a in ACTIONS if decide(Role.ADMINISTRATOR, Scope(), a, TARGETS["nowhere"])]
    auditor = [a for a in ACTIONS if decide(Role.AUDITOR, Scope(), a, TARGETS["nowhere"])]
    assert set(admin) == {"users.manage", "audit.verify", "appraisal.scheme", "devices.bind"}  # configuration
    assert set(auditor) == {"audit.view", "audit.verify", "export"}


def test_bad_scopes_and_actions():
    with pytest.raises(ValueError):
        Scope("street")
    with pytest.raises(ValueError):
        Scope("planet", 1)
    with pytest.raises(KeyError):
        decide(Role.OPERATOR, Scope(), "case.teleport")
