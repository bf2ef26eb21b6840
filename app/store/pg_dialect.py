"""The dialect seam: what GridCC's SQL (written for DuckDB) needs to run on PostgreSQL.

Two halves:

* :func:`translate` rewrites a statement on its way to the server: ``?`` placeholders
  become ``%s`` (and a literal ``%`` doubles), ``temp.x`` becomes ``pg_temp.x``,
  ``CREATE OR REPLACE TEMP TABLE x`` becomes a drop and a create.  Quoted strings and
  identifiers are left alone.
* :data:`COMPAT_FUNCTIONS` are small SQL functions created on the server (schema
  migration) under the DuckDB names the queries use: ``epoch_us``, ``epoch``,
  ``list_position``, ``regexp_full_match``.

Everything else that differs is written portably at the call site (``ON CONFLICT``
instead of ``INSERT OR REPLACE``, ``GROUP BY 1, 2`` instead of ``GROUP BY ALL``,
``ARRAY[…]`` list literals).
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN_RE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%|\btemp\.", re.IGNORECASE)
_TEMP_TABLE_RE = re.compile(
    r"^\s*CREATE\s+OR\s+REPLACE\s+TEMP(?:ORARY)?\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.IGNORECASE)


@lru_cache(maxsize=4096)
def translate(sql: str, with_params: bool = True) -> tuple[str, ...]:
    """``sql`` (DuckDB flavour, ``?`` placeholders) as PostgreSQL statements (``%s``
    placeholders when ``with_params``; a literal ``%`` is then doubled, quoted or not,
    since psycopg scans the whole text).  Usually one statement; a replaced temporary
    table gives two (the drop runs first, without parameters)."""

    def sub(m: re.Match) -> str:
        tok = m.group(0)
        if tok == "?":
            return "%s"
        if tok == "%":
            return "%%" if with_params else "%"
        if tok.lower() == "temp.":
            return "pg_temp."
        if with_params and tok[0] == "'":
            return tok.replace("%", "%%")
        return tok  # a quoted identifier, or a string without parameters

    out = _TOKEN_RE.sub(sub, sql)
    m = _TEMP_TABLE_RE.match(out)
    if m:
        name = m.group(1)
        return (f"DROP TABLE IF EXISTS pg_temp.{name}",
                f"CREATE TEMP TABLE {name}" + out[m.end():])
    return (out,)


_DDL_TYPES = [
    (re.compile(r"\bTINYINT\b", re.IGNORECASE), "SMALLINT"),
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.IGNORECASE), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
]


def ddl(sql: str) -> str:
    """A DuckDB schema statement (app/store/schema.py) in PostgreSQL's types."""
    for pattern, repl in _DDL_TYPES:
        sql = pattern.sub(repl, sql)
    return sql


#: DuckDB functions the shared queries call, defined on the server (IMMUTABLE so that
#: the planner inlines them)
COMPAT_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION epoch_us(t timestamp) RETURNS bigint
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN (extract(epoch FROM t) * 1000000)::bigint""",
    """CREATE OR REPLACE FUNCTION epoch_us(t date) RETURNS bigint
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN (extract(epoch FROM t) * 1000000)::bigint""",
    """CREATE OR REPLACE FUNCTION epoch(t timestamp) RETURNS double precision
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN extract(epoch FROM t)::double precision""",
    """CREATE OR REPLACE FUNCTION list_position(l text[], x text) RETURNS integer
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN array_position(l, x)""",
    """CREATE OR REPLACE FUNCTION list_position(l integer[], x integer) RETURNS integer
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN array_position(l, x)""",
    """CREATE OR REPLACE FUNCTION regexp_full_match(s text, p text) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       RETURN s ~ ('^(?:' || p || ')$')""",
]
