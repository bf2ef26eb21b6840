"""The legend (图例): what the map draws now, layer by layer, top layer first.

Every visible layer's view describes itself (``LayerView.legend()``: its classes at
the current zoom, its symbols and colours); this widget paints the same symbols with
pyqtgraph's own symbol paths and follows the layer stack (a layer hidden: its section
goes), the zoom (the hexagons' classes), the 2D/2.5D style and the views' own changes
(coverage colouring switched, a worker's new frame), coalesced into one rebuild.
The legend panel and the big screen's legend are this widget.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.map.layer_stack import LayerStack
from ui import theme
from ui.i18n import translate
from ui.map.layers.legend_entries import FILL, RING, LegendEntry, LegendSection, colour

#: coalesce a burst of changes (zoom steps, a worker's frames) into one rebuild
REFRESH_MS = 60
#: keys of a section share a row two by two when every text is this short (CJK = 2)
SHORT_TEXT = 12


def _text_width(text: str) -> int:
    """Rough display width: a CJK character counts two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


#: per canvas, what draws on it outside the layer stack: key -> describe() (see
#: :func:`add_legend_source`)
_SOURCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: per canvas, the legends following it (a source's change reaches them all)
_VIEWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class LegendSource:
    """A handle on something drawn outside the layer stack (:func:`add_legend_source`)."""

    def __init__(self, canvas, key: str) -> None:
        self._canvas_ref = weakref.ref(canvas)
        self.key = key

    def changed(self) -> None:
        """What it draws changed: the legends of its canvas describe it again."""
        canvas = self._canvas_ref()
        for view in list(_VIEWS.get(canvas, ())) if canvas is not None else []:
            view.schedule()

    def remove(self) -> None:
        canvas = self._canvas_ref()
        if canvas is not None:
            _SOURCES.get(canvas, {}).pop(self.key, None)
            self.changed()


def add_legend_source(canvas, key: str,
                      describe: Callable[[], LegendSection | None]) -> LegendSource:
    """Something drawn on ``canvas`` outside its layer stack (e.g. the whistle panel's
    markers) describes itself here; its section comes first (such items lie on top).
    Call the handle's ``changed()`` when what it draws changes, ``remove()`` when gone."""
    _SOURCES.setdefault(canvas, {})[key] = describe
    source = LegendSource(canvas, key)
    source.changed()
    return source


def whistle_markers_legend(markers) -> LegendSection | None:
    """The section of :class:`ui.docks.whistle_markers.WhistleMarkers` (open whistles as
    stars coloured by state), for ``add_legend_source``."""
    from ui.docks.whistle_markers import SIZE_PX

    if not getattr(markers, "visible", True):
        return None
    present = set(getattr(markers, "colours", []))
    states = [(theme.ALERT, translate("Legend", "超期（报到或办结）")),
              (theme.HIGHLIGHT, translate("Legend", "二次哨")),
              (theme.ACCENT, translate("Legend", "进行中"))]
    entries = tuple(LegendEntry(text, "star", colour(c), colour("#02060e"), SIZE_PX)
                    for c, text in states if c in present)
    if not entries:
        return None
    return LegendSection("whistle_markers", translate("Legend", "进行中的吹哨"), entries)


def legend_sections(canvas, stack: LayerStack) -> list[LegendSection]:
    """The sections of the visible layers, top layer first (as the layer list reads),
    after those of what is drawn above the layers (:func:`add_legend_source`)."""
    out = [section for describe in _SOURCES.get(canvas, {}).values()
           if (section := describe()) is not None]
    for layer in reversed(list(stack)):
        if not layer.visible:
            continue
        try:
            view = canvas.view(layer.id)
        except KeyError:  # (a layer added a moment ago: its view follows)
            continue
        section = view.legend()
        if section is not None:
            out.append(section)
    return out


def symbol_pixmap(entry: LegendEntry, scale: float, box: int | None = None) -> QPixmap:
    """The entry's symbol as the map draws it (its size × ``scale``) centred in a square."""
    size = max(3.0, entry.size * scale)
    side = box or int(size + 2 * max(1.0, entry.pen_width * scale)) + 2
    pm = QPixmap(side, side)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = (pg.mkPen(QColor.fromString(entry.pen), width=entry.pen_width * scale)
           if entry.pen else pg.mkPen(None))
    brush = pg.mkBrush(QColor.fromString(entry.brush)) if entry.brush else pg.mkBrush(None)
    if entry.symbol == FILL:
        p.setPen(pen)
        p.setBrush(brush)
        p.drawRect(QRectF((side - size) / 2, (side - size) / 2, size, size))
    elif entry.symbol == RING:
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF((side - size) / 2, (side - size) / 2, size, size))
    else:
        p.translate(side / 2, side / 2)
        drawSymbol(p, entry.symbol, size, pen, brush)
    p.end()
    return pm


def kind_icon(kind: str) -> QIcon:
    """The map colour of a case kind as a small dot icon (lists and tables)."""
    entry = LegendEntry("", "o", colour(theme.CASE_COLOURS.get(kind, theme.CASE_COLOURS["other"])),
                        size=9)
    return QIcon(symbol_pixmap(entry, theme.ui_scale(), round(18 * theme.ui_scale())))


def _release(unsubscribe_stack, watched: dict) -> None:
    """Stop following the stack and the views (the widget is gone)."""
    unsubscribe_stack()
    for _view, unsubscribe in watched.values():
        unsubscribe()
    watched.clear()


