"""The tests' throwaway PostgreSQL cluster (app/store/pg_local.py)."""

from app.store.pg_local import ADMIN, BIN, Cluster

__all__ = ["ADMIN", "BIN", "Cluster"]
