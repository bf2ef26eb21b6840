"""The worker card (人员卡片): clicking a grid worker on the map shows who it is, the
grid, since when on patrol and how far walked today (see
:mod:`app.feed.worker_record`)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from app.feed.worker_record import WorkerRecord
from ui import theme
from ui.texts import ROLE_NAMES, text_for

FIELDS = [("role", "角色"), ("grid", "所属网格"), ("phone", "电话"),
          ("since", "本次巡查开始"), ("distance", "今日步行"), ("last_fix", "最后定位")]


def distance_text(metres: float) -> str:
    return f"{metres / 1000:.2f} 公里" if metres >= 1000 else f"{metres:.0f} 米"


class WorkerCard(QFrame):
    """A floating card over the map; :meth:`show_record` fills and shows it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WorkerCard")
        s = theme.ui_scale()
        self.setStyleSheet(f"#WorkerCard {{ background: rgba(7, 16, 31, 235); border: 1px solid "
                           f"{theme.ACCENT}; border-radius: {round(6 * s)}px; }}")
        self.title = QLabel()
        self.title.setFont(theme.ui_font(round(22 * s), True))
        self.title.setStyleSheet(f"color: {theme.ACCENT};")
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, name in FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            self.fields[key] = label
            form.addRow(name, label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        self.setMinimumWidth(round(420 * s))
        self.record: WorkerRecord | None = None
        self.hide()

    def show_record(self, rec: WorkerRecord) -> None:
        self.record = rec
        self.title.setText(f"{rec.name}（{rec.code}）")
        values = {
            "role": text_for(ROLE_NAMES, rec.role),
            "grid": f"{rec.grid_name}（{rec.grid_code}）" if rec.grid_code else "—",
            "phone": rec.phone or "—",
            "since": rec.on_patrol_since.strftime("%H:%M") if rec.on_patrol_since else "今日未巡查",
            "distance": distance_text(rec.distance_m),
            "last_fix": rec.last_fix.strftime("%H:%M:%S") if rec.last_fix else "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.adjustSize()  # as tall as its lines
        parent = self.parentWidget()
        if parent is not None:
            m = round(16 * theme.ui_scale())
            self.move(max(0, parent.width() - self.width() - m), m)
        self.show()
        self.raise_()
