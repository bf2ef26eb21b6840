"""Malformed historical-case files (≥ 250), for ``cases import``.

Each :class:`Malformed` is a file that must be refused — never imported, never a
traceback or a hang — with a reason matching ``reason`` (a regular expression) at
``line`` (None: the file as a whole).  Used by tests/app/test_cases_import_malformed.py
(in process) and tests/soak/import_malformed.py (each through the command line, with
a time limit).

Families: the file itself (missing, directory, FIFO, device, socket, unreadable,
empty, not UTF-8), CSV structure, JSON structure, and every field's bad values —
each bad value once per format that can carry it (CSV, JSON array, JSON Lines),
after one good record, so its line is known.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

GOOD = {"id": "M-GOOD", "category": "0602", "source": "app", "grid": "12010600100101",
        "reported_at": "2025-03-03T09:00"}
ALL = ("csv", "json", "jsonl")
JSON = ("json", "jsonl")
#: the first line of the bad record, after the header (CSV) or "[" (JSON array)
BAD_LINE = {"csv": 3, "json": 3, "jsonl": 2}


@dataclass
class Malformed:
    name: str
    path: Path
    reason: str  # a regular expression the refusal must match
    line: int | None


@dataclass
class Place:
    """Where the good record is, and places that disagree with it."""

    grid: str = "12010600100101"
    street: str = "120106001"
    community: str = "120106001001"
    lon: float = 0.0
    lat: float = 0.0
    other_street: str = "120106002"
    other_grid: str = ""  # a grid of another street
    existing_code: str = ""  # a case the district has


def district_place(store) -> Place:
    lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE code = ?",
                          [Place.grid])[0]
    other = store.scalar("SELECT g.code FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
                         "JOIN grid_units s ON s.id = c.parent_id WHERE g.level = 4 "
                         "AND s.code = ? ORDER BY g.code LIMIT 1", [Place.other_street])
    code = store.scalar("SELECT code FROM cases ORDER BY id LIMIT 1")
    return Place(lon=lon, lat=lat, other_grid=other, existing_code=code)


def _value_cases(p: Place) -> list[tuple[str, dict, str, tuple[str, ...]]]:
    """(name, changes to the good record, reason, formats); a change to None removes
    the field; JSON-only changes hold what CSV cannot say (numbers, objects …)."""
    deep: object = "x"
    for _ in range(50):
        deep = {"a": deep}
    v = [
        # id
        ("id-missing", {"id": None}, "缺少 id|id 是空白", ALL),
        ("id-spaces", {"id": "   "}, "id 是空白", ALL),
        ("id-ideographic-spaces", {"id": "\u3000\u3000"}, "id 是空白", ALL),
        ("id-tab", {"id": "\t"}, "id 是空白", ALL),
        ("id-bell", {"id": "A\x07B"}, "id 含有控制字符.*U\\+0007", ALL),
        ("id-escape", {"id": "A\x1b[31mB"}, "id 含有控制字符.*U\\+001B", ALL),
        ("id-newline", {"id": "A\nB"}, "id 含有控制字符", ALL),
        ("id-carriage-return", {"id": "A\rB"}, "id 含有控制字符", ALL),
        ("id-nul", {"id": "A\x00B"}, "id 含有控制字符.*U\\+0000", ALL),
        ("id-delete", {"id": "A\x7fB"}, "id 含有控制字符", ALL),
        ("id-next-line", {"id": "A\x85B"}, "id 含有控制字符", ALL),
        ("id-zero-width", {"id": "A\u200bB"}, "id 含有控制字符或不可见字符.*U\\+200B", ALL),
        ("id-right-to-left", {"id": "A\u202eB"}, "U\\+202E", ALL),
        ("id-line-separator", {"id": "A\u2028B"}, "U\\+2028", ALL),
        ("id-bom-inside", {"id": "A\ufeffB"}, "U\\+FEFF", ALL),
        ("id-lone-surrogate", {"id": "A\ud800B"}, "U\\+D800", JSON),
        ("id-too-long", {"id": "X" * 65}, "id 过长（65 个字符", ALL),
        ("id-5000-digits", {"id": "1" * 5000}, "id 过长（5000 个字符", ALL),
        ("id-5000-digit-number", {"id": int("1" * 4000)}, "id 过长", JSON),
        ("id-object", {"id": {"code": "A"}}, "id 须是文本，不能是JSON 对象", JSON),
        ("id-list", {"id": ["A"]}, "id 须是文本，不能是JSON 列表", JSON),
        ("id-true", {"id": True}, "id 须是文本，不能是true/false", JSON),
        ("id-float", {"id": 1.5}, "id 须是文本，不能是数 1.5", JSON),
        ("id-negative", {"id": -5}, "id 须是文本，不能是数 -5", JSON),
        ("id-null", {"id": "__null__"}, "缺少 id", JSON),
        ("id-twice-in-file", {"id": "M-GOOD"}, "案件 M-GOOD 重复出现（第一次在第", ALL),
        ("id-in-district", {"id": p.existing_code}, "在区库中已存在", ALL),
        # category
        ("category-unknown", {"category": "9999"}, "没有“9999”这个案件类别", ALL),
        ("category-number", {"category": 602}, "没有“602”这个案件类别", JSON),
        ("category-list", {"category": ["0602"]}, "category 须是文本", JSON),
        ("category-blank", {"category": "  "}, "缺少 category", ALL),
        ("category-escape", {"category": "06\x1b02"}, "category 含有控制字符", ALL),
        # source
        ("source-unknown", {"source": "pigeon"}, "没有“pigeon”这种案源", ALL),
        ("source-capitals", {"source": "APP"}, "没有“APP”这种案源", ALL),
        ("source-true", {"source": True}, "source 须是文本", JSON),
        ("source-object", {"source": {}}, "source 须是文本，不能是JSON 对象", JSON),
        # place: lon / lat
        ("lon-inf", {"lon": "inf", "lat": "39.1"}, "lon“inf”不是数", ALL),
        ("lon-infinity", {"lon": "-Infinity", "lat": "39.1"}, "lon“-Infinity”不是数", ALL),
        ("lon-nan", {"lon": "nan", "lat": "39.1"}, "lon“nan”不是数", ALL),
        ("lon-1e309", {"lon": "1e309", "lat": "39.1"}, "lon“1e309”超出数值范围", ALL),
        ("lat-minus-1e309", {"lon": "117.1", "lat": "-1e309"}, "lat“-1e309”超出数值范围", ALL),
        ("lon-1e309-number", {"lon": "__raw__1e309", "lat": 39.1}, "lon“1e309”超出数值范围",
         JSON),
        ("lon-underscores", {"lon": "117_150", "lat": "39.1"}, "不是数", ALL),
        ("lon-hex", {"lon": "0x75", "lat": "39.1"}, "不是数", ALL),
        ("lon-comma", {"lon": "117,15", "lat": "39.1"}, "不是数", ALL),
        ("lon-words", {"lon": "east", "lat": "39.1"}, "不是数", ALL),
        ("lon-out-of-range", {"lon": "200", "lat": "39.1"}, "不是经纬度", ALL),
        ("lat-out-of-range", {"lon": "117.1", "lat": "-91"}, "不是经纬度", ALL),
        ("lon-alone", {"lon": "117.1"}, "lon 和 lat 须同时给出", ALL),
        ("lat-alone", {"lat": "39.1"}, "lon 和 lat 须同时给出", ALL),
        ("lon-object", {"lon": {"deg": 117}, "lat": 39.1}, "lon 须是文本", JSON),
        ("lon-true", {"lon": True, "lat": 39.1}, "lon 须是文本", JSON),
        ("lon-4000-digits", {"lon": int("1" * 4000), "lat": 39.1}, "lon 过长", JSON),
        ("point-outside-district", {"grid": None, "lon": "100.0", "lat": "30.0"},
         "不在本区任何网格内", ALL),
        ("point-in-another-grid", {"grid": p.other_grid, "lon": str(p.lon), "lat": str(p.lat)},
         "不在网格", ALL),
        # grid, street, community, department
        ("grid-unknown", {"grid": "12010699999999"}, "没有编码为 12010699999999 的基础网格", ALL),
        ("grid-space-inside", {"grid": "120106 00100101"}, "的基础网格", ALL),
        ("grid-float", {"grid": 1.2010600100101e13}, "grid 须是文本", JSON),
        ("grid-missing", {"grid": None}, "没有位置", ALL),
        ("street-only", {"grid": None, "street": p.street}, "没有位置", ALL),
        ("street-other", {"street": p.other_street}, "不含网格", ALL),
        ("street-unknown", {"street": "999999999"}, "没有编码为 999999999 的街道", ALL),
        ("community-unknown", {"community": "120106001999"}, "的社区", ALL),
        ("department-unknown", {"department": "XX"}, "没有部门代码“XX”", ALL),
        ("department-list", {"department": ["CG"]}, "department 须是文本", JSON),
        # satisfaction
        ("satisfaction-0", _evaluated("0"), "satisfaction“0”须为 1 到 5 的整数", ALL),
        ("satisfaction-6", _evaluated("6"), "须为 1 到 5 的整数", ALL),
        ("satisfaction-half", _evaluated("4.5"), "须为 1 到 5 的整数", ALL),
        ("satisfaction-minus", _evaluated("-1"), "须为 1 到 5 的整数", ALL),
        ("satisfaction-word", _evaluated("five"), "satisfaction“five”不是数", ALL),
        ("satisfaction-inf", _evaluated("inf"), "不是数", ALL),
        ("satisfaction-1e309", _evaluated("1e309"), "超出数值范围", ALL),
        ("satisfaction-true", _evaluated(True), "satisfaction 须是文本", JSON),
        ("satisfaction-list", _evaluated([5]), "satisfaction 须是文本", JSON),
        ("satisfaction-no-evaluation", {"satisfaction": "5"}, "有 satisfaction 却缺少 evaluated_at",
         ALL),
        ("evaluation-no-satisfaction", _evaluated(None), "有 evaluated_at 却缺少 satisfaction",
         ALL),
        # times
        ("reported-missing", {"reported_at": None}, "缺少 reported_at", ALL),
        ("reported-words", {"reported_at": "yesterday"}, "不是 ISO 日期时间", ALL),
        ("reported-us-style", {"reported_at": "03/03/2025 9am"}, "不是 ISO 日期时间", ALL),
        ("reported-feb-30", {"reported_at": "2025-02-30"}, "不是 ISO 日期时间", ALL),
        ("reported-hour-24", {"reported_at": "2025-03-03T24:00"}, "不是 ISO 日期时间", ALL),
        ("reported-leap-second", {"reported_at": "2025-06-30T23:59:60"}, "不是 ISO 日期时间",
         ALL),
        ("reported-2099", {"reported_at": "2099-01-01T00:00"}, "reported_at（2099-01-01 00:00）晚于现在",
         ALL),
        ("reported-offset-in-future", {"reported_at": "2026-11-20T10:00:00-05:00"},
         "reported_at（2026-11-20 23:00）晚于现在", ALL),
        ("reported-1900", {"reported_at": "1900-01-01T00:00"}, "早于 2000 年", ALL),
        ("reported-year-1-offset", {"reported_at": "0001-01-01T00:00+08:00"}, "超出日期范围",
         ALL),
        ("reported-year-9999-offset", {"reported_at": "9999-12-31T23:59:59-12:00"},
         "超出日期范围", ALL),
        ("reported-number", {"reported_at": 20250303}, "reported_at 须是文本，不能是数", JSON),
        ("reported-list", {"reported_at": ["2025-03-03"]}, "reported_at 须是文本", JSON),
        ("reported-too-long", {"reported_at": "2025-03-03T09:00:00" + "0" * 60}, "过长", ALL),
        ("accepted-before-reported", {"accepted_at": "2025-03-03T08:00"},
         "accepted_at 早于 reported_at", ALL),
        ("registered-before-accepted", {"registered_at": "2025-03-02T09:00"},
         "registered_at（2025-03-02 09:00）早于 accepted_at", ALL),
        ("dispatched-without-registered", {"dispatched_at": "2025-03-03T10:00"},
         "有 dispatched_at 却缺少更早的一步 registered_at", ALL),
        ("closed-in-future", {"registered_at": "2025-03-03T09:10",
                              "dispatched_at": "2025-03-03T09:20", "handled_at": "2025-03-04T09:00",
                              "fed_back_at": "2025-03-04T10:00", "verified_at": "2025-03-04T11:00",
                              "closed_at": "2030-01-01T00:00"}, "closed_at（2030-01-01 00:00）晚于现在",
         ALL),
        ("voided-after-dispatch", {"registered_at": "2025-03-03T09:10",
                                   "dispatched_at": "2025-03-03T09:20",
                                   "voided_at": "2025-03-03T10:00"}, "作废的案件不能有派遣", ALL),
        ("voided-before-accepted", {"voided_at": "2025-03-02T10:00"}, "voided_at 早于 accepted_at",
         ALL),
        ("deadline-before-dispatch", {"registered_at": "2025-03-03T09:10",
                                      "dispatched_at": "2025-03-03T09:20",
                                      "deadline_at": "2025-03-03T09:00"}, "deadline_at 早于 dispatched_at",
         ALL),
        ("deadline-years-ahead", {"registered_at": "2025-03-03T09:10",
                                  "dispatched_at": "2025-03-03T09:20",
                                  "deadline_at": "2029-01-01T00:00"}, "比现在晚一年以上", ALL),
        # description
        ("description-too-long", {"description": "很" * 2001}, "description 过长（2001 个字符", ALL),
        ("description-nul", {"description": "路灯\x00不亮"}, "description 含有控制字符", ALL),
        ("description-escape", {"description": "\x1b[2J清屏"}, "description 含有控制字符", ALL),
        ("description-right-to-left", {"description": "abc\u202edef"}, "U\\+202E", ALL),
        ("description-object", {"description": {"text": "x"}}, "description 须是文本", JSON),
        ("description-number", {"description": 5}, "description 须是文本，不能是数", JSON),
        ("description-nested-50", {"description": deep}, "description 须是文本，不能是JSON 对象",
         JSON),
        # fields
        ("field-unknown", {"colour": "red"}, "不认识的字段：“colour”", JSON),
        ("field-control-name", {"id\x07": "x"}, "不认识的字段：“id\\\\u0007”", JSON),
        ("fields-all-blank", {k: " " for k in GOOD}, "id 是空白", ALL),
        ("record-empty", {k: None for k in GOOD}, "缺少 id、category、source、reported_at", JSON),
    ]
    return v


def _evaluated(satisfaction) -> dict:
    return {"registered_at": "2025-03-03T09:10", "dispatched_at": "2025-03-03T09:20",
            "handled_at": "2025-03-04T09:00", "fed_back_at": "2025-03-04T10:00",
            "verified_at": "2025-03-04T11:00", "closed_at": "2025-03-04T12:00",
            "evaluated_at": "2025-03-05T09:00", "satisfaction": satisfaction}


def _record(changes: dict) -> dict:
    rec = dict(GOOD, id="M-BAD")
    for k, v in changes.items():
        if v is None:
            rec.pop(k, None)
        else:
            rec[k] = None if v == "__null__" else v
    return rec


def _json_text(rec: dict) -> str:
    text = json.dumps(rec)
    for v in rec.values():
        if isinstance(v, str) and v.startswith("__raw__"):
            text = text.replace(json.dumps(v), v[len("__raw__"):])
    return text


def _write(path: Path, fmt: str, records: list[dict]) -> None:
    if fmt == "csv":
        names = list(dict.fromkeys(k for r in records for k in r))
        buf = io.StringIO(newline="")
        w = csv.DictWriter(buf, fieldnames=names)  # \r\n: a \r in a value is quoted
        w.writeheader()
        w.writerows(records)
        path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass", newline="")
    elif fmt == "json":
        path.write_text("[\n" + ",\n".join(_json_text(r) for r in records) + "\n]\n",
                        encoding="utf-8")
    else:
        path.write_text("".join(_json_text(r) + "\n" for r in records), encoding="utf-8")


def _csv_can_hold(changes: dict) -> bool:
    return all(v is None or isinstance(v, str) for v in changes.values())


def malformed_files(folder: Path, place: Place) -> list[Malformed]:
    """Write every malformed file into ``folder``; what each must be refused for."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Malformed] = []
    for name, changes, reason, formats in _value_cases(place):
        for fmt in formats:
            if fmt == "csv" and not _csv_can_hold(changes):
                continue
            path = folder / f"value-{name}.{fmt}"
            _write(path, fmt, [GOOD, _record(changes)])
            out.append(Malformed(f"{fmt}/{name}", path, reason, BAD_LINE[fmt]))
    out += _structure(folder)
    out += _special_files(folder)
    return out


