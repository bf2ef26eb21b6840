"""Finding things on the map by code or name (地图搜索), without Qt.

One :class:`SearchIndex` per district holds, per kind of thing (street, community,
grid, case, worker, camera, building, merchant; the district itself), its codes and
names as one string each ("haystack": entries joined by newlines), so that a query is
a handful of ``str.find`` calls in C instead of a loop over a million Python objects:

* exact code: ``"\\n" + q + "\\n"`` in the codes,
* code prefix / name prefix: ``"\\n" + q`` (an entry starts after a newline),
* substring: ``q`` anywhere (in a column of a million case codes only when nothing
  else matched: those are binary searches for exact and prefix, a scan otherwise).

Matching ignores case.  Hits are ranked exact code > code prefix > name prefix >
substring, then by kind (:data:`KINDS` order), then shortest text first.  At Jinhua
scale (10,000 grids, 116,000 buildings, 1,000,000 cases) a query takes a few
milliseconds; building the index reads each table once in a worker thread
(``string_agg`` in the database: no Python object per row).

People: a worker is found by code and by the name that may be shown now: in
demonstration mode (:mod:`app.privacy.demo`) the pseudonym, never the real name.
Phone numbers are never read.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.geo.crs import LocalFrame
from app.privacy.demo import demo_mode, person_name

#: the kinds of things found, in the order hits of the same rank are listed
KINDS = ("district", "street", "community", "grid", "case", "worker", "camera",
         "building", "merchant")
#: grid level -> kind
LEVEL_KINDS = {1: "district", 2: "street", 3: "community", 4: "grid"}
#: hits returned by default
LIMIT = 50
#: from this many entries of one width a column is also kept sorted (binary searches)
KEYED_FROM = 20_000
SEP = "\n"


class Rank(enum.IntEnum):
    """How well a hit matches (lower is better)."""

    EXACT_CODE = 0
    CODE_PREFIX = 1
    NAME_PREFIX = 2
    SUBSTRING = 3


@dataclass(frozen=True)
class SearchHit:
    """One thing found: ``kind`` (see :data:`KINDS`), its id (cameras: the id too; the
    code opens it), code and name (either may be ""), where it lies (CGCS2000 lon/lat and
    local metres), the grid unit it is in (``place``: the parent's name for a grid unit)
    and a kind-specific ``detail`` code (a worker's role, a merchant's trade)."""

    kind: str
    id: int
    code: str
    name: str
    rank: Rank
    lon: float
    lat: float
    x: float
    y: float
    place: str = ""
    detail: str = ""


class Haystack:
    """Entries of one text column joined by newlines, searched in C."""

    def __init__(self, text: str, count: int) -> None:
        entries = text.replace("\r", " ") if "\r" in text else text
        self.text = SEP + entries + SEP  # the original case, for display
        folded = self.text.lower()
        # lower() may change a string's length (rare letters): search the original then
        self.folded = folded if len(folded) == len(self.text) else self.text
        codes = _code_points(self.folded)
        self.starts = (np.flatnonzero(codes == ord(SEP))[:-1] + 1).astype(np.int64)
        if len(self.starts) != count:
            raise ValueError(f"{len(self.starts)} entries for {count} rows (a newline inside?)")
        #: the characters entries begin with: a prefix beginning otherwise needs no scan
        self.first_chars = _charset(codes[self.starts])
        #: every character present: a query with another one needs no scan at all (a
        #: million case codes hold a dozen characters; one scan of them costs ~15 ms)
        self.chars = _charset(codes)
        self._keyed(codes)

    def _keyed(self, codes: np.ndarray) -> None:
        """Many entries of one width in Latin-1 (a million case codes): also kept as a
        sorted array of fixed-width byte strings, so that exact and prefix matches are
        binary searches instead of scans."""
        self.keys = self.order = None
        n = len(self.starts)
        if n < KEYED_FROM:
            return
        width = int(self.starts[1] - self.starts[0] - 1)
        if width <= 0 or len(codes) != 1 + n * (width + 1) or codes.max() > 0xFF:
            return
        if not np.array_equal(self.starts, 1 + np.arange(n, dtype=np.int64) * (width + 1)):
            return
        rows = codes[1:].reshape(n, width + 1)[:, :width].astype(np.uint8, copy=False)
        keys = np.ascontiguousarray(rows).view(f"S{width}").ravel()
        if not np.all(keys[1:] >= keys[:-1]):
            self.order = np.argsort(keys, kind="stable")
            keys = keys[self.order]
        self.keys, self.width = keys, width

    def _key_rows(self, lo: int, hi: int) -> list[int]:
        rows = np.arange(lo, hi) if self.order is None else self.order[lo:hi]
        return [int(r) for r in rows]

    @classmethod
    def of(cls, values) -> Haystack:
        vals = ["" if v is None else str(v).replace(SEP, " ") for v in values]
        return cls(SEP.join(vals), len(vals))

    def __len__(self) -> int:
        return len(self.starts)

    def entry(self, i: int) -> str:
        a = int(self.starts[i])
        return self.text[a:self.text.index(SEP, a)]

    def first(self, q: str) -> int:
        """Where ``q`` first occurs (-1: nowhere, no other search can find it)."""
        if not self.chars.issuperset(q):
            return -1
        return self.folded.find(q)

    def exact(self, q: str, start: int = 0) -> int | None:
        if self.keys is not None:
            b = _latin1(q)
            if b is None or len(b) != self.width:
                return None
            i = int(np.searchsorted(self.keys, b))
            return self._key_rows(i, i + 1)[0] if i < len(self.keys) and self.keys[i] == b \
                else None
        if q[:1] not in self.first_chars:
            return None
        pos = self.folded.find(SEP + q + SEP, max(0, start - 1))
        return None if pos < 0 else self._row(pos + 1)

    def prefix(self, q: str, limit: int, start: int = 0) -> list[int]:
        if self.keys is not None:
            b = _latin1(q)
            if b is None or len(b) > self.width:
                return []
            lo = int(np.searchsorted(self.keys, b, side="left"))
            hi = int(np.searchsorted(self.keys, b + b"\xff" * (self.width - len(b)),
                                     side="right"))
            return self._key_rows(lo, min(hi, lo + limit))
        if q[:1] not in self.first_chars:
            return []
        return self._scan(SEP + q, 1, limit, at_start=None, pos=max(0, start - 1))

    def only_prefixes(self, q: str) -> bool:
        """Entries of one width no longer than ``q``: it can only match from the start."""
        return self.keys is not None and len(q) >= self.width

    def substring(self, q: str, limit: int, start: int = 0) -> list[int]:
        """Rows containing ``q`` but not starting with it (those are prefix hits)."""
        return self._scan(q, 0, limit, at_start=False, pos=start)

    def _scan(self, needle: str, shift: int, limit: int, at_start: bool | None,
              pos: int = 0) -> list[int]:
        out: list[int] = []
        hay = self.folded
        while len(out) < limit:
            pos = hay.find(needle, pos)
            if pos < 0:
                break
            row = self._row(pos + shift)
            if at_start is None or (int(self.starts[row]) == pos + shift) == at_start:
                if not out or out[-1] != row:
                    out.append(row)
            # the next entry: an entry is counted once however often it holds q
            pos = hay.find(SEP, pos + shift) if at_start is False else pos + 1
            if pos < 0:
                break
        return out

    def _row(self, pos: int) -> int:
        return int(np.searchsorted(self.starts, pos, side="right")) - 1


def _code_points(text: str) -> np.ndarray:
    """The text's code points as an array (one byte each when it is Latin-1)."""
    try:
        return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _charset(codes: np.ndarray) -> frozenset[str]:
    """The distinct characters of a code point array (a flag table: bincount over 17
    million code points took 460 ms, this 80)."""
    flags = np.zeros(256 if codes.dtype == np.uint8 else 0x110000, dtype=bool)
    flags[codes] = True
    return frozenset(chr(int(c)) for c in np.flatnonzero(flags))


def _latin1(q: str) -> bytes | None:
    try:
        return q.encode("latin-1")
    except UnicodeEncodeError:
        return None


@dataclass
class KindTable:
    """The rows of one kind: ids, positions, the grid they are in, codes and names."""

    kind: str
    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    grid_ids: np.ndarray
    codes: Haystack | None
    names: Haystack | None
    detail: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)


