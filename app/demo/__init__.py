"""Demo district generator (python -m app demo).

Deterministic from (scale, seed, now); fully offline.  Modelled on Hongqiao
district, Tianjin (DOMAIN.md section 6) and placed at its real location.
"""

from app.demo.generator import SCALES, generate_district

__all__ = ["SCALES", "generate_district"]
