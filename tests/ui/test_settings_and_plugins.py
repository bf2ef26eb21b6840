"""Window state persistence (GRIDCC_CONFIG_DIR) and the panel/plugin registry."""

from __future__ import annotations

import sys
import textwrap

import pytest
from PySide6.QtWidgets import QLabel

from ui.plugin_api import DockArea, PanelRegistry, PanelSpec, load_plugins


def test_settings_location_follows_env(config_dir):
    from ui.settings import config_dir as settings_dir
    from ui.settings import window_settings

    assert settings_dir() == config_dir
    assert window_settings().fileName().startswith(str(config_dir))


def test_geometry_and_docks_restored(make_window, config_dir, qtbot):
    first = make_window(size=(760, 560))  # within the 800x600 offscreen screen
    assert not first.restored  # nothing saved yet
    first.docks["identify"].hide()
    first.close()
    assert (config_dir / "window.ini").exists()

    second = make_window(show=False)
    assert second.restored
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (760, 560)
    assert not second.docks["identify"].isVisible()
    assert second.docks["layers"].isVisible()


def test_window_state_of_another_version_is_ignored(make_window, config_dir):
    from ui.settings import window_settings

    first = make_window()
    first.close()
    s = window_settings()
    s.setValue("window/state", b"not a window state")
    s.sync()
    second = make_window(show=False)
    assert not second.restored


def _write_plugins(tmp_path, monkeypatch, modules: dict[str, str]) -> str:
    pkg = tmp_path / "fakeplugins"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, src in modules.items():
        (pkg / f"{name}.py").write_text(textwrap.dedent(src))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fakeplugins", raising=False)
    return "fakeplugins"


GOOD = """
    from PySide6.QtWidgets import QLabel
    from ui.plugin_api import DockArea, PanelSpec

    def register(registry):
        registry.add_panel(PanelSpec("whistle", "吹哨调度", "mdi6.whistle", DockArea.RIGHT,
                                     lambda ctx: QLabel("哨"), order=30))
"""


class _BrokenEntryPoint:
    name = "broken_ep"

    def load(self):
        raise ImportError("no module named gridcc_missing")


def test_broken_plugins_are_logged_and_skipped(tmp_path, monkeypatch, caplog):
    package = _write_plugins(tmp_path, monkeypatch, {
        "good": GOOD,
        "syntax": "def register(registry) oops\n",
        "raises": "def register(registry):\n    raise RuntimeError('boom')\n",
        "half": textwrap.dedent("""
            from PySide6.QtWidgets import QLabel
            from ui.plugin_api import DockArea, PanelSpec
            def register(registry):
                registry.add_panel(PanelSpec("half", "半", "mdi6.cog", DockArea.LEFT,
                                             lambda ctx: QLabel()))
                raise ValueError("then fails")
        """),
        "noregister": "X = 1\n",
    })
    registry = load_plugins(package=package, entry_points=[_BrokenEntryPoint()])
    assert [p.id for p in registry.panels()] == ["whistle"]
    failed = {(f.plugin, f.stage) for f in registry.failures}
    assert failed == {("fakeplugins.syntax", "import"), ("fakeplugins.raises", "register"),
                      ("fakeplugins.half", "register"), ("fakeplugins.noregister", "register"),
                      ("broken_ep", "import")}
    assert "boom" in caplog.text


def test_builtin_panels_come_through_the_plugin_door():
    registry = load_plugins(entry_points=[])
    assert [p.id for p in registry.panels()] == ["layers", "legend", "identify", "whistles",
                                                 "cases", "devices",
                                                 "supervision", "video_wall", "cameras",
                                                 "appraisal", "red_black", "appraisal_trend"]
    assert registry.failures == []


def test_window_survives_a_failing_panel_factory(make_window, caplog):
    registry = load_plugins(entry_points=[])

    def explode(ctx):
        raise RuntimeError("factory exploded")

    registry.add_panel(PanelSpec("scoring", "考核评价", "mdi6.chart-bar", DockArea.BOTTOM,
                                 explode))
    registry.add_panel(PanelSpec("video", "视频墙", "mdi6.video-outline", DockArea.TOP,
                                 lambda ctx: QLabel("视频")))
    window = make_window(registry=registry)
    assert set(window.docks) == {"layers", "legend", "identify", "video_wall", "cameras", "video",
                                 "whistles", "cases", "devices", "supervision", "appraisal",
                                 "red_black", "appraisal_trend"}
    assert any(f.plugin == "scoring" and f.stage == "factory" for f in registry.failures)
    assert window.dockWidgetArea(window.docks["video"]).name == "TopDockWidgetArea"
    assert "factory exploded" in caplog.text


def test_panel_ids_are_unique_and_plain():
    registry = PanelRegistry()
    spec = PanelSpec("a", "A", "mdi6.cog", DockArea.LEFT, lambda ctx: QLabel())
    registry.add_panel(spec)
    with pytest.raises(ValueError):
        registry.add_panel(spec)
    with pytest.raises(ValueError):
        registry.add_panel(PanelSpec("has space", "B", "mdi6.cog", DockArea.LEFT,
                                     lambda ctx: QLabel()))
