"""The layer panel (图层): visibility checkboxes, drag or up/down to reorder (the legend
of what the ticked layers draw is its own panel, :mod:`ui.docks.legend`)."""

from __future__ import annotations

from contextlib import contextmanager

import qtawesome as qta
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.map.layer_stack import LayerStack
from ui import theme
from ui.map.layers.legend_entries import layer_title

_ID_ROLE = Qt.ItemDataRole.UserRole
_LAYER_ICONS = {
    "buildings": "mdi6.office-building-outline",
    "grids": "mdi6.grid",
    "communities": "mdi6.home-group",
    "streets": "mdi6.road-variant",
    "district": "mdi6.map-outline",
    "cases": "mdi6.map-marker-alert-outline",
    "labels": "mdi6.format-text",
    "patrol": "mdi6.walk",
    "whistles": "mdi6.whistle-outline",
    "cameras": "mdi6.cctv",
}


class LayerPanel(QWidget):
    """Lists layers top-first (the way map users read a layer list)."""

    def __init__(self, stack: LayerStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self._syncing = False
        s = theme.ui_scale()
        self.list = QListWidget()
        self.list.setObjectName("LayerList")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setIconSize(QSize(round(22 * s), round(22 * s)))
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())

        self.up_button = self._button("mdi6.arrow-up", self.tr("上移图层（绘制在更上层）"),
                                      self.move_up)
        self.down_button = self._button("mdi6.arrow-down", self.tr("下移图层"), self.move_down)
        buttons = QHBoxLayout()
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        hint = QLabel(self.tr("勾选显示图层，拖动或用箭头调整叠放次序"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._own_change = False
        self._unsubscribe = stack.subscribe(self._on_stack_changed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    def _button(self, icon: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setObjectName("PanelButton")
        b.setIcon(qta.icon(icon, color=theme.ACCENT))
        px = round(24 * theme.ui_scale())
        b.setIconSize(QSize(px, px))
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    # -- model -> view -------------------------------------------------------------------
    def _on_stack_changed(self, _stack: LayerStack) -> None:
        # A change made from this list (check box, drag) is already shown; rebuilding the
        # list inside the item's own signal would delete the item under Qt's feet.
        if self._own_change:
            self._update_buttons()
        else:
            self.refresh()

    def refresh(self) -> None:
        current = self.current_layer_id()
        self._syncing = True
        try:
            self.list.clear()
            for layer in reversed(list(self._stack)):
                item = QListWidgetItem(qta.icon(_LAYER_ICONS.get(layer.id, "mdi6.layers"),
                                                color=theme.ACCENT_2),
                                       layer_title(layer.id))
                item.setData(_ID_ROLE, layer.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
                item.setCheckState(Qt.CheckState.Checked if layer.visible
                                   else Qt.CheckState.Unchecked)
                self.list.addItem(item)
                if layer.id == current:
                    self.list.setCurrentItem(item)
        finally:
            self._syncing = False
        self._fit_list_height()
        self._update_buttons()

    def _fit_list_height(self) -> None:
        """As tall as its rows: no empty box."""
        rows = self.list.count()
        row_h = self.list.sizeHintForRow(0) if rows else 0
        self.list.setFixedHeight(rows * row_h + 2 * self.list.frameWidth() + 4)

    def current_layer_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(_ID_ROLE)

    def item_for(self, layer_id: str) -> QListWidgetItem:
        for row in range(self.list.count()):
            if self.list.item(row).data(_ID_ROLE) == layer_id:
                return self.list.item(row)
        raise KeyError(layer_id)

    def select_layer(self, layer_id: str) -> None:
        self.list.setCurrentItem(self.item_for(layer_id))

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.list.count() - 1)

    # -- view -> model -------------------------------------------------------------------
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._syncing:
            with self._from_list():
                self._stack.set_visible(item.data(_ID_ROLE),
                                        item.checkState() == Qt.CheckState.Checked)

    def _on_rows_moved(self, *_args) -> None:
        if self._syncing:
            return
        top_first = [self.list.item(r).data(_ID_ROLE) for r in range(self.list.count())]
        with self._from_list():
            self._stack.reorder(list(reversed(top_first)))

    @contextmanager
    def _from_list(self):
        self._own_change = True
        try:
            yield
        finally:
            self._own_change = False

    def move_up(self) -> None:
        layer_id = self.current_layer_id()
        if layer_id is not None:
            self._stack.raise_layer(layer_id)

    def move_down(self) -> None:
        layer_id = self.current_layer_id()
        if layer_id is not None:
            self._stack.lower_layer(layer_id)
