"""Health (no key needed) and who-am-I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ActorDep, RuntimeDep
from api.schemas import Health, Me

router = APIRouter(tags=["meta"])


@router.get("/health", response_model=Health, summary="Is the service up, and with which model")
def health(runtime: RuntimeDep) -> dict[str, Any]:
    return {"status": "ok", "model": runtime.models.key, "campaign": runtime.campaign_code}


@router.get("/me", response_model=Me, summary="Who the key belongs to")
def me(actor: ActorDep) -> dict[str, Any]:
    return {"username": actor.username, "role": actor.role}
