"""Flat vertex arrays -> one QPainterPath (fast: one binary copy, no per-vertex Python)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath

from app.map.geometry import Vertices


def vertices_path(v: Vertices) -> QPainterPath:
    """All rings of ``v`` as subpaths of one path (odd-even fill: holes stay holes)."""
    if len(v) == 0:
        return QPainterPath()
    # Vertices.connect says "joins the previous vertex"; arrayToQPath wants "joins the next".
    to_next = np.zeros(len(v), dtype=np.int32)
    to_next[:-1] = v.connect[1:]
    return pg.arrayToQPath(v.x, v.y, connect=to_next, finiteCheck=False)
