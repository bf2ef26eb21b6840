"""Seeing one phone number in full (查看完整号码), on purpose and on the record.

Only a role that may (:func:`app.privacy.masking.may_unmask`: the command centre's
operators, dispatchers and the supervision office, district-wide) asks, one worker at a
time, and each time the audit trail gets a record "who saw whose number when"
(``privacy.unmask``).  On a secured server the number is read through
``gridcc_worker_phone``, which gives it in full only to the same roles.
"""

from __future__ import annotations

from datetime import datetime

from app.audit import append as audit
from app.privacy.demo import demo_mode
from app.privacy.masking import may_unmask

UNMASK_ACTION = "privacy.unmask"


class RevealRefused(PermissionError):
    """Not shown in full; the message is one line in Chinese fit for the user."""


def reveal_phone(store, user, worker_id: int, *, at: datetime) -> str:
    """The full phone number of worker ``worker_id`` for ``user``; audited.

    Raises RevealRefused when the user may not see it, in demonstration mode, on a
    read-only district (which cannot keep the record) or when there is no such worker."""
    if user is None or not may_unmask(getattr(user.role, "value", user.role), user.scope.kind):
        raise RevealRefused("只有区级指挥中心值班员、派遣员和区委督查室可以查看完整号码")
    if demo_mode():
        raise RevealRefused("演示模式下不显示任何人的号码")
    if getattr(store, "read_only", False):
        raise RevealRefused("只读打开的区库无法记录查看，不能显示完整号码")
    from app.store.pg_security import phone_column

    with store.transaction():
        rows = store.rows(f"SELECT w.code, w.name, {phone_column(store)} FROM workers w "
                          "WHERE w.id = ?", [int(worker_id)])
        if not rows or not rows[0][2]:
            raise RevealRefused("没有这名人员的号码")
        code, name, phone = rows[0]
        if "*" in str(phone):
            raise RevealRefused("服务器只给出打码后的号码：这个账号无权查看完整号码")
        audit(store, at=at, username=user.username, role=getattr(user.role, "value", user.role),
              action=UNMASK_ACTION, entity="worker", entity_id=str(code),
              after={"field": "phone", "name": str(name)})
    return str(phone)
