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

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.auth.session import current_user
from app.feed.worker_record import WorkerRecord
from app.privacy.demo import demo_mode, person_name, shown_phone
from app.privacy.masking import may_unmask
from app.privacy.reveal import RevealRefused, reveal_phone
from ui import theme
from ui.i18n import translate
from ui.map.case_card import MapCard
from ui.texts import ROLE_NAMES, text_for

FIELDS = [("role", QT_TRANSLATE_NOOP("WorkerCard", "角色")),
          ("grid", QT_TRANSLATE_NOOP("WorkerCard", "所属网格")),
          ("phone", QT_TRANSLATE_NOOP("WorkerCard", "电话")),
          ("since", QT_TRANSLATE_NOOP("WorkerCard", "本次巡查开始")),
          ("distance", QT_TRANSLATE_NOOP("WorkerCard", "今日步行")),
          ("last_fix", QT_TRANSLATE_NOOP("WorkerCard", "最后定位"))]
REVEAL_TEXT = QT_TRANSLATE_NOOP("WorkerCard", "查看完整号码")


def distance_text(metres: float) -> str:
    if metres >= 1000:
        return translate("WorkerCard", "{km} 公里").format(km=f"{metres / 1000:.2f}")
    return translate("WorkerCard", "{m} 米").format(m=f"{metres:.0f}")


class WorkerCard(MapCard):
    """The worker card; :meth:`show_record` fills and shows it.

    ``store`` and ``clock`` (callables: the district now open, the time now) let the
    card reveal a number in full on request; without them it never does."""

    def __init__(self, parent: QWidget | None = None, *,
                 store: Callable[[], object] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__("WorkerCard", parent)
        self._store, self._clock = store, clock
        s = theme.ui_scale()
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        self.reveal_button = QPushButton(self.tr(REVEAL_TEXT))
        self.reveal_button.setToolTip(
            self.tr("显示本人完整号码一次，并记入审计日志（谁在何时查看了谁的号码）"))
        self.reveal_button.clicked.connect(self.reveal)
        for key, name in FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            self.fields[key] = label
            if key == "phone":
                row = QHBoxLayout()
                row.addWidget(label, 1)
                row.addWidget(self.reveal_button)
                form.addRow(self.tr(name), row)
            else:
                form.addRow(self.tr(name), label)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {theme.ALERT};")
        self.notice.hide()
        self.body.addLayout(form)
        self.body.addWidget(self.notice)
        self._min_width = round(420 * s)
        self.record: WorkerRecord | None = None

    def preferred_width(self) -> int:
        return max(self._min_width, super().preferred_width())

    def _may_reveal(self, rec: WorkerRecord) -> bool:
        user = current_user()
        return (self._store is not None and bool(rec.phone) and not demo_mode()
                and user is not None and may_unmask(user.role.value, user.scope.kind))

    def show_record(self, rec: WorkerRecord) -> None:
        self.record = rec
        named = self.tr("{name}（{code}）")
        self.title.setText(named.format(name=person_name(rec.name), code=rec.code))
        values = {
            "role": text_for(ROLE_NAMES, rec.role),
            "grid": (named.format(name=rec.grid_name, code=rec.grid_code) if rec.grid_code
                     else "—"),
            "phone": shown_phone(rec.phone) or "—",
            "since": (rec.on_patrol_since.strftime("%H:%M") if rec.on_patrol_since
                      else self.tr("今日未巡查")),
            "distance": (self.tr("{distance}（巡查 {hours} 小时）").format(
                distance=distance_text(rec.distance_m), hours=f"{rec.patrol_s / 3600:.1f}")
                if rec.patrol_s > 0 else distance_text(rec.distance_m)),
            "last_fix": rec.last_fix.strftime("%H:%M:%S") if rec.last_fix else "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.reveal_button.setVisible(self._may_reveal(rec))
        self.reveal_button.setText(self.tr(REVEAL_TEXT))
        self.reveal_button.setEnabled(True)
        self.notice.hide()
        self.pop_up()  # as tall as its lines, inside the map

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
            self.place()
            return None
        self.fields["phone"].setText(phone)
        self.reveal_button.setText(self.tr("已记入审计日志"))
        self.reveal_button.setEnabled(False)
        return phone