class SearchIndex:
    """The district's codes and names; :meth:`search` answers a query (module doc)."""

    def __init__(self, tables: list[KindTable], frame: LocalFrame | None,
                 grid_names: dict[int, str], grid_parents: dict[int, int],
                 demo: bool = False) -> None:
        self.tables = sorted(tables, key=lambda t: KINDS.index(t.kind))
        self.frame = frame
        self.grid_names = grid_names
        self.grid_parents = grid_parents
        #: whether the workers are indexed under their pseudonyms (rebuild if it changed)
        self.demo = demo

    def __len__(self) -> int:
        return sum(len(t) for t in self.tables)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tables:
            out[t.kind] = out.get(t.kind, 0) + len(t)
        return out

    def search(self, query: str, limit: int = LIMIT) -> list[SearchHit]:
        """The best ``limit`` hits for ``query`` (case ignored, outer spaces dropped)."""
        q = " ".join(query.split()).lower().replace(SEP, " ")
        if not q or limit <= 0:
            return []
        found: list[tuple[Rank, int, int, KindTable, int]] = []  # rank, kind, len, table, row
        seen: set[tuple[int, int]] = set()

        def take(rank: Rank, table: KindTable, rows, hay: Haystack) -> None:
            for r in rows:
                key = (id(table), r)
                if key not in seen:
                    seen.add(key)
                    found.append((rank, KINDS.index(table.kind), len(hay.entry(r)), table, r))

        # where q first occurs in a haystack (-1 rules out every search in it); a sorted
        # one answers exact and prefix without it
        firsts: dict[int, int] = {}

        def first(h: Haystack) -> int:
            if id(h) not in firsts:
                firsts[id(h)] = h.first(q)
            return firsts[id(h)]

        for t in self.tables:
            c = t.codes
            if c is not None and (c.keys is not None or first(c) >= 0):
                start = 0 if c.keys is not None else first(c)
                prefixed = c.prefix(q, limit, start)
                if len(prefixed) < limit:  # every prefix hit seen: the exact one among them
                    exact = next((r for r in prefixed if len(c.entry(r)) == len(q)), None)
                else:
                    exact = c.exact(q, start)
                if exact is not None:
                    take(Rank.EXACT_CODE, t, [exact], c)
                take(Rank.CODE_PREFIX, t, prefixed, c)
            n = t.names
            if n is not None and (n.keys is not None or first(n) >= 0):
                take(Rank.NAME_PREFIX, t, n.prefix(q, limit, 0 if n.keys is not None
                                                   else first(n)), n)
        # substrings only as far as the better ranks left room; inside a million case
        # codes (a scan) only when nothing else matched at all
        for big in (False, True):
            if len(found) >= limit or (big and found):
                break
            for t in self.tables:
                for hay in (t.codes, t.names):
                    if (hay is not None and (hay.keys is not None) == big
                            and not hay.only_prefixes(q) and first(hay) >= 0):
                        take(Rank.SUBSTRING, t, hay.substring(q, limit, first(hay)), hay)
        found.sort(key=lambda f: (f[0], f[1], f[2], f[3].ids[f[4]]))
        return self._hits(found[:limit])

    def _hits(self, found) -> list[SearchHit]:
        if not found:
            return []
        lon = np.array([f[3].lon[f[4]] for f in found], float)
        lat = np.array([f[3].lat[f[4]] for f in found], float)
        if self.frame is not None:
            if len(lon) == 1:  # pyproj takes a one-element array for a scalar and warns
                x, y = (np.array([float(v)]) for v in self.frame.from_lonlat(float(lon[0]),
                                                                              float(lat[0])))
            else:
                x, y = self.frame.from_lonlat(lon, lat)
        else:
            x, y = np.full(len(lon), np.nan), np.full(len(lon), np.nan)
        out = []
        for i, (rank, _k, _n, t, r) in enumerate(found):
            grid = int(t.grid_ids[r])
            if t.kind in ("district", "street", "community", "grid"):
                place = self.grid_names.get(self.grid_parents.get(int(t.ids[r]), -1), "")
            else:
                place = self.grid_names.get(grid, "")
            out.append(SearchHit(
                kind=t.kind, id=int(t.ids[r]),
                code=t.codes.entry(r) if t.codes is not None else "",
                name=t.names.entry(r) if t.names is not None else "",
                rank=rank, lon=float(lon[i]), lat=float(lat[i]),
                x=float(x[i]), y=float(y[i]), place=place,
                detail=str(t.detail[r]) if t.detail is not None else ""))
        return out


