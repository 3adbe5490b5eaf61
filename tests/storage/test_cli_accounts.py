"""`triage user add` and `triage apikey create|revoke` on the configured database."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import repositories as repo
from storage.db import make_engine, session_factory, session_scope
from storage.models import ApiKey
from triage import cli
from triage.settings import get_settings


@pytest.fixture
def configured(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", db_url)
    monkeypatch.setenv("TRIAGE_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def test_user_and_key_commands(configured: str, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat-khau-du-dai\n"))
    assert cli.main(["user", "add", "ct-le-loi", "--role", "intake", "--password"]) == 0
    assert "Đã tạo người dùng ct-le-loi" in capsys.readouterr().err
    assert cli.main(["apikey", "create", "ct-le-loi", "--name", "biểu mẫu web"]) == 0
    out = capsys.readouterr()
    raw = out.out.strip()
    assert raw.startswith("tri_") and "chỉ hiện một lần" in out.err

    engine = make_engine(configured)
    with session_scope(session_factory(engine)) as s:
        user = repo.user_for_api_key(s, raw)
        assert user is not None and user.role == "intake" and user.password_hash
        key_id = s.scalars(select(ApiKey)).one().id
    assert cli.main(["apikey", "revoke", str(key_id)]) == 0
    with session_scope(session_factory(engine)) as s:
        assert repo.user_for_api_key(s, raw) is None
    engine.dispose()


def test_account_errors_are_one_vietnamese_line(
    configured: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["user", "add", "vp", "--role", "reviewer"]) == 0
    assert cli.main(["user", "add", "vp", "--role", "reviewer"]) == 1
    assert "đã tồn tại" in capsys.readouterr().err
    assert cli.main(["apikey", "create", "nobody", "--name", "x"]) == 1
    assert 'Không có người dùng "nobody"' in capsys.readouterr().err
