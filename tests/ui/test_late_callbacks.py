"""The guard against callbacks that outlive their objects catches one (and the label
builder, the background helper and the canvas make none)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.background import BackgroundWork
from ui.plugin_api import PanelRegistry


def test_the_guard_reports_a_timer_firing_after_its_widget_was_deleted(late_callbacks, qapp):
    widget = QWidget()
    # the bug the guard is for: a timer not tied to the widget it touches
    QTimer.singleShot(0, lambda: widget.setObjectName("late"))
    shiboken6.delete(widget)  # the window closed and went away before the timer fired
    late_callbacks.drain()
    errors = late_callbacks.take()
    assert len(errors) == 1 and "already deleted" in errors[0] and "QWidget" in errors[0]


def test_the_guard_passes_a_timer_tied_to_its_widget(late_callbacks, qapp):
    widget = QWidget()
    QTimer.singleShot(0, widget, lambda: widget.setObjectName("late"))
    shiboken6.delete(widget)
    late_callbacks.drain()
    assert late_callbacks.take() == []


def test_a_result_whose_owner_was_deleted_is_dropped(late_callbacks, qapp):
    owner = QObject()
    work = BackgroundWork(owner)
    got = []
    work.run(lambda: 42, lambda r: got.append(owner.objectName() or r))
    work.wait()  # the result is on its way to the GUI thread ...
    shiboken6.delete(owner)  # ... when its owner goes away
    late_callbacks.drain()
    assert got == [] and late_callbacks.take() == []


def test_an_overtaken_result_is_dropped_and_a_queued_one_skipped(late_callbacks, qtbot):
    work = BackgroundWork()
    started, release = threading.Event(), threading.Event()
    got = []

    def first():
        started.set()
        release.wait(10)
        return "first"

    work.run(first, got.append, channel="c")
    assert started.wait(10)
    work.run(lambda: "second", got.append, channel="c")
    work.run(lambda: "third", got.append, channel="c")
    release.set()
    qtbot.waitUntil(lambda: not work.busy())
    assert got == ["third"] and work.dropped == 1 and work.skipped == 1
    work.close()
    work.deleteLater()


def test_label_sprites_stop_building_when_the_window_goes(themed_app, store, district_map,
                                                        late_callbacks, qtbot):
    """The CI flake: the label builder's idle steps went on after the window closed and
    touched the canvas once it was deleted."""
    from ui.main_window import MainWindow

    window = MainWindow(store, registry=PanelRegistry(), district_map=district_map,
                        persist=False)  # the map alone; deleted here, not by qtbot
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: window.canvas.first_paint_seconds is not None)
    item = window.canvas.view("labels").item
    item._sprites.clear()  # every label shown needs drawing: a chain of idle steps
    item._schedule_build()
    window.close()
    window.deleteLater()
    late_callbacks.drain()  # steps run before and after the window is deleted
    assert late_callbacks.take() == []


def test_a_connection_made_while_an_owner_lives_ends_with_it(qapp):
    """ui.lifetime.connect_while: a plain function called while its owner lives; once the
    owner is deleted the signal reaches nothing (no destroyed handler needed)."""
    import shiboken6
    from PySide6.QtCore import QObject, Signal

    from ui.lifetime import connect_while

    class Sender(QObject):
        fired = Signal(int)

    sender, owner, got = Sender(), QObject(), []
    connect_while(owner, sender.fired, got.append)
    sender.fired.emit(1)
    shiboken6.delete(owner)
    sender.fired.emit(2)
    assert got == [1]
