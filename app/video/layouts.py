"""Wall layouts (画面分割): 1, 4, 9, 16 and big-plus-small 1+5, 1+7; named layouts.

A layout is a square grid of ``size`` × ``size`` cells and a list of tiles, each a
rectangle of cells (row, column, row span, column span); tile 0 is the big one of
the big-plus-small layouts.  Named layouts (a layout and the camera in each tile)
are kept in a small versioned JSON file under ``$GRIDCC_CONFIG_DIR`` — not in the
district database, because they belong to the workstation, not to the district.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

SETTINGS_VERSION = 1
SETTINGS_FILE = "video_wall.json"


class LayoutError(ValueError):
    """Unknown layout, bad name or unreadable settings file (one-line message)."""


@dataclass(frozen=True)
class TileRect:
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class WallLayout:
    """A split of the wall: ``size`` × ``size`` cells and the tiles covering them."""

    key: str
    size: int
    tiles: tuple[TileRect, ...]

    @property
    def count(self) -> int:
        return len(self.tiles)


def _square(n: int) -> WallLayout:
    return WallLayout(str(n * n), n, tuple(TileRect(r, c) for r in range(n) for c in range(n)))


def _big_plus_small(size: int) -> WallLayout:
    """One big tile of (size-1)² cells top-left, small tiles along the right and bottom."""
    big = size - 1
    tiles = [TileRect(0, 0, big, big)]
    tiles += [TileRect(r, big) for r in range(big)]
    tiles += [TileRect(big, c) for c in range(size)]
    return WallLayout(f"1+{len(tiles) - 1}", size, tuple(tiles))


LAYOUTS: dict[str, WallLayout] = {lay.key: lay for lay in (
    _square(1), _square(2), _square(3), _square(4), _big_plus_small(3), _big_plus_small(4))}


def layout(key: str) -> WallLayout:
    try:
        return LAYOUTS[key]
    except KeyError:
        raise LayoutError(f"unknown wall layout {key!r} (use {', '.join(LAYOUTS)})") from None


@dataclass
class NamedLayout:
    """A saved wall: its layout and the camera code shown in each tile (None = empty)."""

    name: str
    layout: str
    cameras: list[str | None] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "layout": self.layout, "cameras": self.cameras}


def config_dir() -> Path:
    env = os.environ.get("GRIDCC_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("gridcc", appauthor=False))


class LayoutBook:
    """Named layouts saved and recalled (预案): a versioned JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / SETTINGS_FILE
        self._layouts: dict[str, NamedLayout] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != SETTINGS_VERSION:
                raise LayoutError(f"{self.path}: settings version {data.get('version')!r} "
                                  f"is not {SETTINGS_VERSION}")
            for item in data.get("layouts", []):
                nl = NamedLayout(str(item["name"]), str(item["layout"]),
                                 [c if c else None for c in item.get("cameras", [])])
                layout(nl.layout)  # unknown layout keys are rejected, not half-loaded
                self._layouts[nl.name] = nl
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, LayoutError):
                raise
            raise LayoutError(f"cannot read wall layouts from {self.path}: {exc}") from None

    def names(self) -> list[str]:
        return sorted(self._layouts)

    def get(self, name: str) -> NamedLayout:
        try:
            return self._layouts[name]
        except KeyError:
            raise LayoutError(f"no saved wall layout named {name!r}") from None

    def save(self, named: NamedLayout) -> None:
        name = named.name.strip()
        if not name:
            raise LayoutError("a saved wall layout needs a name")
        lay = layout(named.layout)
        cams = list(named.cameras[:lay.count]) + [None] * max(0, lay.count - len(named.cameras))
        self._layouts[name] = NamedLayout(name, lay.key, cams)
        self._write()

    def delete(self, name: str) -> None:
        if self._layouts.pop(name, None) is not None:
            self._write()

    def _write(self) -> None:
        data = {"version": SETTINGS_VERSION,
                "layouts": [self._layouts[n].as_dict() for n in self.names()]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # write then rename: a crash never leaves a half-written settings file
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=2)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise LayoutError(f"cannot save wall layouts to {self.path}: {exc.strerror}") from None
