"""Urgent cases (紧急案件) that may take over a video wall tile.

Which cases are urgent follows the case catalogue (app.domain.categories): every
subclass of class 04 突发事件 (road collapse, gas leak, burst main, flooding, fallen
tree, power line), and the safety hazards whose handling time limit is at most
``URGENT_HAZARD_HOURS`` working hours (blocked fire lanes, e-bikes charging in
stairwells, flying leads, missing manhole covers, broken traffic lights …): what
a control room wants to see at once, not a heap of rubbish.

New cases are not polled for: the change feed names every accepted or imported
case (``case.accept``, ``case.import``) and :func:`urgent_cases` picks the urgent ones
among them in one query (the UI's district model asks, off the GUI thread).
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


def urgent_case(case_id: int, code: str, category_code: str, lon: float, lat: float
                ) -> UrgentCase:
    """The alarm of a case already read (its subclass named)."""
    return UrgentCase(int(case_id), code, category_code, _NAMES.get(category_code, category_code),
                      float(lon), float(lat))


def urgent_cases(store: DistrictRepository, ids) -> list[UrgentCase]:
    """The urgent ones among the cases ``ids`` (new cases a change named), in id order:
    one query."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return []
    codes = sorted(URGENT_CATEGORIES)
    rows = store.rows(
        f"SELECT id, code, category_code, lon, lat FROM cases WHERE id IN "
        f"({', '.join('?' * len(ids))}) AND category_code IN ({', '.join('?' * len(codes))}) "
        f"ORDER BY id", [*ids, *codes])
    return [urgent_case(*r) for r in rows]
