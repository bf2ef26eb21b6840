"""``python -m app check``: validate a district's data.

Each check returns the problems it found, named by code so that an operator can
find them.  Areas are measured in EPSG:4527 metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from app.geo.crs import geoms_to_metric
from app.geo.wkb import geoms_from_wkb
from app.store import DistrictRepository

MAX_LISTED = 20
#: tiling tolerance per parent unit, m² (float noise of lon/lat round trips is far below)
AREA_TOLERANCE_M2 = 1.0
#: digits of a code at each level: GB/T 2260 county (6) + street (3) + community (3) +
#: grid (2); a grid's code may go on with a micro-grid sequence (Jinhua's 民情格)
CODE_LENGTH = {1: 6, 2: 9, 3: 12, 4: 14}
GRID_CODE_LENGTHS = range(14, 21)  # 14 to 20 digits
LEVEL_ZH = {1: "区", 2: "街道", 3: "社区", 4: "网格"}
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)  # lon/lat box; anything outside is a wrong CRS
LOOP_COLUMNS = ["reported_at", "accepted_at", "registered_at", "dispatched_at",
                "handled_at", "fed_back_at", "verified_at", "closed_at", "evaluated_at"]


@dataclass
class CheckResult:
    name: str
    summary: str = ""
    problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.problems.append(text)


@dataclass
class CheckReport:
    results: list[CheckResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checks": [
                {"name": r.name, "ok": r.ok, "summary": r.summary,
                 "problem_count": len(r.problems), "problems": r.problems[:MAX_LISTED],
                 "figures": r.figures}
                for r in self.results
            ],
        }


def run_checks(store: DistrictRepository) -> CheckReport:
    """Run every check against the district in ``store``."""
    units = _load_units(store)
    results = [
        check_unit_geometry(units),
        check_codes(units),
        check_hierarchy(units),
        check_tiling(units),
        check_buildings(store, units),
        check_point_locations(store, units),
        check_references(store),
        check_case_timelines(store),
        check_numbering(store),
    ]
    return CheckReport(results)


def run_full_checks(store: DistrictRepository) -> list[CheckResult]:
    """``check --full``, before the checks above: every block of every table read (a
    checksum error surfaces), the tables against the last commit's marks (a torn
    commit), and the audit chain (app/audit/log.py)."""
    storage = CheckResult("storage")
    commits = CheckResult("commits")
    if hasattr(store, "read_every_block"):  # a DuckDB file; a server checks its own pages
        for problem in store.read_every_block():
            storage.problem(problem)
        for problem in store.torn_marks():
            commits.problem(problem)
    storage.summary = "每张表的每个数据块均可读取" if storage.ok else "区库文件已损坏，请从最近的备份恢复"
    commits.summary = "各表行数与最后一次提交记录一致" if commits.ok else "有提交只写入了一部分"
    return [storage, commits, check_audit_chain(store)]


def check_audit_chain(store: DistrictRepository) -> CheckResult:
    """The audit chain links up to its head (garbage in it is a problem, not a crash)."""
    from app.audit.log import verify_log

    r = CheckResult("audit")
    try:
        result = verify_log(store)
    except Exception as exc:  # noqa: BLE001 - whatever is in the table, report it
        r.problem(f"审计日志无法校验：{str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
        r.summary = "审计日志无法校验"
        return r
    if not result.ok:
        r.problem(f"审计日志链断裂：{result.problem}")
    r.summary = f"审计日志 {result.records:,} 条，链完整" if r.ok else "审计日志链断裂"
    r.figures = {"records": result.records}
    return r


def code_fits(level: int, code: str) -> bool:
    """``code`` is all digits and as long as a code of ``level`` may be."""
    if level == 4:
        return code.isdigit() and len(code) in GRID_CODE_LENGTHS
    return code.isdigit() and len(code) == CODE_LENGTH.get(level, -1)


def code_length_text(level: int) -> str:
    """The digits a code of ``level`` has: ``9``, or ``14-20`` for a grid."""
    if level == 4:
        return f"{GRID_CODE_LENGTHS[0]}-{GRID_CODE_LENGTHS[-1]}"
    return str(CODE_LENGTH.get(level))


def level_of_code(code: str) -> int | None:
    """The level a code's length says (None: no level has that many digits)."""
    n = len(code)
    if n in GRID_CODE_LENGTHS:
        return 4
    return next((lv for lv, k in CODE_LENGTH.items() if k == n), None)


