"""Batches: submit (JSON, raw text or an uploaded file), list, read one with its records."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from api.deps import ActorDep, RuntimeDep, SessionDep
from api.schemas import BatchOut, BatchPage, BatchSummary
from api.services import batches as svc
from api.services.errors import Invalid, PayloadTooLarge
from api.services.followup import context as follow_context
from api.services.records import batch_summary, records
from api.services.runtime import Runtime
from storage.models import Batch, Opinion
from triage.settings import Settings

router = APIRouter(tags=["batches"])

REPLAY_HEADER = "Idempotent-Replayed"

_SUBMIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/BatchIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": ".txt, .csv, .tsv, .jsonl, .xlsx or .docx"},
                        "text": {"type": "string"},
                        "client_batch_id": {"type": "string"},
                        "submitter": {"type": "string"},
                        "input_format": {"type": "string"},
                    },
                }
            },
            "text/plain": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def too_large(settings: Settings, size: int) -> PayloadTooLarge:
    limit = settings.max_batch_bytes
    return PayloadTooLarge(
        f"Dữ liệu gửi lên quá lớn ({size / 1048576:.1f} MB), vượt giới hạn "
        f"{limit / 1048576:.1f} MB mỗi đợt. Hãy chia thành nhiều đợt nhỏ hơn."
    )


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ())) or "nội dung"
        parts.append(f"{where}: {error.get('msg', '')}")
    return "Dữ liệu JSON không đúng mẫu (" + "; ".join(parts) + ")."


def _optional(value: Any) -> str | None:
    if value is None or isinstance(value, UploadFile):
        return None
    text = str(value).strip()
    return text or None


async def read_submission(
    request: Request, settings: Settings, params: dict[str, str | None]
) -> svc.Submission:
    """The batch in whichever form it came: JSON, a multipart upload, or a raw body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=20,
                                  max_part_size=settings.max_batch_bytes + 1)
        upload = form.get("file")
        fields = {name: _optional(form.get(name))
                  for name in ("client_batch_id", "submitter", "input_format")}
        if isinstance(upload, UploadFile):
            data = await upload.read()
            if len(data) > settings.max_batch_bytes:
                raise too_large(settings, len(data))
            return svc.Submission.from_bytes(data, filename=upload.filename, **fields)
        text = form.get("text")
        if isinstance(text, str) and text.strip():
            return svc.Submission.from_text(text, **fields)
        raise Invalid('Biểu mẫu không có tệp (trường "file") hay nội dung (trường "text").')

    body = await request.body()
    if len(body) > settings.max_batch_bytes and content_type != "application/json":
        raise too_large(settings, len(body))
    if not body.strip():
        raise Invalid("Dữ liệu trống: không có nội dung nào. Hãy dán hoặc tải lên các ý kiến.")
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f" (dòng {exc.lineno}, cột {exc.colno})" if isinstance(
                exc, json.JSONDecodeError) else ""
            raise Invalid(f"Nội dung không phải JSON hợp lệ{where}. Gửi một đối tượng "
                          '{"text": ...} hoặc {"items": [...]}.') from exc
        from api.schemas import BatchIn

        try:
            batch_in = BatchIn.model_validate(payload)
        except ValidationError as exc:
            raise Invalid(_explain(exc)) from exc
        fields = {"client_batch_id": batch_in.client_batch_id, "submitter": batch_in.submitter,
                  "input_format": batch_in.input_format, "filename": batch_in.filename}
        if batch_in.text is not None:
            size = len(batch_in.text.encode("utf-8", errors="surrogatepass"))
            if size > settings.max_batch_bytes:
                raise too_large(settings, size)
            return svc.Submission.from_text(batch_in.text, **fields)
        items = [item.model_dump(exclude_none=True) for item in batch_in.items or []]
        if not items:
            raise Invalid('Danh sách "items" trống: cần ít nhất một ý kiến.')
        if len(items) > settings.max_items_per_batch:
            raise Invalid(f"Đợt có {len(items)} ý kiến, vượt giới hạn "
                          f"{settings.max_items_per_batch} ý kiến mỗi đợt. Hãy chia nhỏ.")
        sub = svc.Submission.from_items(items, **fields)
        size = len(str(sub.data).encode("utf-8", errors="surrogatepass"))
        if size > settings.max_batch_bytes:
            raise too_large(settings, size)
        return sub
    return svc.Submission.from_bytes(body, **params)


def batch_body(
    runtime: Runtime, session: Session, batch: Batch, opinions: list[Opinion] | None,
) -> dict[str, Any]:
    names = svc.submitted_by_names(session, [batch])
    body = batch_summary(batch, names.get(batch.submitted_by_id or 0))
    body["skipped"] = list(batch.skipped or [])
    body["records"] = (records(session, opinions, runtime.jurisdiction,
                               follow_context(runtime, session)) if opinions else [])
    return body


@router.post(
    "/batches",
    status_code=201,
    response_model=BatchOut,
    summary="Submit a batch and get its triage records",
    description=(
        "The batch comes as JSON (`{\"text\": raw}` or `{\"items\": [...]}`), as a multipart "
        "upload (field `file`: .txt, .csv, .xlsx, .docx) or as a raw body (then `filename`, "
        "`client_batch_id`, `submitter`, `input_format` come as query parameters). "
        "The same `client_batch_id` or `Idempotency-Key` twice returns the first result "
        f"with status 200 and `{REPLAY_HEADER}: true`; nothing is stored twice."
    ),
    responses={200: {"description": "A replay: the batch stored the first time."},
               413: {"description": "Too large."},
               422: {"description": "Unreadable, empty or over a limit."}},
    openapi_extra=_SUBMIT_BODY,
)
async def submit_batch(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    filename: str | None = None,
    client_batch_id: str | None = None,
    submitter: str | None = None,
    input_format: str | None = None,
) -> JSONResponse:
    params = {"filename": filename, "client_batch_id": client_batch_id,
              "submitter": submitter, "input_format": input_format}
    sub = await read_submission(request, runtime.settings, params)
    sub.idempotency_key = idempotency_key.strip() if idempotency_key else None
    if sub.client_batch_id is None:
        sub.client_batch_id = client_batch_id
    result = await run_in_threadpool(svc.submit_batch, runtime, session, actor, sub)
    body = await run_in_threadpool(batch_body, runtime, session, result.batch, result.opinions)
    content = BatchOut.model_validate(body).model_dump(mode="json")
    return JSONResponse(
        content,
        status_code=200 if result.replayed else 201,
        headers={REPLAY_HEADER: "true" if result.replayed else "false",
                 "Location": f"/api/v1/batches/{result.batch.key}"},
    )


@router.get("/batches", response_model=BatchPage, summary="List batches (intake keys: their own)")
def list_batches(
    runtime: RuntimeDep, session: SessionDep, actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    rows, total = svc.list_batches(runtime, session, actor, limit=limit, offset=offset)
    names = svc.submitted_by_names(session, rows)
    return {"total": total, "limit": limit, "offset": offset,
            "items": [batch_summary(b, names.get(b.submitted_by_id or 0)) for b in rows]}


@router.get("/batches/{key}", response_model=BatchOut,
            summary="One batch with its triage records as they stand now")
def get_batch(
    key: str, runtime: RuntimeDep, session: SessionDep, actor: ActorDep,
    include_records: Annotated[bool, Query(alias="records")] = True,
) -> dict[str, Any]:
    batch = svc.get_batch(session, actor, key)
    return batch_body(runtime, session, batch, list(batch.opinions) if include_records else None)


__all__ = ["BatchSummary", "router"]
