"""Distance and area measuring on the map (测距、测面), without Qt.

Points are in the map's local frame (:class:`app.geo.crs.LocalFrame`): EPSG:4527
(CGCS2000 / 3-degree Gauss-Kruger, central meridian 117E) minus a constant origin, so
lengths and areas are those of the EPSG:4527 plane.  Near the central meridian the
plane's scale factor is 1 to within 1e-5 (Tianjin, 117.16E), so they are ground
metres for every practical purpose.

Units are SI symbols (m, km, m², ha, km²), the same in every interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: below this a length is shown in metres, from it in kilometres
KM_FROM_M = 1000.0
#: below this an area is shown in m², then in hectares, from the next in km²
HA_FROM_M2 = 10_000.0
KM2_FROM_M2 = 1_000_000.0


def path_length(xs, ys) -> float:
    """Length of the polyline through the points (metres)."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    if len(x) < 2:
        return 0.0
    return float(np.hypot(np.diff(x), np.diff(y)).sum())


def polygon_area(xs, ys) -> float:
    """Area of the polygon through the points, closed back to the first (m², shoelace;
    always positive whatever the order of the points)."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    if len(x) < 3:
        return 0.0
    # about the first point: the products stay small, no cancellation in float64
    x, y = x - x[0], y - y[0]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def perimeter(xs, ys) -> float:
    """Length of the polygon's boundary, closing edge included (metres)."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    if len(x) < 2:
        return 0.0
    return path_length(np.r_[x, x[0]], np.r_[y, y[0]])


def format_length(m: float) -> str:
    """``835 m``, ``12.4 m``, ``1.27 km``, ``18.3 km``."""
    if m < KM_FROM_M:
        return f"{m:.1f} m" if m < 100 else f"{m:.0f} m"
    km = m / 1000.0
    return f"{km:.2f} km" if km < 100 else f"{km:.1f} km"


def format_area(m2: float) -> str:
    """``640 m²``, ``2.35 ha``, ``1.27 km²``."""
    if m2 < HA_FROM_M2:
        return f"{m2:.0f} m²"
    if m2 < KM2_FROM_M2:
        return f"{m2 / 10_000.0:.2f} ha"
    return f"{m2 / 1_000_000.0:.2f} km²"


@dataclass
class Measurement:
    """A measurement in progress or finished: ``mode`` is "distance" or "area"."""

    mode: str
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    finished: bool = False

    def add(self, x: float, y: float) -> None:
        """One more point; a point on top of the last one (a double click's) is dropped."""
        if self.xs and abs(self.xs[-1] - x) < 1e-9 and abs(self.ys[-1] - y) < 1e-9:
            return
        self.xs.append(float(x))
        self.ys.append(float(y))

    def undo(self) -> bool:
        """Remove the last point; False when there was none."""
        if not self.xs:
            return False
        self.xs.pop()
        self.ys.pop()
        return True

    def __len__(self) -> int:
        return len(self.xs)

    def with_cursor(self, x: float | None, y: float | None) -> tuple[list[float], list[float]]:
        """The points plus the cursor as a last, moving point (while drawing)."""
        if self.finished or x is None or y is None:
            return list(self.xs), list(self.ys)
        return [*self.xs, float(x)], [*self.ys, float(y)]

    def length(self, x: float | None = None, y: float | None = None) -> float:
        """The polyline's length (to the cursor, while drawing)."""
        return path_length(*self.with_cursor(x, y))

    def area(self, x: float | None = None, y: float | None = None) -> float:
        return polygon_area(*self.with_cursor(x, y))

    def perimeter(self, x: float | None = None, y: float | None = None) -> float:
        return perimeter(*self.with_cursor(x, y))

    def last_segment(self, x: float, y: float) -> float:
        """From the last point to the cursor (metres); 0 without points."""
        if not self.xs:
            return 0.0
        return float(np.hypot(x - self.xs[-1], y - self.ys[-1]))

    def complete(self) -> bool:
        """Enough points for a result: 2 for a distance, 3 for an area."""
        return len(self) >= (2 if self.mode == "distance" else 3)
