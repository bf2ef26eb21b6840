"""The read-only wall account (大屏只读账号): what a wall seat may show of people.

The wall is on display to a room (and to visitors): it signs in as an account of role
``wall`` that sees cases, whistles and the map of its scope, writes nothing (no action
of the permission matrix but viewing is granted to it) and sees no personal data — no
phone number, not even masked, every person under a pseudonym (as demonstration mode
shows them, app/privacy/demo.py), and patrol tracks (行踪轨迹) only of the workers of
its own scope.  A role permitted to see numbers in full (app/privacy/masking.may_unmask)
never includes it.
"""

from __future__ import annotations

from app.auth.permissions import READ_ONLY_ROLES, Target, decide
from app.privacy.demo import HIDDEN_PHONE, demo_mode, pseudonym

__all__ = ["WALL_PHONE", "may_see_track", "person_name", "pseudonym", "sees_no_personal_data",
           "shown_phone", "visible_worker_ids"]
from app.privacy.masking import mask_phone

#: what stands for a phone number on the wall
WALL_PHONE = "（大屏不显示）"


def sees_no_personal_data(user) -> bool:
    """Whether ``user`` (an app.auth User, None: the anonymous viewer) may be shown no
    personal data at all: a read-only wall account."""
    role = getattr(user, "role", None)
    return role is not None and str(getattr(role, "value", role)) in READ_ONLY_ROLES


def person_name(user, name: str | None) -> str:
    """A person's name as ``user`` may see it: a pseudonym on the wall and in
    demonstration mode, else the name."""
    if not name:
        return name or ""
    return pseudonym(name) if sees_no_personal_data(user) or demo_mode() else str(name)


def shown_phone(user, phone: str | None) -> str:
    """A phone number as ``user`` may see it: nothing on the wall (not even masked),
    nothing in demonstration mode, else masked."""
    if sees_no_personal_data(user):
        return WALL_PHONE
    if demo_mode():
        return HIDDEN_PHONE
    return mask_phone(phone)


def may_see_track(user, street_id: int | None, community_id: int | None = None) -> bool:
    """Whether ``user`` may see the patrol track of a worker whose grid lies in that
    street and community (``patrol.view``; the anonymous viewer: the whole district)."""
    if user is None:
        return True
    return bool(decide(user.role, user.scope, "patrol.view", Target(street_id, community_id)))


def visible_worker_ids(store, user) -> set[int] | None:
    """The workers whose tracks ``user`` may see (None: every worker)."""
    if user is None or decide(user.role, user.scope, "patrol.view", Target()).allowed:
        return None  # district-wide (the empty target lies only in a district scope)
    rows = store.rows("SELECT w.id, c.parent_id, g.parent_id FROM workers w "
                      "JOIN grid_units g ON g.id = w.grid_id "
                      "JOIN grid_units c ON c.id = g.parent_id")
    return {int(w) for w, street, comm in rows if may_see_track(user, street, comm)}
