"""Coordinates and geometry helpers (CGCS2000 lon/lat <-> Gauss-Kruger metres)."""
