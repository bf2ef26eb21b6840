"""The scoring scheme (考核方案): weights, points rules and grade bands, versioned.

A scheme is a JSON document (``resources/appraisal/scheme-v1.json`` is the
default).  :func:`validate_scheme` checks it and reports *every* problem with its
field path; an administrator saves a changed scheme under a new version
(:func:`save_scheme`), which is kept in the database (``appraisal_schemes``) and
audited.  Versions never change once saved, so a published period
(:mod:`app.appraisal.publish`) always points at the rules it was scored with.

Points rules of an objective indicator worth ``weight`` points (value ``v`` a fraction):

* ``threshold``    — ``v ≥ full_at``: full points; else ``weight − minus_per_point ×
  (full_at − v) × 100``, not below 0 (e.g. 按期结案率 ≥ 70 % full, −2 per point below)
* ``deduction``    — for rates where lower is better (返工率): ``v ≤ free_up_to``: full
  points; else ``weight − minus_per_point × (v − free_up_to) × 100``, not below 0
* ``proportional`` — ``weight × v``

An indicator without a value (denominator 0: no cases, no whistles) drops out and the
others are scaled up: objective = Σ points ÷ Σ weights of the indicators with a value ×
100.  ``deductions`` then subtract ``points_each`` per counted event (督办, 二次哨) up to
``max``.  Score = ``street_weight`` × street appraisal + (1 − ``street_weight``) ×
objective (the objective alone when no street rated the department).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.appraisal.definitions import INDICATORS
from app.clock import store_clock

DEFAULT_SCHEME_PATH = Path(__file__).resolve().parents[2] / "resources" / "appraisal" / "scheme-v1.json"
FORMAT = "gridcc-appraisal-scheme/1"
RULE_TYPES = ("threshold", "deduction", "proportional")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class SchemeError(ValueError):
    """An invalid scheme; ``problems`` lists every one as 'field.path: what is wrong'."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid scoring scheme: " + "; ".join(self.problems))


@dataclass(frozen=True)
class Rule:
    type: str
    full_at: float | None = None
    free_up_to: float | None = None
    minus_per_point: float = 0.0

    def points(self, weight: float, value: float) -> float:
        if self.type == "threshold":
            if value >= self.full_at:
                return float(weight)
            return max(0.0, weight - self.minus_per_point * (self.full_at - value) * 100.0)
        if self.type == "deduction":
            if value <= self.free_up_to:
                return float(weight)
            return max(0.0, weight - self.minus_per_point * (value - self.free_up_to) * 100.0)
        return float(weight) * max(0.0, min(1.0, value))

    def describe(self) -> str:
        if self.type == "threshold":
            return f"≥{self.full_at * 100:g}% 满分，每低 1 个百分点扣 {self.minus_per_point:g} 分"
        if self.type == "deduction":
            return f"≤{self.free_up_to * 100:g}% 满分，每高 1 个百分点扣 {self.minus_per_point:g} 分"
        return "得分 = 权重 × 指标值"


@dataclass(frozen=True)
class Item:
    indicator: str
    weight: float
    rule: Rule


@dataclass(frozen=True)
class Deduction:
    indicator: str
    points_each: float
    max: float


@dataclass(frozen=True)
class Grade:
    min_score: float
    code: str
    label_zh: str
    colour: str


@dataclass(frozen=True)
class Scheme:
    version: str
    name: str
    street_weight: float
    survey_weight: float
    rating_weight: float
    objective: tuple[Item, ...]
    deductions: tuple[Deduction, ...]
    area: tuple[Item, ...]
    grades: tuple[Grade, ...]  # best first
    data: dict  # the validated JSON document

    @property
    def grade_bands(self) -> list[tuple[float, str, str, str]]:
        """[(min_score, grade_code, label_zh, colour)], best first."""
        return [(g.min_score, g.code, g.label_zh, g.colour) for g in self.grades]

    def grade(self, score: float | None) -> Grade:
        if score is None:
            return self.grades[-1]
        for g in self.grades:
            if score >= g.min_score - 1e-9:
                return g
        return self.grades[-1]

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2)


def _num(data: dict, key: str, path: str, problems: list[str], lo: float, hi: float,
         default: Any = ...) -> float | None:
    if key not in data:
        if default is ...:
            problems.append(f"{path}.{key}: missing" if path else f"{key}: missing")
            return None
        return default
    v = data[key]
    where = f"{path}.{key}" if path else key
    if isinstance(v, bool) or not isinstance(v, int | float):
        problems.append(f"{where}: must be a number, not {v!r}")
        return None
    if not lo <= v <= hi:
        problems.append(f"{where}: {v} is outside {lo:g}..{hi:g}")
        return None
    return float(v)


