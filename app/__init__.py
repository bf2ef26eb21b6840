"""GridCC domain and services (Qt-free).

Nothing in this package may import PySide6, pyqtgraph, qtawesome or ``ui``;
the import-linter contract in pyproject.toml enforces it.
"""

__version__ = "0.1.0"
