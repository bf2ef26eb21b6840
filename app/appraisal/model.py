"""The result types of the appraisal engine (plain data, JSON-able)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.appraisal.periods import Period


@dataclass
class IndicatorRow:
    """One subject's figures: exact counts, values computed from them, and deltas."""

    subject_id: int | None  # None for the whole district
    code: str  # grid code / department code / worker code
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)  # rates as fractions 0..1
    mom: dict[str, float | None] = field(default_factory=dict)  # 环比: value - previous()
    yoy: dict[str, float | None] = field(default_factory=dict)  # 同比: value - year_before()


@dataclass
class IndicatorTable:
    period: Period
    subject: str
    columns: list[str]  # indicator codes shown for this subject
    rows: list[IndicatorRow]

    def row(self, subject_id: int | None) -> IndicatorRow:
        for r in self.rows:
            if r.subject_id == subject_id:
                return r
        raise KeyError(f"no {self.subject} {subject_id} in the table")


@dataclass
class DrillDown:
    """The records behind a figure: its numerator rows and its denominator rows."""

    indicator: str
    columns: list[str]  # zh headers
    rows: list[tuple]  # numerator
    denominator_rows: list[tuple]
    numerator_total: int = 0  # all matching records (rows may be capped)
    denominator_total: int = 0


@dataclass
class DepartmentScore:
    department_id: int
    code: str
    name: str
    street_appraisal: float | None  # 0..100, None when no street rated the department
    objective: float  # 0..100
    score: float
    rank: int
    previous_score: float | None
    delta: float | None
    grade: str
    grade_label: str
    grade_colour: str
    breakdown: dict[str, float] = field(default_factory=dict)  # points per objective indicator
    published: bool = False
    values: dict[str, float | None] = field(default_factory=dict)  # the indicator values used
    deductions: float = 0.0


@dataclass
class AreaScore:
    id: int
    code: str
    name: str
    level: str
    score: float
    rank: int
    previous_score: float | None
    delta: float | None
    grade: str
    grade_label: str
    grade_colour: str
    values: dict[str, float | None] = field(default_factory=dict)  # key indicator values
    breakdown: dict[str, float] = field(default_factory=dict)


@dataclass
class TrendPoint:
    label: str
    score: float | None
    closure_rate: float | None  # fraction


@dataclass
class Survey:
    """A street's periodic appraisal of the departments (街道评议问卷)."""

    period: str
    street_id: int
    street_name: str
    submitted_by: str
    submitted_at: object
    comment: str | None
    ratings: dict[int, float]