def _items(data: dict, key: str, subject: str, problems: list[str]) -> tuple[Item, ...]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        problems.append(f"{key}: must be a non-empty list of weighted indicators")
        return ()
    items, seen, total, weights_ok = [], set(), 0.0, True
    for n, it in enumerate(raw):
        p = f"{key}[{n}]"
        if not isinstance(it, dict):
            problems.append(f"{p}: must be an object")
            weights_ok = False
            continue
        code = it.get("indicator")
        ind = INDICATORS.get(code) if isinstance(code, str) else None
        if ind is None:
            problems.append(f"{p}.indicator: unknown indicator {code!r}")
        elif ind.kind != "rate" or subject not in ind.subjects:
            problems.append(f"{p}.indicator: {code} ({ind.name_zh}) is not a rate of a {subject}")
        elif code in seen:
            problems.append(f"{p}.indicator: {code} appears twice")
        seen.add(code)
        w = _num(it, "weight", p, problems, 0.0, 100.0)
        if w is None:
            weights_ok = False
        else:
            total += w
        rule = _rule(it.get("rule"), f"{p}.rule", problems)
        if ind is not None and w is not None and rule is not None:
            items.append(Item(code, w, rule))
    if weights_ok and abs(total - 100.0) > 1e-6:
        problems.append(f"{key}: weights sum to {total:g}, they must sum to 100")
    return tuple(items)


