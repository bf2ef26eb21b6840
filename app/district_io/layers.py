"""The other layers: buildings, merchants, cameras, staff, departments, categories.

Each ``*_rows`` turns a mapped source into the columns of its table, naming every
refused record (file, feature or line, reason).  Places are filed under the base grid
(第 4 级) that holds them: by a grid code column when there is one, else by where they
are (a building by its largest overlap).  Phones are stored as given and masked
wherever shown (app/privacy/masking.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

import numpy as np
import shapely

from app.district_io.hierarchy import clean_code
from app.district_io.mapping import LayerMapping
from app.district_io.problems import Findings
from app.district_io.sources import SourceLayer
from app.domain.categories import KIND_NAMES, KINDS
from app.geo.crs import geoms_to_metric
from app.privacy.masking import MASKED_PHONE_RE as MASKED_PHONE

FLOOR_HEIGHT_M = 3.0
MAX_LISTED = 20
USES = {"住宅": "residential", "居住": "residential", "商业": "commercial", "商铺": "commercial",
        "办公": "office", "写字楼": "office", "学校": "school", "中学": "school", "小学": "school",
        "幼儿园": "kindergarten", "医院": "hospital", "卫生": "hospital", "养老": "care_home",
        "敬老院": "care_home", "工业": "industrial", "厂房": "industrial", "仓库": "industrial",
        "公共": "public", "公建": "public"}
USE_CODES = ("residential", "commercial", "office", "school", "kindergarten", "hospital",
             "care_home", "industrial", "public")
ROLES = {"网格长": "grid_leader", "网格员": "grid_worker", "专职网格员": "grid_worker",
         "兼职网格员": "grid_worker", "民警": "police", "网格民警": "police", "社区民警": "police",
         "警察": "police", "环卫": "sanitation", "环卫工": "sanitation", "保洁": "sanitation",
         "城管": "city_management", "城管队员": "city_management", "执法队员": "city_management"}
ROLE_CODES = ("grid_leader", "grid_worker", "police", "sanitation", "city_management")
SHIFTS = {"grid_leader": (time(8, 30), time(17, 30)), "grid_worker": (time(8, 30), time(17, 30)),
          "police": (time(8, 0), time(20, 0)), "sanitation": (time(5, 0), time(13, 0)),
          "city_management": (time(7, 0), time(15, 0))}
CAMERA_KINDS = {"路口": "street", "街面": "street", "道路": "street", "治安": "street",
                "幼儿园": "kindergarten", "学校": "school", "医院": "hospital", "企业": "enterprise",
                "养老": "care_home", "养老院": "care_home"}
CAMERA_KIND_CODES = ("street", "kindergarten", "school", "hospital", "enterprise", "care_home")
DEPT_KINDS = {"职能部门": "bureau", "委办局": "bureau", "公共服务企业": "utility", "企业": "utility",
              "督查室": "supervision", "督查": "supervision", "区领导": "leadership", "领导": "leadership"}
HAZARD = {"1": 1, "2": 2, "3": 3, "重点": 1, "高": 1, "高风险": 1, "一般": 2, "中": 2, "中风险": 2,
          "低": 3, "低风险": 3}


@dataclass
class Grids:
    """The base grids (第 4 级) places are filed under: ids, codes, lon/lat polygons."""

    ids: np.ndarray
    codes: list[str]
    geoms: np.ndarray

    def __post_init__(self) -> None:
        self.by_code = {c: i for i, c in enumerate(self.codes)}
        self.tree = shapely.STRtree(self.geoms)

    def at_points(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the grid holding each point, -1 where none."""
        out = np.full(len(lon), -1, dtype=np.int64)
        if len(lon) == 0:
            return out
        pts = shapely.points(lon, lat)
        p, g = self.tree.query(pts, predicate="intersects")
        out[p[::-1]] = g[::-1]  # the first grid found wins
        return out


