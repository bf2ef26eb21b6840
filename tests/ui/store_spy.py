"""A district store that records the queries run through it, and on which thread."""

from __future__ import annotations

import threading


class QuerySpy:
    """Wraps a store: ``queries`` gets ``(on_gui_thread, sql)`` for every ``rows`` call,
    through cursors made from it too (the workers' own)."""

    def __init__(self, inner, queries: list | None = None, gui: threading.Thread | None = None):
        self.inner = inner
        self.queries = [] if queries is None else queries
        self._gui = gui or threading.current_thread()

    def rows(self, sql, params=()):
        self.queries.append((threading.current_thread() is self._gui, sql))
        return self.inner.rows(sql, params)

    def cursor(self):
        return QuerySpy(self.inner.cursor(), self.queries, self._gui)

    def sql(self, on_gui: bool | None = None) -> list[str]:
        """The statements run (only those on / off the GUI thread when given)."""
        return [q for g, q in self.queries if on_gui is None or g == on_gui]

    def __getattr__(self, name):
        return getattr(self.inner, name)
