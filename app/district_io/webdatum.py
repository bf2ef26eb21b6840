"""GCJ-02 (Chinese web maps, phone SDKs) and BD-09 (Baidu) to and from WGS 84 / CGCS2000.

GCJ-02 is a published non-linear offset of up to several hundred metres that PROJ
does not know; BD-09 is a further rotation and shift of GCJ-02.  CGCS2000 and WGS 84
agree to well under a metre, so "WGS" here stands for the storage datum (EPSG:4490).
Inverting GCJ-02 has no closed form: it is iterated to well below a centimetre.
All functions are vectorised over numpy arrays of longitude and latitude (degrees).
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0


def _dlat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    r += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return r


def _dlon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    r += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 / CGCS2000 -> GCJ-02."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x, y = lon - 105.0, lat - 35.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = _dlat(x, y) * 180.0 / ((_A * (1.0 - _EE)) / (magic * sq) * np.pi)
    dlon = _dlon(x, y) * 180.0 / (_A / sq * np.cos(rad) * np.pi)
    return lon + dlon, lat + dlat


def gcj_to_wgs(lon, lat, *, tol_deg: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS 84 / CGCS2000, by fixed-point iteration (millimetre accuracy)."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        tlon, tlat = wgs_to_gcj(wlon, wlat)
        dlon, dlat = tlon - glon, tlat - glat
        wlon = wlon - dlon
        wlat = wlat - dlat
        if np.all(np.abs(dlon) < tol_deg) and np.all(np.abs(dlat) < tol_deg):
            break
    return wlon, wlat


def bd_to_gcj(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> GCJ-02."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj_to_bd(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd_to_wgs(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> WGS 84 / CGCS2000."""
    return gcj_to_wgs(*bd_to_gcj(lon, lat))


def wgs_to_bd(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 / CGCS2000 -> BD-09."""
    return gcj_to_bd(*wgs_to_gcj(lon, lat))


#: the web datums GridCC converts from, by their ``--crs`` names
TO_STORAGE = {"gcj02": gcj_to_wgs, "bd09": bd_to_wgs}
FROM_STORAGE = {"gcj02": wgs_to_gcj, "bd09": wgs_to_bd}
