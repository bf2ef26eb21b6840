"""Import historical cases (历史案件导入) from CSV or JSON, all or nothing.

One record per case:

* ``id`` — the case's code in the source system (becomes ``cases.code``; unique)
* ``category`` — category code (2-digit class + 2-digit subclass, e.g. 0101)
* ``source`` — public, patrol, hotline, app, instruction, petition or sensor
* the place: ``grid`` (base-grid code) and/or ``lon``/``lat`` (CGCS2000/WGS 84 degrees;
  the grid is found by point-in-polygon); ``street``/``community`` codes, when given,
  must agree with the grid.  A street or community code alone does not say which grid.
* ``department`` — responsible department code (default: the category's department)
* the time of each loop step that happened (ISO date-times): ``reported_at``
  (required), ``accepted_at`` (default: reported_at), ``registered_at``,
  ``dispatched_at``, ``handled_at``, ``fed_back_at``, ``verified_at``, ``closed_at``,
  ``evaluated_at`` — or ``voided_at`` for a case voided after acceptance
* ``deadline_at`` (default for a dispatched case: the category's time limit in working
  hours after dispatch), ``satisfaction`` (1-5, with evaluated_at), ``description``

Every bad record is reported with its line number and the reason, and then nothing
is written; a good file is written in one transaction with one ``case_transitions``
row per step (the workflow's actions, from/to statuses), so the indicators see the
imported cases exactly like cases handled in GridCC.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import shapely

from app.domain.sources import SOURCES
from app.domain.worktime import DEFAULT_CALENDAR
from app.geo.wkb import geoms_from_wkb

#: loop steps in order: (timestamp column, action, from status, to status)
STEPS = (
    ("accepted_at", "accept", None, "accepted"),
    ("registered_at", "register", "accepted", "registered"),
    ("dispatched_at", "dispatch", "registered", "dispatched"),
    ("handled_at", "handle", "dispatched", "handled"),
    ("fed_back_at", "feed_back", "handled", "fed_back"),
    ("verified_at", "verify", "fed_back", "verified"),
    ("closed_at", "close", "verified", "closed"),
    ("evaluated_at", "evaluate", "closed", "evaluated"),
)
STEP_COLUMNS = [s[0] for s in STEPS]
COLUMNS = ("id", "category", "source", "grid", "street", "community", "lon", "lat",
           "department", "description", "reported_at", *STEP_COLUMNS, "voided_at",
           "deadline_at", "satisfaction")
REQUIRED = ("id", "category", "source", "reported_at")
_LEVEL_NAMES = {"street": "街道", "community": "社区"}


class CaseImportError(ValueError):
    """The file was refused; ``problems`` lists (line, reason) for every bad record (a
    refusal shared by many records once, at its first line); ``records``: how many
    records were bad."""

    def __init__(self, path: str, problems: list[tuple[int, str]], records: int | None = None):
        self.problems = problems
        self.records = len(problems) if records is None else records
        lines = [f"{path}:{line}: {reason}" for line, reason in problems]
        super().__init__(f"{self.records} 条记录有误，未导入任何案件：\n" + "\n".join(lines))


def _said_once(reason: str, lines: list[int]) -> str:
    """A refusal for many records: the reason once, with how many and which lines."""
    if len(lines) == 1:
        return reason
    shown = "、".join(str(n) for n in lines[:10]) + ("…" if len(lines) > 10 else "")
    return f"{reason}（共 {len(lines)} 条记录，第 {shown} 行）"


@dataclass
class ImportResult:
    cases: int
    transitions: int
    first_id: int | None


def read_records(path: Path) -> list[tuple[int, dict]]:
    """(line number, record) of every case in a CSV or JSON (array or JSON Lines) file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CaseImportError(str(path), [(0, "没有这个文件")]) from None
    except UnicodeDecodeError:
        raise CaseImportError(str(path), [(0, "不是 UTF-8 编码的文本")]) from None
    if path.suffix.lower() in (".json", ".jsonl") or text.lstrip()[:1] in ("[", "{"):
        return _json_records(text, str(path))
    reader = csv.DictReader(io.StringIO(text))
    unknown = [c for c in (reader.fieldnames or []) if c and c.strip() not in COLUMNS]
    if not reader.fieldnames:
        raise CaseImportError(str(path), [(1, "空文件：没有表头行")])
    if unknown:
        raise CaseImportError(str(path), [(1, f"不认识的列：{'、'.join(unknown)}；"
                                              f"可用的列：{'、'.join(COLUMNS)}")])
    out = []
    line = reader.line_num
    for rec in reader:
        start = line + 1
        line = reader.line_num
        if None in rec:
            out.append((start, {"__error__": "字段数多于表头的列数"}))
            continue
        out.append((start, {k.strip(): (v.strip() if isinstance(v, str) else v)
                            for k, v in rec.items() if v not in (None, "")}))
    return out


