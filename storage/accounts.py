"""Users, passwords and API keys, shared by the CLI (`triage user`, `triage apikey`) and the API.

Passwords are hashed with scrypt (standard library, memory-hard); API keys are random tokens of
which only the SHA-256 is stored (`repositories.hash_key`), so a leaked database leaks no key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import repositories as repo
from storage.models import ApiKey, User, utcnow

ROLES = ("intake", "reviewer", "admin")
ROLE_LABELS = {"intake": "tiếp nhận", "reviewer": "rà soát", "admin": "quản trị"}
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccountError(ValueError):
    """A refused account operation; `message` is one Vietnamese line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return (f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}$"
            f"{b64(salt).decode()}${b64(digest).decode()}")


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                dklen=len(expected), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def add_user(
    session: Session, username: str, role: str, *, password: str | None = None,
    display_name: str = "",
) -> User:
    if role not in ROLES:
        raise AccountError(f'Vai trò "{role}" không hợp lệ: dùng một trong {", ".join(ROLES)}.')
    if not _USERNAME.match(username):
        raise AccountError(
            f'Tên người dùng "{username}" không hợp lệ: chỉ dùng chữ không dấu, số, '
            "dấu chấm, gạch ngang, gạch dưới hoặc @ (tối đa 100 ký tự)."
        )
    if repo.get_user(session, username) is not None:
        raise AccountError(f'Người dùng "{username}" đã tồn tại.')
    if password is not None and len(password) < 8:
        raise AccountError("Mật khẩu cần ít nhất 8 ký tự.")
    return repo.create_user(
        session, username, role, display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
    )


def issue_key(session: Session, username: str, name: str) -> tuple[ApiKey, str]:
    """A new key for a user; the raw key is returned once and never stored."""
    user = repo.get_user(session, username)
    if user is None:
        raise AccountError(f'Không có người dùng "{username}".')
    if not name.strip():
        raise AccountError("Cần đặt tên cho khóa API (ví dụ tên công cụ sẽ dùng nó).")
    return repo.create_api_key(session, user, name.strip())


def revoke_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise AccountError(f"Không có khóa API số {key_id}.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def keys_of(session: Session, user_id: int) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.user_id == user_id)
                                .order_by(ApiKey.id)))


@dataclass(frozen=True)
class Bootstrap:
    username: str
    password: str
    api_key: str
    password_file: Path
    api_key_file: Path

    def write(self) -> None:
        """Writes the secrets to var/ (owner-only); call after the transaction committed."""
        _write_secret(self.password_file, self.password)
        _write_secret(self.api_key_file, self.api_key)


def _write_secret(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")


def bootstrap_admin(session: Session, var_dir: Path, username: str = "admin") -> Bootstrap | None:
    """On a database without users, creates an admin so that a person can start.

    Returns the password and an API key, for the caller to print and, once committed, to
    `write()` to `var/` (readable by the owner only); nothing happens when any user exists.
    """
    if (session.scalar(select(func.count(User.id))) or 0) > 0:
        return None
    password = secrets.token_urlsafe(12)
    add_user(session, username, "admin", password=password, display_name="Quản trị")
    _, raw = issue_key(session, username, "khóa quản trị đầu tiên")
    return Bootstrap(username, password, raw, var_dir / "admin-password.txt",
                     var_dir / "admin-api-key.txt")


def random_password() -> str:
    return secrets.token_urlsafe(12)
