"""A fresh, migrated database per test: SQLite always, PostgreSQL when
TRIAGE_TEST_POSTGRES_URL is set (in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, migrate, session_factory
from storage.scratch import postgres_schema, sqlite_url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "db")
        return
    url = os.environ.get("TRIAGE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: set TRIAGE_TEST_POSTGRES_URL to run them")
    with postgres_schema(url) as scoped:
        yield scoped


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)
