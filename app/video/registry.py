"""Camera registry (视频点位): search by name, grid or department; nearest cameras.

All 4,500 demo cameras fit easily in numpy arrays, so queries are vectorised scans
in memory; distances are metric, in CGCS2000 / 3-degree Gauss-Kruger CM 117E
(EPSG:4527), as the issue asks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.geo.crs import lonlat_to_metric
from app.store import DistrictRepository
from app.video.streams import is_demo, substream_of

_SQL = """
SELECT c.code, c.name, c.kind, d.code, d.short_name, c.grid_id, g.code, g.name,
       c.lon, c.lat, CAST(c.heading_deg AS DOUBLE PRECISION),
       CAST(c.fov_deg AS DOUBLE PRECISION), c.stream_url, c.online, c.substream_url
FROM cameras c JOIN departments d ON d.id = c.department_id
LEFT JOIN grid_units g ON g.id = c.grid_id
ORDER BY c.code
"""


@dataclass(frozen=True)
class Camera:
    """One video point: owner department, grid, position, view direction and stream."""

    code: str
    name: str
    kind: str  # street, kindergarten, school, hospital, enterprise, care_home
    department_code: str
    department: str  # short display name of the owner (公安红桥分局 …)
    grid_id: int
    grid_code: str
    grid_name: str
    lon: float
    lat: float
    x: float  # EPSG:4527 easting, metres
    y: float  # EPSG:4527 northing, metres
    heading_deg: float
    fov_deg: float
    stream_url: str
    online: bool
    #: the lower-resolution sub-stream (辅码流) for small tiles; None: one stream only
    substream_url: str | None = None


@dataclass(frozen=True)
class NearbyCamera:
    camera: Camera
    distance_m: float


def _to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised EPSG:4527 projection that also takes one-element arrays
    (pyproj treats those as scalars and warns)."""
    if len(lon) == 1:
        x, y = lonlat_to_metric(float(lon[0]), float(lat[0]))
        return np.array([x]), np.array([y])
    return lonlat_to_metric(lon, lat)


class CameraRegistry:
    """The district's cameras, loaded once; queries never touch the database again."""

    def __init__(self, cameras: list[Camera]) -> None:
        self.cameras = cameras
        self._by_code = {c.code: i for i, c in enumerate(cameras)}
        self._x = np.array([c.x for c in cameras], dtype=float)
        self._y = np.array([c.y for c in cameras], dtype=float)
        self._dept = np.array([c.department_code for c in cameras], dtype=object)
        # one lower-case haystack per camera: name, code, grid code and name, owner
        self._text = [f"{c.name} {c.code} {c.grid_code} {c.grid_name} {c.department}".lower()
                      for c in cameras]

    @classmethod
    def load(cls, store: DistrictRepository) -> CameraRegistry:
        rows = store.rows(_SQL)
        if not rows:
            return cls([])
        lon = np.array([r[8] for r in rows], dtype=float)
        lat = np.array([r[9] for r in rows], dtype=float)
        x, y = _to_metric(lon, lat)
        cams = [Camera(r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6] or "", r[7] or "",
                       float(r[8]), float(r[9]), float(x[i]), float(y[i]), float(r[10]),
                       float(r[11]), r[12], bool(r[13]), r[14] or _demo_substream(r[12]))
                for i, r in enumerate(rows)]
        return cls(cams)

    def __len__(self) -> int:
        return len(self.cameras)

    def get(self, code: str) -> Camera | None:
        i = self._by_code.get(code)
        return self.cameras[i] if i is not None else None

    def departments(self) -> list[tuple[str, str]]:
        """(code, short name) of every owner department, in order of first appearance."""
        seen: dict[str, str] = {}
        for c in self.cameras:
            seen.setdefault(c.department_code, c.department)
        return sorted(seen.items())

    def search(self, text: str = "", *, department: str | None = None,
               grid_id: int | None = None, limit: int | None = 500) -> list[Camera]:
        """Cameras whose name, code, grid or owner contains every word of ``text``."""
        words = text.lower().split()
        out = []
        for i, c in enumerate(self.cameras):
            if department and c.department_code != department:
                continue
            if grid_id is not None and c.grid_id != grid_id:
                continue
            if words and not all(w in self._text[i] for w in words):
                continue
            out.append(c)
            if limit is not None and len(out) >= limit:
                break
        return out

    def nearest(self, x: float, y: float, n: int = 9, radius_m: float = 500.0, *,
                department: str | None = None, online_only: bool = False) -> list[NearbyCamera]:
        """The ``n`` nearest cameras within ``radius_m`` metres of EPSG:4527 point (x, y)."""
        if n <= 0 or not self.cameras:
            return []
        d = np.hypot(self._x - x, self._y - y)
        ok = d <= radius_m
        if department:
            ok &= self._dept == department
        if online_only:
            ok &= np.array([c.online for c in self.cameras])
        idx = np.flatnonzero(ok)
        # stable sort: equal distances keep code order, so results are reproducible
        idx = idx[np.argsort(d[idx], kind="stable")][:n]
        return [NearbyCamera(self.cameras[i], float(d[i])) for i in idx]

    def nearest_lonlat(self, lon: float, lat: float, n: int = 9,
                       radius_m: float = 500.0, **kw) -> list[NearbyCamera]:
        x, y = lonlat_to_metric(float(lon), float(lat))
        return self.nearest(float(x), float(y), n, radius_m, **kw)


def _demo_substream(url: str) -> str | None:
    """Demo districts made before schema v3 have no sub-stream addresses; their demo
    cameras have sub-stream clips all the same (``demo-media`` makes them)."""
    return substream_of(url) if is_demo(url) and "stream=" not in url else None


def grid_anchor(store: DistrictRepository, grid_id: int) -> tuple[float, float] | None:
    """The label point (lon, lat) of a grid unit, where "nearby cameras" are looked for."""
    row = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?", [grid_id])
    return (float(row[0][0]), float(row[0][1])) if row else None
