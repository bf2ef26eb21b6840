"""Reading a case file (历史案件文件) as a stream of records, each with its line.

CSV (a header row, then one case a row), a JSON array of objects, or JSON Lines (one
object a line).  The file is read once, in pieces: memory stays bounded whatever its
size, and line numbers are counted once as the reading goes.  What the format does
not allow ends the reading with :class:`FileRefused` (file-level: no line):
not a regular file, unreadable, not UTF-8 (at the line of the first bad byte), broken
CSV quoting, JSON that is not exactly one array or one object a line, a record longer
than ``MAX_RECORD`` characters, nesting too deep.  A record the reader could read but
that is not a case (a JSON value that is no object, an object with a key twice, a row
with more fields than the header) comes out as a :class:`BadRecord`.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from app.appraisal.import_values import JsonNumber, shown

#: the longest record (a CSV line or a JSON object), in characters
MAX_RECORD = 1_000_000
_CHUNK = 1 << 20
_WS = re.compile(r"[ \t\r\n]*")
_NOT_REGULAR = ((stat.S_ISDIR, "是一个目录"), (stat.S_ISFIFO, "是命名管道"),
                (stat.S_ISSOCK, "是套接字"), (stat.S_ISCHR, "是字符设备"),
                (stat.S_ISBLK, "是块设备"))


class FileRefused(Exception):
    """The file cannot be read as cases; ``line`` None for the file as a whole."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class BadRecord:
    """A record that is no case at all (the reason says why)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def shown_path(path: Path | str) -> str:
    """A file name as messages and the audit trail show it: bytes that are not UTF-8
    as \\xNN, control characters escaped (any name the file system allows)."""
    name = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return shown(name, limit=4096)


def read_records(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict | BadRecord]]:
    """(line, record) of every case in the file at ``path``, in order; a CSV header
    may name only ``columns``."""
    raw = _open_regular(path)
    with raw:
        try:
            head = raw.peek(4096)[:4096]
            start = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")[:1]
            as_json = start in (b"[", b"{") or Path(path).suffix.lower() in (".json", ".jsonl")
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict",
                                    newline="\n" if as_json else "")
            if not as_json:
                yield from _csv_records(text, columns)
            elif start == b"[":
                yield from _json_array(text)
            else:
                yield from _json_lines(text)
        except UnicodeDecodeError:
            raise FileRefused(_first_bad_utf8_line(path), "不是 UTF-8 编码的文本") from None
        except OSError as exc:
            raise FileRefused(None, f"读取失败（{_errno_name(exc)}）") from None


def _open_regular(path: Path) -> io.BufferedReader:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileRefused(None, "没有这个文件") from None
    except PermissionError:
        raise FileRefused(None, "没有读取这个文件的权限") from None
    except OSError as exc:
        raise FileRefused(None, f"无法打开（{_errno_name(exc)}）") from None
    mode = os.fstat(fd).st_mode
    for test, what in _NOT_REGULAR:
        if test(mode):
            os.close(fd)
            raise FileRefused(None, f"{what}，不是普通文件")
    os.set_blocking(fd, True)
    return io.BufferedReader(io.FileIO(fd, "rb"), buffer_size=1 << 16)


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, f"错误 {exc.errno}")


def _first_bad_utf8_line(path: Path) -> int:
    """The line holding the first byte that is not UTF-8 (read again, only on refusal)."""
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    line = 1
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                # the decoder holds back at most 3 bytes of an unfinished character:
                # none of them a newline, so counting in this chunk alone is exact
                return line + chunk[:max(exc.start, 0)].count(b"\n")
            line += chunk.count(b"\n")
    return line


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The lines of ``text``, each refused beyond ``MAX_RECORD`` characters."""
    n = 0
    while line := text.readline(MAX_RECORD + 1):
        n += 1
        if len(line) > MAX_RECORD:
            raise FileRefused(n, f"这一行超过 {MAX_RECORD} 个字符")
        yield line


