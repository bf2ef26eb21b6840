"""The headless intake's own login on a district server (接入服务账号), installed by
``python -m app server init`` with the rest of the security (app/store/pg_security.py).

``python -m app intake --db postgresql://<prefix>_intake@host/district`` connects as
``<prefix>_intake`` (the district's group prefix, :func:`~app.store.pg_security.role_prefix`):
a LOGIN role that belongs to no seat group and holds only what the intake does
(app/intake/sink.py, reports.py, http.py):

* reads the devices, their fixes, the workers (not their phones), the grid, the
  categories, the Open311 clients, its own reports and the cases it reports on
  (Open311 ``requests/{id}.json``), the audit chain's head and ``meta``;
* registers unknown devices (待绑定) and moves ``devices.last_seen`` - no other column;
* appends ``device_fixes`` and ``gps_fixes``;
* opens cases through the workflow (``cases``, ``case_transitions``, the day's number in
  ``daily_numbers``, an ``audit_log`` record in the account name ``intake`` and the
  chain's head), with their photos and ``intake_reports``; of a case it changes only
  the reporting worker;
* announces its writes on the change feed (``change_log`` and NOTIFY).

It deletes nothing anywhere, and row-level security gives it its own policies (the
seats' policies read the scope of a ``users`` row it does not have).  Its password is
set by ``server init`` from $GRIDCC_INTAKE_PASSWORD, or by an administrator with
``\\password`` in psql; a server may instead trust it by peer or certificate in
``pg_hba.conf`` (packaging/gridcc-intake.service says how).
"""

from __future__ import annotations

from psycopg import sql

#: the account name the intake's cases and audit records carry (app/intake/sink.py
#: INTAKE_USER; the store layer does not import the intake)
INTAKE_ACTOR = "intake"

#: table -> privileges (a tuple of column names after a privilege: that column only)
GRANTS: dict[str, tuple[str, ...]] = {
    "devices": ("SELECT", "INSERT", "UPDATE (last_seen)"),
    "device_fixes": ("SELECT", "INSERT"),
    # SELECT for the bulk insert's staging table (LIKE gps_fixes); with no policy to
    # read by, it sees no one's track
    "gps_fixes": ("SELECT", "INSERT"),
    "intake_reports": ("SELECT", "INSERT"),
    "case_photos": ("INSERT",),
    "cases": ("SELECT", "INSERT", "UPDATE (reporter_worker_id)"),
    "case_transitions": ("SELECT", "INSERT"),
    "daily_numbers": ("SELECT", "INSERT", "UPDATE"),
    "grid_units": ("SELECT",),
    "categories": ("SELECT",),
    "open311_clients": ("SELECT",),
    "audit_log": ("SELECT", "INSERT"),
    "meta": ("SELECT", "INSERT", "UPDATE"),
    "change_log": ("INSERT", "SELECT (seq)"),  # (INSERT … RETURNING seq)
}
SEQUENCES = ("case_id", "change_log_seq_seq")

#: its row-level security policies: (table, command, USING, WITH CHECK)
POLICIES = [
    ("cases", "SELECT", "true", None),
    ("cases", "INSERT", None, "true"),
    ("cases", "UPDATE", "true", None),
    ("case_transitions", "SELECT", "true", None),
    ("case_transitions", "INSERT", None, "true"),
    ("workers", "SELECT", "true", None),
    ("gps_fixes", "INSERT", None, "true"),
    # the chain's last record (it follows it) and records in its own name
    ("audit_log", "SELECT", f"seq = (SELECT gridcc_audit_last_seq()) "
                            f"OR username = '{INTAKE_ACTOR}'", None),
    ("audit_log", "INSERT", None, f"username = '{INTAKE_ACTOR}'"),
    ("meta", "SELECT", "true", None),
    ("meta", "INSERT", None, "key = 'audit_head'"),
    ("meta", "UPDATE", "key = 'audit_head'", None),
]


def intake_role(prefix: str) -> str:
    """The intake's login role of the district whose groups are ``<prefix>_*``."""
    return f"{prefix}_intake"


def intake_statements(conn, prefix: str, dbname: str, tables: list[str],
                      columns: dict[str, list[str]]) -> list[str]:
    """The statements that create the intake's login and give it its grants (idempotent;
    tables missing from ``tables`` are skipped)."""
    name = intake_role(prefix)
    role = sql.Identifier(name).as_string(conn)
    out = [f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
           f"{sql.Literal(name).as_string(conn)}) THEN CREATE ROLE {role} LOGIN; END IF; END $$",
           f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
           f"GRANT CONNECT, TEMPORARY ON DATABASE {sql.Identifier(dbname).as_string(conn)} "
           f"TO {role}",
           f"GRANT USAGE ON SCHEMA public TO {role}",
           "GRANT EXECUTE ON FUNCTION gridcc_audit_last_seq() TO " + role]
    for t, privileges in GRANTS.items():
        if t in tables:
            out.append(f"GRANT {', '.join(privileges)} ON TABLE {t} TO {role}")
    if "workers" in columns:  # every column but the phone number
        shown = ", ".join(c for c in columns["workers"] if c != "phone")
        out.append(f"GRANT SELECT ({shown}) ON TABLE workers TO {role}")
    out += [f"GRANT USAGE ON SEQUENCE {s} TO {role}" for s in SEQUENCES]
    for t, cmd, using, check in POLICIES:
        if t in tables:
            out += policy(t, f"gridcc_intake_{cmd.lower()}", cmd, role, using, check)
    return out


def policy(table: str, name: str, cmd: str, role: str, using: str | None,
           check: str | None) -> list[str]:
    """A row-level security policy (re)made: dropped if there, then created."""
    text = f"CREATE POLICY {name} ON {table} FOR {cmd} TO {role}"
    if using:
        text += f" USING ({using})"
    if check:
        text += f" WITH CHECK ({check})"
    return [f"DROP POLICY IF EXISTS {name} ON {table}", text]


def set_intake_password(store, password: str) -> str:
    """Set the intake login's password on ``store`` (the administrator's PostgresStore);
    only its SCRAM verifier goes to the server.  Returns the role's name."""
    from app.store.pg_security import role_prefix, scram_verifier

    conn = store._conn
    name = intake_role(role_prefix(conn.info.dbname))
    verifier = scram_verifier(store, name, password)
    store._raw(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(name), sql.Literal(verifier)).as_string(conn))
    return name
