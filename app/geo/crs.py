"""Coordinate reference systems used by GridCC.

Storage is CGCS2000 longitude/latitude (EPSG:4490), the national datum.
Metric work (areas, buffers, distances, map display) uses CGCS2000 / 3-degree
Gauss-Kruger zone 39 (EPSG:4527), whose central meridian is 117 E (Tianjin).
EPSG:4527 carries the zone number in the false easting (39 500 000 m); the map
canvas subtracts a local origin so that Qt never sees 8-digit coordinates.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from pyproj import Transformer

STORAGE_EPSG = 4490  # CGCS2000 geographic
METRIC_EPSG = 4527  # CGCS2000 / 3-degree GK zone 39 (CM 117E)


_per_thread = threading.local()


def _transformer(src: int, dst: int) -> Transformer:
    """The thread's own transformer: a pyproj Transformer must not be used from two
    threads at once (the map's loader, the camera registry and the GUI thread project
    concurrently; sharing one crashed the process)."""
    made = getattr(_per_thread, "transformers", None)
    if made is None:
        made = _per_thread.transformers = {}
    tr = made.get((src, dst))
    if tr is None:
        tr = made[(src, dst)] = _make_transformer(src, dst)
        _pin_proj_context()
    return tr


#: each OS thread's PROJ context, kept alive for as long as the process runs
_pinned_contexts: dict[int, object] = {}


def _pin_proj_context() -> None:
    """Keep this OS thread's PROJ context alive.

    pyproj keeps the context's address in a C thread-specific slot but frees the
    context with the *Python* thread state.  Qt's pool threads (QThreadPool, QRunnable)
    get a fresh Python thread state for every job and drop it afterwards, so the next
    job on the same thread found a freed context and the process crashed.  Holding a
    reference to the context's owner keeps the address valid; one context per thread."""
    try:
        from pyproj._context import get_context_manager
    except ImportError:  # a pyproj without it manages its contexts differently
        return
    owner = get_context_manager()
    if owner is not None:
        _pinned_contexts[threading.get_native_id()] = owner


def _make_transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def lonlat_to_metric(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """CGCS2000 lon/lat (degrees) -> EPSG:4527 easting/northing (metres). Vectorised."""
    return _transformer(STORAGE_EPSG, METRIC_EPSG).transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    )


def metric_to_lonlat(x, y) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4527 easting/northing (metres) -> CGCS2000 lon/lat (degrees). Vectorised."""
    return _transformer(METRIC_EPSG, STORAGE_EPSG).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    )


def geoms_to_metric(geoms):
    """Shapely geometries in lon/lat -> the same geometries in EPSG:4527 metres."""
    import shapely

    return shapely.transform(geoms, _xy_transform(STORAGE_EPSG, METRIC_EPSG))


def geoms_to_lonlat(geoms):
    """Shapely geometries in EPSG:4527 metres -> lon/lat."""
    import shapely

    return shapely.transform(geoms, _xy_transform(METRIC_EPSG, STORAGE_EPSG))


def _xy_transform(src: int, dst: int):
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = _transformer(src, dst).transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return fn


@dataclass(frozen=True)
class LocalFrame:
    """A metric frame with its origin near the district, for display.

    ``local = metric - origin``; keeps coordinates small (a few km) so that
    float32 paths and Qt transforms stay exact to the centimetre.
    """

    origin_x: float
    origin_y: float

    @classmethod
    def around(cls, lon: float, lat: float) -> LocalFrame:
        x, y = lonlat_to_metric(lon, lat)
        return cls(float(np.round(x, -3)), float(np.round(y, -3)))

    def from_lonlat(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = lonlat_to_metric(lon, lat)
        return x - self.origin_x, y - self.origin_y

    def to_lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return metric_to_lonlat(np.asarray(x) + self.origin_x, np.asarray(y) + self.origin_y)

    def geoms_from_lonlat(self, geoms):
        import shapely

        tr = _transformer(STORAGE_EPSG, METRIC_EPSG)
        ox, oy = self.origin_x, self.origin_y

        def fn(coords: np.ndarray) -> np.ndarray:
            x, y = tr.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x - ox, y - oy])

        return shapely.transform(geoms, fn)
