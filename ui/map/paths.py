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


#: features per chunk of :func:`chunked_paths`
CHUNK_FEATURES = 300


def chunked_paths(v: Vertices, chunk: int = CHUNK_FEATURES
                  ) -> list[tuple[tuple[float, float, float, float], QPainterPath]]:
    """The rings of ``v`` as (bounds, path) per run of ``chunk`` features.

    Why: a static render runs in a worker, but QPainter.drawPath keeps Python's GIL
    for its whole duration; one path of 10,000 grid outlines stalled the GUI thread
    for over 100 ms.  Short paths hand the GIL back between them, and chunks out of
    view are skipped.  Features are stored street by street, community by
    community, so a run of them is a compact area.
    """
    if len(v) == 0:
        return []
    order = np.argsort(v.owner, kind="stable")
    owner = v.owner[order]
    if not np.all(order == np.arange(len(order))):
        v = Vertices(v.x[order], v.y[order], v.connect[order], owner)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    cuts = np.r_[starts[::chunk], len(owner)]
    out = []
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        connect = v.connect[lo:hi].copy()
        connect[0] = 0
        part = Vertices(v.x[lo:hi], v.y[lo:hi], connect, v.owner[lo:hi])
        bounds = (float(part.x.min()), float(part.y.min()), float(part.x.max()),
                  float(part.y.max()))
        out.append((bounds, vertices_path(part)))
    return out
