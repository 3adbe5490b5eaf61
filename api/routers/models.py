"""Model versions: list with metrics, retrain from corrections, promote, roll back (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool

from api.deps import Admin, Reviewer, RuntimeDep, SessionDep
from api.schemas import JobOut, ModelList, ModelVersionOut, RetrainIn
from api.services import training as svc
from storage.models import ModelVersionRow, TrainingJob

router = APIRouter(tags=["models"])


def version_body(row: ModelVersionRow, promoted: str | None) -> dict[str, Any]:
    return {
        "key": row.key, "status": row.status, "promoted": row.key == promoted,
        "metrics": row.metrics or {}, "refusal_reason": row.refusal_reason,
        "corrections_used": row.corrections_used, "card": row.card or {},
        "created_at": row.created_at, "promoted_at": row.promoted_at,
    }


def job_body(job: TrainingJob) -> dict[str, Any]:
    return {
        "id": job.id, "status": job.status, "progress": job.progress,
        "requested_by": job.requested_by, "model_key": job.model_key,
        "result": job.result or {}, "error": job.error, "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get("/models", response_model=ModelList,
            summary="Model versions with their metrics; which one is promoted")
def list_models(runtime: RuntimeDep, session: SessionDep, actor: Reviewer) -> dict[str, Any]:
    rows, promoted = svc.model_rows(runtime, session)
    return {"promoted": promoted, "promotion_tolerance": runtime.settings.promotion_tolerance,
            "versions": [version_body(r, promoted) for r in rows]}


@router.post("/models/retrain", response_model=JobOut, status_code=202,
             summary="Retrain from the corrections in the background; poll the job")
def retrain(
    runtime: RuntimeDep, session: SessionDep, actor: Admin,
    body: Annotated[RetrainIn | None, Body()] = None,
) -> dict[str, Any]:
    job = svc.start_retrain(runtime, session, actor,
                            promote_if_better=bool(body and body.promote))
    return job_body(job)


@router.get("/models/jobs/{job_id}", response_model=JobOut, summary="A retraining job's status")
def get_job(job_id: int, session: SessionDep, actor: Reviewer) -> dict[str, Any]:
    return job_body(svc.get_job(session, actor, job_id))


@router.post("/models/rollback", response_model=ModelVersionOut,
             summary="Restore the previously promoted version at once")
def rollback(runtime: RuntimeDep, session: SessionDep, actor: Admin) -> dict[str, Any]:
    row = svc.rollback_version(runtime, session, actor)
    return version_body(row, row.key)


@router.post("/models/{key}/promote", response_model=ModelVersionOut,
             responses={409: {"description": "Refused: worse than the current version."}},
             summary="Promote a version unless it is worse than the current one")
async def promote(key: str, runtime: RuntimeDep, session: SessionDep, actor: Admin
                  ) -> dict[str, Any]:
    row = await run_in_threadpool(svc.promote_version, runtime, session, actor, key)
    return version_body(row, row.key)