def _good_lines(n: int, fmt: str) -> list[str]:
    recs = [dict(GOOD, id=f"M-{i}") for i in range(n)]
    if fmt == "csv":
        return [",".join(GOOD)] + [",".join(r.values()) for r in recs]
    return [json.dumps(r) for r in recs]


def _structure(folder: Path) -> list[Malformed]:
    """Files whose format is broken (CSV, JSON), or that are not UTF-8."""
    out: list[Malformed] = []
    head = ",".join(GOOD)
    row = ",".join(GOOD.values()).replace("M-GOOD", "M-1")
    obj = json.dumps(dict(GOOD, id="M-1"))
    obj2 = json.dumps(dict(GOOD, id="M-2"))

    def add(name: str, data: bytes | str, reason: str, line: int | None, suffix: str) -> None:
        path = folder / f"structure-{name}{suffix}"
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        out.append(Malformed(f"structure/{name}", path, reason, line))

    good3 = "\n".join(_good_lines(3, "csv")) + "\n"
    # CSV
    add("csv-unknown-column", head + ",colour\n" + row + ",red\n", "不认识的列：colour", 1, ".csv")
    add("csv-semicolons", head.replace(",", ";") + "\n", "不认识的列", 1, ".csv")
    add("csv-column-twice", head + ",id\n" + row + ",X\n", "表头中的列重复：id", 1, ".csv")
    add("csv-extra-field", good3 + row.replace("M-1", "M-9") + ",extra\n", "字段数多于表头的列数", 5,
        ".csv")
    add("csv-unclosed-quote", good3 + '"M-9,0602,app\n' + row + "\n", "引号没有闭合", 5, ".csv")
    add("csv-quote-then-text", good3 + '"M-9"x,0602,app,12010600100101,2025-03-03\n',
        "引号用法有误", 5, ".csv")
    add("csv-field-over-limit", good3 + '"' + "x" * 140_000 + '",0602\n', "CSV 字段过长", 5, ".csv")
    add("csv-line-over-1mb", good3 + "y" * 1_100_000 + "\n", "这一行超过|CSV 字段过长", 5, ".csv")
    add("csv-header-only", head + "\n", "文件中没有案件", 1, ".csv")
    add("csv-empty", "", "空文件：没有表头行", 1, ".csv")
    add("csv-blank-lines", "\n\n\n", "空文件：没有表头行", 1, ".csv")
    add("csv-bom-only", b"\xef\xbb\xbf", "空文件：没有表头行", 1, ".csv")
    add("csv-value-without-column", head + ",\n" + row + ",stray\n", "不认识的字段：“”", 2, ".csv")
    add("csv-utf16", (head + "\n" + row + "\n").encode("utf-16"), "不是 UTF-8", 1, ".csv")
    add("csv-gbk", (head + ",description\n" + row + ",路灯不亮\n").encode("gbk"), "不是 UTF-8", 2,
        ".csv")
    add("csv-latin1", (head + ",description\n" + row + ",café\n").encode("latin-1"), "不是 UTF-8",
        2, ".csv")
    add("csv-bad-byte-line-5", good3.encode() + b"M-\xff,0602\n", "不是 UTF-8", 5, ".csv")
    add("csv-cut-character", good3.encode() + "M-路".encode()[:-1], "不是 UTF-8", 5, ".csv")
    add("csv-binary", bytes(range(256)) * 4, "不是 UTF-8", 2, ".csv")  # a \n at 0x0a
    # JSON arrays
    arr = "[\n" + obj + ",\n" + obj2
    add("json-no-closing-bracket", arr + "\n", "没有结尾的 ]", 3, ".json")
    add("json-cut-mid-record", arr[:-20], "不是有效的 JSON|没有结尾", 3, ".json")
    add("json-garbage-after", arr + "\n]\ngarbage\n", "JSON 数组结束后还有内容", 5, ".json")
    add("json-two-arrays", arr + "\n]\n[" + obj.replace("M-1", "M-3") + "]\n",
        "JSON 数组结束后还有内容（只能有一个数组）", 5, ".json")
    add("json-trailing-comma", arr + ",\n]\n", "逗号之后缺少案件", 4, ".json")
    add("json-double-comma", "[\n" + obj + ",,\n" + obj2 + "\n]\n", "不是有效的 JSON", 2,
        ".json")
    add("json-leading-comma", "[,\n" + obj + "\n]\n", "不是有效的 JSON", 1, ".json")
    add("json-missing-comma", "[\n" + obj + "\n" + obj2 + "\n]\n", "须有逗号", 3, ".json")
    for lit in ("NaN", "Infinity", "-Infinity"):
        add(f"json-{lit.lower()}", "[\n" + obj.replace('"app"', lit) + "\n]\n",
            f"JSON 不允许 {lit}", 2, ".json")
    add("json-nesting-100000", "[" + "[" * 100_000 + "]" * 100_000 + "]", "嵌套过深", 1, ".json")
    add("json-record-nesting-100000", "[\n" + '{"id":' + "[" * 100_000 + "]" * 100_000 + "}\n]",
        "嵌套过深", 2, ".json")
    add("json-element-number", "[\n" + obj + ",\n42\n]\n", "每件案件须是一个 JSON 对象", 3, ".json")
    add("json-element-string", "[\n" + obj + ',\n"M-2"\n]\n', "每件案件须是一个 JSON 对象", 3,
        ".json")
    add("json-element-null", "[\n" + obj + ",\nnull\n]\n", "每件案件须是一个 JSON 对象", 3, ".json")
    add("json-element-list", "[\n" + obj + ",\n[" + obj2 + "]\n]\n", "每件案件须是一个 JSON 对象",
        3, ".json")
    add("json-top-string", '"cases"\n', "每件案件须是一个 JSON 对象", 1, ".json")
    add("json-top-number", "42\n", "每件案件须是一个 JSON 对象", 1, ".json")
    add("json-pretty-object", json.dumps(GOOD, indent=2), "不是有效的 JSON", 1, ".json")
    add("json-comment", "[\n// history\n" + obj + "\n]\n", "不是有效的 JSON", 2, ".json")
    add("json-single-quotes", "[\n" + obj.replace('"', "'") + "\n]\n", "不是有效的 JSON", 2,
        ".json")
    add("json-bad-escape", "[\n" + obj.replace("M-1", "M-\\x41") + "\n]\n", "无效的转义", 2,
        ".json")
    add("json-raw-tab-in-text", "[\n" + obj.replace("M-1", "M-\t1") + "\n]\n",
        "未转义的控制字符", 2, ".json")
    add("json-key-twice", "[\n" + obj[:-1] + ', "id": "M-X"}\n]\n', "字段 id 出现了两次", 2, ".json")
    add("json-record-over-1mb", "[\n" + obj + ",\n" + obj2[:-1] + ', "description": "'
        + "长" * 1_100_000 + '"}\n]\n', "一件案件超过 1000000 个字符|description 过长", 3, ".json")
    add("json-empty-array", "[]\n", "文件中没有案件", 1, ".json")
    add("json-whitespace", "  \n\n", "文件中没有案件", 1, ".json")
    add("json-empty-objects", "[{}]\n", "缺少 id", 1, ".json")
    add("json-bad-byte-line-4", ("[\n" + obj + ",\n" + obj2 + ",\n").encode() + b'{"id": "\xc3\x28"}]',
        "不是 UTF-8", 4, ".json")
    add("json-utf16", ("[" + obj + "]").encode("utf-16"), "不是 UTF-8", 1, ".json")
    add("json-gzip-bytes", b"\x1f\x8b\x08\x00" + bytes(range(200)), "不是 UTF-8", 1, ".json")
    big = "[\n" + ",\n".join(obj.replace("M-1", f"M-{i}") for i in range(20_000))
    add("json-20000-then-bad", big + ",\n" + obj.replace('"0602"', '"9999"') + "\n]\n",
        "这个案件类别", 20_002, ".json")
    add("json-one-line-array-bad-last", "[" + ",".join(
        obj.replace("M-1", f"M-{i}") for i in range(5000)) + ",{]", "不是有效的 JSON", 1, ".json")
    # JSON Lines
    add("jsonl-two-objects-a-line", obj + " " + obj2 + "\n", "一行只能有一个 JSON 对象", 1,
        ".jsonl")
    add("jsonl-garbage-line", obj + "\nnot json\n" + obj2 + "\n", "不是有效的 JSON", 2, ".jsonl")
    add("jsonl-array-line", obj + "\n[" + obj2 + "]\n", "每件案件须是一个 JSON 对象", 2, ".jsonl")
    add("jsonl-line-over-1mb", obj + "\n" + obj2[:-1] + ', "description": "' + "x" * 1_100_000
        + '"}\n', "这一行超过 1000000 个字符", 2, ".jsonl")
    add("jsonl-separator-in-text", obj + "\n" + obj2.replace("M-2", "M-\u20282") + "\n"
        + obj.replace("M-1", "M-3").replace('"0602"', '"9999"') + "\n", "U\\+2028", 2, ".jsonl")
    add("jsonl-cut-last-line", obj + "\n" + obj2[:-5], "不是有效的 JSON", 2, ".jsonl")
    add("jsonl-bad-byte-line-3", (obj + "\n" + obj2 + "\n").encode() + b'{"id": "\xff"}\n',
        "不是 UTF-8", 3, ".jsonl")
    return out


