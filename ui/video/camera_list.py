"""Camera list (摄像头列表): search by name, grid, department; drag onto the wall;
"show nearby cameras" for the grid selected on the map."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.map.layer_stack import LayerStack
from app.video.registry import Camera, CameraRegistry, NearbyCamera
from ui.map.layers.cameras import LAYER_ID, CameraView
from ui.video.tile import CAMERA_MIME
from ui.video.wall import VideoWall

LIST_LIMIT = 500  # the list is for finding a camera, not for scrolling through 4,500


class _CameraListWidget(QListWidget):
    """A list whose items drag as camera codes."""

    def mimeData(self, items) -> QMimeData:
        data = QMimeData()
        codes = [it.data(Qt.ItemDataRole.UserRole) for it in items]
        if codes:
            data.setData(CAMERA_MIME, codes[0].encode("utf-8"))
            data.setText(codes[0])
        return data

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]


class CameraListPanel(QWidget):
    """Find cameras and send them to the wall."""

    def __init__(self, registry: CameraRegistry, wall: VideoWall,
                 selected_anchor: Callable[[], tuple[float, float, str] | None] | None = None,
                 overlay: CameraView | None = None, layers: LayerStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry, self.wall = registry, wall
        self._anchor = selected_anchor
        self.overlay = overlay  # the map's camera layer, shown and hidden through ``layers``
        self._layers_given = layers
        self._layers = layers if overlay is not None else None
        self.search = QLineEdit(self, placeholderText=self.tr("名称 / 编号 / 网格 / 部门"))
        self.search.setClearButtonEnabled(True)
        self.department = QComboBox(self)
        self.department.addItem(self.tr("全部部门"), None)
        for code, name in registry.departments():
            self.department.addItem(name, code)
        self.list = _CameraListWidget(self)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.list.itemDoubleClicked.connect(
            lambda it: self.wall.open_camera(it.data(Qt.ItemDataRole.UserRole)))
        self.count = QLabel(self)
        self.nearby_n = QSpinBox(self, minimum=1, maximum=16, value=9, prefix=self.tr("最近 "))
        self.radius = QSpinBox(self, minimum=50, maximum=5000, value=500, singleStep=50,
                               suffix=self.tr(" 米"))
        self.nearby = QPushButton(self.tr("附近摄像头"), self, clicked=self.show_nearby)
        self.nearby.setToolTip(self.tr("地图上选中网格周边的摄像头，在视频墙打开"))
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.department, 1)
        # the map's camera layer (图层 panel: 视频点位), off at first
        self.on_map = QCheckBox(self.tr("地图显示"), self, checked=self._layer_visible())
        self.on_map.setToolTip(self.tr("在地图上显示摄像头 (按部门筛选；点击地图上的摄像头在视频墙打开)"))
        self.on_map.toggled.connect(self._map_toggled)
        near = QHBoxLayout()
        for w in (self.nearby, self.nearby_n, self.radius, self.on_map):
            near.addWidget(w)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addLayout(near)
        box.addWidget(self.list, 1)
        box.addWidget(self.count)
        self.search.textChanged.connect(self.refresh)
        self.department.currentIndexChanged.connect(self.refresh)
        self.department.currentIndexChanged.connect(self._filter_map)
        wall.tour_source = self.listed_codes
        self._unsubscribe = None
        self._wire_layers()
        self.setProperty("camerasLoaded", len(registry) > 0)
        if len(registry) or wall.property("camerasLoaded"):
            self.refresh()
        else:
            self.count.setText(self.tr("加载中…"))

    def _wire_layers(self) -> None:
        self.on_map.setVisible(self.overlay is not None)
        self.on_map.setChecked(self._layer_visible())
        if self._layers is not None and self._unsubscribe is None:
            # the layer panel's check box and this one agree
            self._unsubscribe = self._layers.subscribe(
                lambda _stack: self.on_map.setChecked(self._layer_visible()))
            self.destroyed.connect(lambda *_a, u=self._unsubscribe: u())

    def set_cameras(self, registry: CameraRegistry | None, overlay: CameraView | None = None,
                    *, error: str | None = None) -> None:
        """The cameras (and the map's camera layer) have arrived from the loader."""
        self.registry = registry if registry is not None else CameraRegistry([])
        if overlay is not None:
            self.overlay = overlay
            self._layers = self._layers_given
            self._wire_layers()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem(self.tr("全部部门"), None)
        for code, name in self.registry.departments():
            self.department.addItem(name, code)
        self.department.blockSignals(False)
        self._filter_map()
        self.refresh()
        if error:
            self.count.setText(error)
        self.setProperty("camerasLoaded", True)

    def _matches(self, limit: int | None) -> list[Camera]:
        return self.registry.search(self.search.text(), department=self.department.currentData(),
                                    limit=limit)

    def refresh(self) -> None:
        self.list.clear()
        cams = self._matches(LIST_LIMIT)
        for c in cams:
            mark = "" if c.online else self.tr(" [离线]")
            it = QListWidgetItem(f"{c.name}{mark}\n{c.department} · {c.grid_name}")
            it.setData(Qt.ItemDataRole.UserRole, c.code)
            it.setToolTip(f"{c.code} {c.stream_url}")
            self.list.addItem(it)
        more = "+" if len(cams) >= LIST_LIMIT else ""
        self.count.setText(self.tr("{count} 个摄像头 (共 {total})").format(
            count=f"{len(cams)}{more}", total=len(self.registry)))

    def _filter_map(self) -> None:
        if self.overlay is not None:
            dept = self.department.currentData()
            self.overlay.set_departments({dept} if dept else
                                         {code for code, _ in self.registry.departments()})

    def _layer_visible(self) -> bool:
        return (self._layers is not None and LAYER_ID in self._layers
                and self._layers[LAYER_ID].visible)

    def _map_toggled(self, on: bool) -> None:
        if self._layers is not None and LAYER_ID in self._layers:
            self._layers.set_visible(LAYER_ID, on)

    def listed_codes(self) -> list[str]:
        """The cameras the tour cycles through: every match of the current search, online."""
        return [c.code for c in self._matches(None) if c.online]

    def show_nearby(self) -> list[NearbyCamera]:
        """Open the N nearest cameras around the case on the map's card, or else the
        selected grid, on the wall."""
        anchor = self._anchor() if self._anchor else None
        if anchor is None:
            self.count.setText(self.tr("请先在地图上选中一个案件或网格"))
            return []
        return self.show_nearby_at(*anchor)

    def show_nearby_at(self, lon: float, lat: float, label: str = "") -> list[NearbyCamera]:
        """Open the N nearest cameras around a place (a case, a whistle) on the wall;
        other panels call this with the place's CGCS2000 lon/lat."""
        found = self.registry.nearest_lonlat(lon, lat, self.nearby_n.value(),
                                             float(self.radius.value()))
        if not found:
            self.count.setText(self.tr("{place} 周边 {metres} 米内没有摄像头").format(
                place=label, metres=self.radius.value()))
            return []
        self.wall.open_cameras([f.camera for f in found], reason=self.tr("附近摄像头"))
        self.count.setText(self.tr("{place} 周边 {count} 个摄像头 (最远 {metres} 米)").format(
            place=label, count=len(found), metres=f"{found[-1].distance_m:.0f}"))
        return found
