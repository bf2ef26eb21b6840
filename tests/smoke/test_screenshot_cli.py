"""Smoke: `python -m app screenshot` in a fresh process renders a real map."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def _png_pixels(path: Path) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), f"{path} is not a readable PNG"
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes())
    # copy: the array must outlive the QImage whose buffer it views
    return arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, : img.width(), :3].copy()


def test_screenshot_subprocess_renders_a_district(small_db_path, tmp_path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GRIDCC_CONFIG_DIR": str(tmp_path / "cfg")}
    r = subprocess.run(
        [sys.executable, "-m", "app", "screenshot", str(out), "--db", str(small_db_path),
         "--size", "1280x800"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "at 2026-11-20 10:30:00" in r.stdout  # the district's now (the suite's GRIDCC_NOW)
    assert "落后" not in r.stderr  # the demo is live at that now
    px = _png_pixels(out)
    assert px.shape[:2] == (800, 1280)
    # Not blank: many distinct colours and real variation across the map area.
    colours = np.unique(px.reshape(-1, 3)[::7], axis=0)
    assert len(colours) > 200, f"only {len(colours)} colours: blank or flat"
    centre = px[200:600, 300:1000].astype(float)
    assert centre.std() > 10
    # Dark control-room theme: the picture is mostly dark.
    assert px.mean() < 110


def test_screenshot_refuses_a_missing_folder(small_db_path, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "app", "screenshot", str(tmp_path / "no" / "x.png"),
         "--db", str(small_db_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr
