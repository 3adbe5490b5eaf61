"""Follow-up pages: "Theo dõi trả lời" (overdue issues per department, statuses, campaign
dates), the form that records a department's answer, and document downloads of any view."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.routers.reports import file_response
from api.services import followup as follow_svc
from api.services import reports as report_svc
from api.services import web_views
from api.web.context import PageError, WebDep, page, safe_next

router = APIRouter()

REVIEWERS = ("reviewer", "admin")
KINDS = ("xlsx", "report", "escalations")


@router.get("/followup", include_in_schema=False)
@page
def followup_page(request: Request, web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    filters = web_views.Filters.parse(web.runtime, request.query_params)
    follow = follow_svc.context(web.runtime, web.db)
    overdue = report_svc.overdue(web.runtime, web.db, actor, filters.query(), today=follow.today)
    statuses = follow_svc.department_statuses(web.runtime, web.db, follow)
    params = {k: v for k, v in filters.params().items() if k != "page"}
    return web.render("followup.html", nav="followup", title="Theo dõi trả lời",
                      follow=follow, overdue=overdue, statuses=statuses, filters=filters,
                      export_params=params, can_edit=web.can(*REVIEWERS))


def _date(value: object, label: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageError(422, f"{label} “{text[:20]}” không đúng dạng ngày (năm-tháng-ngày)."
                        ) from None


@router.post("/followup/dates", include_in_schema=False)
@page
async def set_dates(web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    form = await web.form()
    dialogue = _date(form.get("dialogue_date"), "Ngày đối thoại")
    conclusion = _date(form.get("conclusion_date"), "Ngày thông báo kết luận")
    await run_in_threadpool(follow_svc.set_campaign_dates, web.runtime, web.db, actor,
                            dialogue_date=dialogue, conclusion_date=conclusion)
    return web.redirect("/followup", "Đã lưu các mốc thời gian của đợt đối thoại.")


@router.post("/opinions/{public_id}/answer", include_in_schema=False)
@page
async def record_answer(public_id: str, web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    form = await web.form()
    next_url = safe_next(str(form.get("next") or ""), f"/opinions/{public_id}")
    if form.get("action") == "withdraw":
        await run_in_threadpool(follow_svc.withdraw_answer, web.runtime, web.db, actor,
                                public_id)
        return web.redirect(next_url, f"Đã xóa câu trả lời của ý kiến {public_id}.")
    body = follow_svc.AnswerIn(
        answer=str(form.get("answer") or ""),
        reference=str(form.get("reference") or "") or None,
        note=str(form.get("note") or "") or None,
    )
    await run_in_threadpool(follow_svc.record_answer, web.runtime, web.db, actor, public_id,
                            body)
    return web.redirect(next_url, f"Đã ghi câu trả lời của cơ quan cho ý kiến {public_id}.")


@router.get("/exports/{kind}", include_in_schema=False)
@page
def export(kind: str, request: Request, web: WebDep) -> Response:
    actor = web.require("intake", *REVIEWERS)
    if kind not in KINDS:
        raise PageError(404, "Không có loại tài liệu này.")
    filters = web_views.Filters.parse(web.runtime, request.query_params)
    batch = request.query_params.get("batch", "").strip()[:32] or None
    public = request.query_params.get("public", "") in ("1", "true")
    file = report_svc.export(web.runtime, web.db, actor, kind, filters.query(batch),
                             public=public)
    return web.finish(file_response(file))