# -- CSV -------------------------------------------------------------------------------
def _csv_records(text: io.TextIOWrapper,
                 columns: tuple[str, ...]) -> Iterator[tuple[int, dict | BadRecord]]:
    reader = csv.reader(_lines(text), strict=True)
    header: list[str] | None = None
    last = 0  # the line the last row ended on
    try:
        for row in reader:
            start, last = last + 1, reader.line_num
            if not row:
                continue
            if header is None:
                header = _header(row, start, columns)
                unnamed = "" in header
            elif len(row) > len(header):
                yield start, BadRecord("字段数多于表头的列数")
            else:
                rec = dict(zip(header, row, strict=False))  # short rows: blanks
                if unnamed and not rec.get("", "x").strip():
                    del rec[""]  # a column without a name (a trailing comma), blank
                yield start, rec
    except csv.Error as exc:
        raise FileRefused(last + 1, _csv_reason(str(exc))) from None
    if header is None:
        raise FileRefused(1, "空文件：没有表头行")


def _header(row: list[str], line: int, columns: tuple[str, ...]) -> list[str]:
    names = [c.strip() for c in row]
    unknown = [n for n in names if n and n not in columns]
    if unknown:
        raise FileRefused(line, f"不认识的列：{'、'.join(shown(n) for n in unknown[:5])}；"
                                f"可用的列：{'、'.join(columns)}")
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise FileRefused(line, f"表头中的列重复：{'、'.join(shown(n) for n in twice)}")
    return names


def _csv_reason(message: str) -> str:
    if "field larger than field limit" in message:
        return f"CSV 字段过长（超过 {csv.field_size_limit()} 个字符）"
    if "end of data" in message or "unexpected end" in message:
        return "CSV 引号没有闭合（直到文件末尾）"
    if "NUL" in message:
        return "CSV 中有空字符（NUL）"
    return "CSV 引号用法有误（引号内的引号须写两次，字段须整体加引号）"


# -- JSON ------------------------------------------------------------------------------
def _refuse_constant(name: str):
    raise _NotFinite(name)


class _NotFinite(ValueError):
    pass


class _KeyTwice(dict):
    """A JSON object that names a key twice (JSON keeps only the last: ambiguous)."""

    key = ""


def _object(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = _KeyTwice(obj)
        twice.key = next(k for k, _ in pairs if k in seen or seen.add(k))
        return twice
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_float=JsonNumber,
                            parse_int=JsonNumber, parse_constant=_refuse_constant)


def _as_record(obj: object) -> dict | BadRecord:
    if isinstance(obj, _KeyTwice):
        return BadRecord(f"字段 {shown(obj.key)} 出现了两次")
    if not isinstance(obj, dict):
        return BadRecord("每件案件须是一个 JSON 对象")
    return obj


_JSON_ERRORS = (("Expecting ',' delimiter", "缺少逗号"), ("Expecting ':' delimiter", "缺少冒号"),
                ("Expecting property name", "字段名须是双引号中的文本"),
                ("Expecting value", "缺少值或值无效"), ("Unterminated string", "文本缺少结尾的引号"),
                ("Invalid control character", "文本中有未转义的控制字符"),
                ("Invalid \\escape", "无效的转义"), ("Invalid \\uXXXX", "无效的 \\u 转义"))


def _json_reason(exc: json.JSONDecodeError, column: int) -> str:
    what = next((zh for en, zh in _JSON_ERRORS if exc.msg.startswith(en)), "")
    return f"不是有效的 JSON（第 {column} 列{'：' + what if what else ''}）"


def _decode(text: str, pos: int) -> tuple[object, int]:
    """One JSON value at ``pos``: (value, end); the JSON errors as ValueError."""
    try:
        return _DECODER.raw_decode(text, pos)
    except _NotFinite as exc:
        raise ValueError(f"JSON 不允许 {exc}（只有有限的数）") from None
    except RecursionError:
        raise ValueError("JSON 嵌套过深") from None


