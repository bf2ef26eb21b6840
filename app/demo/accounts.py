"""Demo accounts (演示账户): one or more per role, passwords documented in the README.

Street heads exist for every street (``sec01``/``dir01`` for the first street …),
community staff and a grid worker for the first community, department handlers
for the departments the demo whistles call most.  Demonstration only: change or
lock these accounts on a real installation.
"""

from __future__ import annotations

from datetime import datetime

from app.auth.accounts import add_user
from app.auth.permissions import ROLE_NAMES, Role, Scope
from app.store import DistrictRepository

#: password of every demo account of a role
DEMO_PASSWORDS: dict[Role, str] = {
    Role.ADMINISTRATOR: "Admin#2026",
    Role.AUDITOR: "Audit#2026",
    Role.OPERATOR: "Operator#2026",
    Role.DISPATCHER: "Dispatch#2026",
    Role.STREET_SECRETARY: "Secretary#2026",
    Role.STREET_DIRECTOR: "Director#2026",
    Role.COMMUNITY_STAFF: "Community#2026",
    Role.GRID_WORKER: "Grid#2026",
    Role.DEPARTMENT_HANDLER: "Dept#2026",
    Role.SUPERVISION_OFFICE: "Supervise#2026",
    Role.DISTRICT_LEADER: "Leader#2026",
    Role.WALL: "Wall#2026",
}
#: departments with a demo handler account ``dept_<code>``
HANDLER_DEPARTMENTS = ("CG", "ZF", "HW", "YL", "SZ", "PS", "GA", "ZJ", "FG", "SJ", "JJ", "GD",
                       "RQ", "ZLS")


def demo_account_specs(store: DistrictRepository) -> list[tuple[str, Role, Scope, str]]:
    """(user name, role, scope, display name) of every demo account of this district."""
    district = Scope()
    specs = [("admin", Role.ADMINISTRATOR, district, "系统管理员"),
             ("auditor", Role.AUDITOR, district, "安全审计员"),
             ("operator", Role.OPERATOR, district, "指挥中心值班员"),
             ("dispatcher", Role.DISPATCHER, district, "指挥中心派遣员"),
             ("supervisor", Role.SUPERVISION_OFFICE, district, "区委督查室"),
             ("wall", Role.WALL, district, "指挥大厅大屏")]
    leaders = store.rows("SELECT id FROM departments WHERE kind = 'leadership' ORDER BY id")
    if leaders:
        specs.append(("leader", Role.DISTRICT_LEADER, Scope("department", int(leaders[0][0])),
                      "区领导"))
    streets = store.rows("SELECT id, name FROM grid_units WHERE level = 2 ORDER BY code")
    for i, (sid, name) in enumerate(streets, start=1):
        specs.append((f"sec{i:02d}", Role.STREET_SECRETARY, Scope("street", int(sid)),
                      f"{name}党工委书记"))
        specs.append((f"dir{i:02d}", Role.STREET_DIRECTOR, Scope("street", int(sid)),
                      f"{name}办事处主任"))
    if streets:
        comm = store.rows("SELECT id, name FROM grid_units WHERE level = 3 AND parent_id = ? "
                          "ORDER BY code LIMIT 1", [streets[0][0]])
        if comm:
            scope = Scope("community", int(comm[0][0]), int(streets[0][0]))
            specs.append(("community01", Role.COMMUNITY_STAFF, scope, f"{comm[0][1]}工作人员"))
            specs.append(("grid01", Role.GRID_WORKER, scope, f"{comm[0][1]}网格员"))
    depts = dict(store.rows("SELECT code, id FROM departments"))
    names = dict(store.rows("SELECT code, short_name FROM departments"))
    for code in HANDLER_DEPARTMENTS:
        if code in depts:
            specs.append((f"dept_{code.lower()}", Role.DEPARTMENT_HANDLER,
                          Scope("department", int(depts[code])), f"{names[code]}承办人"))
    return specs


def create_demo_accounts(store: DistrictRepository, now: datetime) -> dict[str, int]:
    """Add the demo accounts (each creation is an audit record); returns {'users': n}."""
    specs = demo_account_specs(store)
    for username, role, scope, display in specs:
        add_user(store, username, DEMO_PASSWORDS[role], role, scope, display_name=display,
                 at=now)
    return {"users": len(specs)}


def demo_logins(store: DistrictRepository) -> list[tuple[str, str, str]]:
    """(user name, password, role name) of the demo accounts present, for the login dialog."""
    rows = store.rows("SELECT username, role FROM users ORDER BY id")
    specs = {s[0] for s in demo_account_specs(store)}
    return [(u, DEMO_PASSWORDS[Role(r)], ROLE_NAMES[Role(r)]) for u, r in rows if u in specs]
