"""The main window in English: its chrome (actions, menus, dock titles, toolbar and
status texts, every label and button of the open panels) carries no Chinese but the
names of places, people and departments, which are data."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QDockWidget, QLabel, QMenu, QWidget

from tests.ui.english import english_language  # noqa: F401

CJK = re.compile(r"[\u3400-\u9fff]")


def _data_names(store) -> set[str]:
    names = set()
    for sql in ("SELECT name FROM grid_units", "SELECT name FROM departments",
                "SELECT name FROM workers"):
        names.update(str(n) for (n,) in store.rows(sql) if n)
    return names


def _chinese_left(text: str, names: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            text = text.replace(name, "")
    return "".join(CJK.findall(text))


def test_the_window_chrome_speaks_english(english, make_window, store, qtbot):
    window = make_window(size=(1920, 1080))
    qtbot.waitUntil(window.panels_filled, timeout=20_000)
    names = _data_names(store)
    texts: list[tuple[str, str]] = []
    for act in window.findChildren(object):
        if hasattr(act, "text") and type(act).__name__ == "QAction":
            texts.append(("action", act.text()))
            texts.append(("tooltip", act.toolTip()))
    for menu in window.findChildren(QMenu):
        texts.append(("menu", menu.title()))
    for dock in window.findChildren(QDockWidget):
        texts.append(("dock", dock.windowTitle()))
    for w in window.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton):
            texts.append((type(w).__name__ + ":" + w.objectName(), w.text()))
    left = [(kind, text) for kind, text in texts if text and _chinese_left(text, names)]
    assert len(texts) > 150
    assert not left, "\n".join(f"{k}: {t!r}" for k, t in left)
