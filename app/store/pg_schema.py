"""The GridCC schema on a PostgreSQL server: the same versioned migrations as the
DuckDB file (app/store/schema.py, their types translated by app/store/pg_dialect.ddl)
plus what only the server has, applied with the first version:

* the DuckDB functions the shared queries call (pg_dialect.COMPAT_FUNCTIONS);
* ``change_log``: every committed change, numbered, for seats that were away
  (app/store/pg_store.py writes it, app/store/pg_changes.py reads it);
* indexes for the server's own access paths (:data:`SERVER_INDEXES`).

Server extras that an administrator installs once (PostGIS geometry columns, login
roles, row-level security) are in ``python -m app server init``.
"""

from __future__ import annotations

from app.store.pg_dialect import COMPAT_FUNCTIONS, ddl
from app.store.schema import Step

CHANGE_LOG = [
    """CREATE TABLE IF NOT EXISTS change_log (
        seq BIGSERIAL PRIMARY KEY,
        entity VARCHAR NOT NULL,
        ids BIGINT[] NOT NULL,
        action VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        at TIMESTAMP NOT NULL,
        origin VARCHAR NOT NULL,
        committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
]


#: indexes only the server needs: its row-level security filters cases by grid and
#: department, whistles by street, and seats read tracks by worker and time
SERVER_INDEXES = [
    "CREATE INDEX IF NOT EXISTS cases_grid ON cases (grid_id)",
    "CREATE INDEX IF NOT EXISTS cases_department ON cases (department_id)",
    "CREATE INDEX IF NOT EXISTS whistles_street ON whistles (street_id)",
    "CREATE INDEX IF NOT EXISTS whistle_departments_department "
    "ON whistle_departments (department_id)",
    "CREATE INDEX IF NOT EXISTS gps_fixes_worker_t ON gps_fixes (worker_id, t)",
    "CREATE INDEX IF NOT EXISTS gps_fixes_t ON gps_fixes (t)",
]


def server_steps(version: int, steps: list[Step]) -> list[Step]:
    """Migration ``version``'s steps as run on the server."""
    out: list[Step] = []
    if version == 1:
        out += COMPAT_FUNCTIONS
    out += [ddl(s) if isinstance(s, str) else s for s in steps]
    if version == 1:
        out += CHANGE_LOG + SERVER_INDEXES
    return out


def migrate(store, current: int, target: int, migrations: dict[int, list[Step]]) -> None:
    """Run migrations ``current + 1 … target`` on ``store`` (a PostgresStore), each in one
    transaction (PostgreSQL's DDL is transactional: a failed step leaves nothing)."""
    for version in range(current + 1, target + 1):
        with store.transaction():
            for step in server_steps(version, migrations[version]):
                if callable(step):
                    step(store)
                else:
                    store._raw(step)
            store.rows("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", [str(version)])
