"""The legend (图例) tells what the map draws now: per visible layer, the hexagons' count
classes at the current zoom, the kinds drawn as points, coverage only while it is on."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from PySide6.QtGui import QColor

from ui.docks.legend import REFRESH_MS, LegendView, legend_sections, symbol_pixmap
from ui.map.layers import cases as case_layer
from ui.map.layers.boundaries import COVERAGE_ALPHA, COVERAGE_FILLS
from ui.map.layers.legend_entries import colour
from ui.map.layers.patrol import ROLE_STYLE


def _legend(window) -> LegendView:
    dock = window.docks["legend"]
    dock.show()
    dock.raise_()  # (a workspace may tab it behind the layers)
    return dock.widget().view


def _section(legend: LegendView, layer_id: str):
    legend.refresh()
    return next((s for s in legend.sections if s.layer_id == layer_id), None)


def _settle_cases(qtbot, view) -> None:
    qtbot.waitUntil(lambda: not view.pending(), timeout=10_000)


def test_legend_is_a_left_panel_right_after_the_layers(window):
    from PySide6.QtCore import Qt

    dock = window.docks["legend"]
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    order = [spec.id for spec in window.registry.panels()]
    assert order.index("legend") == order.index("layers") + 1
    assert dock.widget().objectName() == "LegendPanel"


def _hex_check(view, section) -> list[tuple[str, str]]:
    """The section's hexagon entries against the hexagon items on the map."""
    hexes = [e for e in section.entries if e.symbol == "h"]
    drawn = [k for k, item in enumerate(view.hex_items) if len(item.data)]
    assert len(hexes) == len(drawn) > 0
    for entry, k in zip(hexes, drawn, strict=True):
        assert entry.brush == colour(view.hex_items[k].opts["brush"].color())
        counts = view.hex_counts[view.hex_levels == k]
        lo, hi = int(counts.min()), int(counts.max())
        assert entry.text == (f"{lo} 件" if lo == hi else f"{lo}–{hi} 件")
        assert np.all(case_layer.hex_level(counts) == k)
    return [(e.text, e.brush) for e in hexes]


def test_hexagon_classes_follow_the_zoom(window, qtbot, monkeypatch):
    monkeypatch.setattr(case_layer, "MAX_POINTS", 10)
    view = window.canvas.view("cases")
    legend = _legend(window)
    view.update_points()
    assert view.aggregated
    overview = _section(legend, "cases")
    wide = _hex_check(view, overview)
    assert overview.title.startswith("案件密度")
    assert "六边形" in overview.note and "不是覆盖率" in overview.note
    window.canvas.zoom_by(4)
    view.update_points()
    assert view.aggregated
    close = _section(legend, "cases")
    near = _hex_check(view, close)
    # a hexagon a quarter as wide holds fewer cases: other classes, another width
    assert near != wide and close.note != overview.note
    assert max(int(t.split("–")[-1].split()[0]) for t, _ in near) < \
        max(int(t.split("–")[-1].split()[0]) for t, _ in wide)


def test_hexagons_and_coverage_read_as_different_palettes():
    def hue(c: str) -> float:
        q = QColor(c)
        return 360 * colorsys.rgb_to_hsv(q.redF(), q.greenF(), q.blueF())[0]

    gaps = [min(abs(hue(a) - hue(b)), 360 - abs(hue(a) - hue(b)))
            for a in case_layer.HEX_RAMP for b in COVERAGE_FILLS]
    assert min(gaps) >= 40


def test_points_legend_lists_the_kinds_drawn(window, qtbot, monkeypatch):
    monkeypatch.setattr(case_layer, "MAX_POINTS", 10**9)
    monkeypatch.setattr(case_layer, "OVERVIEW_AGGREGATE", 10**9)
    view = window.canvas.view("cases")
    view.update_points()
    assert not view.aggregated
    section = _section(_legend(window), "cases")
    kinds = {e.text: e for e in section.entries if e.symbol == "o" and e.pen
             and "：" not in e.text}
    drawn = {kind for (kind, _open), item in view.scatters.items()
             if len(item.data) and item.isVisible()}
    from ui.texts import CASE_KIND_NAMES

    assert set(kinds) == {CASE_KIND_NAMES.get(k, k) for k in drawn}
    for (kind, is_open), item in view.scatters.items():
        if is_open and len(item.data):
            assert kinds[CASE_KIND_NAMES[kind]].brush == colour(item.opts["brush"].color())
    rings = [e for e in section.entries if e.symbol == "ring"]
    assert len(rings) == (1 if view.overdue_count() else 0)


