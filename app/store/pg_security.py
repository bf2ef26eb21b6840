"""Security in the database (服务器端权限): group roles, grants, row-level security and
the append-only audit log, installed by ``python -m app server init``.

The server enforces, so a GridCC account's credentials used from ``psql`` give no more
than the app does:

* **Login roles** are named exactly like GridCC accounts (``psql -U sec01``).  Roles
  are cluster-wide in PostgreSQL: one login can belong to several district databases
  on a cluster; what it may do in each comes from that database's ``users`` row (role
  and scope) and its group memberships.  Logins are created and kept in step with
  ``users`` only through :data:`SYNC_LOGIN` (``gridcc_sync_login``), a SECURITY DEFINER
  function the district's administrators may call: they need no CREATEROLE themselves.
* **Group roles** are per district database, ``<prefix>_seat`` (every account),
  ``_business`` (writes cases, whistles, surveys …), ``_phone`` (reads workers' phone
  numbers: the district command centre's operators, dispatchers and the supervision
  office) and ``_admin`` (accounts, scoring schemes).  ``<prefix>`` is the database
  name when it is a plain lower-case identifier of at most 31 characters, otherwise
  ``gridcc_`` and 8 hex digits of its SHA-1: two district databases on one cluster
  never share a group.  Renaming a database needs ``server init`` again.
* **Row-level security** limits cases (and their steps), whistles (departments,
  timeline), workers, GPS fixes (行踪轨迹, PIPL Art. 28) and the streets' surveys to
  the account's scope: a street or community sees its area, a department what was
  dispatched or whistled to it, a district-wide account everything.  The scope is read
  from ``users`` by ``session_user`` in SECURITY DEFINER helpers (``gridcc_*``), each
  called once per statement (an InitPlan), never per row.  RLS is enabled, not forced:
  the administrator who ran ``server init`` owns the tables and loads them by COPY,
  which PostgreSQL refuses on a table whose policies apply to the loader.
* **The audit log** is insert-only for everyone: UPDATE/DELETE/TRUNCATE are revoked
  and refused by triggers ("append-only", even for the owner); a new record must
  follow the last one (its ``seq`` and ``prev_hash``), and the head in ``meta``
  (``audit_head``) can only be set to the last record.  Only auditors and
  administrators read the whole log; other accounts see their own records and the
  head they chain on.
* ``workers.phone`` is readable only by ``_phone``; others call
  ``gridcc_worker_phone(id)`` (masked, 138****5678, within their scope).
* The headless intake logs in as ``<prefix>_intake`` (app/store/pg_intake.py): none of
  the groups above, only the writes of phones' fixes and reports.
* Only the owner changes the schema: CREATE on schema ``public`` is revoked from
  PUBLIC, and CONNECT/TEMP on the database go to ``_seat`` only.
"""

from __future__ import annotations

import hashlib
import re

from psycopg import sql

from app.store.errors import StoreError
from app.store.pg_intake import intake_statements, policy

GROUPS = ("seat", "business", "phone", "admin")
#: meta key: fingerprint of the installed security (init says "nothing to do" when equal)
META_KEY = "server_security"
#: roles that may read workers' phone numbers, with a district scope
PHONE_ROLES = ("operator", "dispatcher", "supervision_office")
#: roles that see the whole district whatever their scope (区领导: MATRIX case.view any)
ALL_SEEING_ROLES = ("district_leader",)
#: roles that take no part in the business: no write grants (审计员, 管理员, the wall 大屏)
NON_BUSINESS_ROLES = ("auditor", "administrator", "wall")


def role_prefix(dbname: str) -> str:
    """The group roles' prefix of database ``dbname`` (see the module docstring)."""
    if re.fullmatch(r"[a-z][a-z0-9_]{0,30}", dbname):
        return dbname
    return "gridcc_" + hashlib.sha1(dbname.encode("utf-8")).hexdigest()[:8]


def group_names(dbname: str) -> dict[str, str]:
    p = role_prefix(dbname)
    return {g: f"{p}_{g}" for g in GROUPS}