# -- building ------------------------------------------------------------------------------
#: (kind, numeric columns SQL, code column, name column, detail column)
_POINT_TABLES = (
    ("case", "SELECT id, lon, lat, grid_id FROM cases ORDER BY id", "code", None, None),
    ("worker", "SELECT w.id, g.label_lon AS lon, g.label_lat AS lat, w.grid_id "
               "FROM workers w LEFT JOIN grid_units g ON g.id = w.grid_id ORDER BY w.id",
     "code", "name", "role"),
    ("camera", "SELECT id, lon, lat, grid_id FROM cameras ORDER BY id", "code", "name", None),
    ("building", "SELECT id, (min_lon + max_lon) / 2 AS lon, (min_lat + max_lat) / 2 AS lat, "
                 "grid_id FROM buildings ORDER BY id", None, "name", None),
    ("merchant", "SELECT id, lon, lat, grid_id FROM merchants ORDER BY id", None, "name",
     "trade"),
)
_TABLE_OF = {"case": "cases", "worker": "workers", "camera": "cameras",
             "building": "buildings", "merchant": "merchants"}


def build_index(store, frame: LocalFrame | None = None,
                progress: Callable[[str], None] | None = None) -> SearchIndex:
    """Read the district's codes and names through ``store`` (in a worker: a cursor of
    its own).  Workers' names as :func:`app.privacy.demo.person_name` shows them now."""
    demo = demo_mode()
    tables = [_grid_table(store, level) for level in (1, 2, 3, 4)]
    tables = [t for t in tables if t is not None]
    grid = store.columns("SELECT id, name, parent_id FROM grid_units")
    names = {int(i): str(n) for i, n in zip(grid["id"], grid["name"], strict=True)}
    parents = {int(i): int(p) for i, p in zip(grid["id"], grid["parent_id"], strict=True)
               if p is not None and not np.ma.is_masked(p)}
    for kind, sql, code_col, name_col, detail_col in _POINT_TABLES:
        if progress is not None:
            progress(kind)
        tables.append(_point_table(store, kind, sql, code_col, name_col, detail_col))
    return SearchIndex(tables, frame, names, parents, demo=demo)


