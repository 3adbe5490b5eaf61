"""Fixtures of the API tests: a small real model, a fresh database per test (SQLite always,
PostgreSQL when TRIAGE_TEST_POSTGRES_URL is set), an app and keys for every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from api_helpers import auth, make_client
from fastapi.testclient import TestClient
from model_files import copy_models

from triage.corpus import load_corpus
from triage.settings import Settings

TRAIN_SIZE = 320
HELDOUT_SIZE = 120


@pytest.fixture(scope="session")
def api_data_dir(small_data_dir: Callable[[str, int, int], Path]) -> Path:
    """The real jurisdiction data with a small corpus, so that training takes seconds."""
    return small_data_dir("data", TRAIN_SIZE, HELDOUT_SIZE)


@pytest.fixture(scope="session")
def seed_models(api_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained once per session on the small corpus, promoted in its own models dir."""
    from triage.jurisdiction import load_jurisdiction
    from triage.registry import promote, save_model
    from triage.train import train_model

    directory = tmp_path_factory.mktemp("models")
    jurisdiction = load_jurisdiction("son_tay_2023", api_data_dir)
    items = load_corpus(api_data_dir / "corpus" / "train")
    model = train_model(items, jurisdiction, workers=1)
    model.version = "20230801-000000-test"
    saved = save_model(model, {"jurisdiction": jurisdiction.code,
                               "training_data": {"opinions": len(items)}}, directory)
    promote(saved.key, directory)
    return directory


@pytest.fixture
def models_dir(seed_models: Path, tmp_path: Path) -> Path:
    """A per-test copy (promotions and rollbacks change it)."""
    return copy_models(seed_models, tmp_path / "models")


@pytest.fixture
def settings(db_url: str, models_dir: Path, api_data_dir: Path, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url, data_dir=api_data_dir, models_dir=models_dir,
        var_dir=tmp_path / "var", workers=1,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with make_client(settings) as c:
        yield c


@pytest.fixture
def admin_key(client: TestClient, settings: Settings) -> str:
    return (settings.var_dir / "admin-api-key.txt").read_text(encoding="utf-8").strip()


@pytest.fixture
def keys(client: TestClient, admin_key: str) -> dict[str, str]:
    """An API key for each role (two intake tools, to test who sees what)."""
    out = {"admin": admin_key}
    for username, role in (("phuong-le-loi", "intake"), ("xa-duong-lam", "intake"),
                           ("vp-ubnd", "reviewer")):
        r = client.post("/api/v1/users", json={"username": username, "role": role},
                        headers=auth(admin_key))
        assert r.status_code == 201, r.text
        r = client.post(f"/api/v1/users/{username}/keys", json={"name": "test"},
                        headers=auth(admin_key))
        assert r.status_code == 201, r.text
        out[username] = r.json()["key"]
    out["intake"] = out["phuong-le-loi"]
    out["reviewer"] = out["vp-ubnd"]
    return out