class LegendView(QWidget):
    """The sections of :func:`legend_sections`, rebuilt when what is drawn changes.

    ``text_px``: type size for a wall (the big screen); None: the theme's panel type."""

    #: the sections were rebuilt (the widget's size may have changed)
    rebuilt = Signal()

    def __init__(self, canvas, stack: LayerStack, *, columns: int = 2,
                 text_px: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LegendView")
        self.canvas = canvas
        self.stack = stack
        self.columns = columns
        self.text_px = text_px
        self.sections: list[LegendSection] = []
        self._stale = False  # a change came while hidden
        self._watched: dict[str, tuple[object, object]] = {}  # layer id -> (view, unsubscribe)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._unsubscribe_stack = stack.subscribe(lambda _s: self.schedule())
        canvas.viewChanged.connect(self.schedule)
        canvas.styleChanged.connect(self.schedule)
        _VIEWS.setdefault(canvas, weakref.WeakSet()).add(self)
        self.destroyed.connect(lambda *_a, s=self._unsubscribe_stack, w=self._watched:
                               _release(s, w))
        self.refresh()

    def schedule(self, *_args) -> None:
        """Rebuild soon (many changes in a row: once); while hidden (a dock behind another,
        the big screen's legend off the wall) only once it shows again."""
        if not self.isVisible():
            self._stale = True
        elif not self._timer.isActive():
            self._timer.start()

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if self._stale:
            self.schedule()

    def _watch_views(self) -> None:
        for layer in self.stack:
            try:
                view = self.canvas.view(layer.id)
            except KeyError:
                continue
            known = self._watched.get(layer.id)
            if known is None or known[0] is not view:
                if known is not None:
                    known[1]()
                self._watched[layer.id] = (view, view.on_legend_changed(self.schedule))

    def refresh(self) -> None:
        """Describe the map as it is drawn now (rebuilt only when that changed)."""
        self._timer.stop()
        self._stale = False
        self._watch_views()
        sections = legend_sections(self.canvas, self.stack)
        if sections == self.sections and self._layout.count():
            return
        self.sections = sections
        self._rebuild()

    def set_text_px(self, px: int | None) -> None:
        self.text_px = px
        self._rebuild()

    # -- widgets -----------------------------------------------------------------------------
    def _rebuild(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:  # hidden now: deleted only later
                item.widget().hide()
                item.widget().deleteLater()
        if not self.sections:
            empty = self._label(translate("Legend", "没有显示的图层"), "Hint")
            self._layout.addWidget(empty)
        for section in self.sections:
            self._layout.addWidget(self._section_widget(section))
        self._layout.addStretch(1)
        self.rebuilt.emit()

    def _label(self, text: str, role: str, bold: bool = False, colour: str | None = None) -> QLabel:
        label = QLabel(text)
        label.setObjectName(role)
        label.setWordWrap(True)
        if self.text_px is not None:  # a wall: type set in the style sheet (QSS wins)
            px = self.text_px if role != "Hint" else round(self.text_px * 0.8)
            label.setStyleSheet(f"color: {colour or theme.TEXT}; font-size: {px}px; "
                                f"font-weight: {700 if bold else 400}; background: transparent;")
            label.ensurePolished()  # (its size hint in this type, before it is shown)
        elif bold:  # a section's title stands out from the keys under it
            label.setStyleSheet(f"color: {colour or theme.TEXT}; font-weight: 700;")
        return label

    def _section_widget(self, section: LegendSection) -> QWidget:
        box = QWidget()
        box.setObjectName(f"LegendSection_{section.layer_id}")
        box.setProperty("layerId", section.layer_id)
        grid = QGridLayout(box)
        s = theme.ui_scale()
        gap = round((self.text_px or 12 * s) * 0.5)
        grid.setContentsMargins(0, gap, 0, 0)
        grid.setHorizontalSpacing(gap)
        grid.setVerticalSpacing(round(gap * 0.4))
        columns = self.columns if all(_text_width(e.text) <= SHORT_TEXT
                                      for e in section.entries) else 1
        span = 2 * columns
        grid.addWidget(self._label(section.title, "FieldName", bold=True,
                                   colour=theme.ACCENT), 0, 0, 1, span)
        row = 1
        if section.note:
            grid.addWidget(self._label(section.note, "Hint", colour=theme.TEXT_DIM), row, 0, 1,
                           span)
            row += 1
        box_px = max(round(max((e.size for e in section.entries), default=10) * s) + 4,
                     round((self.text_px or 16 * s) * 1.1))
        for i, entry in enumerate(section.entries):
            swatch = QLabel()
            swatch.setObjectName("LegendSwatch")
            swatch.setPixmap(symbol_pixmap(entry, s, box_px))
            swatch.setFixedSize(box_px, box_px)
            text = self._label(entry.text, "LegendText")
            r, c = row + i // columns, 2 * (i % columns)
            grid.addWidget(swatch, r, c)
            grid.addWidget(text, r, c + 1)
        for c in range(columns):
            grid.setColumnStretch(2 * c + 1, 1)
        return box


class LegendPanel(QScrollArea):
    """The legend dock (图例): a :class:`LegendView` that scrolls when the map says a lot."""

    def __init__(self, canvas, stack: LayerStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LegendPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.view = LegendView(canvas, stack)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        m = round(8 * theme.ui_scale())
        layout.setContentsMargins(m, 0, m, m)
        layout.addWidget(self.view)
        self.setWidget(inner)