# -- loading ----------------------------------------------------------------------
@dataclass
class _Units:
    id: np.ndarray
    code: np.ndarray
    name: np.ndarray
    level: np.ndarray
    parent: np.ndarray  # -1 where NULL
    geom: np.ndarray  # shapely, lon/lat; None where unreadable
    bbox: np.ndarray  # (n, 4) stored bbox
    usable: np.ndarray | None = None  # set by the geometry check: readable, valid, in China

    def label(self, i: int) -> str:
        return f"{LEVEL_ZH.get(int(self.level[i]), '?')} {self.code[i]} {self.name[i]}"

    def index_of(self) -> dict[int, int]:
        return {int(v): i for i, v in enumerate(self.id)}


def _load_units(store: DistrictRepository) -> _Units:
    c = store.columns(
        "SELECT id, code, name, level, coalesce(parent_id, -1) AS parent, "
        "min_lon, min_lat, max_lon, max_lat, geom FROM grid_units ORDER BY level, code"
    )
    geoms = geoms_from_wkb(c["geom"], strict=False)
    return _Units(
        id=c["id"].astype(np.int64), code=c["code"].astype(str), name=c["name"].astype(str),
        level=c["level"].astype(int), parent=c["parent"].astype(np.int64), geom=geoms,
        bbox=np.column_stack([c["min_lon"], c["min_lat"], c["max_lon"], c["max_lat"]]),
    )


def _note(result: CheckResult, bad: np.ndarray, describe) -> None:
    for i in np.flatnonzero(bad)[:MAX_LISTED]:
        result.problem(describe(int(i)))
    extra = int(np.count_nonzero(bad)) - MAX_LISTED
    if extra > 0:
        result.problem(f"… and {extra} more")


def _geometry_problems(result: CheckResult, geoms: np.ndarray, what) -> np.ndarray:
    """Flag unreadable, empty, non-polygon, invalid or out-of-China geometries; returns ok mask."""
    missing = shapely.is_missing(geoms)
    _note(result, missing, lambda i: f"{what(i)}: geometry is not readable WKB")
    present = ~missing
    types = np.full(len(geoms), -1)
    types[present] = shapely.get_type_id(geoms[present])
    not_poly = present & ~np.isin(types, (3, 6))
    _note(result, not_poly, lambda i: f"{what(i)}: geometry is {shapely.get_type_id(geoms[i])}, "
                                      "expected a polygon")
    empty = present & ~not_poly & shapely.is_empty(geoms)
    _note(result, empty, lambda i: f"{what(i)}: geometry is empty")
    usable = present & ~not_poly & ~empty
    invalid = np.zeros(len(geoms), bool)
    invalid[usable] = ~shapely.is_valid(geoms[usable])
    _note(result, invalid, lambda i: f"{what(i)}: invalid polygon ({shapely.is_valid_reason(geoms[i])})")
    outside = np.zeros(len(geoms), bool)
    if usable.any():
        b = shapely.bounds(geoms[usable])
        lo, la, hi, ha = CHINA_BOUNDS
        outside[usable] = (b[:, 0] < lo) | (b[:, 1] < la) | (b[:, 2] > hi) | (b[:, 3] > ha)
    _note(result, outside, lambda i: f"{what(i)}: coordinates {shapely.bounds(geoms[i]).round(4).tolist()} "
                                     "are not CGCS2000 lon/lat in China (wrong CRS or swapped axes?)")
    return usable & ~invalid & ~outside


