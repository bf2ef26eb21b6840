"""Where a district lives: a DuckDB file or a PostgreSQL server (``--db`` / ``GRIDCC_DB``).

``--db`` is text, not a path: ``postgresql://user@host:port/dbname`` (or
``postgres://…``, or a libpq keyword string such as ``service=gridcc`` or
``host=… dbname=…``) names a server; anything else is a DuckDB file path.  A URL's
``sslmode``, ``service`` and other libpq parameters pass through to libpq untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_URL_RE = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
# a libpq keyword/value string: "service=x", "host=h dbname=d user=u" …
_KEYWORDS_RE = re.compile(r"^\s*(?:host|hostaddr|port|dbname|user|service|sslmode|password)\s*=",
                          re.IGNORECASE)


@dataclass(frozen=True)
class DbTarget:
    """A parsed ``--db``: ``kind`` is ``duckdb`` (``path`` set) or ``postgres``
    (``conninfo`` set, passed to libpq as given)."""

    kind: str
    path: Path | None = None
    conninfo: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"

    def display(self) -> str:
        """For messages and the title bar: the path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return redact(self.conninfo or "")

    def __str__(self) -> str:
        return self.display()


def parse_db(value: str | Path | DbTarget) -> DbTarget:
    if isinstance(value, DbTarget):
        return value
    if isinstance(value, Path):
        return DbTarget("duckdb", path=value.expanduser())
    text = str(value).strip()
    if _URL_RE.match(text) or _KEYWORDS_RE.match(text):
        return DbTarget("postgres", conninfo=text)
    return DbTarget("duckdb", path=Path(text).expanduser())


_USERINFO_RE = re.compile(r"^(postgres(?:ql)?://)([^@/]*)@", re.IGNORECASE)


def redact(conninfo: str) -> str:
    """``conninfo`` with any password replaced by ``***`` (also one with a ``#`` or ``?``
    in it, which a URL parser would take for a fragment or a query)."""
    if _URL_RE.match(conninfo):
        m = _USERINFO_RE.match(conninfo)
        if m and ":" in m.group(2):
            user = m.group(2).split(":", 1)[0]
            conninfo = f"{m.group(1)}{user}:***@{conninfo[m.end():]}"
        return re.sub(r"([?&]password=)[^&]*", r"\1***", conninfo)
    return re.sub(r"(password\s*=\s*)(?:'[^']*'|\S+)", r"\1***", conninfo)
