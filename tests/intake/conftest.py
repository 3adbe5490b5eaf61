"""Shared fixtures for the intake tests: the default jurisdiction and the sample batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.jurisdiction import Jurisdiction, load_jurisdiction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"


@pytest.fixture(scope="session")
def son_tay() -> Jurisdiction:
    return load_jurisdiction("son_tay_2023")


@pytest.fixture(scope="session")
def fixture_bytes():
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture(scope="session")
def fixture_text():
    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read
