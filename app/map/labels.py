"""Map labels (注记): candidates per grid level and greedy screen-space decluttering."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from app.map.layers import GridLevelData

#: labelled levels, most important first (streets win collisions over grids)
LABEL_LEVELS = (2, 3, 4)


@dataclass(frozen=True)
class LabelCandidates:
    """One candidate per labelled unit, sorted by priority (best first)."""

    x: np.ndarray
    y: np.ndarray
    text: np.ndarray
    level: np.ndarray
    #: east-west extent of the unit in metres (a horizontal label must fit in it)
    width_m: np.ndarray
    unit_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


def label_candidates(levels: dict[int, GridLevelData]) -> LabelCandidates:
    """Street, community and grid names at their label points, best first.

    Priority: coarser level first, then bigger unit first.
    """
    parts = [levels[lv] for lv in LABEL_LEVELS if lv in levels]
    if not parts:
        e = np.empty(0)
        return LabelCandidates(e, e, np.empty(0, object), np.empty(0, np.int64), e,
                               np.empty(0, np.int64))
    x = np.concatenate([p.label_x for p in parts])
    y = np.concatenate([p.label_y for p in parts])
    text = np.concatenate([_short_names(p, levels) for p in parts]).astype(object)
    level = np.concatenate([np.full(len(p), p.level) for p in parts])
    area = np.concatenate([p.area_m2 for p in parts])
    bounds = shapely.bounds(np.concatenate([p.geoms for p in parts]))
    width = bounds[:, 2] - bounds[:, 0]
    ids = np.concatenate([p.ids for p in parts])
    order = np.lexsort((-area, level))
    return LabelCandidates(x[order], y[order], text[order], level[order], width[order], ids[order])


def _short_names(level: GridLevelData, levels: dict[int, GridLevelData]) -> np.ndarray:
    """Names without the parent's name in front: "光荣二段社区第1网格" -> "第1网格".

    The parent's label is on the map already; the short form fits small units.
    """
    parent = levels.get(level.level - 1)
    if parent is None:
        return level.names
    parent_name = dict(zip(parent.ids.tolist(), parent.names.tolist(), strict=True))
    out = []
    for name, pid in zip(level.names.tolist(), level.parent_ids.tolist(), strict=True):
        prefix = parent_name.get(pid, "")
        short = name[len(prefix):] if prefix and name.startswith(prefix) else name
        out.append(short or name)
    return np.asarray(out, dtype=object)


def declutter(rects: np.ndarray, cell: float = 64.0) -> np.ndarray:
    """Greedy collision culling: keep each rectangle that overlaps none kept before it.

    ``rects`` is (N, 4) ``x0, y0, x1, y1`` in screen pixels, already in priority
    order.  Returns the indices kept, in order.  A uniform bucket grid keeps it
    near-linear for the few thousand candidates a district has.
    """
    rects = np.asarray(rects, dtype=float).reshape(-1, 4)
    kept: list[int] = []
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, (x0, y0, x1, y1) in enumerate(rects.tolist()):
        cells = [
            (cx, cy)
            for cx in range(int(np.floor(x0 / cell)), int(np.floor(x1 / cell)) + 1)
            for cy in range(int(np.floor(y0 / cell)), int(np.floor(y1 / cell)) + 1)
        ]
        clash = False
        for c in cells:
            for j in buckets.get(c, ()):
                a = rects[j]
                if x0 < a[2] and a[0] < x1 and y0 < a[3] and a[1] < y1:
                    clash = True
                    break
            if clash:
                break
        if clash:
            continue
        kept.append(i)
        for c in cells:
            buckets.setdefault(c, []).append(i)
    return np.asarray(kept, dtype=np.int64)


def rects_overlap(rects: np.ndarray) -> bool:
    """True if any two of the (N, 4) rectangles overlap (for checks and tests)."""
    r = np.asarray(rects, dtype=float).reshape(-1, 4)
    if len(r) < 2:
        return False
    ox = (r[:, None, 0] < r[None, :, 2]) & (r[None, :, 0] < r[:, None, 2])
    oy = (r[:, None, 1] < r[None, :, 3]) & (r[None, :, 1] < r[:, None, 3])
    both = ox & oy
    np.fill_diagonal(both, False)
    return bool(both.any())
