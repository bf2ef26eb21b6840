"""Checking imported case records (历史案件核对), one at a time, into compact columns.

:class:`CaseChecker` takes each (line, record) as the file is read: a good record is
appended to :class:`CaseRows`, a bad one adds a :class:`Problems` entry with its
line and reason.  What needs every record at once is done by
:meth:`CaseChecker.finish` after the reading, in arrays: codes already in the
district or given twice, point-in-polygon placement, street and community agreement,
default deadlines.  Field meanings: app/appraisal/case_import.py.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.appraisal.import_deadlines import add_work_hours
from app.appraisal.import_files import BadRecord
from app.appraisal.import_places import GridPlaces
from app.appraisal.import_rows import (
    COLUMNS,
    NO_TIME,
    REQUIRED,
    STEP_COLUMNS,
    TIME_COLUMNS,
    CaseRows,
    Problems,
    codes_taken,
)
from app.appraisal.import_values import (
    MAX_FIELD,
    JsonNumber,
    TimeReader,
    as_text,
    clean_text,
    has_hidden_characters,
    kind_of,
    number,
    shown,
)
from app.domain.sources import SOURCES
from app.domain.worktime import DEFAULT_CALENDAR

_COLUMN_SET = frozenset(COLUMNS)
_CODES = frozenset(("id", "category", "source", "grid", "street", "community", "department"))
_NUMBERS = frozenset(("lon", "lat", "satisfaction"))
_LEVEL_NAMES = {"street": "街道", "community": "社区"}
NAN = float("nan")
_NO_TIMES = (NO_TIME,) * len(TIME_COLUMNS)


class CaseChecker:
    """Checks records against the district (categories, departments, grids, cases
    already there) and the moment of the import."""

    def __init__(self, store, *, zone, now: datetime):
        self.store = store
        cats = store.rows("SELECT code, department_id, limit_hours, name FROM categories "
                          "ORDER BY code")
        # code: (index, department, time limit)
        self.categories = {str(r[0]): (i, int(r[1]), float(r[2])) for i, r in enumerate(cats)}
        self.departments = {str(k): int(v) for k, v in
                            store.rows("SELECT code, id FROM departments")}
        self.places = GridPlaces(store)
        self.sources = {s: i for i, s in enumerate(SOURCES)}
        self.time = TimeReader(zone, now, TIME_COLUMNS)
        self.rows = CaseRows([str(r[0]) for r in cats], [f"{r[3]}（历史导入）" for r in cats],
                             SOURCES)
        self.problems = Problems()

    def check(self, line: int, record: dict | BadRecord) -> None:
        """Append the record's case, or note why it was refused."""
        try:
            self._check(line, record)
        except ValueError as exc:
            self.problems.add(line, str(exc))

    def _fields(self, record: dict) -> dict[str, str]:
        """The record's non-blank fields, each text (JSON numbers as written)."""
        if not _COLUMN_SET.issuperset(record):
            unknown = [k for k in record if k not in _COLUMN_SET]
            raise ValueError("不认识的字段：" + "、".join(f"“{shown(k)}”" for k in unknown[:5])
                             + ("…" if len(unknown) > 5 else ""))
        fields = {}
        for k, v in record.items():
            if v.__class__ is str and len(v) <= MAX_FIELD:  # the common case, quickly
                # (exactly str: a JSON number is a str too, see below)
                v = v.strip()
            elif v is None:
                continue
            elif isinstance(v, JsonNumber):  # as written; a code only with digits alone
                if len(v) > MAX_FIELD:
                    raise ValueError(f"{k} 过长（{len(v)} 个字符，最多 {MAX_FIELD} 个）")
                if k in _CODES and v.isdigit():
                    v = str(v)
                elif k not in _NUMBERS:
                    raise ValueError(f"{k} 须是文本，不能是{kind_of(v)}")
            else:
                v = clean_text(v, k, multiline=k == "description")
            if v:
                fields[k] = v
            elif k == "id":
                raise ValueError("id 是空白")
        # control or invisible characters: one search over all the values at once
        description = fields.pop("description", None)
        if has_hidden_characters("".join(fields.values())):
            for k, v in fields.items():
                clean_text(v, k)
        if description is not None:
            fields["description"] = clean_text(description, "description", multiline=True)
        return fields

    def _check(self, line: int, record: dict | BadRecord) -> None:
        if isinstance(record, BadRecord):
            raise ValueError(record.reason)
        rec = self._fields(record)
        missing = [k for k in REQUIRED if k not in rec]
        if missing:
            raise ValueError(f"缺少 {'、'.join(missing)}")
        category = self.categories.get(rec["category"])
        if category is None:
            raise ValueError(f"没有“{shown(rec['category'])}”这个案件类别")
        source = self.sources.get(rec["source"])
        if source is None:
            raise ValueError(f"没有“{shown(rec['source'])}”这种案源；可选：{'、'.join(SOURCES)}")
        cat, dept_id, limit_hours = category
        if "department" in rec:
            dept_id = self.departments.get(rec["department"].upper())
            if dept_id is None:
                raise ValueError(f"没有部门代码“{shown(rec['department'])}”")
        times = self._times(rec)
        sat = 0
        if "satisfaction" in rec:
            s = number(rec["satisfaction"], "satisfaction")
            if s != int(s) or not 1 <= s <= 5:
                raise ValueError(f"satisfaction“{shown(rec['satisfaction'])}”须为 1 到 5 的整数")
            if "evaluated_at" not in times:
                raise ValueError("有 satisfaction 却缺少 evaluated_at")
            sat = int(s)
        elif "evaluated_at" in times:
            raise ValueError("有 evaluated_at 却缺少 satisfaction（1 到 5）")
        grid, lon, lat = self._place(rec)
        r = self.rows
        if "street" in rec or "community" in rec:
            r.places[len(r)] = (rec.get("street"), rec.get("community"))
        r.line.append(line)
        r.code.append(rec["id"])
        r.category.append(cat)
        r.source.append(source)
        r.department.append(dept_id)
        r.description.append(rec.get("description", ""))
        r.grid.append(grid)
        r.lon.append(lon)
        r.lat.append(lat)
        r.times.extend(map(times.get, TIME_COLUMNS, _NO_TIMES))
        r.limit_hours.append(limit_hours if "dispatched_at" in times
                             and "deadline_at" not in times else NAN)
        r.satisfaction.append(sat)

    def _times(self, rec: dict[str, str]) -> dict[str, int]:
        """The record's times (µs), in the loop's order (a dispatched case's default
        deadline comes later, see place())."""
        times = self.time.read(rec)
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
                raise ValueError(f"{col}（{as_text(times[col])}）早于 "
                                 f"{last}（{as_text(times[last])}）")
            last = col
        if "voided_at" in times:
            if "dispatched_at" in times:
                raise ValueError("作废的案件不能有派遣")
            if times["voided_at"] < times[last]:
                raise ValueError(f"voided_at 早于 {last}")
        if "deadline_at" in times and "dispatched_at" in times \
                and times["deadline_at"] < times["dispatched_at"]:
            raise ValueError("deadline_at 早于 dispatched_at")
        return times

    def _place(self, rec: dict[str, str]) -> tuple[int, float, float]:
        """(grid index or -1 to be found from the point, lon, lat or NaN)."""
        lon = lat = float("nan")
        if ("lon" in rec) != ("lat" in rec):
            raise ValueError("lon 和 lat 须同时给出")
        if "lon" in rec:
            lon, lat = number(rec["lon"], "lon"), number(rec["lat"], "lat")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError(f"（{lon}, {lat}）不是经纬度")
        grid = -1
        if "grid" in rec:
            grid = self.places.by_code.get(rec["grid"], -1)
            if grid < 0:
                raise ValueError(f"没有编码为 {shown(rec['grid'])} 的基础网格")
        elif "lon" not in rec:
            raise ValueError("没有位置：请给出网格编码或经纬度（仅有街道或社区编码定位不到网格）")
        for key, known in (("street", self.places.street_codes),
                           ("community", self.places.community_codes)):
            if key in rec and rec[key] not in known:
                raise ValueError(f"没有编码为 {shown(rec[key])} 的{_LEVEL_NAMES[key]}")
        return grid, lon, lat

    def finish(self) -> None:
        """What needs all the records: the codes, the places, the default deadlines."""
        if len(self.rows):
            self._codes()
            self._place_all()
            self._default_deadlines()
            pa.default_memory_pool().release_unused()  # Arrow's pool keeps what it freed

    def _codes(self) -> None:
        """Refuse a code the district has, or one the file gives twice."""
        r = self.rows
        codes = r.code.arrow()
        for i in codes_taken(self.store, codes).tolist():
            self.problems.add(r.line[i], f"案件 {codes[i].as_py()} 在区库中已存在")
        # repeats found by a stable sort (a hash of every code would cost more)
        order = pc.sort_indices(codes).to_numpy()
        ordered = codes.take(order)
        repeat = np.zeros(len(order), bool)
        repeat[1:] = pc.equal(ordered.slice(1), ordered.slice(0, len(order) - 1)).to_numpy(
            zero_copy_only=False)
        del ordered
        first = order[np.maximum.accumulate(np.where(repeat, 0, np.arange(len(order))))]
        again, first = order[repeat], first[repeat]  # row, the row of its first time
        for k in np.argsort(again).tolist():
            i = int(again[k])
            self.problems.add(r.line[i], f"案件 {codes[i].as_py()} 重复出现"
                                         f"（第一次在第 {r.line[int(first[k])]} 行）")

    def _place_all(self) -> None:
        """Find the grid of every case given by its point, check that a given grid,
        street or community agrees with it, give the cases placed by grid code the
        grid's label point."""
        r, places = self.rows, self.places
        grid, lon, lat = r.numbers("grid"), r.numbers("lon"), r.numbers("lat")
        has_point = ~np.isnan(lon)
        idx = np.flatnonzero(has_point)
        found = places.locate(lon[idx], lat[idx])
        for i, g in zip(idx.tolist(), found.tolist(), strict=True):
            if g < 0:
                self.problems.add(r.line[i], f"（{lon[i]:.6f}, {lat[i]:.6f}）不在本区任何网格内")
            elif grid[i] >= 0 and grid[i] != g:
                self.problems.add(r.line[i], f"（{lon[i]:.6f}, {lat[i]:.6f}）位于网格 "
                                             f"{places.codes[g]}，不在网格 "
                                             f"{places.codes[grid[i]]} 内")
            else:
                grid[i] = g
        for i, (street, community) in r.places.items():
            g = int(grid[i])
            if g < 0:
                continue  # refused above
            for key, given, actual in (("street", street, places.street[g]),
                                       ("community", community, places.community[g])):
                if given is not None and given != actual:
                    self.problems.add(r.line[i], f"{_LEVEL_NAMES[key]} {given} 不含网格 "
                                                 f"{places.codes[g]}（该网格的{_LEVEL_NAMES[key]}"
                                                 f"编码是 {actual}）")
        by_code = ~has_point & (grid >= 0)
        lon[by_code] = places.label_lon[grid[by_code]]
        lat[by_code] = places.label_lat[grid[by_code]]

    def _default_deadlines(self) -> None:
        """A dispatched case without a deadline: its category's time limit in working
        hours after the dispatch."""
        r = self.rows
        hours = r.numbers("limit_hours")
        due = np.flatnonzero(~np.isnan(hours))
        if len(due):
            r.time_array("deadline_at")[due] = add_work_hours(
                DEFAULT_CALENDAR, r.time_array("dispatched_at")[due], hours[due])
