"""The four grid levels (区 → 街道 → 社区 → 网格) from one or more boundary layers.

Levels come from separate layers (``--level`` or the file name) or from a level
field, else from the code's length (6 / 9 / 12 / 14-20 digits, GB/T 2260 + street +
community + grid, with a micro-grid sequence where a fourth level is that fine).  A unit's parent is the unit whose code its code starts with; a
``上级编码`` column must agree.  Missing upper levels are dissolved from their
children.  Each parent is then checked against its children (app/district_io/tiling.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from app.checks import CODE_LENGTH, LEVEL_ZH, code_fits, code_length_text, level_of_code
from app.district_io.mapping import LEVELS, LayerMapping
from app.district_io.problems import Findings
from app.district_io.sources import SourceLayer
from app.geo.crs import geoms_to_metric

_LEVEL_TEXT = {"1": 1, "2": 2, "3": 3, "4": 4, "区": 1, "区县": 1, "县": 1, "街道": 2, "乡镇": 2,
               "镇": 2, "乡": 2, "社区": 3, "村": 3, "居委会": 3, "网格": 4, "基础网格": 4,
               "一级": 1, "二级": 2, "三级": 3, "四级": 4, **{k: v for k, v in LEVELS.items()}}


@dataclass
class Units:
    """Grid units ready to store: lon/lat and metric geometry, codes, names, levels."""

    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    level: list[int] = field(default_factory=list)
    geom: list = field(default_factory=list)  # lon/lat
    households: list[int] = field(default_factory=list)
    residents: list[int] = field(default_factory=list)
    origin: list[tuple[str, str]] = field(default_factory=list)  # (file, where) or ("", 合并生成)
    metric: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.code)

    def add(self, code, name, level, geom, hh, res, origin) -> None:
        self.code.append(code)
        self.name.append(name)
        self.level.append(level)
        self.geom.append(geom)
        self.households.append(hh)
        self.residents.append(res)
        self.origin.append(origin)

    def parent_code(self, i: int) -> str | None:
        lv = self.level[i]
        return None if lv == 1 else self.code[i][:CODE_LENGTH[lv - 1]]

    def label(self, i: int) -> str:
        return f"{LEVEL_ZH[self.level[i]]} {self.code[i]} {self.name[i]}"


def clean_code(v) -> str:
    """A code as text: 120106001 (a DBF number) and '120106001.0' both give '120106001'."""
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        return "" if not np.isfinite(v) else (str(int(v)) if float(v).is_integer() else str(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    text = str(v).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _int(v) -> int:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return 0
    return int(x) if np.isfinite(x) and x > 0 else 0


def parse_level(v) -> int | None:
    text = clean_code(v).strip().lower()
    return _LEVEL_TEXT.get(text)


def collect(items: list[tuple[SourceLayer, LayerMapping, np.ndarray, np.ndarray]],
            findings: Findings, district_name: str | None) -> Units | None:
    """Units from the grid layers; upper levels dissolved where missing. None on errors
    that leave no hierarchy to check."""
    u = Units()
    names_of: dict[str, str] = {}
    files = "、".join(layer.name for layer, *_ in items)
    for layer, m, geoms, ok in items:
        f = m.fields
        col = {t: layer.columns[src] for t, src in f.items()}
        for i in np.flatnonzero(ok):
            code = clean_code(col["code"][i]) if "code" in col else ""
            where = layer.where(int(i))
            if not code:
                findings.error(layer.name, "缺少编码", where)
                continue
            level = m.level
            if level is None and "level" in col:
                level = parse_level(col["level"][i])
                if level is None:
                    findings.error(layer.name, f"层级 {col['level'][i]!r} 无法识别（应为 1-4 或 区/街道/社区/网格）", where)
                    continue
            if level is None:
                level = level_of_code(code)
            if level is None:
                findings.error(layer.name, f"编码 {code} 有 {len(code)} 位，无法判断层级"
                                           f"（区 6 位、街道 9 位、社区 12 位、网格 {code_length_text(4)} 位）；请用 --level 指定", where)
                continue
            if not code_fits(level, code):
                findings.error(layer.name, f"{LEVEL_ZH[level]}编码 {code!r} 应为 {code_length_text(level)} 位数字"
                                           "（GB/T 2260 区划代码 + 街道 3 位 + 社区 3 位 + 网格 2 位及以上）", where)
                continue
            if "parent_code" in col:
                pc = clean_code(col["parent_code"][i])
                if pc and level > 1 and pc != code[:CODE_LENGTH[level - 1]]:
                    findings.error(layer.name, f"编码不嵌套：{code} 的上级编码写作 {pc}，"
                                               f"但编码前缀是 {code[:CODE_LENGTH[level - 1]]}", where)
                    continue
            for key, lv in (("street", 2), ("community", 3)):
                if lv < level and f"{key}_name" in col and col[f"{key}_name"][i]:
                    pcode = clean_code(col[f"{key}_code"][i]) if f"{key}_code" in col else code[:CODE_LENGTH[lv]]
                    if pcode and pcode != code[:CODE_LENGTH[lv]]:
                        findings.error(layer.name, f"编码不嵌套：{code} 所填{LEVEL_ZH[lv]}编码 {pcode} "
                                                   f"与其前缀 {code[:CODE_LENGTH[lv]]} 不符", where)
                    names_of.setdefault(code[:CODE_LENGTH[lv]], str(col[f"{key}_name"][i]).strip())
            name = str(col["name"][i]).strip() if "name" in col and col["name"][i] not in (None, "") else ""
            if not name:
                name = f"{LEVEL_ZH[level]}{code[-3:] if level > 1 else code}"
            u.add(code, name, level, geoms[i], _int(col["households"][i]) if "households" in col else 0,
                  _int(col["residents"][i]) if "residents" in col else 0, (layer.name, where))
    if not len(u):
        findings.error(files, "没有可用的网格边界要素")
        return None
    _duplicates(u, findings)
    if not findings.ok:
        return None
    levels = set(u.level)
    if 4 not in levels:
        findings.error(files, "缺少第 4 级网格（基础网格）；区、街道、社区可由网格合并生成，网格本身必须导入")
        return None
    for lv in (3, 2, 1):
        if lv not in levels:
            _dissolve(u, lv, names_of, district_name, findings, files)
    districts = [c for c, lv in zip(u.code, u.level, strict=True) if lv == 1]
    if len(districts) != 1:
        findings.error(files, f"应只有一个区（第 1 级），找到 {len(districts)} 个：{'、'.join(districts[:5])}")
        return None
    u.metric = geoms_to_metric(np.asarray(u.geom, dtype=object))
    _orphans(u, findings)
    return u


def _duplicates(u: Units, findings: Findings) -> None:
    seen: dict[str, int] = {}
    for i, c in enumerate(u.code):
        if c in seen:
            j = seen[c]
            findings.error(u.origin[i][0], f"编码 {c} 重复（另见 {u.origin[j][0]} {u.origin[j][1]}）",
                           u.origin[i][1])
        else:
            seen[c] = i


def _dissolve(u: Units, lv: int, names_of: dict, district_name: str | None, findings: Findings,
              files: str) -> None:
    """Level ``lv`` made from the union of its children at ``lv + 1``."""
    kids: dict[str, list[int]] = {}
    for i, (c, lvl) in enumerate(zip(u.code, u.level, strict=True)):
        if lvl == lv + 1:
            kids.setdefault(c[:CODE_LENGTH[lv]], []).append(i)
    for code, idx in sorted(kids.items()):
        # in lon/lat: the parent's vertices are exactly its children's
        parts = np.asarray([u.geom[i] for i in idx], dtype=object)
        try:
            geom = shapely.coverage_union_all(parts)
        except Exception:  # noqa: BLE001 - children that are not a clean coverage
            geom = shapely.union_all(parts)
        if not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
            geom = shapely.union_all(parts)
        name = names_of.get(code) or (district_name if lv == 1 and district_name else
                                      f"{LEVEL_ZH[lv]}{code[-3:] if lv > 1 else code}")
        u.add(code, name, lv, geom, sum(u.households[i] for i in idx),
              sum(u.residents[i] for i in idx), ("", "合并生成"))
    findings.warn(files, f"没有{LEVEL_ZH[lv]}层（第 {lv} 级），已由 {sum(len(v) for v in kids.values())} 个"
                      f"{LEVEL_ZH[lv + 1]}合并生成 {len(kids)} 个{LEVEL_ZH[lv]}")


def _orphans(u: Units, findings: Findings) -> None:
    index = {c: i for i, c in enumerate(u.code)}
    for i in range(len(u)):
        pc = u.parent_code(i)
        if pc is None or pc in index:
            continue
        g = u.metric[i]
        p = shapely.point_on_surface(u.geom[i]) if u.geom[i] is not None else None
        findings.error(u.origin[i][0], f"孤立单元：{u.label(i)} 的上级 {LEVEL_ZH[u.level[i] - 1]} {pc} 不存在"
                                       f"（面积 {g.area:,.1f} m²）", u.origin[i][1],
                       place=None if p is None else (p.x, p.y), area_m2=float(g.area))