def test_a_hidden_layer_loses_its_section(window, qtbot):
    legend = _legend(window)
    legend.refresh()
    assert "patrol" in {s.layer_id for s in legend.sections}
    window.layers.set_visible("patrol", False)
    # the coalesced rebuild, as the panel sees a layer switched off in the layer panel
    qtbot.waitUntil(lambda: "patrol" not in {s.layer_id for s in legend.sections})
    assert not legend.findChildren(type(legend), "LegendSection_patrol")
    window.layers.set_visible("patrol", True)
    qtbot.waitUntil(lambda: "patrol" in {s.layer_id for s in legend.sections})
    # hidden, the legend does no work; shown again, it catches up
    window.docks["legend"].hide()
    window.layers.set_visible("patrol", False)
    qtbot.wait(3 * REFRESH_MS)
    assert "patrol" in {s.layer_id for s in legend.sections}
    window.docks["legend"].show()
    qtbot.waitUntil(lambda: "patrol" not in {s.layer_id for s in legend.sections})
    window.layers.set_visible("patrol", True)
    qtbot.waitUntil(lambda: "patrol" in {s.layer_id for s in legend.sections})
    # top layer first, as the layer list reads (the on-duty alarms' note, no layer of
    # the list, leads when the devices panel has read them)
    layer_ids = {layer.id for layer in window.layers}
    ids = [s.layer_id for s in legend.sections if s.layer_id in layer_ids]
    stack = [layer.id for layer in reversed(list(window.layers)) if layer.id in ids]
    assert ids == stack
    others = [s.layer_id for s in legend.sections if s.layer_id not in layer_ids]
    assert others in ([], ["presence_markers"])
    assert legend.sections[0].layer_id == "presence_markers" or not others


def test_coverage_entries_only_while_coverage_is_on(window, qtbot):
    legend = _legend(window)
    grids = window.canvas.view("grids")
    assert _section(legend, "grids") is None
    window.replay_bar.coverage_action.setChecked(True)
    qtbot.waitUntil(lambda: grids.values is not None, timeout=20_000)
    qtbot.waitUntil(lambda: any(s.layer_id == "grids" for s in legend.sections))
    section = _section(legend, "grids")
    assert "覆盖率" in section.title
    classes = set(np.digitize(grids.values, (0.3, 0.6, 0.85)).tolist())
    assert [e.brush for e in section.entries] == [
        colour(COVERAGE_FILLS[k], COVERAGE_ALPHA) for k in sorted(classes)]
    window.replay_bar.coverage_action.setChecked(False)
    qtbot.waitUntil(lambda: not any(s.layer_id == "grids" for s in legend.sections))


def test_workers_by_role_as_drawn(window):
    view = window.canvas.view("patrol")
    view.refresh(force=True)
    section = _section(_legend(window), "patrol")
    roles = [r for r in ROLE_STYLE if (view.snapshot.role == r).any()]
    from ui.texts import ROLE_NAMES

    entries = [e for e in section.entries if e.symbol != "ring"]
    assert [e.text for e in entries] == [ROLE_NAMES[r] for r in roles]
    for entry, role in zip(entries, roles, strict=True):
        assert entry.brush == colour(ROLE_STYLE[role][1])
        assert entry.symbol == ("o" if view.overview else ROLE_STYLE[role][0])


@pytest.mark.parametrize("symbol", ["o", "star", "h", "t1", "fill", "ring"])
def test_swatches_paint_the_symbol(themed_app, symbol):
    from ui.map.layers.legend_entries import LegendEntry

    entry = LegendEntry("x", symbol, colour("#ff0000") if symbol != "ring" else None,
                        colour("#00ff00"), 12, 2.0)
    image = symbol_pixmap(entry, 1.0, 20).toImage()
    painted = sum(image.pixelColor(x, y).alpha() > 0 for x in range(20) for y in range(20))
    assert 10 < painted < 400


def test_big_screen_legend_under_the_strip_clear_of_the_overlays(window, qtbot):
    from ui.map.overlays import install_overlays

    overlays = install_overlays(window)
    bs = window.big_screen
    bs.enter()
    qtbot.waitUntil(lambda: bs.legend.isVisible() and bs.legend.height() > 0)
    board = bs.legend
    board.view.refresh()
    bs._place()
    canvas = window.canvas.rect()
    assert canvas.contains(board.geometry())
    assert board.geometry().top() > bs.strip.geometry().bottom()
    for rect in overlays.rects():
        assert not rect.intersects(board.geometry())
    assert {s.layer_id for s in board.view.sections} == \
        {s.layer_id for s in legend_sections(window.canvas, window.layers)}
    bs.leave()
    assert not board.isVisible()


def test_what_is_drawn_above_the_layers_comes_first(window, qtbot):
    """The whistle panel's markers (stars by state, above every layer) describe themselves
    through add_legend_source; their section goes with them."""
    from ui import theme
    from ui.docks.legend import add_legend_source, whistle_markers_legend

    class Markers:  # what WhistleMarkers exposes: the colour of every star drawn
        colours = [theme.ALERT, theme.ACCENT, theme.ACCENT]

    markers = Markers()
    legend = _legend(window)
    source = add_legend_source(window.canvas, "whistle_markers",
                               lambda: whistle_markers_legend(markers))
    try:
        qtbot.waitUntil(lambda: any(s.layer_id == "whistle_markers" for s in legend.sections))
        first = legend.sections[0]
        assert first.layer_id == "whistle_markers"
        assert [e.brush for e in first.entries] == [colour(theme.ALERT), colour(theme.ACCENT)]
        markers.colours = []
        source.changed()  # the markers were redrawn: the section goes with the last star
        qtbot.waitUntil(lambda: not any(s.layer_id == "whistle_markers"
                                        for s in legend.sections))
    finally:
        source.remove()


