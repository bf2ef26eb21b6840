"""WKB <-> shapely for columns read from the store."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely


def geoms_from_wkb(blobs: Iterable[bytes | bytearray | None], *, strict: bool = True) -> np.ndarray:
    """Decode a column of WKB blobs (DuckDB hands BLOBs back as bytearray).

    With ``strict=False`` unreadable blobs become None instead of raising, so a
    validator can name them.
    """
    arr = np.asarray([None if b is None else bytes(b) for b in blobs], dtype=object)
    return shapely.from_wkb(arr, on_invalid="raise" if strict else "ignore")
