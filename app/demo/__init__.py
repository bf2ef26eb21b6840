"""Demo district generator (python -m app demo).

Deterministic from (scale, seed, now); fully offline.  Modelled on Hongqiao
district, Tianjin (DOMAIN.md section 6) and placed at its real location.

``generate_district`` and ``SCALES`` are loaded on first use: the appraisal's SQL
borrows the demo's working-time table (app.demo.worktime), and a command that never
generates a district should not load the generator (with pyproj: ~15 MB).
"""

__all__ = ["SCALES", "generate_district"]


def __getattr__(name: str):
    if name in __all__:
        from app.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module 'app.demo' has no attribute {name!r}")
