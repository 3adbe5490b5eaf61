"""Paste or upload a batch, preview and correct its split, save it, and read the results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from api.services import batches as batch_svc
from api.services import web_intake, web_views
from api.services.errors import Invalid
from api.web.context import PageError, WebDep, page

router = APIRouter()

FORMAT_LABELS = {"document": "văn bản tổng hợp", "posts": "bài đăng, mỗi đoạn một ý kiến",
                 "csv": "bảng CSV", "tsv": "bảng chép từ Excel", "jsonl": "JSON Lines",
                 "xlsx": "tệp Excel (.xlsx)", "docx": "tệp Word (.docx)", "text": "văn bản"}
SOURCE_NAMES = {"web": "trang web", "api": "API", "cli": "dòng lệnh"}
BATCHES_PAGE = 50


def _limit_mb(web: Any) -> str:
    return f"{web.runtime.settings.max_batch_bytes / 1048576:.0f}"


@router.get("/batches/new", include_in_schema=False)
@page
def new_batch(web: WebDep) -> Response:
    web.require("intake", "reviewer", "admin")
    return web.render("batch_new.html", nav="new", title="Nhập đợt mới", error=None, text="",
                      submitter="", limit_mb=_limit_mb(web))


@router.post("/batches/preview", include_in_schema=False)
@page
async def make_preview(web: WebDep) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    settings = web.runtime.settings
    form = await web.form(max_files=1, max_fields=10, max_part_size=settings.max_batch_bytes + 1)
    submitter = str(form.get("submitter") or "").strip()[:300] or None
    upload = form.get("file")
    data: bytes | str | None = None
    filename: str | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        filename = upload.filename[-300:]
        if not data:
            data = None
    text = form.get("text")
    if data is None and isinstance(text, str) and text.strip():
        data = text
    if data is None:
        return web.render("batch_new.html", status=422, nav="new", title="Nhập đợt mới",
                          error="Chưa có nội dung: hãy dán các ý kiến hoặc chọn một tệp.",
                          text="", submitter=submitter or "", limit_mb=_limit_mb(web))
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > settings.max_batch_bytes:
        raise PageError(413, f"Dữ liệu quá lớn ({size / 1048576:.1f} MB), vượt giới hạn "
                             f"{_limit_mb(web)} MB mỗi đợt. Hãy chia thành nhiều đợt nhỏ hơn.")
    store = web_intake.drafts(web.runtime)
    draft = store.save(actor.user_id, data, filename=filename, submitter=submitter)
    try:
        await run_in_threadpool(web_intake.preview, web.runtime, draft)
    except Invalid as exc:
        store.delete(draft.token)
        return web.render("batch_new.html", status=422, nav="new", title="Nhập đợt mới",
                          error=exc.message, text=text if isinstance(text, str) else "",
                          submitter=submitter or "", limit_mb=_limit_mb(web))
    return web.redirect(f"/batches/drafts/{draft.token}")


@router.get("/batches/drafts/{token}", include_in_schema=False)
@page
async def show_preview(token: str, web: WebDep) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    draft = web_intake.drafts(web.runtime).load(token, actor.user_id)
    prev = await run_in_threadpool(web_intake.preview, web.runtime, draft)
    return web.render("batch_preview.html", nav="new", title="Xem trước", draft=draft,
                      preview=prev, edit_limit=web_intake.EDIT_LIMIT,
                      format_label=FORMAT_LABELS.get(prev.format, prev.format))


def _edits(form: FormData, prev: web_intake.Preview
           ) -> tuple[dict[int, web_intake.ItemEdit], dict[int, web_intake.Inclusion]]:
    def text_of(name: str) -> str | None:
        value = form.get(name)
        return value if isinstance(value, str) else None

    def locality_of(name: str) -> str | None:
        value = text_of(name)
        return value.strip() or None if value is not None else None

    edits: dict[int, web_intake.ItemEdit] = {}
    if prev.editable:
        for item in prev.items:
            text = text_of(f"text-{item.index}")
            if text is None:
                continue
            edits[item.index] = web_intake.ItemEdit(
                text=text, locality=locality_of(f"locality-{item.index}"),
                drop=form.get(f"drop-{item.index}") == "1")
    included: dict[int, web_intake.Inclusion] = {}
    for index, part in enumerate(prev.skipped):
        if prev.editable and form.get(f"include-{index}") == "1":
            included[index] = web_intake.Inclusion(
                text=text_of(f"skip-text-{index}") or part.text,
                locality=locality_of(f"skip-locality-{index}"))
    return edits, included


@router.post("/batches/drafts/{token}/save", include_in_schema=False)
@page
async def save_batch(token: str, web: WebDep) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    settings = web.runtime.settings
    form = await web.form(max_fields=8 * web_intake.EDIT_LIMIT + 20_000,
                          max_part_size=4 * settings.max_item_chars + 1024)
    draft = web_intake.drafts(web.runtime).load(token, actor.user_id)
    prev = await run_in_threadpool(web_intake.preview, web.runtime, draft)
    edits, included = _edits(form, prev)
    items = web_intake.corrected_items(web.runtime, prev, edits, included)
    sub = web_intake.submission_for(web.runtime, draft, items)
    count = len(items) if items is not None else len(prev.items)
    job = web_intake.jobs(web.runtime).start(web.runtime, actor, sub, count, draft.token)
    return web.redirect(f"/batches/jobs/{job['id']}")


@router.get("/batches/jobs/{job_id}", include_in_schema=False)
@page
def job_page(job_id: str, web: WebDep) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    job = web_intake.jobs(web.runtime).get(job_id, actor.user_id)
    if job["status"] == "done":
        what = "Đợt đã được lưu trước đó" if job["replayed"] else "Đã lưu"
        return web.redirect(f"/batches/{job['batch']}",
                            f"{what}: đợt {job['batch']}, {job['count']} ý kiến.")
    return web.render("batch_job.html", nav="new", title="Đang lưu đợt", job=job)


@router.get("/batches/jobs/{job_id}/status", include_in_schema=False)
@page
def job_status(job_id: str, web: WebDep) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    job = web_intake.jobs(web.runtime).get(job_id, actor.user_id)
    body = {k: job.get(k) for k in ("id", "status", "count", "elapsed", "estimate_seconds",
                                     "batch", "error")}
    body["url"] = f"/batches/{job['batch']}" if job["status"] == "done" else None
    return web.json(body)


@router.get("/batches", include_in_schema=False)
@page
def list_batches(web: WebDep, page_number: int = 1) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    page_number = max(1, page_number)
    rows, total = batch_svc.list_batches(web.runtime, web.db, actor, limit=BATCHES_PAGE,
                                         offset=(page_number - 1) * BATCHES_PAGE)
    names = batch_svc.submitted_by_names(web.db, rows)
    return web.render("batches.html", nav="batches", title="Các đợt", items=rows, total=total,
                      names=names, page=page_number, page_size=BATCHES_PAGE,
                      source_names=SOURCE_NAMES,
                      params=lambda page: {"page_number": str(page)})


def _results(web: Any, request: Request, batch_key: str | None) -> Response:
    actor = web.require("intake", "reviewer", "admin")
    batch = batch_svc.get_batch(web.db, actor, batch_key) if batch_key else None
    filters = web_views.Filters.parse(web.runtime, request.query_params)
    opinions, total = web_views.search(web.runtime, web.db, actor, filters, batch=batch_key)
    groups = web_views.grouped(web.runtime, web.db, opinions)
    views = [g for c in groups for d in c.departments for g in d.groups]
    names = batch_svc.submitted_by_names(web.db, [batch]) if batch else {}
    return web.render(
        "results.html", nav="batches" if batch else "opinions",
        title=f"Đợt {batch.key}" if batch else "Tra cứu",
        batch=batch, submitted_by=names.get(batch.submitted_by_id or 0) if batch else None,
        filters=filters, action=f"/batches/{batch.key}" if batch else "/opinions",
        groups=groups, total=total, shown=len(opinions), page_size=web_views.PAGE_SIZE,
        escalated=sum(1 for o in opinions if o.escalate),
        needs_review=sum(1 for o in opinions if o.needs_review),
        duplicate_groups=sum(1 for v in views if max(v.size, len(v.members)) > 1),
    )


@router.get("/batches/{key}", include_in_schema=False)
@page
def batch_results(key: str, request: Request, web: WebDep) -> Response:
    return _results(web, request, key)


@router.get("/opinions", include_in_schema=False)
@page
def all_opinions(request: Request, web: WebDep) -> Response:
    return _results(web, request, None)