def _json_records(text: str, path: str) -> list[tuple[int, dict]]:
    dec = json.JSONDecoder()
    out = []
    s = text.strip()
    pos = len(text) - len(text.lstrip())
    try:
        if s.startswith("["):
            pos += 1
            while True:
                while pos < len(text) and text[pos] in " \t\r\n,":
                    pos += 1
                if pos >= len(text) or text[pos] == "]":
                    break
                obj, end = dec.raw_decode(text, pos)
                out.append((text.count("\n", 0, pos) + 1, obj))
                pos = end
        else:  # JSON Lines
            for n, ln in enumerate(text.splitlines(), 1):
                if ln.strip():
                    out.append((n, json.loads(ln)))
    except json.JSONDecodeError as exc:
        raise CaseImportError(path, [(exc.lineno, f"不是有效的 JSON（第 {exc.colno} 列）")]) from None
    for line, obj in out:
        if not isinstance(obj, dict):
            raise CaseImportError(path, [(line, "每件案件须是一个 JSON 对象")])
    return [(line, {k: v for k, v in obj.items() if v not in (None, "")}) for line, obj in out]


def _time(value, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        t = datetime.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"{name}“{value}”不是 ISO 日期时间"
                         f"（例如 2026-10-08T09:30 或 2026-10-08 09:30:00）") from None
    return t.replace(tzinfo=None)


