"""``district import``: the steps a wizard drives, one by one, and the whole run.

1. :meth:`ImportSession.read` — the files and their layers (app/district_io/sources.py)
2. :meth:`ImportSession.propose` — what each layer is and its field mapping (mapping.py);
   :meth:`ImportSession.preview` shows the first records as mapped
3. :meth:`ImportSession.georeference` — CRS, geometry checks, the datum check (crs.py,
   geometry.py, datum.py)
4. :meth:`ImportSession.validate` — hierarchy, tiling with repairs, the other layers'
   records, and the difference to the district already stored: the report, with places
5. :meth:`ImportSession.commit` — one transaction, audited (writer.py)

Nothing is written unless every step passed without an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.district_io import datum, layers
from app.district_io.crs import CrsChoice, parse_crs_option
from app.district_io.geometry import POINT_KINDS, POLYGON_KINDS, prepare
from app.district_io.hierarchy import Units, collect
from app.district_io.mapping import (
    KIND_ZH,
    KINDS,
    LEVELS,
    LayerMapping,
    entry_for,
    guess_kind,
    guess_level,
    load_mapping_file,
    propose,
    required,
)
from app.district_io.problems import Findings, SourceError
from app.district_io.report import ImportReport
from app.district_io.sources import SourceLayer, read_source
from app.district_io.tiling import SliverRule, check_containment, check_tiling
from app.geo.wkb import geoms_from_wkb
from app.store import DistrictRepository

Progress = Callable[[str, float], None]


@dataclass
class ImportOptions:
    """The command line's (or the wizard's) choices."""

    layer: str | None = None
    level: str | None = None
    kind: str | None = None
    crs: str | None = None
    encoding: str | None = None
    mapping_file: Path | None = None
    repair: bool = False
    sliver_m2: float = 200.0
    sliver_width_m: float = 1.0
    district_name: str | None = None
    user: str = "unknown"
    #: (name, password) of the first administrator of a district without accounts
    admin: tuple[str, str] | None = None


@dataclass
class Staged:
    """One layer through the steps: source, mapping, lon/lat geometry, usable rows."""

    source: SourceLayer
    mapping: LayerMapping
    geoms: np.ndarray | None = None
    ok: np.ndarray | None = None
    crs: CrsChoice | None = None
    #: the wizard's CRS for this layer alone (over --crs, the .prj and the numbers)
    override: CrsChoice | None = None


@dataclass
class Plan:
    """What a commit writes: units, the other tables' rows, and the difference."""

    units: Units | None = None
    rows: dict[str, dict] = field(default_factory=dict)
    grids: layers.Grids | None = None
    unit_ids: list[int] | None = None
    department_ids: dict[str, int] = field(default_factory=dict)
    new_departments: list[int] = field(default_factory=list)
    diff: dict | None = None


