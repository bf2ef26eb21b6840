"""Domain catalogues shared by the demo generator, the workflow and scoring.

Qt-free and store-free: plain frozen dataclasses describing the field
(departments, case categories, merchant trades).
"""

from app.domain.categories import CATEGORIES, KIND_COUNTS, KINDS, Category
from app.domain.departments import DEPARTMENTS, Department, department_id
from app.domain.sources import SOURCES
from app.domain.trades import TRADES, Trade

__all__ = [
    "CATEGORIES",
    "DEPARTMENTS",
    "KINDS",
    "KIND_COUNTS",
    "SOURCES",
    "TRADES",
    "Category",
    "Department",
    "Trade",
    "department_id",
]
