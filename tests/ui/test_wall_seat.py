"""A wall seat signed in with a street's wall account shows that street's workers only."""

from __future__ import annotations

from app.auth.accounts import User
from app.auth.permissions import Role, Scope
from app.auth.session import sign_in, sign_out
from app.privacy.wall import visible_worker_ids
from ui.map.patrol_controller import patrol_state


def test_the_walls_patrol_layer_holds_only_its_scopes_workers(store, district_map):
    everyone = patrol_state(store, district_map).roster
    street = int(store.scalar("SELECT id FROM grid_units WHERE level = 2 ORDER BY code LIMIT 1"))
    wall = User(900, "wall_s1", "街道大屏", Role.WALL, Scope("street", street))
    sign_in(wall)
    try:
        mine = patrol_state(store, district_map).roster
    finally:
        sign_out()
    visible = visible_worker_ids(store, wall)
    assert 0 < len(mine) < len(everyone)
    assert set(mine.ids.tolist()) == visible & set(everyone.ids.tolist())
    assert len(mine.role) == len(mine.grid) == len(mine.shift_start_s) == len(mine)
