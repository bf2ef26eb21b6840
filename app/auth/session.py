"""Who is signed in to this command centre (当前登录用户).

The front end signs a user in once (login dialog) and every panel asks here; no
one signed in means the read-only demonstration viewer (只读演示), e.g. for
screenshots.  Qt-free, so that the domain code and tests can use it too.
"""

from __future__ import annotations

from app.auth.accounts import User
from app.auth.permissions import Role, Scope

#: what an anonymous viewer sees: the whole district, allowed to do nothing
VIEWER = User(0, "viewer", "只读演示", Role.OPERATOR, Scope())

_current: User | None = None


def sign_in(user: User | None) -> None:
    """Make ``user`` the signed-in user (None: the read-only viewer)."""
    global _current
    _current = user


def current_user() -> User | None:
    """The signed-in user, or None for the read-only viewer."""
    return _current


def sign_out() -> None:
    sign_in(None)
