"""Shared fixtures: the default jurisdiction, a small real model, databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage.jurisdiction import Jurisdiction, load_jurisdiction
from triage.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def jurisdiction() -> Jurisdiction:
    return load_jurisdiction("son_tay_2023")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return get_settings().data_dir / "corpus"


@pytest.fixture(scope="session")
def shipped_model():  # type: ignore[no-untyped-def]
    """The promoted model shipped in models/ (the one `make run` uses)."""
    from triage.registry import load_model

    return load_model()


def postgres_url() -> str | None:
    return os.environ.get("TRIAGE_TEST_POSTGRES_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = postgres_url()
    if not url:
        pytest.skip("PostgreSQL tests skipped: set TRIAGE_TEST_POSTGRES_URL to run them")
    yield url
