"""A layer's coordinate reference system: from the ``.prj``, ``--crs`` or the numbers.

* ``.prj`` files (ArcGIS names included) are read by pyproj.
* ``--crs EPSG:n`` overrides the file; ``--crs gcj02`` / ``bd09`` name the web datums.
* Gauss-Kruger coordinates are recognised from their magnitude: an easting of
  39,5xx,xxx m is 3-degree zone 39 with the zone in the false easting (EPSG:4527);
  5xx,xxx m is the central-meridian form (EPSG:4548 for 117 E), whose meridian comes
  from the ``.prj`` or the district's place.  A ``.prj`` naming one form for numbers
  of the other (4527 versus 4548) is corrected with a warning.
* Longitude and latitude given the wrong way round, and numbers that fit no system
  (wrong units), are named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from app.district_io.webdatum import TO_STORAGE

STORAGE_EPSG = 4490
LONLAT_BOX = (73.0, 3.0, 136.0, 54.0)
WEB_DATUMS = {"gcj02": "GCJ-02（高德/腾讯等网络地图）", "bd09": "BD-09（百度地图）"}
_WEB_ALIASES = {"gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "mars": "gcj02",
                "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "baidu": "bd09"}


@dataclass(frozen=True)
class CrsChoice:
    """How a layer's numbers become CGCS2000 lon/lat.

    ``epsg`` names a PROJ system; ``web`` a web datum (lon/lat in GCJ-02 or BD-09);
    ``swap`` that x and y hold latitude and longitude; ``source`` where it came from."""

    epsg: int | None
    web: str | None = None
    swap: bool = False
    source: str = ""

    def label(self) -> str:
        if self.web:
            return WEB_DATUMS[self.web]
        name = CRS.from_epsg(self.epsg).name if self.epsg else "?"
        return f"EPSG:{self.epsg} {name}"


def parse_crs_option(text: str) -> CrsChoice:
    """``--crs``: EPSG:4527, 4527, gcj02, bd09, or any definition pyproj reads."""
    key = text.strip().lower()
    if key in _WEB_ALIASES:
        return CrsChoice(STORAGE_EPSG, web=_WEB_ALIASES[key], source="--crs")
    try:
        crs = CRS.from_user_input(int(key) if key.isdigit() else text.strip())
    except CRSError:
        raise ValueError(f"无法识别的坐标系 {text!r}（例如 EPSG:4490、EPSG:4527、gcj02、bd09）") from None
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is None:
        raise ValueError(f"坐标系 {text!r} 没有对应的 EPSG 代码")
    return CrsChoice(epsg, source="--crs")


def crs_from_wkt(wkt: str | None) -> int | None:
    """The EPSG code of a ``.prj``'s WKT (ArcGIS's names included), or None."""
    if not wkt:
        return None
    try:
        crs = CRS.from_user_input(wkt)
    except CRSError:
        return None
    return crs.to_epsg(min_confidence=50)


def _in_box(b, box) -> bool:
    return box[0] <= b[0] and b[2] <= box[2] and box[1] <= b[1] and b[3] <= box[3]


def _gk_zone_3deg(epsg: int) -> int | None:
    return epsg - 4513 + 25 if 4513 <= epsg <= 4533 else None


def _gk_cm_3deg(epsg: int) -> int | None:
    return 75 + 3 * (epsg - 4534) if 4534 <= epsg <= 4554 else None


def guess_from_numbers(bounds, declared: int | None, hint_lon: float | None) -> tuple[CrsChoice | None, str]:
    """A CRS from the coordinates' magnitude; (choice, note) or (None, reason)."""
    x0, y0, x1, y1 = bounds
    if _in_box(bounds, LONLAT_BOX):
        return CrsChoice(STORAGE_EPSG, source="坐标量级（经纬度）"), ""
    if _in_box((y0, x0, y1, x1), LONLAT_BOX):
        return CrsChoice(STORAGE_EPSG, swap=True, source="坐标量级（纬度在前）"), (
            "坐标的 x 像纬度、y 像经度：经纬度顺序颠倒")
    if 2.0e5 <= y0 and y1 <= 6.1e6:
        if 25.0e6 <= x0 and x1 < 46.0e6 and int(x0 // 1e6) == int(x1 // 1e6):
            zone = int(x0 // 1e6)
            return CrsChoice(4513 + zone - 25, source=f"坐标量级（高斯-克吕格 3 度带第 {zone} 带，带号在东坐标中）"), ""
        if 13.0e6 <= x0 and x1 < 24.0e6 and int(x0 // 1e6) == int(x1 // 1e6):
            zone = int(x0 // 1e6)
            return CrsChoice(4491 + zone - 13, source=f"坐标量级（高斯-克吕格 6 度带第 {zone} 带）"), ""
        if 2.0e5 <= x0 and x1 <= 8.0e5:
            cm = None
            if declared and _gk_cm_3deg(declared):
                cm = _gk_cm_3deg(declared)
            elif declared and _gk_zone_3deg(declared):
                cm = 3 * _gk_zone_3deg(declared)
            elif hint_lon is not None:
                cm = int(round(hint_lon / 3.0)) * 3
            if cm is None:
                return None, ("坐标像高斯-克吕格平面坐标（东坐标不含带号），但无法确定中央经线："
                              "请用 --crs 指定，例如 EPSG:4548（中央经线 117°E）")
            return CrsChoice(4534 + (cm - 75) // 3, source=f"坐标量级（高斯-克吕格 3 度带，中央经线 {cm}°E）"), ""
    return None, (f"坐标范围 x {x0:,.3f}…{x1:,.3f}、y {y0:,.3f}…{y1:,.3f} 既不像中国境内的经纬度，"
                  "也不像高斯-克吕格米制坐标（单位错误或坐标系不对？）")


def resolve_crs(bounds, declared_wkt: str | None, override: CrsChoice | None,
                hint_lon: float | None) -> tuple[CrsChoice | None, list[tuple[str, str]]]:
    """Decide a layer's CRS; returns (choice or None, [(severity, message)])."""
    notes: list[tuple[str, str]] = []
    if override is not None:
        choice = override
        if choice.web is None and choice.epsg is not None:
            guess, _ = guess_from_numbers(bounds, choice.epsg, hint_lon)
            if guess is not None and _family(guess.epsg) != _family(choice.epsg):
                notes.append(("error", f"--crs {choice.label()} 与坐标量级不符（坐标看起来是 "
                                       f"{guess.label()}）"))
                return None, notes
        return choice, notes
    declared = crs_from_wkt(declared_wkt)
    if declared_wkt and declared is None:
        notes.append(("error", "无法识别 .prj 中的坐标系；请用 --crs 指定"))
        return None, notes
    guess, why = guess_from_numbers(bounds, declared, hint_lon)
    if declared is None:
        if guess is None:
            notes.append(("error", why))
            return None, notes
        if why:
            notes.append(("warning", why))
        notes.append(("warning", f"没有坐标系说明（.prj），按 {guess.source} 判定为 {guess.label()}"))
        return guess, notes
    if guess is None:
        notes.append(("error", f".prj 声明 EPSG:{declared}，但{why}"))
        return None, notes
    if guess.swap:
        notes.append(("warning", why))
        return CrsChoice(declared, swap=True, source=".prj"), notes
    if guess.epsg == declared or _family(guess.epsg) == _family(declared) == "geographic":
        return CrsChoice(declared, source=".prj"), notes
    if _same_projection(declared, guess.epsg):
        notes.append(("warning", f".prj 声明 EPSG:{declared}，但东坐标的量级表明是 EPSG:{guess.epsg}"
                                 "（同一投影，带号是否在东坐标中不同），已按 "
                                 f"EPSG:{guess.epsg} 读取"))
        return CrsChoice(guess.epsg, source="坐标量级（更正 .prj）"), notes
    notes.append(("error", f".prj 声明 EPSG:{declared}（{CRS.from_epsg(declared).name}），"
                           f"但坐标量级表明是 {guess.label()}；请核对 .prj 或用 --crs 指定"))
    return None, notes


def _family(epsg: int | None) -> str:
    if epsg is None:
        return "?"
    try:
        return "geographic" if CRS.from_epsg(epsg).is_geographic else f"projected:{epsg}"
    except CRSError:
        return "?"


def _same_projection(a: int, b: int) -> bool:
    """4527 (zone in the easting) and 4548 (central-meridian form) are one projection."""
    def cm(e):
        return _gk_cm_3deg(e) or (3 * _gk_zone_3deg(e) if _gk_zone_3deg(e) else None)
    return cm(a) is not None and cm(a) == cm(b)


def transform_coords(xy: np.ndarray, choice: CrsChoice) -> np.ndarray:
    """(n, 2) coordinates in ``choice`` -> CGCS2000 lon/lat."""
    x, y = (xy[:, 1], xy[:, 0]) if choice.swap else (xy[:, 0], xy[:, 1])
    if choice.web:
        lon, lat = TO_STORAGE[choice.web](x, y)
    elif choice.epsg in (None, STORAGE_EPSG, 4326):
        lon, lat = x, y
    else:
        tr = Transformer.from_crs(choice.epsg, STORAGE_EPSG, always_xy=True)
        lon, lat = tr.transform(x, y)
    return np.column_stack([lon, lat])


def to_storage(geoms: np.ndarray, choice: CrsChoice) -> np.ndarray:
    """Shapely geometries in ``choice`` -> CGCS2000 lon/lat (2D)."""
    if choice.epsg in (None, STORAGE_EPSG, 4326) and not choice.web and not choice.swap:
        return geoms
    return shapely.transform(geoms, lambda c: transform_coords(c, choice))


def offset_m(lon: float, lat: float, web: str) -> float:
    """How far the web datum ``web`` moves a point here, in metres."""
    lon2, lat2 = TO_STORAGE[web](np.array([lon]), np.array([lat]))
    dx = (lon2[0] - lon) * 111_320.0 * np.cos(np.radians(lat))
    dy = (lat2[0] - lat) * 110_540.0
    return float(np.hypot(dx, dy))
