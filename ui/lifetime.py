"""Connections that end with the object they serve (生命周期).

A signal connected to a plain function or a lambda stays connected until its *sender*
goes; one connected to a method of a QObject is cut by Qt itself when that object is
deleted.  :func:`connect_while` gives a plain function such an object: a small child of
``owner``, so the connection ends with ``owner`` — no ``destroyed`` handler reaching into
objects that may be half-deleted at that moment.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject


class _Follower(QObject):
    def __init__(self, owner: QObject, fn: Callable[..., object]) -> None:
        super().__init__(owner)
        self._fn = fn

    def call(self, *args) -> None:
        self._fn(*args)


def connect_while(owner: QObject, signal, fn: Callable[..., object]) -> None:
    """Connect ``signal`` to ``fn`` for as long as ``owner`` exists."""
    signal.connect(_Follower(owner, fn).call)