class _Rows:
    """Column lists plus the findings of one layer, each reason listed at most 20 times."""

    def __init__(self, layer: SourceLayer, m: LayerMapping, findings: Findings) -> None:
        self.layer, self.m, self.f, self.counts = layer, m, findings, {}
        self.col = {t: layer.columns[src] for t, src in m.fields.items()}

    def get(self, target: str, i: int):
        c = self.col.get(target)
        if c is None:
            return None
        v = c[i]
        if isinstance(v, str):
            v = v.strip()
            return v or None
        if isinstance(v, (float, np.floating)) and not np.isfinite(v):
            return None
        return v

    def text(self, target: str, i: int) -> str | None:
        v = self.get(target, i)
        return None if v is None else clean_code(v) if not isinstance(v, str) else v

    def unique(self, code: str, i: int) -> bool:
        """False (and an error naming both records) for a code seen before in this layer."""
        seen = self.__dict__.setdefault("_seen", {})
        if code in seen:
            self.error(i, f"编码 {code} 重复（另见{self.layer.where(seen[code])}）", "编码重复")
            return False
        seen[code] = i
        return True

    def error(self, i: int, reason: str, key: str | None = None) -> None:
        key = key or reason
        n = self.counts[key] = self.counts.get(key, 0) + 1
        if n <= MAX_LISTED:
            self.f.error(self.layer.name, reason, self.layer.where(i))
        elif n == MAX_LISTED + 1:
            self.f.error(self.layer.name, f"另有更多记录同样：{key}")


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        x = float(str(v).replace("米", "").replace("m", "").strip()) if isinstance(v, str) else float(v)
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def _grid_of(r: _Rows, i: int, grids: Grids, fallback: int) -> int:
    code = r.text("grid_code", i)
    if code:
        g = grids.by_code.get(code)
        if g is None:
            r.error(i, f"网格编码 {code} 不是本区的基础网格", "网格编码不存在")
            return -2
        return g
    return fallback


