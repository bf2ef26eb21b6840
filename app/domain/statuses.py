"""Case statuses grouped by what a count means (案件状态分组).

Two groups that are easy to confuse: a case *closed* (结案, solved and closed, the
closure rate's numerator) and a case whose loop has *ended* (closed, or voided as
not a case: 作废).  Every other status is an open case (未结案).
"""

from __future__ import annotations

#: solved and closed (结案): ``info``'s "closed", the closure rate
CLOSED_STATUSES = ("closed", "evaluated")
#: the loop has ended (结案 or 作废); any other status is an open case (未结案)
ENDED_STATUSES = CLOSED_STATUSES + ("voided",)


def sql_list(statuses: tuple[str, ...]) -> str:
    """The statuses as an SQL list for ``IN``: ``('closed', 'evaluated')``."""
    return "(" + ", ".join(f"'{s}'" for s in statuses) + ")"