def test_big_screen_fits_the_district_beside_the_legend_and_reserved_boards(window, qtbot):
    bs = window.big_screen
    bs.enter()
    qtbot.waitUntil(lambda: bs.legend.isVisible() and bs.legend.width() > 0)
    bs.reserve("right", window.canvas.width() // 4)  # as a plugin's board would
    box = bs.free_box()
    assert box.left() > bs.legend.geometry().right()
    assert box.right() <= window.canvas.width() * 3 // 4
    ext = window.canvas.extent()
    corners = [window.canvas.map_to_widget(x, y) for x in (ext.left(), ext.right())
               for y in (ext.top(), ext.bottom())]
    for p in corners:  # the whole district is in the free part of the wall
        assert box.adjusted(-1, -1, 1, 1).contains(p), (p, box)
    bs.leave()
    assert bs._reserved == {}


def test_cameras_by_owner_department_as_filtered(window, qtbot):
    """The cameras' section names each owner department shown (its name and code) in the
    symbol drawn for it, and follows the camera list's department filter."""
    from app.domain.departments import DEPARTMENTS
    from ui.map.layers.cameras import OWNER_STYLE

    panel = window.docks["cameras"].widget()
    qtbot.waitUntil(lambda: "cameras" in window.layers, timeout=20_000)
    view = window.canvas.view("cameras")
    window.layers.set_visible("cameras", True)
    legend = _legend(window)
    names = {d.code: d.short_name for d in DEPARTMENTS}
    section = _section(legend, "cameras")
    shown = [o for o, s in view.scatters.items() if s.isVisible()]
    keys = [e for e in section.entries if e.brush is not None]
    assert [e.text for e in keys] == [f"{names.get(o, o)}（{o}）" for o in shown]
    assert [(e.symbol, e.brush) for e in keys] == [
        (OWNER_STYLE[o][0], colour(OWNER_STYLE[o][1])) for o in shown]
    panel.department.setCurrentIndex(panel.department.findData("GA"))
    qtbot.waitUntil(lambda: _only_ga(legend))


def _only_ga(legend) -> bool:
    section = next(s for s in legend.sections if s.layer_id == "cameras")
    return [e.text.split("（")[-1] for e in section.entries if e.brush] == ["GA）"]


def test_the_whistle_panels_stars_are_in_the_legend(window, qtbot):
    """The whistle panel draws open whistles as stars above every layer (red overdue,
    yellow second whistle, cyan otherwise): the legend panel describes them."""
    from ui import theme

    markers = window.docks["whistles"].widget().markers
    legend = _legend(window)
    markers.colours = [theme.ACCENT, theme.HIGHLIGHT]
    section = _section(legend, "whistle_markers")
    assert legend.sections[0] is section
    assert [e.brush for e in section.entries] == [colour(theme.HIGHLIGHT), colour(theme.ACCENT)]
    assert all(e.symbol == "star" for e in section.entries)
    markers.colours = []
    assert _section(legend, "whistle_markers") is None


def test_wall_legend_type_shrinks_rather_than_clip(window, qtbot):
    board = window.big_screen.legend
    board.fit_to(2160)
    board.view.refresh()
    width = 500
    full = board.height_for(width, 10_000)
    assert board.text_px == board.base_px
    tight = board.height_for(width, full * 2 // 3)
    assert board.text_px < board.base_px and tight <= full * 2 // 3
    assert board.wanted_height(width) <= full * 2 // 3  # every key still shows


def test_case_section_names_the_time_window_shown(window, qtbot):
    legend = _legend(window)
    view = window.canvas.view("cases")
    window.case_window.setCurrentIndex(window.case_window.findData("today"))
    qtbot.waitUntil(lambda: view.window == "today" and not view.pending())
    qtbot.waitUntil(lambda: "今日" in next(s.title for s in legend.sections
                                         if s.layer_id == "cases"))


def test_case_section_says_when_it_shows_the_replay(window, qtbot):
    legend = _legend(window)
    view = window.canvas.view("cases")
    c = window.patrol_controller
    c.feed_timer.stop()
    c.set_mode("replay")
    c.seek(c.day_start + 8 * 3600)
    qtbot.waitUntil(lambda: view.at is not None and not view.pending())
    qtbot.waitUntil(lambda: "回放" in next(s.title for s in legend.sections
                                         if s.layer_id == "cases"))
    c.set_mode("live")
    qtbot.waitUntil(lambda: "回放" not in next(s.title for s in legend.sections
                                             if s.layer_id == "cases"))
