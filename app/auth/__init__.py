"""Users, roles and the permission matrix (用户、角色与权限)."""

from app.auth.permissions import (
    ACTIONS,
    MATRIX,
    Decision,
    PermissionDenied,
    Role,
    Scope,
    Target,
    decide,
    require,
)

__all__ = ["ACTIONS", "MATRIX", "Decision", "PermissionDenied", "Role", "Scope", "Target",
           "decide", "require"]