def check_unit_geometry(u: _Units) -> CheckResult:
    r = CheckResult("geometry")
    ok = _geometry_problems(r, u.geom, u.label)
    u.usable = ok
    bbox_off = np.zeros(len(u.id), bool)
    if ok.any():
        bbox_off[ok] = np.abs(shapely.bounds(u.geom[ok]) - u.bbox[ok]).max(axis=1) > 1e-7
    _note(r, bbox_off, lambda i: f"{u.label(i)}: stored bounding box does not match the polygon")
    r.summary = f"{int(ok.sum())} of {len(u.id)} grid-unit polygons valid"
    r.figures = {"units": len(u.id), "valid": int(ok.sum())}
    return r


def check_codes(u: _Units) -> CheckResult:
    r = CheckResult("codes")
    codes, counts = np.unique(u.code, return_counts=True)
    for code in codes[counts > 1][:MAX_LISTED]:
        r.problem(f"code {code} is used by {int(counts[codes == code][0])} units")
    idx = u.index_of()
    for i in range(len(u.id)):
        code, level = u.code[i], int(u.level[i])
        if not code_fits(level, code):
            r.problem(f"{u.label(i)}: code should be {code_length_text(level)} digits for level {level}")
        elif level > 1 and int(u.parent[i]) in idx and not code.startswith(u.code[idx[int(u.parent[i])]]):
            r.problem(f"{u.label(i)}: code does not start with its parent's code "
                      f"{u.code[idx[int(u.parent[i])]]}")
    r.summary = f"{len(u.id)} codes unique and well-formed" if r.ok else f"{len(r.problems)} code problems"
    return r


def check_hierarchy(u: _Units) -> CheckResult:
    r = CheckResult("hierarchy")
    n_district = int(np.count_nonzero(u.level == 1))
    if n_district != 1:
        r.problem(f"expected exactly one district (level 1), found {n_district}")
    idx = u.index_of()
    for i in range(len(u.id)):
        level, parent = int(u.level[i]), int(u.parent[i])
        if level == 1:
            if parent != -1:
                r.problem(f"{u.label(i)}: the district must have no parent")
            continue
        j = idx.get(parent)
        if j is None:
            r.problem(f"{u.label(i)}: parent id {parent} does not exist")
        elif int(u.level[j]) != level - 1:
            r.problem(f"{u.label(i)}: parent {u.label(j)} is level {int(u.level[j])}, "
                      f"expected {level - 1}")
    childless = [i for i in range(len(u.id)) if u.level[i] < 4 and not np.any(u.parent == u.id[i])]
    for i in childless[:MAX_LISTED]:
        r.problem(f"{u.label(i)}: has no children")
    counts = {LEVEL_ZH[k]: int(np.count_nonzero(u.level == k)) for k in LEVEL_ZH}
    r.summary = " / ".join(f"{v} {k}" for k, v in counts.items())
    r.figures = {f"level_{k}": int(np.count_nonzero(u.level == k)) for k in LEVEL_ZH}
    return r


def check_tiling(u: _Units) -> CheckResult:
    """Children must cover their parent exactly: no gap, no overlap, nothing outside."""
    r = CheckResult("tiling")
    if u.usable is None:
        check_unit_geometry(u)
    usable = u.usable
    metric = np.full(len(u.id), None, dtype=object)
    metric[usable] = geoms_to_metric(u.geom[usable])
    totals = {"gap_m2": 0.0, "overlap_m2": 0.0, "outside_m2": 0.0}
    checked = 0
    for j in np.flatnonzero(u.level < 4):
        kids = np.flatnonzero(u.parent == u.id[j])
        if len(kids) == 0 or metric[j] is None or any(metric[k] is None for k in kids):
            continue
        checked += 1
        parent = metric[j]
        union = shapely.union_all(metric[kids])
        gap = parent.difference(union).area
        outside = union.difference(parent).area
        overlap = float(shapely.area(metric[kids]).sum()) - union.area
        totals["gap_m2"] += gap
        totals["overlap_m2"] += max(overlap, 0.0)
        totals["outside_m2"] += outside
        for what, value in (("gap", gap), ("overlap", overlap), ("outside the parent", outside)):
            if value > AREA_TOLERANCE_M2:
                r.problem(f"{u.label(j)}: children leave {what} of {value:,.1f} m²")
    r.figures = {k: round(v, 3) for k, v in totals.items()} | {"parents_checked": checked}
    r.summary = (f"{checked} parents tiled by their children: gap {totals['gap_m2']:.2f} m², "
                 f"overlap {totals['overlap_m2']:.2f} m², outside {totals['outside_m2']:.2f} m²")
    return r