def _joined(store, table: str, column: str, order: str = "id") -> str:
    """One column of a table as one newline-joined string, in ``order``."""
    text = store.scalar(
        f"SELECT string_agg(replace(coalesce(CAST({column} AS VARCHAR), ''), chr(10), ' '), "
        f"chr(10) ORDER BY {order}) FROM {table}")
    return text or ""


def _grid_table(store, level: int) -> KindTable | None:
    cols = store.columns("SELECT id, label_lon, label_lat FROM grid_units WHERE level = ? "
                         "ORDER BY id", [level])
    n = len(cols["id"])
    if n == 0:
        return None
    where = f"(SELECT * FROM grid_units WHERE level = {int(level)}) g"
    codes = Haystack(_joined(store, where, "code"), n)
    names = Haystack(_joined(store, where, "name"), n)
    ids = np.asarray(cols["id"], np.int64)
    return KindTable(LEVEL_KINDS[level], ids, np.asarray(cols["label_lon"], float),
                     np.asarray(cols["label_lat"], float), ids.copy(), codes, names)


def _point_table(store, kind, sql, code_col, name_col, detail_col) -> KindTable:
    table = _TABLE_OF[kind]
    cols = store.columns(sql)
    n = len(cols["id"])
    codes = Haystack(_joined(store, table, code_col), n) if code_col and n else None
    if name_col and n:
        if kind == "worker":  # the name that may be shown: a pseudonym in demo mode
            raw = store.columns(f"SELECT {name_col} AS v FROM {table} ORDER BY id")["v"]
            names = Haystack.of([person_name(v) for v in raw])
        else:
            names = Haystack(_joined(store, table, name_col), n)
    else:
        names = None
    detail = None
    if detail_col and n:
        detail = np.asarray(store.columns(
            f"SELECT {detail_col} AS v FROM {table} ORDER BY id")["v"], dtype=object)
    grid_ids = cols["grid_id"]
    grid_ids = (grid_ids.filled(-1) if np.ma.isMaskedArray(grid_ids) else grid_ids)
    return KindTable(kind, np.asarray(cols["id"], np.int64), _floats(cols["lon"]),
                     _floats(cols["lat"]), np.asarray(grid_ids, np.int64), codes, names,
                     detail)


def _floats(a) -> np.ndarray:
    if np.ma.isMaskedArray(a):
        return a.astype(float).filled(np.nan)
    return np.asarray(a, float)


def add_cases(index: SearchIndex, store, case_ids) -> int:
    """Cases registered since the index was built (the district model names them):
    appended as a small table of their own; the number added."""
    new = np.unique(np.asarray([int(i) for i in case_ids], np.int64))
    for t in index.tables:
        if t.kind == "case" and len(new):
            new = new[~np.isin(new, t.ids)]
    if not len(new):
        return 0
    new = new.tolist()
    marks = ", ".join("?" * len(new))
    cols = store.columns(f"SELECT id, code, lon, lat, grid_id FROM cases WHERE id IN ({marks}) "
                         "ORDER BY id", new)
    if not len(cols["id"]):
        return 0
    index.tables.append(KindTable("case", np.asarray(cols["id"], np.int64),
                                  _floats(cols["lon"]), _floats(cols["lat"]),
                                  np.asarray(cols["grid_id"], np.int64),
                                  Haystack.of(cols["code"]), None))
    index.tables.sort(key=lambda t: KINDS.index(t.kind))
    return len(cols["id"])
