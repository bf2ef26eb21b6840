"""The district's base grids (基础网格) as an import places its cases: by grid code or by
point-in-polygon, with the street and community each grid belongs to."""

from __future__ import annotations

import numpy as np
import shapely

from app.geo.wkb import geoms_from_wkb


class GridPlaces:
    """Grids, communities and streets of the district, with point-in-polygon lookup."""

    def __init__(self, store):
        rows = store.rows("SELECT g.id, g.code, g.label_lon, g.label_lat, cm.code, s.code, g.geom, "
                          "cm.id, s.id FROM grid_units g JOIN grid_units cm ON cm.id = g.parent_id "
                          "JOIN grid_units s ON s.id = cm.parent_id WHERE g.level = 4")
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.codes = [str(r[1]) for r in rows]
        self.by_code = {c: i for i, c in enumerate(self.codes)}
        self.label_lon = np.array([r[2] for r in rows], dtype=np.float64)
        self.label_lat = np.array([r[3] for r in rows], dtype=np.float64)
        self.community = [r[4] for r in rows]
        self.street = [r[5] for r in rows]
        self.community_id = [int(r[7]) for r in rows]
        self.street_id = [int(r[8]) for r in rows]
        self.tree = shapely.STRtree(geoms_from_wkb([r[6] for r in rows])) if rows else None
        self.community_codes = {r[0] for r in store.rows(
            "SELECT code FROM grid_units WHERE level = 3")}
        self.street_codes = {r[0] for r in store.rows("SELECT code FROM grid_units WHERE level = 2")}

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the grid containing each point (-1 outside the district)."""
        out = np.full(len(lon), -1, dtype=np.int64)
        if self.tree is None or not len(lon):
            return out
        pts = shapely.points(lon, lat)
        pi, gi = self.tree.query(pts, predicate="within")
        out[pi] = gi
        # a point exactly on a shared border: take the first grid that covers it
        missing = np.flatnonzero(out < 0)
        if len(missing):
            pi, gi = self.tree.query(pts[missing], predicate="covered_by")
            for p, g in zip(pi[::-1], gi[::-1], strict=True):
                out[missing[p]] = g
        return out
