"""The dark control-room theme (指挥大厅深色主题): colours, fonts, QSS.

Deep navy background, cyan/teal accents, high contrast, large type: operators
read the wall screen from across the room.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ui.resources import resource_path

#: CJK-capable families, best first; Qt falls back along the list per glyph
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                 "WenQuanYi Micro Hei", "Noto Sans", "DejaVu Sans"]
#: base UI font size in pixels at scale 1 (a 1080p screen)
BASE_FONT_PX = 17

MAP_BACKGROUND = "#040a14"
WINDOW = "#07101f"
PANEL = "#0b1729"
TEXT = "#e8f3ff"
TEXT_DIM = "#8aa4c2"
ACCENT = "#00d8ff"
ACCENT_2 = "#14d6b4"
ALERT = "#ff3355"
HIGHLIGHT = "#ffe14d"

#: grid boundary colours per level (1 区 … 4 网格)
LEVEL_OUTLINE = {1: "#00e5ff", 2: "#4fc3ff", 3: "#2fd6c0", 4: "#3e6488"}
#: translucent street fills, one hue per street
STREET_FILLS = ["#1f6feb", "#14b8a6", "#8b5cf6", "#f59e0b", "#06b6d4", "#22c55e",
                "#ec4899", "#3b82f6", "#a3e635", "#f97316", "#0ea5e9", "#d946ef"]
STREET_FILL_ALPHA = 34
#: building fill by height class (低层 … 超高层), darker = lower
BUILDING_CLASSES_M = (10.0, 24.0, 50.0, 100.0)
BUILDING_FILLS = ["#1b2a40", "#25395a", "#345079", "#4a6d9e", "#7196c8"]
#: case colours by kind (seed 002 categories)
CASE_COLOURS = {
    "enquiry": "#5aa9ff",
    "suggestion": "#3ee08f",
    "hardship": "#ffb02e",
    "sanitation": "#c6f432",
    "dispute": "#ff66d9",
    "hazard": "#ff5a36",
    "other": "#b0bccb",
}


def qcolor(hex_code: str, alpha: int | None = None) -> QColor:
    c = QColor(hex_code)
    if alpha is not None:
        c.setAlpha(alpha)
    return c


def ui_font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPixelSize(max(6, int(px)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


def wall_scale(width: int, height: int) -> float:
    """UI scale for a screen of this logical size: 1 at 1080p, 2 on a 4K wall at 100 %."""
    return max(1.0, min(width / 1920.0, height / 1080.0))


def apply_theme(app: QApplication, scale: float = 1.0) -> None:
    """Install palette, font and the QSS on ``app`` at ``scale`` (see :func:`wall_scale`)."""
    app.setStyle("Fusion")
    pal = QPalette()
    for role, colour in [
        (QPalette.ColorRole.Window, WINDOW), (QPalette.ColorRole.Base, PANEL),
        (QPalette.ColorRole.AlternateBase, "#0f1f36"), (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.WindowText, TEXT), (QPalette.ColorRole.Button, PANEL),
        (QPalette.ColorRole.ButtonText, TEXT), (QPalette.ColorRole.Highlight, "#0e7490"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, PANEL),
        (QPalette.ColorRole.ToolTipText, TEXT), (QPalette.ColorRole.PlaceholderText, TEXT_DIM),
    ]:
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    app.setFont(ui_font(round(BASE_FONT_PX * scale)))
    qss = resource_path("themes", "control_room.qss").read_text(encoding="utf-8")
    app.setStyleSheet(_scaled_qss(qss, scale))
    app.setProperty("gridcc_ui_scale", scale)


def ui_scale(app: QApplication | None = None) -> float:
    app = app or QApplication.instance()
    value = app.property("gridcc_ui_scale") if app is not None else None
    return float(value) if value else 1.0


def _scaled_qss(qss: str, scale: float) -> str:
    """``{{N}}`` -> N*scale pixels (one QSS serves 1080p and 4K walls), ``{{RES}}`` -> resources."""
    import re

    from ui.resources import resources_dir

    qss = qss.replace("{{RES}}", resources_dir().as_posix())
    return re.sub(r"\{\{(\d+)\}\}", lambda m: f"{round(int(m.group(1)) * scale)}px", qss)
