"""Throwaway databases for tests and benchmarks.

PostgreSQL is shared, so each user gets a schema of its own (selected through the connection's
search_path) that is dropped afterwards; SQLite gets a file in a given directory.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.update_query_dict(query).render_as_string(hide_password=False)


@contextmanager
def postgres_schema(url: str, prefix: str = "triage_test") -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped (with everything) at the end."""
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield with_search_path(url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def sqlite_url(directory: Path, name: str = "triage.db") -> str:
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / name}"
