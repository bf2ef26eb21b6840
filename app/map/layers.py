"""Load the district's map layers from the repository into local metric arrays.

Display happens in EPSG:4527 metres minus a local origin (``LocalFrame``): raw
lon/lat would be squashed east-west, raw Gauss-Kruger eastings (8 digits) lose
precision in float32 paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from app.clock import Clock, store_clock
from app.domain.statuses import ENDED_STATUSES, sql_list
from app.geo.crs import LocalFrame
from app.geo.wkb import geoms_from_wkb
from app.map.geometry import Vertices, polygon_vertices
from app.store import DistrictRepository

#: the six request kinds of seed 002, in legend order
CASE_KINDS = ("enquiry", "suggestion", "hardship", "sanitation", "dispute", "hazard")
#: closed cases reported within this many days are loaded (the widest time window)
RECENT_DAYS = 365


@dataclass(frozen=True)
class GridLevelData:
    """All grid units of one level (1 区, 2 街道, 3 社区, 4 网格) in local metres."""

    level: int
    ids: np.ndarray
    codes: np.ndarray
    names: np.ndarray
    parent_ids: np.ndarray
    geoms: np.ndarray  # shapely polygons, local metres
    label_x: np.ndarray
    label_y: np.ndarray
    area_m2: np.ndarray
    #: index (0..n_streets-1) of the street each unit lies in; -1 for the district
    street_index: np.ndarray
    vertices: Vertices

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class BuildingData:
    """Building footprints; ``vertices.owner`` indexes ``height_m``."""

    ids: np.ndarray
    height_m: np.ndarray
    floors: np.ndarray
    vertices: Vertices

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class CaseData:
    """Cases worth showing: every open case plus those reported in the last days."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray  # one of CASE_KINDS (or "other")
    is_open: np.ndarray
    overdue: np.ndarray  # open and past its deadline (超期)
    now: datetime
    #: feed seconds (app.feed.fixes.to_seconds); NaN = not (yet)
    reported_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    closed_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    deadline_s: np.ndarray = field(default_factory=lambda: np.empty(0))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class WhistleData:
    """Whistles (街道吹哨) with when they were blown and closed (feed seconds, NaN = open)."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    round: np.ndarray  # 1 whistle, 2 second whistle (二次哨)
    blown_s: np.ndarray
    closed_s: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def load_whistles(store: DistrictRepository, frame: LocalFrame) -> WhistleData:
    cols = store.columns("SELECT id, lon, lat, round, epoch_us(blown_at) AS b, "
                         "epoch_us(closed_at) AS c FROM whistles ORDER BY id")
    x, y = frame.from_lonlat(np.asarray(cols["lon"], float), np.asarray(cols["lat"], float))
    return WhistleData(np.asarray(cols["id"], np.int64), np.asarray(x, float),
                       np.asarray(y, float), np.asarray(cols["round"], np.int64),
                       _seconds(cols["b"]), _seconds(cols["c"]))


@dataclass(frozen=True)
class DistrictMap:
    """Everything the map canvas shows, loaded once."""

    district_name: str
    frame: LocalFrame
    now: datetime
    levels: dict[int, GridLevelData]
    buildings: BuildingData
    cases: CaseData
    extent: tuple[float, float, float, float] = field(default=(0.0, 0.0, 1.0, 1.0))
    whistles: WhistleData | None = None


def district_frame(store: DistrictRepository, meta: dict[str, str] | None = None) -> LocalFrame:
    """The local display frame around the district centre (meta, else the level-1 unit)."""
    meta = store.meta() if meta is None else meta
    try:
        return LocalFrame.around(float(meta["center_lon"]), float(meta["center_lat"]))
    except (KeyError, ValueError):
        row = store.rows("SELECT label_lon, label_lat FROM grid_units ORDER BY level, id LIMIT 1")
        lon, lat = row[0] if row else (117.16, 39.17)
        return LocalFrame.around(lon, lat)


def load_grid_levels(store: DistrictRepository, frame: LocalFrame) -> dict[int, GridLevelData]:
    """The four grid levels (only those present), with each unit's street."""
    cols = store.columns(
        "SELECT id, code, name, level, parent_id, area_m2, label_lon, label_lat, geom "
        "FROM grid_units ORDER BY level, code"
    )
    ids = cols["id"].astype(np.int64)
    parent = _nullable_ints(cols["parent_id"])
    level = cols["level"].astype(np.int64)
    street_of = _street_of(ids, parent, level)
    geoms = frame.geoms_from_lonlat(geoms_from_wkb(cols["geom"]))
    lx, ly = frame.from_lonlat(cols["label_lon"], cols["label_lat"])
    streets = ids[level == 2]
    street_pos = {int(s): i for i, s in enumerate(streets)}
    out: dict[int, GridLevelData] = {}
    for lv in (1, 2, 3, 4):
        m = level == lv
        if not m.any():
            continue
        g = geoms[m]
        out[lv] = GridLevelData(
            level=lv,
            ids=ids[m],
            codes=np.asarray(cols["code"][m], dtype=object),
            names=np.asarray(cols["name"][m], dtype=object),
            parent_ids=parent[m],
            geoms=g,
            label_x=np.asarray(lx)[m],
            label_y=np.asarray(ly)[m],
            area_m2=np.asarray(cols["area_m2"], dtype=float)[m],
            street_index=np.array([street_pos.get(int(s), -1) for s in street_of[m]], np.int64),
            vertices=polygon_vertices(g),
        )
    return out