def check_buildings(store: DistrictRepository, u: _Units) -> CheckResult:
    r = CheckResult("buildings")
    c = store.columns("SELECT id, grid_id, geom FROM buildings ORDER BY id")
    n = len(c["id"])
    geoms = geoms_from_wkb(c["geom"], strict=False)
    ok = _geometry_problems(r, geoms, lambda i: f"building {int(c['id'][i])}")
    idx = u.index_of()
    gi = np.array([idx.get(int(g), -1) for g in c["grid_id"]], dtype=np.int64)
    orphan = gi < 0
    _note(r, orphan, lambda i: f"building {int(c['id'][i])}: grid id {int(c['grid_id'][i])} does not exist")
    test = ok & ~orphan
    test[test] = u.level[gi[test]] == 4
    outside = np.zeros(n, bool)
    if test.any():
        grids = u.geom[gi[test]]
        good = ~shapely.is_missing(grids)
        inside = np.ones(int(test.sum()), bool)
        inside[good] = shapely.covered_by(geoms[test][good], grids[good])
        outside[test] = ~inside
    _note(r, outside, lambda i: f"building {int(c['id'][i])}: footprint is not inside its grid "
                                f"{u.code[gi[i]]}")
    r.summary = f"{n:,} building footprints valid and inside their grids" if r.ok else \
        f"{len(r.problems)} building problems"
    r.figures = {"buildings": n}
    return r


def check_point_locations(store: DistrictRepository, u: _Units) -> CheckResult:
    """Cases, merchants and cameras must lie inside the grid they are filed under."""
    r = CheckResult("locations")
    idx = u.index_of()
    figures = {}
    for table, label in (("cases", "case"), ("merchants", "merchant"), ("cameras", "camera")):
        key = "code" if table != "merchants" else "CAST(id AS VARCHAR)"
        c = store.columns(f"SELECT {key} AS key, grid_id, lon, lat FROM {table}")
        figures[table] = len(c["key"])
        _check_points(r, u, idx, label, c)
    r.figures = figures
    r.summary = (", ".join(f"{v:,} {k}" for k, v in figures.items()) + " inside their grids"
                 if r.ok else f"{len(r.problems)} location problems")
    return r


def _check_points(r: CheckResult, u: _Units, idx: dict, label: str, c: dict) -> None:
    n = len(c["key"])
    if n == 0:
        return
    gi = np.array([idx.get(int(g), -1) for g in c["grid_id"]], dtype=np.int64)
    _note(r, gi < 0, lambda i: f"{label} {c['key'][i]}: grid id {int(c['grid_id'][i])} does not exist")
    outside = np.zeros(n, bool)
    order = np.argsort(gi, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(gi[order])) + 1):
        g = gi[group[0]]
        if g >= 0 and u.geom[g] is not None:
            outside[group] = ~shapely.contains_xy(u.geom[g], c["lon"][group], c["lat"][group])
    _note(r, outside, lambda i: f"{label} {c['key'][i]} at ({c['lon'][i]:.6f}, {c['lat'][i]:.6f}) "
                                f"is outside its grid {u.code[gi[i]]}")


_REFERENCES = [
    ("cases", "grid_id", "grid_units WHERE level = 4", "id"),
    ("cases", "category_code", "categories", "code"),
    ("cases", "department_id", "departments", "id"),
    ("categories", "department_id", "departments", "id"),
    ("building_population", "building_id", "buildings", "id"),
    ("merchants", "building_id", "buildings", "id"),
    ("workers", "grid_id", "grid_units WHERE level = 4", "id"),
    ("workers", "department_id", "departments", "id"),
    ("cameras", "department_id", "departments", "id"),
    ("case_transitions", "case_id", "cases", "id"),
    ("whistles", "street_id", "grid_units WHERE level = 2", "id"),
    ("whistles", "case_id", "cases", "id"),
    ("whistle_departments", "whistle_id", "whistles", "id"),
    ("whistle_departments", "department_id", "departments", "id"),
    ("appraisal_ratings", "street_id", "grid_units WHERE level = 2", "id"),
    ("appraisal_ratings", "department_id", "departments", "id"),
]


