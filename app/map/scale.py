"""Map scale (比例尺) from the canvas resolution and the screen's DPI."""

from __future__ import annotations

import math

METRES_PER_INCH = 0.0254


def scale_denominator(metres_per_pixel: float, logical_dpi: float) -> float:
    """N of the map scale 1:N: ground metres per metre of screen."""
    if metres_per_pixel <= 0 or logical_dpi <= 0:
        raise ValueError("metres_per_pixel and logical_dpi must be positive")
    return metres_per_pixel * logical_dpi / METRES_PER_INCH


def round_scale(denominator: float) -> int:
    """Round N to two significant figures (1:12,345 -> 1:12,000) for display."""
    if denominator <= 0 or not math.isfinite(denominator):
        return 0
    digits = max(0, int(math.floor(math.log10(denominator))) - 1)
    step = 10**digits
    return int(round(denominator / step) * step)
