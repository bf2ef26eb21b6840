"""Camera points on the map (视频点位图层), without Qt.

Positions in the district's local display frame, compass headings and fields of
view, and the owner department of each camera, so that the renderer can colour
and filter by department and draw the view direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.geo.crs import LocalFrame

#: owner departments of the video points, in legend order (DOMAIN.md: 公安, 教育, 卫健, 安监, 民政)
OWNER_ORDER = ("GA", "JY", "WJ", "YJ", "MZ")


@dataclass
class CameraLayerData:
    """Every camera as arrays; ``departments`` is the set currently shown."""

    codes: np.ndarray  # str
    x: np.ndarray  # local metres (east)
    y: np.ndarray  # local metres (north)
    heading_deg: np.ndarray  # compass bearing, 0 = north, clockwise
    fov_deg: np.ndarray
    department: np.ndarray  # owner department code
    online: np.ndarray  # bool
    departments: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.codes)

    def owners(self) -> list[str]:
        """Owner codes present, in legend order (unknown owners last, sorted)."""
        present = set(self.department.tolist())
        return [d for d in OWNER_ORDER if d in present] + sorted(present - set(OWNER_ORDER))

    def shown_mask(self) -> np.ndarray:
        """Cameras of the departments currently shown."""
        if not self.departments:
            return np.zeros(len(self), bool)
        return np.isin(self.department, list(self.departments))

    def view_segments(self, length_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Both edges of each camera's field of view, ``length_m`` long: arrays of
        x and y with the pattern camera, edge end, camera, edge end (4 points each)."""
        h = np.radians(self.heading_deg)
        half = np.radians(self.fov_deg) / 2
        n = len(self)
        xs = np.empty(4 * n)
        ys = np.empty(4 * n)
        for k, a in enumerate((h - half, h + half)):
            xs[2 * k::4] = self.x
            ys[2 * k::4] = self.y
            # compass bearing: east = sin, north = cos
            xs[2 * k + 1::4] = self.x + length_m * np.sin(a)
            ys[2 * k + 1::4] = self.y + length_m * np.cos(a)
        return xs, ys

    def nearest_shown(self, x: float, y: float, max_m: float) -> str | None:
        """The code of the shown camera nearest local (x, y), if within ``max_m``."""
        mask = self.shown_mask()
        if not mask.any():
            return None
        idx = np.flatnonzero(mask)
        d = np.hypot(self.x[idx] - x, self.y[idx] - y)
        i = int(np.argmin(d))
        return str(self.codes[idx[i]]) if d[i] <= max_m else None


def camera_layer_data(store, frame: LocalFrame) -> CameraLayerData:
    """Load the cameras of the district; every owner department is shown at first."""
    rows = store.rows("""SELECT c.code, c.lon, c.lat, CAST(c.heading_deg AS DOUBLE PRECISION),
                                CAST(c.fov_deg AS DOUBLE PRECISION), d.code, c.online
                         FROM cameras c JOIN departments d ON d.id = c.department_id
                         ORDER BY c.code""")
    if rows:
        cols = list(zip(*rows, strict=True))
        lon = np.array(cols[1], float)
        lat = np.array(cols[2], float)
        if len(rows) == 1:  # pyproj takes one-element arrays for scalars and warns
            x, y = (np.array([v]) for v in frame.from_lonlat(float(lon[0]), float(lat[0])))
        else:
            x, y = frame.from_lonlat(lon, lat)
        data = CameraLayerData(np.array(cols[0], object), np.asarray(x, float),
                               np.asarray(y, float), np.array(cols[3], float),
                               np.array(cols[4], float), np.array(cols[5], object),
                               np.array(cols[6], bool))
    else:
        e = np.empty(0)
        data = CameraLayerData(np.empty(0, object), e, e, e, e, np.empty(0, object),
                               np.empty(0, bool))
    data.departments = set(data.department.tolist())
    return data
