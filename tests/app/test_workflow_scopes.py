"""What each scope sees in the case and whistle lists (app.workflow.places.scope_filter):
a street its own street, a community its grids' cases and its street's whistles, a
department the records it is on; the district everything."""

from __future__ import annotations

import pytest

from app.auth.accounts import User
from app.auth.permissions import Role, Scope
from app.workflow.cases import list_cases
from app.workflow.whistles import list_whistles
from tests.backends import BACKENDS, reading_store


@pytest.fixture(scope="module", params=BACKENDS)
def any_store(request):
    """The small district to read, on each backend."""
    yield from reading_store(request)


def _user(scope: Scope) -> User:
    return User(1, "t", "t", Role.OPERATOR, scope)


def test_case_list_follows_the_scope(any_store):
    street, community = any_store.rows(
        "SELECT s.id, c.id FROM grid_units c JOIN grid_units s ON s.id = c.parent_id "
        "WHERE c.level = 3 ORDER BY c.code LIMIT 1")[0]
    dept = any_store.scalar("SELECT department_id FROM cases WHERE department_id IS NOT NULL "
                        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    grid_street = dict(any_store.rows("SELECT g.id, c.parent_id FROM grid_units g "
                                  "JOIN grid_units c ON c.id = g.parent_id WHERE g.level = 4"))
    grid_comm = dict(any_store.rows("SELECT id, parent_id FROM grid_units WHERE level = 4"))
    case_grid = dict(any_store.rows("SELECT id, grid_id FROM cases"))
    case_dept = dict(any_store.rows("SELECT id, department_id FROM cases"))

    everything = list_cases(any_store, _user(Scope()), limit=100_000)
    by_street = list_cases(any_store, _user(Scope("street", street)), limit=100_000)
    by_comm = list_cases(any_store, _user(Scope("community", community, street)), limit=100_000)
    by_dept = list_cases(any_store, _user(Scope("department", dept)), limit=100_000)
    assert len(everything) > len(by_street) > len(by_comm) > 0 and by_dept
    assert all(grid_street[case_grid[r["id"]]] == street for r in by_street)
    assert all(grid_comm[case_grid[r["id"]]] == community for r in by_comm)
    assert all(case_dept[r["id"]] == dept for r in by_dept)


def test_whistle_list_follows_the_scope(any_store):
    street = any_store.scalar("SELECT street_id FROM whistles GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    community = any_store.scalar("SELECT id FROM grid_units WHERE level = 3 AND parent_id = ? LIMIT 1",
                             [street])
    everything = list_whistles(any_store, _user(Scope()))
    by_street = list_whistles(any_store, _user(Scope("street", street)))
    by_comm = list_whistles(any_store, _user(Scope("community", community, street)))
    assert by_street and all(r["street_id"] == street for r in by_street)
    assert [r["id"] for r in by_comm] == [r["id"] for r in by_street]  # its street's whistles
    assert len(everything) >= len(by_street)
    dept = any_store.scalar("SELECT department_id FROM whistle_departments LIMIT 1")
    on_it = {w for (w,) in any_store.rows("SELECT whistle_id FROM whistle_departments "
                                      "WHERE department_id = ?", [dept])}
    assert {r["id"] for r in list_whistles(any_store, _user(Scope("department", dept)))} == on_it