def _special_files(folder: Path) -> list[Malformed]:
    """Paths that are no readable regular file."""
    out = []
    missing = folder / "special-missing.csv"
    out.append(Malformed("special/missing", missing, "没有这个文件", None))
    d = folder / "special-directory.csv"
    d.mkdir(exist_ok=True)
    out.append(Malformed("special/directory", d, "是一个目录，不是普通文件", None))
    fifo = folder / "special-fifo.csv"
    if not fifo.exists():
        os.mkfifo(fifo)
    out.append(Malformed("special/fifo", fifo, "是命名管道，不是普通文件", None))
    out.append(Malformed("special/device", Path("/dev/zero"), "是字符设备，不是普通文件", None))
    sock_path = folder / "special-socket.csv"
    if not sock_path.exists():
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(sock_path))
    out.append(Malformed("special/socket", sock_path, "无法打开（ENXIO）|是套接字", None))
    # a regular file the kernel refuses to read (EIO), readable to root too
    out.append(Malformed("special/unreadable", Path("/proc/self/mem"), "读取失败（EIO）", None))
    loop = folder / "special-loop.csv"
    if not loop.is_symlink():
        loop.symlink_to(loop.name)
    out.append(Malformed("special/symlink-loop", loop, "无法打开（ELOOP）", None))
    dangling = folder / "special-dangling.csv"
    if not dangling.is_symlink():
        dangling.symlink_to("nowhere.csv")
    out.append(Malformed("special/dangling-symlink", dangling, "没有这个文件", None))
    file = folder / "special-plain.txt"
    file.write_text("x")
    out.append(Malformed("special/not-a-directory", file / "cases.csv", "无法打开（ENOTDIR）",
                         None))
    odd = Path(os.fsdecode(bytes(folder) + b"/special-\xff\xfe-name.csv"))
    odd.write_bytes(b"id,colour\n")
    out.append(Malformed("special/non-utf8-name", odd, "不认识的列：colour", 1))
    return out
