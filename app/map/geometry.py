"""Shapely polygons -> flat vertex arrays that a renderer turns into one path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class Vertices:
    """All rings of many polygons as one flat vertex list.

    ``connect[i]`` is 1 when vertex ``i`` continues the ring of vertex ``i-1`` and 0
    where a new ring starts (pyqtgraph's ``arrayToQPath`` convention); ``owner[i]`` is
    the index of the feature the vertex belongs to.  Rings are closed (first vertex
    repeated), so the same arrays draw both outlines and fills.
    """

    x: np.ndarray
    y: np.ndarray
    connect: np.ndarray
    owner: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def subset(self, features: np.ndarray) -> Vertices:
        """The vertices of the features whose index is in ``features`` (or a bool mask)."""
        features = np.asarray(features)
        if features.dtype == bool:
            keep = features[self.owner]
        else:
            keep = np.isin(self.owner, features)
        return Vertices(self.x[keep], self.y[keep], self.connect[keep], self.owner[keep])


def polygon_vertices(geoms: np.ndarray) -> Vertices:
    """Flatten (multi)polygons - exterior and interior rings alike - into :class:`Vertices`."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        empty = np.empty(0)
        return Vertices(empty, empty, np.empty(0, np.int32), np.empty(0, np.int64))
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, vert_ring = shapely.get_coordinates(rings, return_index=True)
    connect = np.ones(len(coords), dtype=np.int32)
    if len(coords):
        connect[0] = 0
        connect[1:][vert_ring[1:] != vert_ring[:-1]] = 0
    owner = part_owner[ring_part[vert_ring]]
    return Vertices(
        np.ascontiguousarray(coords[:, 0]),
        np.ascontiguousarray(coords[:, 1]),
        connect,
        owner.astype(np.int64),
    )
