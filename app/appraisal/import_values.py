"""The values of an imported case record (历史案件导入的字段值).

Each reader takes one field's value as the file gave it and returns what the district
stores, or raises ValueError with a Chinese reason naming the field.  What a case
cannot hold is refused, never coerced: JSON objects, lists and true/false; numbers
that are not finite or not written as decimals; text with control or invisible
characters; absurd lengths; times before 2000 or in the future.  Values echoed in a
reason go through :func:`shown` (short, control characters escaped), so a hostile
value cannot flood or forge the output.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, tzinfo

#: longest code, number or time (characters); descriptions may be longer
MAX_FIELD = 64
MAX_DESCRIPTION = 2000
#: the earliest time a case can carry (grid management began in 2004)
EARLIEST = datetime(2000, 1, 1)
#: how far after the moment of the import a step may be dated (clocks differ a little)
FUTURE_TOLERANCE = timedelta(hours=1)
#: a deadline may lie ahead, but not beyond a year
DEADLINE_AHEAD = timedelta(days=366)

# C0/C1 controls, zero-width and direction marks, line/paragraph separators, BOM,
# lone surrogates (JSON's "\ud800" decodes to one; no database can store it)
_INVISIBLE = "\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff"
_BAD_IN_CODE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
_BAD_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}]")  # tab, CR, LF allowed
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class JsonNumber(str):
    """A number as a JSON file writes it: its text, converted only by the field that
    wants a number (so 1e309 or a 5,000-digit integer is refused, not overflowed)."""

    __slots__ = ()


def shown(value: object, limit: int = 40) -> str:
    """``value`` as it may appear in a message: at most ``limit`` characters, control
    and invisible characters written as \\uXXXX."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:limit]
    if _BAD_IN_CODE.search(cut):
        cut = "".join(f"\\u{ord(c):04x}" if _BAD_IN_CODE.match(c) else c for c in cut)
    return cut + ("…" if len(text) > limit else "")


def kind_of(value: object) -> str:
    """What a JSON value is, in the words of a message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "JSON 对象"
    if isinstance(value, list):
        return "JSON 列表"
    if isinstance(value, JsonNumber):
        return f"数 {shown(value)}"
    return type(value).__name__


def clean_text(value: object, name: str, *, multiline: bool = False) -> str:
    """A text field stripped of surrounding spaces ('' when blank); refused when it is
    not text, too long, or holds control or invisible characters."""
    if not isinstance(value, str):
        raise ValueError(f"{name} 须是文本，不能是{kind_of(value)}")
    limit = MAX_DESCRIPTION if multiline else MAX_FIELD
    if len(value) > limit:
        raise ValueError(f"{name} 过长（{len(value)} 个字符，最多 {limit} 个）")
    value = value.strip()
    bad = (_BAD_IN_TEXT if multiline else _BAD_IN_CODE).search(value)
    if bad:
        raise ValueError(f"{name} 含有控制字符或不可见字符（U+{ord(bad.group()):04X}）")
    return value


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds a character no code or time may hold (see clean_text)."""
    return _BAD_IN_CODE.search(text) is not None


def number(value: str, name: str) -> float:
    """A finite decimal number (text in CSV, a number or text in JSON)."""
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"{name}“{shown(value)}”不是数")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name}“{shown(value)}”超出数值范围")
    return v


class TimeReader:
    """ISO date-times as district-local times in µs since 1970: a time with an offset
    (``+00:00``, ``Z``) converted to the district's zone, one without taken as local;
    refused before 2000, or later than ``now`` (a deadline: more than a year later)."""

    def __init__(self, zone: tzinfo, now: datetime, columns: tuple[str, ...]):
        self.zone = zone
        self.now = now
        self.columns = columns
        self.earliest = micros(EARLIEST)
        self.latest = micros(now + FUTURE_TOLERANCE)
        self.latest_deadline = micros(now + DEADLINE_AHEAD)

    def read(self, fields: dict[str, str]) -> dict[str, int]:
        """The times among ``fields`` (column: µs), each checked."""
        times = {}
        for col in self.columns:
            value = fields.get(col)
            if value is None:
                continue
            try:
                t = datetime.fromisoformat(value.replace("/", "-") if "/" in value else value)
                if t.tzinfo is not None:
                    t = t.astimezone(self.zone).replace(tzinfo=None)
            except ValueError:
                raise ValueError(f"{col}“{shown(value)}”不是 ISO 日期时间"
                                 f"（例如 2026-10-08T09:30 或 2026-10-08 09:30:00）") from None
            except OverflowError:
                raise ValueError(f"{col}“{shown(value)}”超出日期范围") from None
            times[col] = (t - _EPOCH) // _US
        if times and (min(times.values()) < self.earliest or max(times.values()) > self.latest):
            self._refuse_out_of_range(times)
        return times

    def _refuse_out_of_range(self, times: dict[str, int]) -> None:
        for col, t in times.items():
            if t < self.earliest:
                raise ValueError(f"{col}（{as_text(t)}）早于 {EARLIEST.year} 年")
            if col == "deadline_at":
                if t > self.latest_deadline:
                    raise ValueError(f"deadline_at（{as_text(t)}）比现在晚一年以上")
            elif t > self.latest:
                raise ValueError(f"{col}（{as_text(t)}）晚于现在（{self.now:%Y-%m-%d %H:%M}）")


_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


def micros(t: datetime) -> int:
    """A wall time as µs since 1970."""
    return (t - _EPOCH) // _US


def as_text(us: int) -> str:
    """µs since 1970 as a message shows a time."""
    return f"{_EPOCH + us * _US:%Y-%m-%d %H:%M}"
