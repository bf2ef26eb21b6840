"""The map canvas (pyqtgraph) and one view class per map layer type."""
