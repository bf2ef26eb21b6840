"""The settings dialog (设置): the operator's preferences at this workstation
(app.preferences) — language, time zone, alarm sounds, video-wall take-over, idle lock,
demonstration mode — with 确定 / 取消 / 恢复默认.

What takes effect at once: the alarms' sound and volume, the idle lock, the wall's
take-over (the next alarm), demonstration mode (what is shown from now on).  The
language and the time zone of the clock take effect at the next start (the dialog
says so next to them)."""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.clock import DEFAULT_TZ, zone_name
from app.preferences import CHECKS, DEFAULTS, MAX_TILE, Preferences, PreferencesError
from ui import theme
from ui.i18n import LANGUAGES, current_language


def _zones() -> list[str]:
    """Zones an operator in China or abroad may pick (Asia, UTC); the list stays short."""
    return sorted(z for z in available_timezones() if z.startswith("Asia/")) + ["UTC"]


class SettingsDialog(QDialog):
    """Edits the preferences; saved on 确定 (nothing changes on 取消)."""

    def __init__(self, prefs: Preferences, *, district_zone: str = DEFAULT_TZ,
                 warnings: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle(self.tr("设置"))
        self.district_zone = district_zone
        self.saved: Preferences | None = None
        em = self.fontMetrics().horizontalAdvance("M")

        # -- 界面 ---------------------------------------------------------------------
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language_note = self._note(self.tr("重启后生效"))
        self.language_note.setWordWrap(False)
        self.time_zone = QComboBox()
        self.time_zone.addItem(self.tr("区县时间（{zone}）").format(zone=district_zone), "")
        for z in _zones():
            self.time_zone.addItem(z, z)
        self.zone_note = self._note(self.tr("只改变状态栏时钟的显示；案件、期限和回放始终按区县时间。"
                                            "重启后生效"))
        look = QFormLayout()
        look.addRow(self.tr("语言"), _row(self.language, self.language_note))
        look.addRow(self.tr("时区"), self.time_zone)

        # -- 告警 ---------------------------------------------------------------------
        self.alarm_sound = QCheckBox(self.tr("新的紧急案件、吹哨超时时响铃"))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume_label = QLabel()
        self.volume_label.setMinimumWidth(4 * em)
        self.volume.valueChanged.connect(
            lambda v: self.volume_label.setText(self.tr("{volume} %").format(volume=v)))
        self.try_button = QPushButton(self.tr("试听"))
        self.try_button.clicked.connect(self.try_sound)
        self.alarm_sound.toggled.connect(self._sound_toggled)
        self.wall_takeover = QCheckBox(self.tr("紧急案件自动接管视频墙画面"))
        self.takeover_tile = QSpinBox()
        self.takeover_tile.setRange(0, MAX_TILE)
        self.takeover_tile.setSpecialValueText(self.tr("最久未操作的画面"))
        self.takeover_tile.setPrefix(self.tr("画面 "))
        self.wall_takeover.toggled.connect(self.takeover_tile.setEnabled)
        alarms = QFormLayout()
        alarms.addRow(self.tr("告警声音"), self.alarm_sound)
        alarms.addRow(self.tr("音量"), _row(self.volume, self.volume_label, self.try_button))
        alarms.addRow(self.tr("视频墙接管"), self.wall_takeover)
        alarms.addRow(self.tr("接管画面"), self.takeover_tile)

        # -- 安全与隐私 -----------------------------------------------------------------
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(0, 24 * 60)
        self.idle_lock.setSpecialValueText(self.tr("关闭"))
        self.idle_lock.setSuffix(self.tr(" 分钟"))
        self.demo_mode = QCheckBox(self.tr("以化名显示人员，不显示电话号码"))
        safety = QFormLayout()
        safety.addRow(self.tr("空闲锁定"), self.idle_lock)
        safety.addRow(self.tr("演示模式"), self.demo_mode)

        # -- 终端接入 (the phone intake of a single DuckDB seat) ----------------------------
        self.intake_mqtt = QLineEdit()
        self.intake_mqtt.setPlaceholderText("mqtt://intake:password@127.0.0.1:1883")  # i18n: no
        self.intake_http = QLineEdit()
        self.intake_http.setPlaceholderText("127.0.0.1:5055")  # i18n: no
        self.offline_minutes = QSpinBox()
        self.outside_minutes = QSpinBox()
        for box in (self.offline_minutes, self.outside_minutes):
            box.setRange(1, 24 * 60)
            box.setSuffix(self.tr(" 分钟"))
        intake = QFormLayout()
        intake.addRow(self.tr("MQTT 服务器"), self.intake_mqtt)
        intake.addRow(self.tr("HTTP 监听地址"), self.intake_http)
        intake.addRow(self.tr("离线告警"), self.offline_minutes)
        intake.addRow(self.tr("出格告警"), self.outside_minutes)
        intake_note = self._note(self.tr("两个地址都留空时使用模拟巡查；地址重启后生效，仅用于单机区县文件"))

        # (what could not be read is named in the log, in the words of app.preferences)
        self.warning = QLabel(self.tr("设置文件中有 {count} 项无法读取，已改用默认值；详见日志")
                              .format(count=len(warnings)) if warnings else "")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.ALERT};")
        self.warning.setVisible(bool(warnings))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults)
        for which, text in ((QDialogButtonBox.StandardButton.Ok, self.tr("确定")),
                            (QDialogButtonBox.StandardButton.Cancel, self.tr("取消")),
                            (QDialogButtonBox.StandardButton.RestoreDefaults,
                             self.tr("恢复默认"))):
            self.buttons.button(which).setText(text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_preferences(DEFAULTS))

        _align_labels(look, alarms, safety, intake)
        v = QVBoxLayout(self)
        v.addWidget(self.warning)
        # (a wrapped note below the form, not in a form row: QFormLayout gives a wrapped
        # label the height of its first width, and clipped it in English)
        idle_note = self._note(self.tr("空闲锁定：工作席位无操作达到时长后锁定；大屏席位从不锁定"))
        for title, form, note in ((self.tr("界面"), look, self.zone_note),
                                  (self.tr("告警"), alarms, None),
                                  (self.tr("安全与隐私"), safety, idle_note),
                                  (self.tr("终端接入"), intake, intake_note)):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addLayout(form)
            if note is not None:
                inner.addWidget(note)
            v.addWidget(box)
        v.addStretch(1)
        v.addWidget(self.buttons)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.show_preferences(prefs)
        # (an explicit size: show() alone keeps a dialog within 2/3 of the screen's
        # width, narrower than its texts on a small screen)
        self.resize(self.sizeHint().expandedTo(QSize(44 * em, 0)))

    def _note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("Hint")
        label.setWordWrap(True)
        return label

    def show_preferences(self, prefs: Preferences) -> None:
        """Put ``prefs`` into the fields (恢复默认 puts the defaults; saved on 确定)."""
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        zone = self.time_zone.findData(prefs.time_zone)
        if zone < 0:  # a zone outside the short list, set by hand in the file
            self.time_zone.addItem(prefs.time_zone, prefs.time_zone)
            zone = self.time_zone.count() - 1
        self.time_zone.setCurrentIndex(zone)
        self.alarm_sound.setChecked(prefs.alarm_sound)
        self.volume.setValue(prefs.alarm_volume)
        self.volume_label.setText(self.tr("{volume} %").format(volume=prefs.alarm_volume))
        self._sound_toggled(prefs.alarm_sound)
        self.wall_takeover.setChecked(prefs.wall_takeover)
        self.takeover_tile.setValue(prefs.wall_takeover_tile)
        self.takeover_tile.setEnabled(prefs.wall_takeover)
        self.idle_lock.setValue(prefs.idle_lock_minutes)
        self.demo_mode.setChecked(prefs.demo_mode)
        self.intake_mqtt.setText(prefs.intake_mqtt)
        self.intake_http.setText(prefs.intake_http)
        self.offline_minutes.setValue(prefs.offline_minutes)
        self.outside_minutes.setValue(prefs.outside_minutes)
        self._language_changed()

    def preferences(self) -> Preferences:
        """The preferences as the fields say now."""
        return Preferences(
            language=self.language.currentData(), time_zone=self.time_zone.currentData(),
            alarm_sound=self.alarm_sound.isChecked(), alarm_volume=self.volume.value(),
            wall_takeover=self.wall_takeover.isChecked(),
            wall_takeover_tile=self.takeover_tile.value(),
            idle_lock_minutes=self.idle_lock.value(), demo_mode=self.demo_mode.isChecked(),
            intake_mqtt=self.intake_mqtt.text().strip(),
            intake_http=self.intake_http.text().strip(),
            offline_minutes=self.offline_minutes.value(),
            outside_minutes=self.outside_minutes.value())

    def _sound_toggled(self, on: bool) -> None:
        self.volume.setEnabled(on)
        self.try_button.setEnabled(on)

    def _language_changed(self, *_a) -> None:
        self.language_note.setVisible(self.language.currentData() != current_language())

    def try_sound(self) -> None:
        """试听: the urgent-case sound at the volume on the slider."""
        from ui.alarms import URGENT_CASE, may_sound, sound_effect

        if not may_sound():
            return
        effect = getattr(self, "_effect", None)
        if effect is None:
            effect = self._effect = sound_effect(URGENT_CASE, self)
        effect.setVolume(self.volume.value() / 100)
        effect.play()

    def accept(self) -> None:
        """Save; a file that cannot be written is said here and the dialog stays open."""
        from app.privacy.demo import set_demo_mode
        from ui.settings import preferences, save_preferences

        before, prefs = preferences(), self.preferences()
        for name, text in (("intake_mqtt", self.tr("MQTT 服务器应为 mqtt://用户:密码@主机:端口")),
                           ("intake_http", self.tr("HTTP 监听地址应为 主机:端口"))):
            try:
                CHECKS[name](getattr(prefs, name))
            except ValueError:
                self.warning.setText(self.tr("设置未保存：{reason}").format(reason=text))
                self.warning.show()
                return
        try:
            save_preferences(prefs)
        except PreferencesError as exc:
            self.warning.setText(self.tr("设置未保存：{reason}").format(reason=str(exc)))
            self.warning.show()
            return
        if prefs.demo_mode != before.demo_mode:
            set_demo_mode(prefs.demo_mode)
        self.saved = prefs
        super().accept()


def _align_labels(*forms: QFormLayout) -> None:
    """One label column across the groups (the fields start at the same x)."""
    labels = [form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget()
              for form in forms for i in range(form.rowCount())
              if form.itemAt(i, QFormLayout.ItemRole.LabelRole) is not None]
    width = max((w.sizeHint().width() for w in labels), default=0)
    for w in labels:
        w.setMinimumWidth(width)


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    h = QHBoxLayout(row)
    h.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        h.addWidget(w, 1 if i == 0 else 0)
    return row


def open_settings(window: QWidget | None) -> SettingsDialog:
    """Open the settings dialog over ``window`` (window-modal; the map stays live);
    the dialog, already shown."""
    from ui.settings import hub

    store = getattr(window, "store", None)
    try:
        zone = zone_name(store.meta()) if store is not None else DEFAULT_TZ
    except Exception:  # noqa: BLE001 (a server gone for a moment: the default zone)
        zone = DEFAULT_TZ
    loaded = hub().loaded()
    dialog = SettingsDialog(loaded.preferences, district_zone=zone,
                            warnings=loaded.warnings, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