def _rule(raw: Any, p: str, problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{p}: must be an object with a type ({', '.join(RULE_TYPES)})")
        return None
    t = raw.get("type")
    if t not in RULE_TYPES:
        problems.append(f"{p}.type: must be one of {', '.join(RULE_TYPES)}, not {t!r}")
        return None
    if t == "proportional":
        return Rule(t)
    minus = _num(raw, "minus_per_point", p, problems, 0.0, 100.0)
    if t == "threshold":
        full = _num(raw, "full_at", p, problems, 0.0, 1.0)
        return None if full is None or minus is None else Rule(t, full_at=full,
                                                               minus_per_point=minus)
    free = _num(raw, "free_up_to", p, problems, 0.0, 1.0)
    return None if free is None or minus is None else Rule(t, free_up_to=free,
                                                           minus_per_point=minus)


def validate_scheme(data: dict) -> Scheme:
    """Check a scheme document; a :class:`Scheme`, or SchemeError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SchemeError(["(document): must be a JSON object"])
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"format: must be {FORMAT!r}, not {data.get('format')!r}")
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        problems.append(f"version: must be a short name such as 'v2' (letters, digits, . _ -), "
                        f"not {version!r}")
    name = data.get("name", "")
    if not isinstance(name, str):
        problems.append("name: must be text")
    sw = _num(data, "street_weight", "", problems, 0.0, 1.0, default=0.5)
    sa = data.get("street_appraisal", {"survey_weight": 0.6, "whistle_rating_weight": 0.4})
    survey_w = rating_w = None
    if not isinstance(sa, dict):
        problems.append("street_appraisal: must be an object")
    else:
        survey_w = _num(sa, "survey_weight", "street_appraisal", problems, 0.0, 1.0)
        rating_w = _num(sa, "whistle_rating_weight", "street_appraisal", problems, 0.0, 1.0)
        if survey_w is not None and rating_w is not None and abs(survey_w + rating_w - 1) > 1e-6:
            problems.append(f"street_appraisal: survey_weight + whistle_rating_weight = "
                            f"{survey_w + rating_w:g}, they must sum to 1")
    objective = _items(data, "objective", "department", problems)
    area = _items(data, "area", "street", problems)
    deductions = []
    raw_d = data.get("deductions", [])
    if not isinstance(raw_d, list):
        problems.append("deductions: must be a list")
        raw_d = []
    for n, d in enumerate(raw_d):
        p = f"deductions[{n}]"
        if not isinstance(d, dict):
            problems.append(f"{p}: must be an object")
            continue
        code = d.get("indicator")
        ind = INDICATORS.get(code) if isinstance(code, str) else None
        if ind is None or ind.kind != "count":
            problems.append(f"{p}.indicator: must be a count indicator (e.g. w_supervised), "
                            f"not {code!r}")
        each = _num(d, "points_each", p, problems, 0.0, 100.0)
        cap = _num(d, "max", p, problems, 0.0, 100.0)
        if ind is not None and ind.kind == "count" and each is not None and cap is not None:
            deductions.append(Deduction(code, each, cap))
    grades = []
    raw_g = data.get("grades")
    if not isinstance(raw_g, list) or not raw_g:
        problems.append("grades: must be a non-empty list of bands, best first")
        raw_g = []
    codes: set[str] = set()
    for n, g in enumerate(raw_g):
        p = f"grades[{n}]"
        if not isinstance(g, dict):
            problems.append(f"{p}: must be an object")
            continue
        lo = _num(g, "min", p, problems, 0.0, 100.0)
        code, label, colour = g.get("code"), g.get("label"), g.get("colour")
        if not isinstance(code, str) or not code:
            problems.append(f"{p}.code: missing")
        elif code in codes:
            problems.append(f"{p}.code: {code!r} appears twice")
        codes.add(code if isinstance(code, str) else "")
        if not isinstance(label, str) or not label:
            problems.append(f"{p}.label: missing")
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            problems.append(f"{p}.colour: must look like #2fb36d, not {colour!r}")
        if grades and lo is not None and lo >= grades[-1].min_score:
            problems.append(f"{p}.min: {lo:g} must be below the band before it "
                            f"({grades[-1].min_score:g}); list bands best first")
        if lo is not None and isinstance(code, str) and isinstance(label, str) \
                and isinstance(colour, str):
            grades.append(Grade(lo, code, label, colour))
    if grades and grades[-1].min_score != 0:
        problems.append(f"grades[{len(raw_g) - 1}].min: the last band must start at 0 "
                        f"so that every score has a grade")
    if problems:
        raise SchemeError(problems)
    return Scheme(version, name or version, sw, survey_w, rating_w, objective,
                  tuple(deductions), area, tuple(grades), dict(data))


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Read and validate a scheme file (default: the shipped scheme-v1.json)."""
    p = Path(path) if path else DEFAULT_SCHEME_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemeError([f"(file): no scheme file at {p}"]) from None
    except json.JSONDecodeError as exc:
        raise SchemeError([f"(file): {p} is not valid JSON: line {exc.lineno} column "
                           f"{exc.colno}: {exc.msg}"]) from None
    return validate_scheme(data)


def scheme_versions(store) -> list[tuple[str, datetime, str]]:
    """Saved versions in the database: (version, saved_at, saved_by), oldest first."""
    return [tuple(r) for r in store.rows(
        "SELECT version, saved_at, saved_by FROM appraisal_schemes ORDER BY saved_at, version")]


def scheme_version(store, version: str) -> Scheme:
    """A saved version (or the shipped default if it is that version)."""
    rows = store.rows("SELECT body FROM appraisal_schemes WHERE version = ?", [version])
    if rows:
        return validate_scheme(json.loads(rows[0][0]))
    default = load_scheme()
    if default.version == version:
        return default
    raise SchemeError([f"version: no scheme version {version!r} is saved"])


def current_scheme(store) -> Scheme:
    """The scheme in force: the newest version saved in the database, else the default file."""
    rows = store.rows("SELECT body FROM appraisal_schemes ORDER BY saved_at DESC, version DESC "
                      "LIMIT 1")
    return validate_scheme(json.loads(rows[0][0])) if rows else load_scheme()


def save_scheme(store_or_path, scheme: Scheme | dict, user=None, *,
                at: datetime | None = None) -> Scheme:
    """Save a (changed) scheme under its version.

    To a path: writes the JSON file.  To a store: an administrator (``users.manage``)
    adds the version to ``appraisal_schemes`` (audited); an existing version is never
    overwritten — give the changed scheme a new version."""
    sch = scheme if isinstance(scheme, Scheme) else validate_scheme(scheme)
    sch = validate_scheme(sch.data)
    if isinstance(store_or_path, str | Path):
        p = Path(store_or_path)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(sch.to_json() + "\n", encoding="utf-8")
        tmp.replace(p)
        return sch
    from app.appraisal.errors import AppraisalError
    from app.audit import append as audit
    from app.auth.permissions import require

    store = store_or_path
    if user is None:
        raise AppraisalError("saving a scheme needs the signed-in administrator")
    require(user.role, user.scope, "appraisal.scheme")
    at = at or store_clock(store).now()
    existing = store.rows("SELECT body FROM appraisal_schemes WHERE version = ?", [sch.version])
    if existing or sch.version == load_scheme().version:
        raise AppraisalError(f"scheme version {sch.version} already exists and cannot change; "
                             f"save the changed scheme as a new version")
    with store.transaction():
        store.rows("INSERT INTO appraisal_schemes (version, body, saved_at, saved_by) "
                   "VALUES (?, ?, ?, ?)", [sch.version, sch.to_json(), at, user.username])
        audit(store, at=at, username=user.username, role=user.role.value,
              action="appraisal.scheme", entity="appraisal_scheme", entity_id=sch.version,
              after=sch.data)
    return sch

