"""What an import of historical cases gathers (历史案件导入的数据列): the record's
columns, the checked cases column by column in compact form, and the problems found.

A checked case costs about 150 bytes here (arrays of numbers, texts as UTF-8 bytes and
offsets, categories and sources as small indices), so a file of a million cases fits
in a few hundred megabytes; Python objects per case would cost five times as much.
"""

from __future__ import annotations

from array import array

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
TIME_COLUMNS = ("reported_at", *STEP_COLUMNS, "voided_at", "deadline_at")
COLUMNS = ("id", "category", "source", "grid", "street", "community", "lon", "lat",
           "department", "description", "reported_at", *STEP_COLUMNS, "voided_at",
           "deadline_at", "satisfaction")
REQUIRED = ("id", "category", "source", "reported_at")
#: a time that is not there (numpy's NaT: int64's least value)
NO_TIME = -(2**63)
#: how many problems are kept to be listed (all are counted)
MAX_LISTED = 1000


def codes_taken(store, codes: pa.Array) -> np.ndarray:
    """The rows of ``codes`` whose code a case of the district already has."""
    taken = pa.array(store.columns("SELECT code FROM cases")["code"], pa.large_string())
    return np.flatnonzero(pc.is_in(codes, value_set=taken).to_numpy(zero_copy_only=False))


class Problems:
    """(line, reason) of what was refused: every one counted, the first MAX_LISTED kept;
    ``records``: how many records (lines) had one."""

    def __init__(self) -> None:
        self.listed: list[tuple[int | None, str]] = []
        self.count = 0
        self._lines: set[int] = set()

    def add(self, line: int | None, reason: str) -> None:
        self.count += 1
        if line is not None:
            self._lines.add(line)
        if len(self.listed) < MAX_LISTED:
            self.listed.append((line, reason))

    @property
    def records(self) -> int:
        return len(self._lines)

    @property
    def unlisted(self) -> int:
        return self.count - len(self.listed)

    def __bool__(self) -> bool:
        return self.count > 0

    def sorted(self) -> list[tuple[int | None, str]]:
        return sorted(self.listed, key=lambda p: p[0] or 0)


class TextColumn:
    """Texts appended one at a time, kept as UTF-8 bytes and offsets (no Python object
    per text: a million small strings held for long would scatter the heap)."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q", [0])

    def append(self, text: str) -> None:
        self._data += text.encode()
        self._ends.append(len(self._data))

    def arrow(self) -> pa.Array:
        n = len(self._ends) - 1
        if not n:
            return pa.array([], pa.large_string())
        return pa.LargeStringArray.from_buffers(n, pa.py_buffer(self._ends),
                                                pa.py_buffer(self._data))

class CaseRows:
    """The checked cases, column by column."""

    def __init__(self, categories: list[str], default_descriptions: list[str],
                 sources: tuple[str, ...]) -> None:
        self.categories = categories  # what the category indices stand for
        self.default_descriptions = default_descriptions  # one per category
        self.sources = sources
        self.line = array("q")
        self.code = TextColumn()
        self.category = array("h")
        self.source = array("b")
        self.department = array("q")
        self.description = TextColumn()  # "": the category's default
        self.grid = array("q")  # index into GridPlaces, -1 until placed
        self.lon = array("d")
        self.lat = array("d")
        self.times = array("q")  # µs since 1970 or NO_TIME, TIME_COLUMNS a case
        self.limit_hours = array("d")  # a dispatched case without deadline: its limit
        self.satisfaction = array("b")  # 0: none
        self.places: dict[int, tuple[str | None, str | None]] = {}  # row: street, community

    def __len__(self) -> int:
        return len(self.line)

    def drop(self) -> None:
        """Empty the columns, giving their memory back (the cases are written; the
        commit that follows is an import's peak)."""
        self.__init__(self.categories, self.default_descriptions, self.sources)

    def drop_texts(self) -> None:
        """Empty the codes and descriptions (written with the cases; the largest part)."""
        self.code = TextColumn()
        self.description = TextColumn()

    def numbers(self, name: str) -> np.ndarray:
        """An array column as numpy, a view (writing to it writes the cases)."""
        column = getattr(self, name)
        return np.frombuffer(column, dtype=column.typecode) if len(column) else \
            np.zeros(0, column.typecode)

    def time_array(self, col: str) -> np.ndarray:
        """The column's times (µs), a view (writing to it writes the cases' times)."""
        return self.numbers("times").reshape(-1, len(TIME_COLUMNS))[:, TIME_COLUMNS.index(col)]

    def category_codes(self, part: slice = slice(None)) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(self.numbers("category")[part]),
                                              pa.array(self.categories, pa.string()))

    def source_names(self, part: slice = slice(None)) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(self.numbers("source")[part]),
                                              pa.array(self.sources, pa.string()))

    def descriptions(self, part: slice = slice(None)) -> pa.ChunkedArray:
        """The descriptions given, the category's default where none was."""
        lo, hi = part.indices(len(self))[:2]
        given = self.description.arrow().slice(lo, hi - lo)
        default = pa.array(self.default_descriptions, pa.large_string()).take(
            pa.array(self.numbers("category")[part]))
        return pc.if_else(pc.equal(given, ""), default, given)