class ImportSession:
    """One import, step by step (see the module docstring)."""

    def __init__(self, paths: list[Path], options: ImportOptions | None = None,
                 store: DistrictRepository | None = None, progress: Progress | None = None) -> None:
        self.paths = [Path(p) for p in paths]
        self.options = options or ImportOptions()
        self.store = store
        self.say = progress or (lambda _s, _f: None)
        self.findings = Findings()
        self.staged: list[Staged] = []
        self.plan = Plan()
        self._override = None
        self._mapping_errors: dict[int, list] = {}  # id(Staged) -> the errors of its mapping

    # -- 1. read ----------------------------------------------------------------------
    def read(self) -> list[SourceLayer]:
        o = self.options
        if o.crs:
            try:
                self._override = parse_crs_option(o.crs)
            except ValueError as exc:
                self.findings.error(self._files(), str(exc))
        if not self.paths:
            self.findings.error("", "没有指定要导入的文件")
        out = []
        for k, p in enumerate(self.paths):
            self.say(f"读取 {p.name}", k / max(1, len(self.paths)) * 0.2)
            try:
                found = read_source(p, o.layer, o.encoding)
            except SourceError as exc:
                self.findings.items.append(exc.problem)
                continue
            except ValueError as exc:  # a bad --encoding
                self.findings.error(str(p), str(exc))
                continue
            for lay in found:
                self.findings.extend(lay.findings)
                out.append(lay)
        self.sources = out
        return out

    def _files(self) -> str:
        return "、".join(p.name for p in self.paths) or "（导入）"

    # -- 2. mapping ----------------------------------------------------------------------
    def propose(self) -> list[Staged]:
        o = self.options
        entries: list[dict] = []
        if o.mapping_file:
            try:
                entries = load_mapping_file(o.mapping_file)
            except ValueError as exc:
                self.findings.error(str(o.mapping_file), str(exc))
        if o.kind and o.kind not in KINDS:
            self.findings.error(self._files(), f"--kind {o.kind!r} 不在 {', '.join(KINDS)} 中")
            return []
        if o.level and o.level not in LEVELS:
            self.findings.error(self._files(), f"--level {o.level!r} 不在 {', '.join(LEVELS)} 中")
            return []
        self.staged = []
        for lay in self.sources:
            e = entry_for(entries, lay) or {}
            kind = e.get("kind") or o.kind or guess_kind(lay)
            if kind == "skip":
                self.findings.warn(lay.name, "案件、哨令和轨迹图层不由 district import 导入（案件请用 cases import）")
                continue
            if len(lay) == 0:
                # the only layer of its file empty is a mistake; one of a GeoPackage's, a note
                alone = sum(1 for x in self.sources if x.path == lay.path) == 1
                (self.findings.error if alone else self.findings.warn)(lay.name, "图层没有任何要素（空图层）")
                continue
            level = LEVELS.get(e.get("level") or o.level or "") or (guess_level(lay) if kind == "grids" else None)
            m = propose(lay, kind, level)
            staged = Staged(lay, m)
            self.staged.append(staged)
            for t, src in (e.get("fields") or {}).items():
                if src not in lay.columns:
                    self.findings.error(lay.name, f"映射文件把 {t} 对应到字段 {src!r}，但图层中没有该字段"
                                                  f"（有：{'、'.join(lay.fields)}）")
                    self._mapping_errors.setdefault(id(staged), []).append(self.findings.items[-1])
                else:
                    m.fields[t] = src
            self._check_required(lay, m)
        return self.staged

    def _check_required(self, lay: SourceLayer, m: LayerMapping) -> None:
        missing = [t for t in required(m.kind) if t not in m.fields]
        if missing:
            self.findings.error(lay.name, f"作为{KIND_ZH[m.kind]}图层缺少字段：{'、'.join(missing)}"
                                          f"（图层字段：{'、'.join(lay.fields) or '无'}）；请用映射文件指定")
            staged = next((s for s in self.staged if s.source is lay), None)
            if staged is not None:
                self._mapping_errors.setdefault(id(staged), []).append(self.findings.items[-1])

    def set_mapping(self, index: int, mapping: LayerMapping) -> None:
        """The wizard's correction of one layer's mapping: the errors of its old mapping
        (missing fields, a mapping file's field the layer lacks) go, the new one is checked."""
        s = self.staged[index]
        s.mapping = mapping
        for old in self._mapping_errors.pop(id(s), []):
            if old in self.findings.items:
                self.findings.items.remove(old)
        self._check_required(s.source, mapping)

    def set_crs(self, index: int, text: str | None) -> None:
        """The wizard's CRS for one layer (``EPSG:…``, ``gcj02``, ``bd09``; None: as found).
        ValueError with the reason for a CRS not understood."""
        self.staged[index].override = parse_crs_option(text) if text else None

    def mark(self) -> int:
        """Where the findings stand now (for :meth:`rewind`)."""
        return len(self.findings.items)

    def rewind(self, mark: int) -> None:
        """Forget the findings after ``mark`` and the plan: a wizard that goes back a step
        runs the later steps again without reporting their findings twice."""
        del self.findings.items[mark:]
        self.plan = Plan()

    def preview(self, index: int, rows: int = 20) -> list[dict]:
        from app.district_io.mapping import preview

        s = self.staged[index]
        return preview(s.source, s.mapping, rows)

    # -- 3. CRS, geometry, datum -------------------------------------------------------
    def georeference(self) -> None:
        hint = self._hint_lon()
        for k, s in enumerate(self.staged):
            self.say(f"坐标与几何 {s.source.name}", 0.2 + 0.2 * k / max(1, len(self.staged)))
            s.geoms, s.ok, s.crs = prepare(s.source, s.mapping, s.override or self._override, hint,
                                           self.options.repair, self.findings)
            if hint is None and s.ok.any() and s.mapping.kind in POLYGON_KINDS + POINT_KINDS:
                import shapely

                hint = float(shapely.bounds(s.geoms[s.ok])[:, 0].min())
        self._datum_check()

    def _hint_lon(self) -> float | None:
        if self.store is None:
            return None
        v = self.store.scalar("SELECT min(label_lon) FROM grid_units WHERE level = 1")
        return None if v is None else float(v)

    def _existing_area(self):
        if self.store is None:
            return None
        c = self.store.columns("SELECT geom FROM grid_units WHERE level = 1")
        return geoms_from_wkb(c["geom"])[0] if len(c["geom"]) else None

    def _datum_check(self) -> None:
        geo = [s for s in self.staged if s.ok is not None and s.ok.any() and s.mapping.kind in
               POLYGON_KINDS + POINT_KINDS and not (s.crs and s.crs.web)]
        existing = self._existing_area()
        grids = [s for s in geo if s.mapping.kind == "grids"]
        for s in geo:
            others = [o.geoms[o.ok] for o in grids if o.source.path != s.source.path]
            ref = datum.reference_union(others)
            if existing is not None:
                ref = existing if ref is None else ref.union(existing)
            if ref is None:
                if s.crs is not None and s.crs.epsg in (4326, 4490) and s.source.driver in ("geojson", "csv", "xlsx"):
                    self.findings.warn(s.source.name, "没有其他图层或已导入的区可作参照，无法检查 GCJ-02/BD-09 偏移；"
                                                      "若数据来自网络地图，请用 --crs gcj02 或 bd09 指定")
                continue
            hit = None
            if s.mapping.kind in POINT_KINDS and "grid_code" in s.mapping.fields:
                hit = datum.check_assigned(s.geoms[s.ok], self._stated_grids(s))
            if hit is None:
                hit = datum.check_layer(s.geoms[s.ok], s.mapping.kind in POLYGON_KINDS, ref,
                                        separate=s.mapping.kind != "grids")
            if hit is None:
                continue
            web, now, after = hit
            what = "GCJ-02（高德/腾讯等网络地图）" if web == "gcj02" else "BD-09（百度地图）"
            moved = datum.shift_of(s.geoms[s.ok], web)
            unit = "m" if s.mapping.kind in POLYGON_KINDS else ""
            fit = f"偏差 {now:,.0f} m → {after:,.0f} m" if unit else f"界外比例 {now:.0%} → {after:.0%}"
            if self.options.repair:
                s.geoms[s.ok] = datum.convert(s.geoms[s.ok], web)
                self.findings.repair(s.source.name, f"图层与其他图层/本区错开，符合 {what} 偏移特征"
                                                    f"（约 {moved:,.0f} m）：已从 {web} 转换为 CGCS2000（{fit}）")
            else:
                self.findings.warn(s.source.name, f"图层与其他图层/本区错开约 {moved:,.0f} m，符合 {what} 偏移特征"
                                                  f"（.prj 可能误标为 WGS 84）；转换后{fit}。"
                                                  f"加 --crs {web} 或 --repair 转换")

    def _stated_grids(self, s: Staged) -> np.ndarray:
        """The polygon of the grid each of ``s``'s usable points names (None if unknown)."""
        from app.district_io.hierarchy import clean_code

        known: dict[str, object] = {}
        if self.store is not None:
            c = self.store.columns("SELECT code, geom FROM grid_units WHERE level = 4")
            known.update(zip(c["code"].astype(str), geoms_from_wkb(c["geom"]), strict=True))
        for o in self.staged:
            if o.mapping.kind == "grids" and o.ok is not None and "code" in o.mapping.fields:
                col = o.source.columns[o.mapping.fields["code"]]
                for i in np.flatnonzero(o.ok):
                    known.setdefault(clean_code(col[i]), o.geoms[i])
        col = s.source.columns[s.mapping.fields["grid_code"]]
        return np.asarray([known.get(clean_code(col[i])) for i in np.flatnonzero(s.ok)], dtype=object)

    # -- 4. validate -------------------------------------------------------------------
    def validate(self) -> ImportReport:
        from app.district_io import planning

        self.say("层级与拓扑检查", 0.45)
        grid_items = [(s.source, s.mapping, s.geoms, s.ok) for s in self.staged if s.mapping.kind == "grids"]
        if grid_items:
            units = collect(grid_items, self.findings, self.options.district_name)
            if units is not None:
                check_containment(units, self.findings)
                rule = SliverRule(self.options.sliver_m2, self.options.sliver_width_m)
                self.tiling = check_tiling(units, self.findings, self.options.repair, rule)
                self.plan.units = units
        self.say("其他图层", 0.6)
        planning.plan_rows(self)
        self._check_admin()
        return self.report()

    def _check_admin(self) -> None:
        """A first administrator only for a district without accounts (an imported one has
        none: without one nobody could sign in to add the others)."""
        if not self.options.admin:
            return
        from app.auth.accounts import MIN_PASSWORD

        name, password = self.options.admin
        if self.store is not None and self.store.scalar("SELECT count(*) FROM users"):
            self.findings.error(self._files(), "区里已有账号：首个管理员只能在没有账号的区创建，"
                                               "其他账号请由管理员用 users add 添加")
        elif not name.replace("_", "").replace(".", "").isalnum():
            self.findings.error(self._files(), f"管理员用户名 {name!r} 只能含字母、数字、_ 和 .")
        elif len(password) < MIN_PASSWORD:
            self.findings.error(self._files(), f"管理员密码至少 {MIN_PASSWORD} 个字符")

    def report(self, counts: dict | None = None, committed: bool = False) -> ImportReport:
        return ImportReport(
            files=[{"file": str(s.source.path), "layer": s.source.layer, "kind": s.mapping.kind,
                    "level": s.mapping.level, "features": len(s.source), "sha256": s.source.sha256,
                    "encoding": s.source.encoding, "crs": s.crs.label() if s.crs else None,
                    "fields": dict(s.mapping.fields)} for s in self.staged],
            findings=self.findings, diff=self.plan.diff, counts=counts or planning_counts(self.plan),
            committed=committed)

    # -- 5. commit ---------------------------------------------------------------------
    def commit(self, store: DistrictRepository, *, now, role: str = "import") -> ImportReport:
        from app.district_io.writer import write_plan

        if not self.findings.ok:
            return self.report()
        self.say("写入数据库", 0.75)
        counts = write_plan(store, self, now=now, role=role)
        self.say("完成", 1.0)
        return self.report(counts, committed=True)

    def run(self, store: DistrictRepository | None, *, dry_run: bool, now=None,
            role: str = "import") -> ImportReport:
        """Every step; stops before writing on the first step with errors."""
        self.store = store
        self.read()
        if self.sources:
            self.propose()
        if self.findings.ok:
            self.georeference()
        if self.findings.ok:
            self.validate()
        if dry_run or not self.findings.ok or store is None:
            return self.report()
        return self.commit(store, now=now, role=role)


def planning_counts(plan: Plan) -> dict:
    out = {}
    if plan.units is not None:
        for lv, key in ((1, "district"), (2, "street"), (3, "community"), (4, "grid")):
            out[f"grid_units.{key}"] = sum(1 for x in plan.units.level if x == lv)
    for k, rows in plan.rows.items():
        first = next(iter(rows.values()), [])
        out[k] = len(first) if isinstance(first, list) else 0
    return out
