"""Signed session cookies and CSRF tokens for the web pages (standard library only).

The session lives in one cookie: who is signed in, a per-session CSRF token, when it was
issued and a fingerprint of the password hash (changing the password ends every session). The
cookie is signed with HMAC-SHA256 under a key kept in `var/web-secret.key` (created on first
use, readable by the owner only), so several workers on one host share it and it survives
restarts. Nothing in the cookie is secret; it is only unforgeable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SESSION_COOKIE = "triage_session"
FLASH_COOKIE = "triage_flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 12 * 3600  # one working day, then sign in again
ANONYMOUS_SECONDS = 2 * 3600
SECRET_FILE = "web-secret.key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(var_dir: Path) -> bytes:
    """The signing key: read from var/, or created there once (safe between racing workers)."""
    path = var_dir / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


class Signer:
    """Signs small JSON payloads; a value whose signature or age is wrong reads as None."""

    def __init__(self, key: bytes, purpose: str) -> None:
        self._key = hmac.new(key, purpose.encode("utf-8"), hashlib.sha256).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode())
        return f"{body}.{self._mac(body)}"

    def loads(self, value: str | None) -> dict[str, Any] | None:
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return None
        return payload if isinstance(payload, dict) else None

    def fingerprint(self, text: str | None) -> str:
        """A short keyed digest (of a password hash) that says "still the same" without it."""
        return _b64(hmac.new(self._key, (text or "").encode(), hashlib.sha256).digest())[:16]


@dataclass
class WebSession:
    """The decoded session cookie; `changed` tells the response to send it again."""

    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    issued: float = field(default_factory=time.time)
    password: str = ""  # fingerprint of the user's password hash
    changed: bool = False

    @classmethod
    def fresh(cls) -> WebSession:
        return cls(changed=True)

    @classmethod
    def decode(cls, signer: Signer, value: str | None, now: float | None = None) -> WebSession:
        """The session in the cookie, or a new anonymous one when it is missing or stale."""
        payload = signer.loads(value)
        now = time.time() if now is None else now
        if payload is None:
            return cls.fresh()
        user = payload.get("u")
        issued = payload.get("t")
        csrf = payload.get("c")
        if not isinstance(issued, int | float) or not isinstance(csrf, str) or len(csrf) < 20:
            return cls.fresh()
        limit = SESSION_SECONDS if user is not None else ANONYMOUS_SECONDS
        if not 0 <= now - issued <= limit:
            return cls.fresh()
        if user is not None and not isinstance(user, int):
            return cls.fresh()
        return cls(user_id=user, csrf=csrf, issued=float(issued),
                   password=str(payload.get("p", "")))

    def encode(self, signer: Signer) -> str:
        return signer.dumps({"u": self.user_id, "c": self.csrf, "t": int(self.issued),
                             "p": self.password})

    def sign_in(self, user_id: int, password_fingerprint: str) -> None:
        """A new token and a new issue time at sign-in, so a planted cookie is worth nothing."""
        self.user_id = user_id
        self.password = password_fingerprint
        self.csrf = secrets.token_urlsafe(32)
        self.issued = time.time()
        self.changed = True

    def sign_out(self) -> None:
        self.user_id = None
        self.password = ""
        self.csrf = secrets.token_urlsafe(32)
        self.issued = time.time()
        self.changed = True

    def csrf_ok(self, sent: object) -> bool:
        return isinstance(sent, str) and hmac.compare_digest(sent.encode(), self.csrf.encode())

    def max_age(self) -> int:
        return SESSION_SECONDS if self.user_id is not None else ANONYMOUS_SECONDS
