"""--db is text: a DuckDB file path or a PostgreSQL address (app/store/target.py)."""

from pathlib import Path

import pytest

from app.store.target import parse_db, redact


@pytest.mark.parametrize("text", [
    "postgresql://sec01@127.0.0.1:5432/district",
    "postgres://h/district?sslmode=require",
    "postgresql:///district?service=gridcc",
    "service=gridcc",
    "host=10.0.0.5 dbname=district user=op01",
])
def test_server_addresses_are_not_paths(text):
    t = parse_db(text)
    assert t.is_postgres and t.path is None and t.conninfo == text


@pytest.mark.parametrize("text", ["district.duckdb", "/tmp/a b/区.duckdb", "~/x.duckdb",
                                  "postgresql.duckdb", "./service=x"])
def test_anything_else_is_a_file(text):
    t = parse_db(text)
    assert not t.is_postgres and t.path == Path(text).expanduser()


@pytest.mark.parametrize("text, shown", [
    ("postgresql://sec01:Secretary#2026@127.0.0.1:5432/db", "postgresql://sec01:***@127.0.0.1:5432/db"),
    ("postgresql://op:p%40ss@h/db", "postgresql://op:***@h/db"),
    ("postgresql://h/db?sslmode=require&password=abc", "postgresql://h/db?sslmode=require&password=***"),
    ("host=h password=abc dbname=d", "host=h password=*** dbname=d"),
    ("host=h password='a b' dbname=d", "host=h password=*** dbname=d"),
    ("postgresql://sec01@h/db", "postgresql://sec01@h/db"),
])
def test_passwords_never_shown(text, shown):
    assert redact(text) == shown
    assert str(parse_db(text)) == shown
