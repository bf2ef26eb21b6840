"""How appraisal figures are shown: scores, changes (▲▼ with colour), grade colours."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ui import theme

#: a change in score this small counts as unchanged (scores are shown with two decimals)
STEADY = 0.005
UP_COLOUR = "#3ee08f"  # better than last period
DOWN_COLOUR = theme.ALERT  # worse
STEADY_COLOUR = theme.TEXT_DIM
#: distinct, readable on the dark theme, in order of use (trend series)
SERIES_COLOURS = ["#00d8ff", "#ffb02e", "#3ee08f", "#ff66d9", "#ff5a36", "#c6f432",
                  "#a78bfa", "#5aa9ff", "#f5f5f5", "#14d6b4"]


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.2f}"


def delta_text(delta: float | None, *, unit: str = "") -> tuple[str, str]:
    """'▲ 2.35' / '▼ 1.20' / '— 0.00' and the colour to show it in (up is better)."""
    if delta is None:
        return "—", STEADY_COLOUR
    if delta >= STEADY:
        return f"▲ {delta:.2f}{unit}", UP_COLOUR
    if delta <= -STEADY:
        return f"▼ {-delta:.2f}{unit}", DOWN_COLOUR
    return f"— 0.00{unit}", STEADY_COLOUR


def grade_qcolor(hex_code: str, alpha: int | None = None) -> QColor:
    """The grade's colour (分级分色); an unknown colour falls back to the dim text colour."""
    c = QColor(hex_code)
    if not c.isValid():
        c = QColor(theme.TEXT_DIM)
    if alpha is not None:
        c.setAlpha(alpha)
    return c


def text_on(hex_code: str) -> QColor:
    """Black or white, whichever reads better on a fill of ``hex_code``."""
    c = grade_qcolor(hex_code)
    luminance = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QColor("#04101f") if luminance > 140 else QColor("#ffffff")


def series_colour(i: int) -> str:
    return SERIES_COLOURS[i % len(SERIES_COLOURS)]
