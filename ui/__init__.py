"""GridCC's Qt user interface: main window, map canvas and its layer views, docks, theme.

Only this package (and ``plugins``) imports PySide6, pyqtgraph and qtawesome;
the domain in ``app`` stays Qt-free.
"""