class _Places:
    """Grids, communities and streets of the district, with point-in-polygon lookup."""

    def __init__(self, store):
        rows = store.rows("SELECT g.id, g.code, g.label_lon, g.label_lat, cm.code, s.code, g.geom "
                          "FROM grid_units g JOIN grid_units cm ON cm.id = g.parent_id "
                          "JOIN grid_units s ON s.id = cm.parent_id WHERE g.level = 4")
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.by_code = {r[1]: i for i, r in enumerate(rows)}
        self.label = [(r[2], r[3]) for r in rows]
        self.community = [r[4] for r in rows]
        self.street = [r[5] for r in rows]
        self.codes = [r[1] for r in rows]
        self.tree = shapely.STRtree(geoms_from_wkb([r[6] for r in rows])) if rows else None
        self.community_codes = {r[0] for r in store.rows(
            "SELECT code FROM grid_units WHERE level = 3")}
        self.street_codes = {r[0] for r in store.rows("SELECT code FROM grid_units WHERE level = 2")}

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the grid containing each point (-1 outside the district)."""
        out = np.full(len(lon), -1, dtype=np.int64)
        if self.tree is None or not len(lon):
            return out
        pts = shapely.points(lon, lat)
        pi, gi = self.tree.query(pts, predicate="within")
        out[pi] = gi
        # a point exactly on a shared border: take the first grid that covers it
        missing = np.flatnonzero(out < 0)
        if len(missing):
            pi, gi = self.tree.query(pts[missing], predicate="covered_by")
            for p, g in zip(pi[::-1], gi[::-1], strict=True):
                out[missing[p]] = g
        return out


def _float(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}“{value}”不是数") from None
    if v != v:
        raise ValueError(f"{name} 不是数")
    return v


def validate(store, records: list[tuple[int, dict]], path: str = "input") -> list[dict]:
    """Check every record; the cleaned cases, or CaseImportError listing every bad line."""
    problems: list[tuple[int, str]] = []
    cats = {r[0]: (int(r[1]), float(r[2]), r[3]) for r in store.rows(
        "SELECT code, department_id, limit_hours, name FROM categories")}
    depts = dict(store.rows("SELECT code, id FROM departments"))
    existing = {r[0] for r in store.rows("SELECT code FROM cases")}
    places = _Places(store)
    seen: dict[str, int] = {}
    clean: list[dict] = []
    need_locate: list[int] = []
    for line, rec in records:
        try:
            if "__error__" in rec:
                raise ValueError(rec["__error__"])
            unknown = [k for k in rec if k not in COLUMNS]
            if unknown:
                raise ValueError(f"不认识的字段：{'、'.join(unknown)}")
            missing = [k for k in REQUIRED if k not in rec]
            if missing:
                raise ValueError(f"缺少 {'、'.join(missing)}")
            code = str(rec["id"]).strip()
            if code in existing:
                raise ValueError(f"案件 {code} 在区库中已存在")
            if code in seen:
                raise ValueError(f"案件 {code} 重复出现（第一次在第 {seen[code]} 行）")
            seen[code] = line
            cat = str(rec["category"]).strip()
            if cat not in cats:
                raise ValueError(f"没有“{cat}”这个案件类别")
            source = str(rec["source"]).strip()
            if source not in SOURCES:
                raise ValueError(f"没有“{source}”这种案源；可选：{'、'.join(SOURCES)}")
            dept_code = rec.get("department")
            if dept_code is not None and str(dept_code).strip().upper() not in depts:
                raise ValueError(f"没有部门代码“{dept_code}”")
            dept = depts[str(dept_code).strip().upper()] if dept_code is not None else cats[cat][0]
            times = {"reported_at": _time(rec["reported_at"], "reported_at")}
            for col in (*STEP_COLUMNS, "voided_at", "deadline_at"):
                if col in rec:
                    times[col] = _time(rec[col], col)
            times.setdefault("accepted_at", times["reported_at"])
            if times["accepted_at"] < times["reported_at"]:
                raise ValueError("accepted_at 早于 reported_at")
            last = "accepted_at"
            gap = None
            for col in STEP_COLUMNS[1:]:
                if col not in times:
                    gap = gap or col
                    continue
                if gap:
                    raise ValueError(f"有 {col} 却缺少更早的一步 {gap}")
                if times[col] < times[last]:
                    raise ValueError(f"{col}（{times[col]:%Y-%m-%d %H:%M}）早于 "
                                     f"{last}（{times[last]:%Y-%m-%d %H:%M}）")
                last = col
            if "voided_at" in times:
                if "registered_at" in times and "dispatched_at" in times:
                    raise ValueError("作废的案件不能有派遣")
                if times["voided_at"] < times[last]:
                    raise ValueError(f"voided_at 早于 {last}")
            sat = rec.get("satisfaction")
            if sat is not None:
                s = _float(sat, "satisfaction")
                if s != int(s) or not 1 <= s <= 5:
                    raise ValueError(f"satisfaction“{sat}”须为 1 到 5 的整数")
                if "evaluated_at" not in times:
                    raise ValueError("有 satisfaction 却缺少 evaluated_at")
                sat = int(s)
            elif "evaluated_at" in times:
                raise ValueError("有 evaluated_at 却缺少 satisfaction（1 到 5）")
            if "dispatched_at" in times and "deadline_at" not in times:
                times["deadline_at"] = DEFAULT_CALENDAR.add_work_hours(times["dispatched_at"],
                                                                      cats[cat][1])
            if "deadline_at" in times and "dispatched_at" in times \
                    and times["deadline_at"] < times["dispatched_at"]:
                raise ValueError("deadline_at 早于 dispatched_at")
            lon = lat = None
            if ("lon" in rec) != ("lat" in rec):
                raise ValueError("lon 和 lat 须同时给出")
            if "lon" in rec:
                lon, lat = _float(rec["lon"], "lon"), _float(rec["lat"], "lat")
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError(f"（{lon}, {lat}）不是经纬度")
            grid = None
            if "grid" in rec:
                g = str(rec["grid"]).strip()
                if g not in places.by_code:
                    raise ValueError(f"没有编码为 {g} 的基础网格")
                grid = places.by_code[g]
            elif lon is None:
                raise ValueError("没有位置：请给出网格编码或经纬度（仅有街道或社区编码定位不到网格）")
            for key, known in (("street", places.street_codes),
                               ("community", places.community_codes)):
                if key in rec and str(rec[key]).strip() not in known:
                    raise ValueError(f"没有编码为 {rec[key]} 的{_LEVEL_NAMES[key]}")
            desc = str(rec.get("description") or f"{cats[cat][2]}（历史导入）").strip()
            case = {"line": line, "code": code, "category_code": cat, "source": source,
                    "department_id": int(dept), "description": desc, "grid": grid,
                    "lon": lon, "lat": lat, "times": times, "satisfaction": sat,
                    "street": rec.get("street"), "community": rec.get("community")}
            if lon is not None:
                need_locate.append(len(clean))
            clean.append(case)
        except ValueError as exc:
            problems.append((line, str(exc)))
    if need_locate:
        lon = np.array([clean[i]["lon"] for i in need_locate])
        lat = np.array([clean[i]["lat"] for i in need_locate])
        found = places.locate(lon, lat)
        for i, g in zip(need_locate, found.tolist(), strict=True):
            c = clean[i]
            if g < 0:
                problems.append((c["line"], f"（{c['lon']:.6f}, {c['lat']:.6f}）不在本区任何网格内"))
                c["bad"] = True
            elif c["grid"] is not None and c["grid"] != g:
                problems.append((c["line"], f"（{c['lon']:.6f}, {c['lat']:.6f}）位于网格 "
                                            f"{places.codes[g]}，不在网格 "
                                            f"{places.codes[c['grid']]} 内"))
                c["bad"] = True
            else:
                c["grid"] = g
    for c in clean:
        if c.get("bad"):
            continue
        g = c["grid"]
        for key, actual in (("street", places.street[g]), ("community", places.community[g])):
            if c[key] is not None and str(c[key]).strip() != actual:
                problems.append((c["line"], f"{_LEVEL_NAMES[key]} {c[key]} 不含网格 "
                                            f"{places.codes[g]}（该网格的{_LEVEL_NAMES[key]}"
                                            f"编码是 {actual}）"))
        if c["lon"] is None:
            c["lon"], c["lat"] = places.label[g]
        c["grid_id"] = int(places.ids[g])
    if problems:
        raise CaseImportError(path, sorted(problems))
    return clean


def import_cases(store, user, path: Path, *, at: datetime) -> ImportResult:
    """Validate the whole file, then write every case and its steps in one transaction."""
    from app.audit import append as audit
    from app.auth.permissions import decide
    from app.changes import Change
    from app.store.sequences import next_ids
    from app.workflow.places import PlaceNames, grid_target

    path = Path(path)
    records = read_records(path)
    if not records:
        raise CaseImportError(str(path), [(1, "文件中没有案件")])
    cases = validate(store, records, str(path))
    names = PlaceNames(store)
    refused: dict[str, list[int]] = {}  # reason -> lines: one refusal, said once
    decisions: dict[int, object] = {}  # per grid: the same place, the same answer
    for c in cases:
        d = decisions.get(c["grid_id"])
        if d is None:
            d = decisions[c["grid_id"]] = decide(user.role, user.scope, "case.new",
                                                 grid_target(store, c["grid_id"]), names)
        if not d:
            refused.setdefault(d.reason, []).append(c["line"])
    if refused:
        raise CaseImportError(str(path), [(lines[0], _said_once(reason, lines))
                                          for reason, lines in refused.items()],
                              records=sum(len(v) for v in refused.values()))
    with store.transaction():
        ids = next_ids(store, "case_id", len(cases))
        first = ids[0]
        cols = {k: [] for k in ("id", "code", "category_code", "source", "status", "description",
                                "lon", "lat", "grid_id", "department_id", "reported_at",
                                *STEP_COLUMNS, "deadline_at", "rework_count", "satisfaction")}
        tr = {k: [] for k in ("case_id", "seq", "action", "from_status", "to_status",
                              "occurred_at", "actor_role", "note", "actor_name")}
        for cid, c in zip(ids, cases, strict=True):
            t = c["times"]
            status = None
            seq = 0
            for col, action, src, dst in STEPS:
                if col not in t:
                    continue
                seq += 1
                status = dst
                _step(tr, cid, seq, action, src, dst, t[col], user.username)
            if "voided_at" in t:
                seq += 1
                _step(tr, cid, seq, "void", status, "voided", t["voided_at"], user.username)
                status = "voided"
            cols["id"].append(cid)
            cols["code"].append(c["code"])
            cols["category_code"].append(c["category_code"])
            cols["source"].append(c["source"])
            cols["status"].append(status)
            cols["description"].append(c["description"])
            cols["lon"].append(float(c["lon"]))
            cols["lat"].append(float(c["lat"]))
            cols["grid_id"].append(c["grid_id"])
            cols["department_id"].append(c["department_id"])
            cols["reported_at"].append(t["reported_at"])
            for col in STEP_COLUMNS:
                cols[col].append(t.get(col))
            cols["deadline_at"].append(t.get("deadline_at"))
            cols["rework_count"].append(0)
            cols["satisfaction"].append(c["satisfaction"])
        store.bulk_insert("cases", cols)
        store.bulk_insert("case_transitions", tr)
        audit(store, at=at, username=user.username, role=user.role.value, action="case.import",
              entity="case", entity_id=f"{cases[0]['code']}…{cases[-1]['code']}",
              after={"file": path.name, "cases": len(cases), "transitions": len(tr["case_id"])})
        store.stage_change(Change("case", tuple(ids), "case.import", user.username, at))
    return ImportResult(len(cases), len(tr["case_id"]), first)


def _step(tr, cid, seq, action, src, dst, at, username) -> None:
    tr["case_id"].append(cid)
    tr["seq"].append(seq)
    tr["action"].append(action)
    tr["from_status"].append(src)
    tr["to_status"].append(dst)
    tr["occurred_at"].append(at)
    tr["actor_role"].append("import")
    tr["note"].append("历史导入")
    tr["actor_name"].append(username)
