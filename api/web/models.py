"""Model versions with their metrics; retrain with progress, promote, roll back (admins)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.services import training, web_models
from api.web.context import WebDep, page
from storage.models import TrainingJob

router = APIRouter()


@router.get("/models", include_in_schema=False)
@page
def models_page(web: WebDep, job: int | None = None) -> Response:
    actor = web.require("reviewer", "admin")
    versions, promoted = web_models.versions(web.runtime, web.db)
    shown: TrainingJob | None = web_models.active_job(web.db)
    if shown is None and job is not None:
        shown = training.get_job(web.db, actor, job)
    train, aside = web_models.corrections_count(web.runtime, web.db)
    return web.render("models.html", nav="models", title="Mô hình", versions=versions,
                      promoted=promoted, previous=web_models.previous_version(web.runtime),
                      job=shown, corrections_train=train, corrections_aside=aside,
                      tolerance=web.runtime.settings.promotion_tolerance)


@router.post("/models/retrain", include_in_schema=False)
@page
async def retrain(web: WebDep) -> Response:
    actor = web.require("admin")
    form = await web.form()
    job = await run_in_threadpool(training.start_retrain, web.runtime, web.db, actor,
                                  promote_if_better=form.get("promote") == "1")
    return web.redirect(f"/models?job={job.id}",
                        f"Đã bắt đầu huấn luyện lại (việc số {job.id}).")


@router.get("/models/jobs/{job_id}/status", include_in_schema=False)
@page
def job_status(job_id: int, web: WebDep) -> Response:
    actor = web.require("reviewer", "admin")
    job = training.get_job(web.db, actor, job_id)
    return web.json({"id": job.id, "status": job.status, "progress": job.progress,
                     "model_key": job.model_key, "error": job.error,
                     "promoted": bool((job.result or {}).get("promoted"))})


@router.post("/models/rollback", include_in_schema=False)
@page
async def rollback(web: WebDep) -> Response:
    actor = web.require("admin")
    await web.form()
    row = await run_in_threadpool(training.rollback_version, web.runtime, web.db, actor)
    return web.redirect("/models", f"Đã quay lui: phiên bản đang dùng là {row.key}.")


@router.post("/models/{key}/promote", include_in_schema=False)
@page
async def promote(key: str, web: WebDep) -> Response:
    actor = web.require("admin")
    await web.form()
    row = await run_in_threadpool(training.promote_version, web.runtime, web.db, actor, key)
    return web.redirect("/models", f"Đã đưa phiên bản {row.key} vào dùng.")
