"""Shared fixtures: the default jurisdiction, a small real model, databases."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from triage.corpus import LabelledOpinion, load_corpus
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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test: SQLite always, PostgreSQL (a schema of its own, dropped
    afterwards) when TRIAGE_TEST_POSTGRES_URL is set."""
    from storage.scratch import postgres_schema, sqlite_url

    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "db")
        return
    url = os.environ.get("TRIAGE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: set TRIAGE_TEST_POSTGRES_URL to run them")
    with postgres_schema(url) as scoped:
        yield scoped


def _rank(item: LabelledOpinion) -> str:
    return hashlib.sha256(item.id.encode()).hexdigest()


def _write(path: Path, items: list[LabelledOpinion]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(i.to_json() + "\n" for i in items), encoding="utf-8")


SmallDataDir = Callable[[str, int, int], Path]


@pytest.fixture(scope="session")
def small_data_dir(tmp_path_factory: pytest.TempPathFactory) -> SmallDataDir:
    """The real jurisdiction data with a small corpus (a fixed sample of the training and
    held-out sets), so that training in a test takes seconds."""

    def make(name: str, train_size: int, heldout_size: int) -> Path:
        real = get_settings().data_dir
        target = tmp_path_factory.mktemp(name)
        for entry in real.iterdir():
            if entry.name != "corpus":
                (target / entry.name).symlink_to(entry)
        train = sorted(load_corpus(real / "corpus" / "train"), key=_rank)
        heldout = sorted(load_corpus(real / "corpus" / "heldout"), key=_rank)
        _write(target / "corpus" / "train" / "small.jsonl", train[:train_size])
        _write(target / "corpus" / "heldout" / "small.jsonl", heldout[:heldout_size])
        return target

    return make
