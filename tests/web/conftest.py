"""Fixtures of the web tests: a fresh SQLite database per test, the shipped promoted model (or
a small one trained here when models/ has none), a small corpus for retraining, users of every
role with passwords, and signed-in TestClients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from model_files import copy_models
from web_helpers import sign_in

from storage.accounts import add_user
from storage.scratch import sqlite_url
from triage.corpus import load_corpus
from triage.settings import Settings, get_settings

TRAIN_SIZE = 300
HELDOUT_SIZE = 120
PASSWORDS = {"vp-ubnd": "ra-soat-2023", "mttq-le-loi": "tiep-nhan-2023"}


@pytest.fixture(scope="session")
def web_data_dir(small_data_dir: Callable[[str, int, int], Path]) -> Path:
    """The real jurisdiction data with a small corpus, so that a retraining takes seconds."""
    return small_data_dir("web-data", TRAIN_SIZE, HELDOUT_SIZE)


@pytest.fixture(scope="session")
def seed_models(web_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The promoted model shipped in models/ when there is one, else one trained on the small
    corpus; promoted in a directory of its own."""
    from triage.jurisdiction import load_jurisdiction
    from triage.registry import find_version, promote, promoted_key, save_model
    from triage.train import train_model

    directory = tmp_path_factory.mktemp("web-models")
    shipped = get_settings().models_dir
    key = promoted_key(shipped) if shipped.exists() else None
    if key is not None:
        version = find_version(key, shipped)
        os.link(version.path, directory / version.path.name)
        shutil.copy(version.path.with_suffix(".json"), directory / f"{version.key}.json")
        promote(version.key, directory)
        return directory
    jurisdiction = load_jurisdiction("son_tay_2023", web_data_dir)
    items = load_corpus(web_data_dir / "corpus" / "train")
    model = train_model(items, jurisdiction, workers=1)
    model.version = "20230801-000000-webtest"
    saved = save_model(model, {"jurisdiction": jurisdiction.code,
                               "training_data": {"opinions": len(items)}}, directory)
    promote(saved.key, directory)
    return directory


@pytest.fixture
def web_db_url(tmp_path: Path) -> str:
    """SQLite by default; tests/web/test_web_postgres.py runs pages on PostgreSQL too."""
    return sqlite_url(tmp_path / "db")


@pytest.fixture
def web_settings(seed_models: Path, web_data_dir: Path, web_db_url: str, tmp_path: Path
                 ) -> Settings:
    return Settings(
        database_url=web_db_url, data_dir=web_data_dir,
        models_dir=copy_models(seed_models, tmp_path / "models"), var_dir=tmp_path / "var",
        workers=1,
    )


@pytest.fixture
def app(web_settings: Settings) -> Iterator[FastAPI]:
    """The app with its lifespan started (runtime, first admin), plus two more users."""
    from api.main import create_app

    application = create_app(web_settings)
    with TestClient(application):
        runtime = application.state.runtime
        with runtime.session() as session:
            add_user(session, "vp-ubnd", "reviewer", password=PASSWORDS["vp-ubnd"],
                     display_name="Nguyễn Thị Rà Soát")
            add_user(session, "mttq-le-loi", "intake", password=PASSWORDS["mttq-le-loi"],
                     display_name="MTTQ phường Lê Lợi")
        yield application


@pytest.fixture
def passwords(app: FastAPI, web_settings: Settings) -> dict[str, str]:
    admin = (web_settings.var_dir / "admin-password.txt").read_text(encoding="utf-8").strip()
    return {"admin": admin, **PASSWORDS}


@pytest.fixture
def client_for(app: FastAPI, passwords: dict[str, str]
               ) -> Callable[[str | None], tuple[TestClient, str]]:
    """A new browser-like client, signed in as the given user (or anonymous), and its token."""

    def make(username: str | None) -> tuple[TestClient, str]:
        client = TestClient(app, raise_server_exceptions=True)
        if username is None:
            from web_helpers import csrf_from

            return client, csrf_from(client.get("/login").text)
        return client, sign_in(client, username, passwords[username])

    return make
