"""The worker card (人员卡片): clicking a grid worker on the map shows who it is, the
grid, since when on patrol and how far walked today (see
:mod:`app.feed.worker_record`).

The phone number is masked (138****1234).  A signed-in role allowed to see it in full
(:func:`app.privacy.masking.may_unmask`) gets a 查看完整号码 button: one click shows
this worker's number and writes the audit record (:mod:`app.privacy.reveal`); the next
worker's card is masked again.  In demonstration mode names are pseudonyms and no
number is shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth.session import current_user
from app.feed.worker_record import WorkerRecord
from app.privacy.demo import demo_mode, person_name, shown_phone
from app.privacy.masking import may_unmask
from app.privacy.reveal import RevealRefused, reveal_phone
from ui import theme
from ui.texts import ROLE_NAMES, text_for

FIELDS = [("role", "角色"), ("grid", "所属网格"), ("phone", "电话"),
          ("since", "本次巡查开始"), ("distance", "今日步行"), ("last_fix", "最后定位")]
REVEAL_TEXT = "查看完整号码"


def distance_text(metres: float) -> str:
    return f"{metres / 1000:.2f} 公里" if metres >= 1000 else f"{metres:.0f} 米"


class WorkerCard(QFrame):
    """A floating card over the map; :meth:`show_record` fills and shows it.

    ``store`` and ``clock`` (callables: the district now open, the time now) let the
    card reveal a number in full on request; without them it never does."""

    def __init__(self, parent: QWidget | None = None, *,
                 store: Callable[[], object] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WorkerCard")
        self._store, self._clock = store, clock
        s = theme.ui_scale()
        self.setStyleSheet(f"#WorkerCard {{ background: rgba(7, 16, 31, 235); border: 1px solid "
                           f"{theme.ACCENT}; border-radius: {round(6 * s)}px; }}")
        self.title = QLabel()
        self.title.setFont(theme.ui_font(round(22 * s), True))
        self.title.setStyleSheet(f"color: {theme.ACCENT};")
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        self.reveal_button = QPushButton(REVEAL_TEXT)
        self.reveal_button.setToolTip("显示本人完整号码一次，并记入审计日志（谁在何时查看了谁的号码）")
        self.reveal_button.clicked.connect(self.reveal)
        for key, name in FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            self.fields[key] = label
            if key == "phone":
                row = QHBoxLayout()
                row.addWidget(label, 1)
                row.addWidget(self.reveal_button)
                form.addRow(name, row)
            else:
                form.addRow(name, label)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {theme.ALERT};")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        self.setMinimumWidth(round(420 * s))
        self.record: WorkerRecord | None = None
        self.hide()

    def _may_reveal(self, rec: WorkerRecord) -> bool:
        user = current_user()
        return (self._store is not None and bool(rec.phone) and not demo_mode()
                and user is not None and may_unmask(user.role.value, user.scope.kind))

    def show_record(self, rec: WorkerRecord) -> None:
        self.record = rec
        self.title.setText(f"{person_name(rec.name)}（{rec.code}）")
        values = {
            "role": text_for(ROLE_NAMES, rec.role),
            "grid": f"{rec.grid_name}（{rec.grid_code}）" if rec.grid_code else "—",
            "phone": shown_phone(rec.phone) or "—",
            "since": rec.on_patrol_since.strftime("%H:%M") if rec.on_patrol_since else "今日未巡查",
            "distance": distance_text(rec.distance_m),
            "last_fix": rec.last_fix.strftime("%H:%M:%S") if rec.last_fix else "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.reveal_button.setVisible(self._may_reveal(rec))
        self.reveal_button.setText(REVEAL_TEXT)
        self.reveal_button.setEnabled(True)
        self.notice.hide()
        self.adjustSize()  # as tall as its lines
        parent = self.parentWidget()
        if parent is not None:
            m = round(16 * theme.ui_scale())
            self.move(max(0, parent.width() - self.width() - m), m)
        self.show()
        self.raise_()

    def reveal(self) -> str | None:
        """Show this worker's number in full (audited); None and a reason if refused."""
        rec = self.record
        if rec is None or self._store is None:
            return None
        try:
            phone = reveal_phone(self._store(), current_user(), rec.id,
                                 at=self._clock() if self._clock else datetime.now())
        except RevealRefused as exc:
            self.notice.setText(str(exc))
            self.notice.show()
            self.adjustSize()
            return None
        self.fields["phone"].setText(phone)
        self.reveal_button.setText("已记入审计日志")
        self.reveal_button.setEnabled(False)
        return phone
