"""render_screenshot: an offscreen PNG of the whole window that shows a map."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from ui.app import render_screenshot


def _pixels(path) -> np.ndarray:
    """The image as an (h, w, 3) RGB array."""
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(
        img.height(), img.bytesPerLine() // 4, 4)
    return arr[:, : img.width(), 2::-1].copy()  # RGB32 is B, G, R, A in memory


def test_render_screenshot_writes_a_map(store, tmp_path, qapp, config_dir):
    out = tmp_path / "shot.png"
    render_screenshot(store, out, (1280, 720))
    assert out.exists()
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 720)
    px = _pixels(out)
    assert px.std() > 10  # not blank
    colours = np.unique(px.reshape(-1, 3) // 8, axis=0)
    assert len(colours) > 100  # fills, outlines, case colours, text
    # dark theme: most of the picture is dark
    assert np.median(px.mean(axis=2)) < 60
    # the cyan district outline is there
    cyan = (px[..., 0] < 80) & (px[..., 1] > 180) & (px[..., 2] > 200)
    assert cyan.sum() > 500
    # a screenshot never writes the operator's window settings
    assert not (config_dir / "window.ini").exists()


def test_render_screenshot_unwritable_path_is_a_user_error(store, tmp_path, qapp):
    from app.cli import UserError

    target = tmp_path / "taken.png"
    target.mkdir()  # a folder where the PNG should go: Qt cannot write it
    try:
        render_screenshot(store, target, (640, 480))
    except UserError as exc:
        assert "could not write" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("writing over a folder must fail")