def _nullable_ints(a) -> np.ndarray:
    if np.ma.isMaskedArray(a):
        return a.filled(-1).astype(np.int64)
    return np.array([-1 if v is None else int(v) for v in a], np.int64)


def _street_of(ids: np.ndarray, parent: np.ndarray, level: np.ndarray) -> np.ndarray:
    """For every unit, the id of its level-2 ancestor (itself for a street, -1 above)."""
    parent_of = dict(zip(ids.tolist(), parent.tolist(), strict=True))
    level_of = dict(zip(ids.tolist(), level.tolist(), strict=True))
    out = np.full(len(ids), -1, np.int64)
    for i, uid in enumerate(ids.tolist()):
        u, hops = uid, 0
        while u in level_of and level_of[u] > 2 and hops < 8:
            u, hops = parent_of.get(u, -1), hops + 1
        if level_of.get(u) == 2:
            out[i] = u
    return out


#: buildings per chunk of WKB decoding, projection and flattening (see load_buildings)
BUILDING_CHUNK = 5000


def load_buildings(store: DistrictRepository, frame: LocalFrame) -> BuildingData:
    """Footprints in local metres.  Decoded, projected and flattened in chunks: each
    shapely call keeps the GIL for its whole duration, and the start-up runs this in a
    worker while the GUI thread must keep answering (one call over 100,000 footprints
    held it for ~150 ms)."""
    cols = store.columns("SELECT id, floors, height_m, geom FROM buildings ORDER BY id")
    wkb = cols["geom"]
    parts = []
    for a in range(0, len(wkb), BUILDING_CHUNK):
        geoms = frame.geoms_from_lonlat(geoms_from_wkb(wkb[a:a + BUILDING_CHUNK]))
        v = polygon_vertices(geoms)
        parts.append(Vertices(v.x, v.y, v.connect, v.owner + a))
    vertices = (Vertices(np.concatenate([p.x for p in parts]),
                         np.concatenate([p.y for p in parts]),
                         np.concatenate([p.connect for p in parts]),
                         np.concatenate([p.owner for p in parts]))
                if parts else polygon_vertices(np.empty(0, object)))
    return BuildingData(
        ids=cols["id"].astype(np.int64),
        height_m=np.asarray(cols["height_m"], dtype=float),
        floors=np.asarray(cols["floors"], dtype=np.int64),
        vertices=vertices,
    )


def load_cases(
    store: DistrictRepository, frame: LocalFrame, now: datetime, recent_days: int = RECENT_DAYS
) -> CaseData:
    """Open cases plus cases reported within ``recent_days`` of ``now``."""
    ended = sql_list(ENDED_STATUSES)
    since = now - timedelta(days=recent_days)
    # kinds as small codes into a list of distinct kinds: a million Python str made
    # while fetching would hold the GIL (the start-up loads this in a worker) for long
    kinds = sorted({str(r[0]) for r in store.rows("SELECT DISTINCT kind FROM categories "
                                                  "WHERE kind IS NOT NULL")} | {"other"})
    kind_list = "ARRAY[" + ", ".join("'" + k.replace("'", "''") + "'" for k in kinds) + "]"
    cols = store.columns(
        f"SELECT c.id, c.lon, c.lat, "
        f"list_position({kind_list}, coalesce(k.kind, 'other'))::INTEGER - 1 AS kind_code, "
        f"c.status NOT IN {ended} AS is_open, epoch_us(c.reported_at) AS rep_us, "
        f"epoch_us(coalesce(c.closed_at, CASE WHEN c.status = 'voided' THEN c.reported_at END))"
        f" AS closed_us, epoch_us(c.deadline_at) AS deadline_us, "
        f"(c.status NOT IN {ended} AND c.deadline_at IS NOT NULL "
        f" AND c.deadline_at < ?) AS overdue "
        f"FROM cases c LEFT JOIN categories k ON k.code = c.category_code "
        f"WHERE c.status NOT IN {ended} OR c.reported_at >= ? "
        f"ORDER BY c.reported_at, c.id",
        [now, since],
    )
    x, y = frame.from_lonlat(cols["lon"], cols["lat"])
    return CaseData(
        ids=cols["id"].astype(np.int64),
        x=np.asarray(x, dtype=float),
        y=np.asarray(y, dtype=float),
        kind=np.array(kinds, dtype=object)[np.asarray(cols["kind_code"], np.int64)],
        is_open=np.asarray(cols["is_open"], dtype=bool),
        overdue=np.asarray(cols["overdue"], dtype=bool),
        now=now,
        reported_s=_seconds(cols["rep_us"]),
        closed_s=_seconds(cols["closed_us"]),
        deadline_s=_seconds(cols["deadline_us"]),
    )


def _seconds(us) -> np.ndarray:
    """epoch_us values (NULL -> NaN) as float seconds."""
    if np.ma.isMaskedArray(us):
        return us.astype(float).filled(np.nan) / 1e6
    if us.dtype == object:
        return np.array([np.nan if v is None else v / 1e6 for v in us], dtype=float)
    return np.asarray(us, dtype=float) / 1e6


def load_district_map(store: DistrictRepository, clock: Clock | None = None) -> DistrictMap:
    """Read everything the map shows.  GUI thread, or pass ``store.cursor()`` elsewhere."""
    base = load_district_base(store, clock)
    return with_layers(base, load_deferred_layers(store, base))


def load_district_base(store: DistrictRepository, clock: Clock | None = None) -> DistrictMap:
    """What the first map paint needs: the district's frame, its time now (``clock``,
    the district's clock by default) and grid levels.

    Buildings, cases and whistles are empty (see :func:`load_deferred_layers`): at
    Jinhua scale they take most of the start-up and can arrive after the first paint.
    """
    meta = store.meta()
    frame = district_frame(store, meta)
    now = (clock or store_clock(store)).now()
    levels = load_grid_levels(store, frame)
    name = meta.get("district_name") or (str(levels[1].names[0]) if 1 in levels else "")
    return DistrictMap(
        district_name=name,
        frame=frame,
        now=now,
        levels=levels,
        buildings=empty_buildings(),
        cases=empty_cases(now),
        whistles=empty_whistles(),
        extent=_extent(levels),
    )


@dataclass(frozen=True)
class DeferredLayers:
    """The layers loaded after the first paint (a worker thread with its own cursor)."""

    buildings: BuildingData
    cases: CaseData
    whistles: WhistleData


def load_deferred_layers(store: DistrictRepository, base: DistrictMap) -> DeferredLayers:
    """Buildings, cases and whistles.  Touches only ``store`` (a cursor of its own when
    called off the GUI thread) and immutable data of ``base``."""
    frame, now = base.frame, base.now
    return DeferredLayers(buildings=load_buildings(store, frame),
                          cases=load_cases(store, frame, now),
                          whistles=load_whistles(store, frame))


def with_layers(base: DistrictMap, deferred: DeferredLayers) -> DistrictMap:
    """``base`` with its buildings, cases and whistles filled in."""
    from dataclasses import replace

    return replace(base, buildings=deferred.buildings, cases=deferred.cases,
                   whistles=deferred.whistles)


def empty_buildings() -> BuildingData:
    e = np.empty(0)
    return BuildingData(ids=np.empty(0, np.int64), height_m=e, floors=np.empty(0, np.int64),
                        vertices=Vertices(e, e, np.empty(0, np.int32), np.empty(0, np.int64)))


def empty_cases(now: datetime) -> CaseData:
    e = np.empty(0)
    return CaseData(ids=np.empty(0, np.int64), x=e, y=e, kind=np.empty(0, object),
                    is_open=np.empty(0, bool), overdue=np.empty(0, bool), now=now,
                    reported_s=e, closed_s=e, deadline_s=e)


def empty_whistles() -> WhistleData:
    e = np.empty(0)
    return WhistleData(np.empty(0, np.int64), e, e, np.empty(0, np.int64), e, e)


def _extent(levels: dict[int, GridLevelData]) -> tuple[float, float, float, float]:
    import shapely

    for lv in sorted(levels):
        if len(levels[lv]):
            b = shapely.total_bounds(levels[lv].geoms)
            return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
    return (-1000.0, -1000.0, 1000.0, 1000.0)
