"""Urgent cases (紧急案件) that may take over a video wall tile.

Which cases are urgent follows the case catalogue (app.domain.categories): every
subclass of class 04 突发事件 (road collapse, gas leak, burst main, flooding, fallen
tree, power line), and the safety hazards whose handling time limit is at most
``URGENT_HAZARD_HOURS`` working hours (blocked fire lanes, e-bikes charging in
stairwells, flying leads, missing manhole covers, broken traffic lights …): what
a control room wants to see at once, not a heap of rubbish.

:class:`UrgentCaseWatch` notices cases accepted after it started (ids grow with
every accepted case, see app.workflow.cases.new_case): each poll is two indexed
queries, cheap enough for a timer of a few seconds even on the Jinhua district's
million cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.categories import CATEGORIES, Category
from app.store import DistrictRepository

URGENT_CLASS = "04"  # 突发事件
URGENT_HAZARD_HOURS = 4


def is_urgent(category: Category) -> bool:
    """A case of this subclass takes a wall tile when it comes in."""
    return category.class_code == URGENT_CLASS or (
        category.kind == "hazard" and category.limit_hours <= URGENT_HAZARD_HOURS)


#: 4-digit codes of the urgent subclasses
URGENT_CATEGORIES: frozenset[str] = frozenset(c.code for c in CATEGORIES if is_urgent(c))
_NAMES = {c.code: c.name for c in CATEGORIES}


@dataclass(frozen=True)
class UrgentCase:
    id: int
    code: str
    category_code: str
    category: str  # the subclass name, 燃气泄漏 …
    lon: float
    lat: float

    @property
    def label(self) -> str:
        return f"紧急案件 {self.category} {self.code}"  # a narrow tile elides the code


class UrgentCaseWatch:
    """Reports the urgent cases accepted since the last poll (none from before it started)."""

    def __init__(self, store: DistrictRepository, since_id: int | None = None) -> None:
        self._store = store
        self.last_id = int(since_id if since_id is not None else self._max_id())

    def _max_id(self) -> int:
        return int(self._store.scalar("SELECT coalesce(max(id), 0) FROM cases"))

    def poll(self) -> list[UrgentCase]:
        """New urgent cases in the order they were accepted."""
        newest = self._max_id()
        if newest <= self.last_id:
            return []
        codes = sorted(URGENT_CATEGORIES)
        marks = ", ".join("?" * len(codes))
        rows = self._store.rows(
            f"SELECT id, code, category_code, lon, lat FROM cases WHERE id > ? AND id <= ? "
            f"AND category_code IN ({marks}) ORDER BY id", [self.last_id, newest, *codes])
        self.last_id = newest
        return [UrgentCase(int(r[0]), r[1], r[2], _NAMES.get(r[2], r[2]), float(r[3]),
                           float(r[4])) for r in rows]