def check_references(store: DistrictRepository) -> CheckResult:
    r = CheckResult("references")
    for table, col, target, key in _REFERENCES:
        n = store.scalar(
            f"SELECT count(*) FROM {table} t WHERE t.{col} IS NOT NULL "
            f"AND t.{col} NOT IN (SELECT {key} FROM {target})"
        )
        if n:
            r.problem(f"{n:,} rows of {table}.{col} point to no {target.split()[0]}")
    r.summary = f"{len(_REFERENCES)} references resolve" if r.ok else f"{len(r.problems)} broken references"
    return r


def check_case_timelines(store: DistrictRepository) -> CheckResult:
    """Loop timestamps never go backwards; closed cases carry a close time."""
    r = CheckResult("timelines")
    pairs = list(zip(LOOP_COLUMNS, LOOP_COLUMNS[1:], strict=False))
    for a, b in pairs:
        rows = store.rows(f"SELECT code FROM cases WHERE {b} < {a} ORDER BY code LIMIT {MAX_LISTED}")
        n = store.scalar(f"SELECT count(*) FROM cases WHERE {b} < {a}")
        for (code,) in rows:
            r.problem(f"case {code}: {b} is before {a}")
        if n > len(rows):
            r.problem(f"… and {n - len(rows)} more cases with {b} before {a}")
    n = store.scalar("SELECT count(*) FROM cases WHERE status IN ('closed','evaluated') AND closed_at IS NULL")
    if n:
        r.problem(f"{n:,} closed cases have no closed_at")
    # whistles: departments report in after the blow; the whistle closes after every rating
    for code, what in store.rows(
        """SELECT w.code, CASE WHEN d.reported_at < w.blown_at THEN 'a report-in before the whistle'
                               ELSE 'a rating after the whistle closed' END
           FROM whistles w JOIN whistle_departments d ON d.whistle_id = w.id
           WHERE d.reported_at < w.blown_at OR d.rated_at > w.closed_at
           ORDER BY w.code LIMIT ?""", [MAX_LISTED]):
        r.problem(f"whistle {code}: {what}")
    total = store.scalar("SELECT count(*) FROM cases")
    whistles = store.scalar("SELECT count(*) FROM whistles")
    r.summary = (f"{total:,} case and {whistles:,} whistle timelines in order" if r.ok
                 else f"{len(r.problems)} timeline problems")
    return r


def check_numbering(store: DistrictRepository) -> CheckResult:
    """The steps of every case and whistle are numbered 1, 2, 3 … with no gap (a step
    lost or written twice by concurrent writers would show here)."""
    r = CheckResult("numbering")
    for table, key, owner, code in (("case_transitions", "case_id", "cases", "案件"),
                                    ("whistle_events", "whistle_id", "whistles", "哨令")):
        rows = store.rows(
            f"SELECT o.code, min(t.seq), max(t.seq), count(*) FROM {table} t "
            f"JOIN {owner} o ON o.id = t.{key} GROUP BY o.code "
            "HAVING min(t.seq) <> 1 OR max(t.seq) <> count(*) ORDER BY o.code LIMIT ?",
            [MAX_LISTED])
        for c, lo, hi, n in rows:
            r.problem(f"{code} {c} 的流转记录编号不连续（{lo}–{hi}，共 {n} 条）")
    r.summary = "每个案件和哨令的流转记录编号连续" if r.ok else f"{len(r.problems)} 处编号问题"
    return r


def format_report(report: CheckReport) -> str:
    lines = []
    for res in report.results:
        lines.append(f"{'PASS' if res.ok else 'FAIL'}  {res.name:<15} {res.summary}")
        lines.extend(f"        - {p}" for p in res.problems[: MAX_LISTED + 1])
    failed = [r.name for r in report.results if not r.ok]
    lines.append("all checks passed" if not failed else f"{len(failed)} check(s) failed: {', '.join(failed)}")
    return "\n".join(lines)
