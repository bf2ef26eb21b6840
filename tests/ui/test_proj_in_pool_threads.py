"""Projections in Qt pool threads (the map's loader, the appraisal worker and the camera
loader run QRunnables that project).  A pool thread gets a new Python thread state for
every job; pyproj used to free its PROJ context with the old one while still using it,
and the next job on that thread crashed the process.  Run in a child process so that a
crash is a failed test, not a dead test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import numpy as np
    from PySide6.QtCore import QCoreApplication, QRunnable, QThreadPool
    from app.geo import crs

    app = QCoreApplication([])
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(117.1, 117.2, 20000), rng.uniform(39.1, 39.2, 20000)
    ref = crs.lonlat_to_metric(lon, lat)
    bad = []

    class Job(QRunnable):
        def run(self):
            x, y = crs.lonlat_to_metric(lon, lat)
            back, _ = crs.metric_to_lonlat(x, y)
            if abs(x - ref[0]).max() > 1e-6 or abs(back - lon).max() > 1e-9:
                bad.append(1)

    for _ in range(3):
        pool = QThreadPool()
        pool.setMaxThreadCount(2)
        pool.setExpiryTimeout(10)  # threads come and go as well
        for _ in range(150):
            pool.start(Job())
        crs.lonlat_to_metric(lon, lat)  # and the main thread projects meanwhile
        pool.waitForDone()
        shared = QThreadPool.globalInstance()
        for _ in range(150):
            shared.start(Job())
        shared.waitForDone()
    print("ok", len(bad))
""")


def test_pool_threads_project_job_after_job_without_crashing():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    res = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, f"exit {res.returncode}: {res.stderr[-2000:]}"
    assert res.stdout.split() == ["ok", "0"]