def groups_for(role: str, scope_kind: str) -> list[str]:
    """The groups (keys of :data:`GROUPS`) an account of ``role`` over ``scope_kind`` joins."""
    out = ["seat"]
    if role not in NON_BUSINESS_ROLES:
        out.append("business")
    if role in PHONE_ROLES and scope_kind == "district":
        out.append("phone")
    if role == "administrator":
        out.append("admin")
    return out


# -- the helper functions (owner's rights; the scope of session_user) ------------------
_DEF = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp"
_ME = "FROM users u WHERE u.username = session_user AND NOT u.locked"

FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION gridcc_is_owner() RETURNS boolean {_DEF} AS $$
        SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
            OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                          WHERE oid = 'public.users'::regclass), 'MEMBER') $$""",
    f"""CREATE OR REPLACE FUNCTION gridcc_sees_all() RETURNS boolean {_DEF} AS $$
        SELECT coalesce((SELECT u.scope_kind = 'district'
                                OR u.role IN ({", ".join(f"'{r}'" for r in ALL_SEEING_ROLES)})
                         {_ME}), false) $$""",
    f"""CREATE OR REPLACE FUNCTION gridcc_is_admin() RETURNS boolean {_DEF} AS $$
        SELECT gridcc_is_owner()
            OR coalesce((SELECT u.role = 'administrator' {_ME}), false) $$""",
    f"""CREATE OR REPLACE FUNCTION gridcc_reads_audit() RETURNS boolean {_DEF} AS $$
        SELECT gridcc_is_owner()
            OR coalesce((SELECT u.role IN ('auditor', 'administrator') {_ME}), false) $$""",
    # the street of a street or community scope
    f"""CREATE OR REPLACE FUNCTION gridcc_my_street() RETURNS integer {_DEF} AS $$
        SELECT CASE u.scope_kind WHEN 'street' THEN u.scope_id
               WHEN 'community' THEN (SELECT c.parent_id FROM grid_units c
                                      WHERE c.id = u.scope_id) END {_ME} $$""",
    f"""CREATE OR REPLACE FUNCTION gridcc_my_department() RETURNS integer {_DEF} AS $$
        SELECT CASE WHEN u.scope_kind = 'department' THEN u.scope_id END {_ME} $$""",
    # every grid unit in a street or community scope (the unit itself and below)
    f"""CREATE OR REPLACE FUNCTION gridcc_my_units() RETURNS SETOF integer {_DEF} AS $$
        SELECT g.id FROM users u
        JOIN grid_units g ON g.id = u.scope_id
            OR g.parent_id = u.scope_id
            OR g.parent_id IN (SELECT c.id FROM grid_units c WHERE c.parent_id = u.scope_id)
        WHERE u.username = session_user AND NOT u.locked
          AND u.scope_kind IN ('street', 'community') $$""",
    # whistles that summon my department (read past whistle_departments' own policy)
    f"""CREATE OR REPLACE FUNCTION gridcc_my_whistles() RETURNS SETOF integer {_DEF} AS $$
        SELECT d.whistle_id FROM whistle_departments d
        WHERE d.department_id = gridcc_my_department() $$""",
    f"""CREATE OR REPLACE FUNCTION gridcc_audit_last_seq() RETURNS bigint {_DEF} AS $$
        SELECT max(seq) FROM audit_log $$""",
    # a worker's phone: in full for the phone group, masked within the scope, else NULL
    # (the wall sees none at all)
    f"""CREATE OR REPLACE FUNCTION gridcc_worker_phone(worker integer) RETURNS text {_DEF} AS $$
        SELECT CASE
            WHEN pg_has_role(session_user, %(phone)s, 'MEMBER') OR gridcc_is_owner()
                THEN w.phone
            WHEN coalesce((SELECT u.role = 'wall' {_ME}), false) THEN NULL
            WHEN gridcc_sees_all() OR w.grid_id IN (SELECT gridcc_my_units())
                 OR w.department_id = gridcc_my_department()
                THEN left(w.phone, 3) || '****' || right(w.phone, 4) END
        FROM workers w WHERE w.id = worker $$""",
]

HELPERS = ("gridcc_is_owner()", "gridcc_sees_all()", "gridcc_is_admin()",
           "gridcc_reads_audit()", "gridcc_my_street()", "gridcc_my_department()",
           "gridcc_my_units()", "gridcc_my_whistles()", "gridcc_audit_last_seq()",
           "gridcc_worker_phone(integer)")

#: scope conditions, each helper evaluated once per statement
ALL = "(SELECT gridcc_sees_all())"
UNITS = "(SELECT gridcc_my_units())"
DEPT = "(SELECT gridcc_my_department())"
STREET = "(SELECT gridcc_my_street())"

#: table -> [(policy, command, USING, WITH CHECK)]; a table listed has RLS enabled
POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "cases": [("scope", "ALL",
               f"{ALL} OR grid_id IN {UNITS} OR department_id = {DEPT}", None)],
    "case_transitions": [("scope", "ALL",
                          f"{ALL} OR case_id IN (SELECT id FROM cases)", None)],
    "whistles": [("scope", "ALL",
                  f"{ALL} OR street_id = {STREET} OR grid_id IN {UNITS} "
                  "OR id IN (SELECT gridcc_my_whistles())", None)],
    "whistle_departments": [
        ("read", "SELECT", f"{ALL} OR whistle_id IN (SELECT id FROM whistles)", None),
        ("add", "INSERT", None, f"{ALL} OR whistle_id IN (SELECT id FROM whistles)"),
        # a department changes its own row only; the street those of its whistles
        ("change", "UPDATE",
         f"{ALL} OR department_id = {DEPT} OR whistle_id IN (SELECT id FROM whistles "
         f"WHERE street_id = {STREET})", None)],
    "whistle_events": [("scope", "ALL",
                        f"{ALL} OR whistle_id IN (SELECT id FROM whistles)", None)],
    "workers": [("scope", "ALL",
                 f"{ALL} OR grid_id IN {UNITS} OR department_id = {DEPT}", None)],
    "gps_fixes": [("scope", "ALL", f"{ALL} OR worker_id IN (SELECT id FROM workers)", None)],
    "appraisal_surveys": [("scope", "ALL", f"{ALL} OR street_id = {STREET}", None)],
    "appraisal_ratings": [("read", "SELECT", "true", None),
                          ("add", "INSERT", None, f"{ALL} OR street_id = {STREET}")],
    "users": [("read", "SELECT", "true", None),
              ("self", "UPDATE", "username = session_user", None),
              ("admin", "ALL", "(SELECT gridcc_is_admin())", None)],
    "audit_log": [("read", "SELECT",
                   "(SELECT gridcc_reads_audit()) OR username = session_user "
                   "OR seq = (SELECT gridcc_audit_last_seq())", None),
                  ("add", "INSERT", None,
                   "username = session_user OR (SELECT gridcc_is_admin())")],
    "meta": [("read", "SELECT", "true", None),
             ("add", "INSERT", None, "key = 'audit_head' OR (SELECT gridcc_is_admin())"),
             ("change", "UPDATE", "key = 'audit_head' OR (SELECT gridcc_is_admin())", None)],
}

TRIGGERS = [
    """CREATE OR REPLACE FUNCTION gridcc_audit_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
           USING ERRCODE = 'raise_exception';
       END $$""",
    # a new record follows the last one: nobody forks or back-fills the chain
    """CREATE OR REPLACE FUNCTION gridcc_audit_follows() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
       DECLARE last_seq bigint; last_hash varchar;
       BEGIN
         SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
         IF NEW.seq <> coalesce(last_seq, 0) + 1
            OR NEW.prev_hash <> coalesce(last_hash, repeat('0', 64)) THEN
           IF gridcc_is_owner() THEN RETURN NEW; END IF;  -- a copy of an old log
           RAISE EXCEPTION 'audit_log is append-only: record % does not follow record %',
             NEW.seq, last_seq USING ERRCODE = 'raise_exception';
         END IF;
         RETURN NEW;
       END $$""",
    # the chain's head in meta names the last record, nothing else
    """CREATE OR REPLACE FUNCTION gridcc_audit_head() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
       DECLARE want varchar;
       BEGIN
         IF NEW.key <> 'audit_head' OR gridcc_is_owner() THEN RETURN NEW; END IF;
         SELECT seq || ':' || hash INTO want FROM audit_log ORDER BY seq DESC LIMIT 1;
         IF want IS DISTINCT FROM NEW.value THEN
           RAISE EXCEPTION 'audit_log is append-only: the head must name the last record'
             USING ERRCODE = 'raise_exception';
         END IF;
         RETURN NEW;
       END $$""",
    "DROP TRIGGER IF EXISTS gridcc_append_only ON audit_log",
    """CREATE TRIGGER gridcc_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION gridcc_audit_append_only()""",
    "DROP TRIGGER IF EXISTS gridcc_append_only_truncate ON audit_log",
    """CREATE TRIGGER gridcc_append_only_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION gridcc_audit_append_only()""",
    "DROP TRIGGER IF EXISTS gridcc_follows ON audit_log",
    """CREATE TRIGGER gridcc_follows BEFORE INSERT ON audit_log
       FOR EACH ROW EXECUTE FUNCTION gridcc_audit_follows()""",
    "DROP TRIGGER IF EXISTS gridcc_audit_head ON meta",
    """CREATE TRIGGER gridcc_audit_head BEFORE INSERT OR UPDATE ON meta
       FOR EACH ROW EXECUTE FUNCTION gridcc_audit_head()""",
]

#: (group, privileges, tables); SELECT for the seat group is granted on every table
#: but workers and users (column grants below)
WRITES = [
    ("business", "INSERT, UPDATE",
     ["cases", "case_transitions", "whistles", "whistle_departments", "whistle_events",
      "daily_numbers", "appraisal_surveys", "appraisal_schemes", "appraisal_publications",
      "appraisal_frozen_scores"]),
    ("business", "INSERT", ["gps_fixes", "appraisal_ratings"]),
    ("seat", "INSERT", ["audit_log", "change_log"]),
    ("seat", "INSERT, UPDATE", ["meta"]),
    ("admin", "INSERT, UPDATE", ["users", "appraisal_schemes"]),
]
SEQUENCES = [("business", ["case_id", "whistle_id"]), ("seat", ["change_log_seq_seq"]),
             ("admin", ["user_id"])]
#: columns nobody but their group reads
HIDDEN_COLUMNS = {"workers": ("phone", "phone"), "users": ("password_hash", None)}

#: gridcc_sync_login(username, verifier): create or update the login role of an account
#: from its users row (groups, LOGIN unless locked; the password when a SCRAM verifier
#: is given).  Run with the owner's rights; only administrators may call it.
SYNC_LOGIN = """CREATE OR REPLACE FUNCTION gridcc_sync_login(p_user text, p_verifier text)
    RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      acct record; r record; g text; want text[]; done text := 'updated';
      prefix text := %(prefix)s;
    BEGIN
      IF NOT gridcc_is_admin() THEN
        RAISE EXCEPTION 'only an administrator manages accounts'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      SELECT * INTO acct FROM users WHERE username = p_user;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'no account %% in this district', p_user;
      END IF;
      SELECT * INTO r FROM pg_roles WHERE rolname = p_user;
      IF FOUND THEN
        IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
           OR r.rolbypassrls
           OR (NOT r.rolcanlogin AND p_user ~ '_(seat|business|phone|admin)$')
           OR p_user = prefix || '_intake' THEN
          RAISE EXCEPTION 'role %% exists on the server and is not an account role', p_user
            USING ERRCODE = 'insufficient_privilege';
        END IF;
      ELSE
        EXECUTE format('CREATE ROLE %%I NOLOGIN', p_user);
        done := 'created';
      END IF;
      IF p_verifier IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %%I PASSWORD %%L', p_user, p_verifier);
      END IF;
      EXECUTE format('ALTER ROLE %%I %%s', p_user,
                     CASE WHEN acct.locked THEN 'NOLOGIN' ELSE 'LOGIN' END);
      want := %(groups_sql)s;
      FOREACH g IN ARRAY ARRAY['seat', 'business', 'phone', 'admin'] LOOP
        IF g = ANY (want) THEN
          EXECUTE format('GRANT %%I TO %%I', prefix || '_' || g, p_user);
        ELSIF pg_has_role(p_user, prefix || '_' || g, 'MEMBER') THEN
          EXECUTE format('REVOKE %%I FROM %%I', prefix || '_' || g, p_user);
        END IF;
      END LOOP;
      RETURN done;
    END $$"""


def _groups_sql() -> str:
    """:func:`groups_for` as a PL/pgSQL expression over ``acct``."""
    phone = ", ".join(f"'{r}'" for r in PHONE_ROLES)
    apart = ", ".join(f"'{r}'" for r in NON_BUSINESS_ROLES)
    return ("ARRAY['seat'] "
            f"|| CASE WHEN acct.role NOT IN ({apart}) "
            "THEN ARRAY['business'] ELSE ARRAY[]::text[] END "
            f"|| CASE WHEN acct.role IN ({phone}) AND acct.scope_kind = 'district' "
            "THEN ARRAY['phone'] ELSE ARRAY[]::text[] END "
            "|| CASE WHEN acct.role = 'administrator' THEN ARRAY['admin'] "
            "ELSE ARRAY[]::text[] END")


def _lit(conn, value: str) -> str:
    return sql.Literal(value).as_string(conn)


def security_statements(conn, dbname: str, tables: list[str],
                        columns: dict[str, list[str]]) -> list[str]:
    """Every statement that installs the security of database ``dbname`` (idempotent).
    ``tables``: the district's tables; ``columns``: their columns (for column grants)."""
    groups = group_names(dbname)
    q = {g: sql.Identifier(n).as_string(conn) for g, n in groups.items()}
    db = sql.Identifier(dbname).as_string(conn)
    out: list[str] = []
    for g, name in groups.items():
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                   f"{_lit(conn, name)}) THEN CREATE ROLE {q[g]} NOLOGIN; END IF; END $$")
    for g in ("business", "phone", "admin"):
        out.append(f"GRANT {q['seat']} TO {q[g]}")
    out += [f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {q['seat']}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA public TO {q['seat']}"]
    out += [f.replace("%(phone)s", _lit(conn, groups["phone"])) for f in FUNCTIONS]
    for f in HELPERS:
        out.append(f"REVOKE ALL ON FUNCTION {f} FROM PUBLIC")
        out.append(f"GRANT EXECUTE ON FUNCTION {f} TO {q['seat']}")
    out.append(SYNC_LOGIN.replace("%(prefix)s", _lit(conn, role_prefix(dbname)))
               .replace("%(groups_sql)s", _groups_sql()).replace("%%", "%"))
    out.append("REVOKE ALL ON FUNCTION gridcc_sync_login(text, text) FROM PUBLIC")
    out.append(f"REVOKE ALL ON FUNCTION gridcc_sync_login(text, text) FROM {q['seat']}")
    out.append(f"GRANT EXECUTE ON FUNCTION gridcc_sync_login(text, text) TO {q['admin']}")
    # reads: every table, but the hidden columns
    for t in tables:
        out.append(f"REVOKE ALL ON TABLE {t} FROM PUBLIC")
        if t in HIDDEN_COLUMNS:
            hidden, group = HIDDEN_COLUMNS[t]
            out.append(f"REVOKE SELECT ON TABLE {t} FROM {q['seat']}")
            shown = ", ".join(c for c in columns[t] if c != hidden)
            out.append(f"GRANT SELECT ({shown}) ON TABLE {t} TO {q['seat']}")
            if group:
                out.append(f"GRANT SELECT ({hidden}) ON TABLE {t} TO {q[group]}")
        else:
            out.append(f"GRANT SELECT ON TABLE {t} TO {q['seat']}")
    for group, privileges, names in WRITES:
        for t in names:
            if t in tables:
                out.append(f"GRANT {privileges} ON TABLE {t} TO {q[group]}")
    out.append(f"GRANT UPDATE (failed_logins, last_login_at) ON TABLE users TO {q['seat']}")
    for group, names in SEQUENCES:
        for s in names:
            out.append(f"GRANT USAGE ON SEQUENCE {s} TO {q[group]}")
    # the audit log: nobody changes it, whatever the grants above said
    roles = ", ".join(["PUBLIC", *q.values()])
    out.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_log FROM {roles}")
    out += TRIGGERS
    out += intake_statements(conn, role_prefix(dbname), dbname, tables, columns)
    for t, policies in POLICIES.items():
        if t not in tables:
            continue
        out.append(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        for name, cmd, using, check in policies:
            out += policy(t, f"gridcc_{name}", cmd, q["seat"], using, check)
    return out


def _tables(store) -> list[str]:
    return [r[0] for r in store._raw(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') "
        "AND c.relname NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns') "
        "ORDER BY 1").fetchall()]


def _columns(store, tables: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {t: [] for t in tables}
    for t, c in store._raw("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = 'public' ORDER BY table_name, "
                           "ordinal_position").fetchall():
        if t in out:
            out[t].append(c)
    return out


def fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()[:16]


def install_security(store) -> bool:
    """Install (or bring up to date) the security of the district on ``store`` (a
    PostgresStore connected as the administrator who owns the schema); False when it
    was already installed exactly so (nothing changed)."""
    conn = store._conn
    dbname = conn.info.dbname
    tables = _tables(store)
    missing = [t for t in ("users", "audit_log", "meta", "cases", "whistles") if t not in tables]
    if missing:
        raise StoreError(f"区库结构不完整，缺少表 {', '.join(missing)}：请先完成结构迁移")
    statements = security_statements(conn, dbname, tables, _columns(store, tables))
    mark = fingerprint(statements)
    if _installed_mark(store) == mark and _groups_exist(store, dbname):
        return False
    with store.transaction():
        for s in statements:
            store._raw(s)
        store._raw("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) "
                   "DO UPDATE SET value = excluded.value", [META_KEY, mark])
    return True


def _installed_mark(store) -> str | None:
    row = store._raw("SELECT value FROM meta WHERE key = %s", [META_KEY]).fetchone()
    return row[0] if row else None


def _groups_exist(store, dbname: str) -> bool:
    names = list(group_names(dbname).values())
    n = store._raw("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", [names]).fetchone()[0]
    return n == len(names)


def installed(store) -> bool:
    """Whether ``server init`` installed the security on this district."""
    return bool(store._raw("SELECT to_regproc('public.gridcc_sync_login') IS NOT NULL")
                .fetchone()[0])


def scram_verifier(store, username: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` computed here by libpq (the password
    itself never goes to the server, its log or this process's log)."""
    pgconn = store._conn.pgconn
    return pgconn.encrypt_password(password.encode("utf-8"), username.encode("utf-8"),
                                   b"scram-sha-256").decode("ascii")


def sync_login(store, username: str, password: str | None = None) -> str:
    """Create or update ``username``'s login role from its ``users`` row (inside the
    caller's transaction); 'created' or 'updated'."""
    verifier = scram_verifier(store, username, password) if password is not None else None
    return store._raw("SELECT gridcc_sync_login(%s, %s)", [username, verifier]).fetchone()[0]


def phone_column(store, alias: str = "w") -> str:
    """The SQL that reads a worker's phone number in a query over ``workers`` (alias
    ``alias``): the column itself, or on a secured server the function that shows it
    in full, masked or not at all, as the account may see it."""
    if getattr(store, "dialect", "") == "postgres" and installed(store):
        return f"gridcc_worker_phone({alias}.id)"
    return f"{alias}.phone"
