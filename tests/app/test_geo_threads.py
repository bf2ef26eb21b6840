"""Projections from several threads at once (the map's loader, the camera registry
and the GUI thread do this at start-up): each thread gets its own pyproj transformer,
and every thread gets the same, right answer.  One transformer shared between threads
crashed the process (a segmentation fault in pyproj)."""

from __future__ import annotations

import threading

import numpy as np

from app.geo import crs


def test_threads_project_concurrently_with_their_own_transformers():
    rng = np.random.default_rng(3)
    lon = rng.uniform(117.10, 117.22, 20_000)
    lat = rng.uniform(39.12, 39.22, 20_000)
    ref_x, ref_y = crs.lonlat_to_metric(lon, lat)
    errors: list[float] = []
    used: list[int] = []
    start = threading.Barrier(4)

    def work():
        start.wait()
        used.append(id(crs._transformer(crs.STORAGE_EPSG, crs.METRIC_EPSG)))
        worst = 0.0
        for _ in range(60):
            x, y = crs.lonlat_to_metric(lon, lat)
            back_lon, _ = crs.metric_to_lonlat(x, y)
            worst = max(worst, float(np.abs(x - ref_x).max()), float(np.abs(y - ref_y).max()),
                        float(np.abs(back_lon - lon).max()) * 1e5)
        errors.append(worst)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(errors) == 4 and max(errors) < 1e-3
    assert len(set(used)) == 4  # one transformer per thread
    assert id(crs._transformer(crs.STORAGE_EPSG, crs.METRIC_EPSG)) not in used
