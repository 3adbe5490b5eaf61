"""Users, passwords and API keys: hashed at rest, revocable, and the first admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage import accounts
from storage import repositories as repo
from storage.db import session_scope
from storage.models import ApiKey, User


def test_passwords_are_salted_scrypt_hashes() -> None:
    first = accounts.hash_password("mật khẩu dài")
    second = accounts.hash_password("mật khẩu dài")
    assert first != second and first.startswith("scrypt$")
    assert accounts.verify_password("mật khẩu dài", first)
    assert not accounts.verify_password("mat khau dai", first)
    assert not accounts.verify_password("x", None)
    assert not accounts.verify_password("x", "garbage")


def test_keys_are_stored_hashed_and_can_be_revoked(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        accounts.add_user(s, "vp-ubnd", "reviewer", password="12345678")
        key, raw = accounts.issue_key(s, "vp-ubnd", "máy rà soát")
        key_id = key.id
    with session_scope(sessions) as s:
        stored = s.scalars(select(ApiKey)).one()
        assert raw not in (stored.key_hash, stored.prefix) and stored.key_hash == repo.hash_key(raw)
        user = repo.user_for_api_key(s, raw)
        assert user is not None and user.username == "vp-ubnd"
        assert repo.user_for_api_key(s, raw + "x") is None
        accounts.revoke_key(s, key_id)
    with session_scope(sessions) as s:
        assert repo.user_for_api_key(s, raw) is None


@pytest.mark.parametrize(("username", "role", "password", "message"), [
    ("a b", "reviewer", None, "không hợp lệ"),
    ("ok", "boss", None, "Vai trò"),
    ("ok", "intake", "short", "ít nhất 8"),
])
def test_invalid_users_are_refused_in_vietnamese(
    sessions: sessionmaker[Session], username: str, role: str, password: str | None,
    message: str,
) -> None:
    with pytest.raises(accounts.AccountError, match=message), session_scope(sessions) as s:
        accounts.add_user(s, username, role, password=password)


def test_first_admin_is_created_once_with_files(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_scope(sessions) as s:
        created = accounts.bootstrap_admin(s, tmp_path)
    assert created is not None and not (tmp_path / "admin-api-key.txt").exists()
    created.write()
    assert (tmp_path / "admin-password.txt").read_text().strip() == created.password
    assert (tmp_path / "admin-api-key.txt").read_text().strip() == created.api_key
    assert (tmp_path / "admin-api-key.txt").stat().st_mode & 0o077 == 0
    with session_scope(sessions) as s:
        admin = s.scalars(select(User)).one()
        assert admin.role == "admin"
        assert accounts.verify_password(created.password, admin.password_hash)
        assert repo.user_for_api_key(s, created.api_key) is not None
        assert accounts.bootstrap_admin(s, tmp_path / "again") is None
    assert not (tmp_path / "again").exists()
