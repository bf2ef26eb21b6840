"""绑定终端: choose the worker a device belongs to, by code or name (typing filters)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.privacy.demo import person_name
from app.privacy.masking import mask_text


class BindDialog(QDialog):
    """The workers of the district as 'code name' (a pseudonym in demonstration mode);
    :meth:`worker_code` is the chosen one's code."""

    def __init__(self, store, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("绑定终端"))
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, name in store.rows("SELECT code, name FROM workers ORDER BY code"):
            self.combo.addItem(f"{code} {person_name(name)}", code)
        completer = self.combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCurrentIndex(-1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(QLabel(self.tr("终端 {key} 属于哪位人员？（输入编号或姓名）").format(key=mask_text(key))))
        v.addWidget(self.combo)
        v.addWidget(buttons)

    def worker_code(self) -> str | None:
        i = self.combo.findText(self.combo.currentText())
        if i >= 0:
            return self.combo.itemData(i)
        text = self.combo.currentText().strip()
        return text.split()[0] if text else None  # a code typed in full


def choose_worker(parent: QWidget, store, key: str) -> str | None:
    """The code of the worker chosen for ``key`` (None: cancelled)."""
    dialog = BindDialog(store, key, parent)
    return dialog.worker_code() if dialog.exec() == QDialog.DialogCode.Accepted else None