def _json_lines(text: io.TextIOWrapper) -> Iterator[tuple[int, dict | BadRecord]]:
    for n, line in enumerate(_lines(text), 1):
        pos = _WS.match(line).end()
        if pos == len(line):
            continue
        try:
            obj, end = _decode(line, pos)
        except json.JSONDecodeError as exc:
            raise FileRefused(n, _json_reason(exc, exc.pos + 1)) from None
        except ValueError as exc:
            raise FileRefused(n, str(exc)) from None
        if _WS.match(line, end).end() != len(line):
            raise FileRefused(n, "一行只能有一个 JSON 对象（JSON Lines）")
        yield n, _as_record(obj)


class _Cursor:
    """A window on the text: ``buf`` from absolute offset ``base``, newlines counted
    once up to ``counted``."""

    def __init__(self, text: io.TextIOWrapper):
        self.text = text
        self.buf = ""
        self.base = 0
        self.pos = 0
        self.counted = 0
        self.line = 1
        self.line_start = 0  # absolute offset where ``line`` begins
        self.eof = False

    def more(self) -> bool:
        """Read the next piece (dropping what is behind ``pos``); False at the end."""
        if self.eof:
            return False
        self.line_at(self.pos)
        piece = self.text.read(_CHUNK)
        self.eof = not piece
        cut = self.pos
        self.buf = self.buf[cut:] + piece
        self.base += cut
        self.pos -= cut
        self.counted -= cut
        return not self.eof

    def line_at(self, pos: int) -> int:
        if pos > self.counted:
            n = self.buf.count("\n", self.counted, pos)
            if n:
                self.line += n
                self.line_start = self.base + self.buf.rfind("\n", self.counted, pos) + 1
            self.counted = pos
        return self.line

    def column(self, pos: int) -> int:
        self.line_at(pos)
        return self.base + pos - self.line_start + 1

    def skip_ws(self) -> str:
        """The next character after white space ('' at the end of the text)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""


def _json_array(text: io.TextIOWrapper) -> Iterator[tuple[int, dict | BadRecord]]:
    cur = _Cursor(text)
    cur.skip_ws()
    cur.pos += 1  # the "[" seen by the caller
    end_line = 1  # where the last value (or the "[") ended
    first = True
    while True:
        ch = cur.skip_ws()
        if ch == "]" and first:
            break
        if not ch:
            raise FileRefused(end_line, "JSON 数组没有结尾的 ]（文件不完整？）")
        if not first:
            if ch == "]":
                break
            if ch != ",":
                raise FileRefused(cur.line_at(cur.pos), "JSON 数组中的案件之间须有逗号")
            cur.pos += 1
            if cur.skip_ws() in ("]", ""):
                raise FileRefused(cur.line_at(cur.pos), "JSON 数组中逗号之后缺少案件")
        first = False
        line = cur.line_at(cur.pos)
        obj, cur.pos = _array_item(cur, line)
        end_line = cur.line_at(cur.pos)
        yield line, _as_record(obj)
    cur.pos += 1
    if cur.skip_ws():
        raise FileRefused(cur.line_at(cur.pos), "JSON 数组结束后还有内容（只能有一个数组）")


def _array_item(cur: _Cursor, line: int) -> tuple[object, int]:
    """The value at the cursor, reading on while it runs past the piece in hand."""
    while True:
        try:
            return _decode(cur.buf, cur.pos)
        except json.JSONDecodeError as exc:
            # cut off by the end of the piece in hand, or wrong whatever follows?
            cut_off = exc.pos + 64 >= len(cur.buf) or exc.msg.startswith("Unterminated")
            if not cut_off or cur.eof:
                raise FileRefused(cur.line_at(exc.pos),
                                  _json_reason(exc, cur.column(exc.pos))) from None
            if len(cur.buf) - cur.pos > MAX_RECORD:
                raise FileRefused(line, f"一件案件超过 {MAX_RECORD} 个字符") from None
            cur.more()
        except ValueError as exc:
            raise FileRefused(line, str(exc)) from None