def buildings_rows(layer, m, geoms, ok, grids: Grids, repair: bool, findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    idx = np.flatnonzero(ok)
    g = geoms[idx]
    metric = geoms_to_metric(g)
    gm = geoms_to_metric(grids.geoms)
    b, gi = grids.tree.query(g, predicate="intersects")
    best = np.full(len(idx), -1)
    if len(b):
        inter = shapely.area(shapely.intersection(metric[b], gm[gi]))
        order = np.lexsort((-inter, b))
        first = np.r_[True, b[order][1:] != b[order][:-1]]
        best[b[order][first]] = gi[order][first]
    cols = {k: [] for k in ("grid", "name", "use", "floors", "height", "entrances", "geom", "hh",
                            "res", "eld", "chi", "spc")}
    derived = crossing = 0
    for k, i in enumerate(idx.tolist()):
        grid = _grid_of(r, i, grids, int(best[k]))
        if grid == -2:
            continue
        if grid < 0:
            r.error(i, "建筑不在任何基础网格内", "建筑不在任何基础网格内")
            continue
        floors, height = _num(r.get("floors", i)), _num(r.get("height", i))
        if (r.get("floors", i) is not None and (floors is None or floors < 1)) or \
                (r.get("height", i) is not None and (height is None or height <= 0)):
            r.error(i, f"层数/高度无效：{r.get('floors', i)!r} / {r.get('height', i)!r}", "层数/高度无效")
            continue
        if floors is None and height is None:
            floors, height = 1, FLOOR_HEIGHT_M
            derived += 1
        elif height is None:
            height = floors * FLOOR_HEIGHT_M
            derived += 1
        elif floors is None:
            floors = max(1, round(height / FLOOR_HEIGHT_M))
            derived += 1
        geom = g[k]
        if not shapely.covered_by(geom, grids.geoms[grid]):
            if repair:
                clipped = shapely.intersection(geom, grids.geoms[grid])
                if clipped.geom_type in ("Polygon", "MultiPolygon") and not clipped.is_empty:
                    findings.repair(layer.name, f"建筑跨越网格边界，已裁剪到网格 {grids.codes[grid]} 内",
                                    layer.where(i))
                    geom = clipped
            else:
                crossing += 1
        use = r.get("use", i)
        use = use if use in USE_CODES else USES.get(str(use), "residential") if use is not None else "residential"
        cols["grid"].append(grid)
        cols["name"].append(r.get("name", i))
        cols["use"].append(use)
        cols["floors"].append(int(floors))
        cols["height"].append(float(height))
        cols["entrances"].append(max(1, int(_num(r.get("entrances", i)) or 1)))
        cols["geom"].append(geom)
        for key, t in (("hh", "households"), ("res", "residents"), ("eld", "elderly"),
                       ("chi", "children"), ("spc", "special_care")):
            cols[key].append(max(0, int(_num(r.get(t, i)) or 0)))
    if derived:
        findings.warn(layer.name, f"{derived} 栋建筑缺层数或高度，已按每层 {FLOOR_HEIGHT_M:g} m 推算")
    if crossing:
        findings.warn(layer.name, f"{crossing} 栋建筑跨越网格边界（check 将列出）；加 --repair 裁剪到所在网格")
    cols["has_population"] = "households" in m.fields or "residents" in m.fields
    return cols


def _points(r: _Rows, geoms, ok, grids: Grids) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    idx = np.flatnonzero(ok)
    pts = geoms[idx]
    lon = shapely.get_x(pts) if len(pts) else np.zeros(0)
    lat = shapely.get_y(pts) if len(pts) else np.zeros(0)
    return idx, lon, lat, grids.at_points(lon, lat)


def merchants_rows(layer, m, geoms, ok, grids: Grids, findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    idx, lon, lat, at = _points(r, geoms, ok, grids)
    out = {k: [] for k in ("name", "trade", "hazard_class", "grid", "lon", "lat")}
    for k, i in enumerate(idx.tolist()):
        grid = _grid_of(r, i, grids, int(at[k]))
        if grid < 0:
            if grid == -1:
                r.error(i, f"位置 ({lon[k]:.6f}, {lat[k]:.6f}) 不在任何基础网格内", "不在任何基础网格内")
            continue
        name = r.text("name", i)
        if not name:
            r.error(i, "缺少商户名称")
            continue
        hz = r.get("hazard_class", i)
        hazard = HAZARD.get(clean_code(hz) if hz is not None else "2")
        if hazard is None:
            r.error(i, f"风险等级 {hz!r} 无法识别（1/2/3 或 重点/一般/低风险）", "风险等级无法识别")
            continue
        for key, v in (("name", name), ("trade", r.text("trade", i) or "其他"), ("hazard_class", hazard),
                       ("grid", grid), ("lon", float(lon[k])), ("lat", float(lat[k]))):
            out[key].append(v)
    return out


def cameras_rows(layer, m, geoms, ok, grids: Grids, departments: dict[str, int], findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    idx, lon, lat, at = _points(r, geoms, ok, grids)
    out = {k: [] for k in ("code", "name", "kind", "department_id", "grid", "lon", "lat", "heading_deg",
                           "fov_deg", "stream_url", "substream_url", "online")}
    no_stream = 0
    for k, i in enumerate(idx.tolist()):
        code = r.text("code", i)
        if not code:
            r.error(i, "缺少摄像头编码")
            continue
        if not r.unique(code, i):
            continue
        grid = _grid_of(r, i, grids, int(at[k]))
        if grid < 0:
            if grid == -1:
                r.error(i, f"摄像头 {code} 的位置 ({lon[k]:.6f}, {lat[k]:.6f}) 不在任何基础网格内",
                        "不在任何基础网格内")
            continue
        dept = r.text("department", i)
        dep_id = departments.get(dept or "")
        if dep_id is None:
            r.error(i, f"摄像头 {code} 的所属部门 {dept!r} 不存在（请先导入部门表，或填部门编码/名称）",
                    "所属部门不存在")
            continue
        kind = r.text("kind", i) or "street"
        kind = kind if kind in CAMERA_KIND_CODES else CAMERA_KINDS.get(kind, "street")
        heading = _num(r.get("heading", i))
        fov = _num(r.get("fov", i))
        url = r.text("stream_url", i)
        no_stream += url is None
        online = r.get("online", i)
        for key, v in (("code", code), ("name", r.text("name", i) or code), ("kind", kind),
                       ("department_id", dep_id), ("grid", grid), ("lon", float(lon[k])),
                       ("lat", float(lat[k])), ("heading_deg", (heading or 0.0) % 360.0),
                       ("fov_deg", fov if fov and 0 < fov <= 360 else 90.0), ("stream_url", url or ""),
                       ("substream_url", r.text("substream_url", i)),
                       ("online", str(online).strip().lower() not in ("0", "false", "否", "离线", "no"))):
            out[key].append(v)
    if no_stream:
        findings.warn(layer.name, f"{no_stream} 个摄像头没有视频流地址（视频墙上显示为无信号）")
    return out


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def staff_rows(layer, m, grids: Grids, departments: dict[str, int], findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    out = {k: [] for k in ("code", "name", "role", "grid", "department_id", "phone", "shift_start",
                           "shift_end")}
    masked = 0
    for i in range(len(layer)):
        code, name = r.text("code", i), r.text("name", i)
        if not code or not name:
            r.error(i, "缺少工号或姓名")
            continue
        if not r.unique(code, i):
            continue
        role_text = r.text("role", i) or ""
        role = role_text if role_text in ROLE_CODES else ROLES.get(role_text)
        if role is None:
            r.error(i, f"角色 {role_text!r} 无法识别（网格长、网格员、网格民警、环卫、城管）", "角色无法识别")
            continue
        gcode = r.text("grid_code", i)
        grid = grids.by_code.get(gcode or "")
        if grid is None:
            r.error(i, f"所属网格 {gcode!r} 不是本区的基础网格", "所属网格不存在")
            continue
        phone = re.sub(r"[\s()（）]", "", r.text("phone", i) or "")
        if phone.startswith("+86"):
            phone = phone[3:]
        if MASKED_PHONE.match(phone):
            masked += 1
        elif not _PHONE.match(phone):
            r.error(i, f"电话号码格式不对（{_mask_any(phone)}）", "电话号码格式不对")
            continue
        dept = r.text("department", i)
        dep_id = departments.get(dept) if dept else None
        if dept and dep_id is None:
            r.error(i, f"部门 {dept!r} 不存在", "部门不存在")
            continue
        start, end = SHIFTS[role]
        for key, v in (("code", code), ("name", name), ("role", role), ("grid", grid),
                       ("department_id", dep_id), ("phone", phone), ("shift_start", start),
                       ("shift_end", end)):
            out[key].append(v)
    if masked:
        findings.warn(layer.name, f"{masked} 个电话号码是遮蔽过的（如 138****2721，来自脱敏导出），按原样保存")
    return out


def _mask_any(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def departments_rows(layer, m, findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    out = {k: [] for k in ("code", "name", "short_name", "kind")}
    for i in range(len(layer)):
        code, name = r.text("code", i), r.text("name", i)
        if not code or not name:
            r.error(i, "缺少部门编码或名称")
            continue
        if not r.unique(code, i):
            continue
        kind = r.text("kind", i) or "bureau"
        kind = kind if kind in ("bureau", "utility", "supervision", "leadership") else DEPT_KINDS.get(kind)
        if kind is None:
            r.error(i, f"部门类型 {r.text('kind', i)!r} 无法识别", "部门类型无法识别")
            continue
        for key, v in (("code", code), ("name", name), ("short_name", r.text("short_name", i) or name),
                       ("kind", kind)):
            out[key].append(v)
    return out


def categories_rows(layer, m, departments: dict[str, int], findings: Findings) -> dict:
    r = _Rows(layer, m, findings)
    out = {k: [] for k in ("code", "class_code", "class_name", "name", "kind", "department_id",
                           "limit_hours")}
    kinds = {v: k for k, v in KIND_NAMES.items()} | {k: k for k in KINDS}
    defaulted = 0
    for i in range(len(layer)):
        code, name = r.text("code", i), r.text("name", i)
        if not code or not re.fullmatch(r"\d{4}", code.zfill(4) if code.isdigit() else code) or not name:
            r.error(i, f"分类编码应为 4 位数字（2 位大类 + 2 位小类）且有名称：{code!r}", "分类编码或名称不对")
            continue
        code = code.zfill(4)
        if not r.unique(code, i):
            continue
        dept = r.text("department", i)
        dep_id = departments.get(dept or "")
        if dep_id is None:
            r.error(i, f"分类 {code} 的责任部门 {dept!r} 不存在（请先导入部门表）", "责任部门不存在")
            continue
        kind_text = r.text("kind", i)
        defaulted += kind_text is None
        kind = kinds.get(kind_text or "sanitation")
        if kind is None:
            r.error(i, f"诉求类型 {kind_text!r} 无法识别（{'、'.join(KIND_NAMES.values())}）", "诉求类型无法识别")
            continue
        hours = _num(r.get("limit_hours", i))
        for key, v in (("code", code), ("class_code", code[:2]), ("class_name", r.text("class_name", i) or ""),
                       ("name", name), ("kind", kind), ("department_id", dep_id),
                       ("limit_hours", int(hours) if hours and hours > 0 else 24)):
            out[key].append(v)
    if defaulted:
        findings.warn(layer.name, f"{defaulted} 个分类没有诉求类型，按“环境卫生”统计；处置时限缺省 24 工作小时")
    return out
