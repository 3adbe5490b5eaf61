"""Users and API keys (admins). The CLI does the same: `triage user add`, `triage apikey`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from api.deps import Admin, SessionDep
from api.schemas import ApiKeyOut, KeyIn, NewApiKey, UserIn, UserOut
from api.services.errors import Conflict, Invalid, NotFound
from storage import accounts
from storage.models import ApiKey, User

router = APIRouter(tags=["users"])


def key_body(key: ApiKey) -> dict[str, Any]:
    return {"id": key.id, "name": key.name, "prefix": key.prefix, "created_at": key.created_at,
            "revoked_at": key.revoked_at}


def user_body(session: Session, user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "created_at": user.created_at,
            "keys": [key_body(k) for k in accounts.keys_of(session, user.id)]}


@router.get("/users", response_model=list[UserOut], summary="Users and their keys")
def list_users(session: SessionDep, actor: Admin) -> list[dict[str, Any]]:
    return [user_body(session, u) for u in accounts.list_users(session)]


@router.post("/users", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, session: SessionDep, actor: Admin) -> dict[str, Any]:
    try:
        user = accounts.add_user(session, body.username, body.role, password=body.password,
                                 display_name=body.display_name)
    except accounts.AccountError as exc:
        cls = Conflict if "đã tồn tại" in exc.message else Invalid
        raise cls(exc.message) from exc
    return user_body(session, user)


@router.post("/users/{username}/keys", response_model=NewApiKey, status_code=201,
             summary="Issue an API key (shown once)")
def issue_key(username: str, body: KeyIn, session: SessionDep, actor: Admin) -> dict[str, Any]:
    try:
        key, raw = accounts.issue_key(session, username, body.name)
    except accounts.AccountError as exc:
        raise NotFound(exc.message) from exc
    return {**key_body(key), "key": raw}


@router.delete("/keys/{key_id}", response_model=ApiKeyOut, summary="Revoke an API key")
def revoke_key(key_id: int, session: SessionDep, actor: Admin) -> dict[str, Any]:
    try:
        return key_body(accounts.revoke_key(session, key_id))
    except accounts.AccountError as exc:
        raise NotFound(exc.message) from exc


__all__ = ["ApiKeyOut", "router"]
