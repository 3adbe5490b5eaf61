"""Triage one opinion without storing it (for intake tools that only want the decision)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.deps import ActorDep, RuntimeDep
from api.schemas import TriageIn, TriageRecord
from api.services.batches import triage_one

router = APIRouter(tags=["triage"])


@router.post("/triage", response_model=TriageRecord,
             summary="Triage one opinion (nothing is stored)")
async def triage(body: TriageIn, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    return await run_in_threadpool(
        triage_one, runtime, body.text, opinion_id=body.id, locality=body.locality,
        submitter=body.submitter,
    )
