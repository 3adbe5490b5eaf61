"""The review queue, one opinion with its history, corrections, and duplicate groups."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.services import groups as group_svc
from api.services import opinions as opinion_svc
from api.services import web_views
from api.services.followup import context as follow_context
from api.services.records import event_record, records
from api.web import labels as lab
from api.web.context import PageError, Web, WebDep, page, safe_next
from storage import repositories as repo

router = APIRouter()

REVIEWERS = ("reviewer", "admin")


def _card_context(web: Web, next_url: str) -> dict[str, Any]:
    return {"can_correct": web.can(*REVIEWERS), "next_url": next_url,
            "reason_labels": lab.REASON_LABELS}


@router.get("/review", include_in_schema=False)
@page
def review_queue(request: Request, web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    filters = web_views.Filters.parse(web.runtime, request.query_params, reviewed="0")
    opinions, total = web_views.search(web.runtime, web.db, actor, filters, order="review",
                                       page_size=web_views.REVIEW_PAGE_SIZE)
    cards = web_views.review_cards(web.runtime, web.db, opinions)
    return web.render("review.html", nav="review", title="Rà soát", filters=filters,
                      cards=cards, total=total, page_size=web_views.REVIEW_PAGE_SIZE,
                      **_card_context(web, web.here))


def _detail(web: Web, public_id: str) -> dict[str, Any]:
    opinion = opinion_svc.get_opinion(web.db, web.actor, public_id)
    rec = web_views.review_cards(web.runtime, web.db, [opinion])[0]
    history = []
    for event in opinion.events:
        item = event_record(event)
        item["lines"] = lab.describe_change(web.labels, event.before or {}, event.after or {})
        history.append(item)
    features = lab.feature_words(rec["explanation"].get("category_features"))
    return {"rec": rec, "history": history, "features": features}


@router.get("/opinions/{public_id}", include_in_schema=False)
@page
def opinion_page(public_id: str, web: WebDep) -> Response:
    web.require("intake", *REVIEWERS)
    detail = _detail(web, public_id)
    return web.render("opinion.html", nav="review" if web.can(*REVIEWERS) else "opinions",
                      title=f"Ý kiến {public_id}", **detail,
                      **_card_context(web, f"/opinions/{public_id}"))


def _correction(web: Web, field: str, value: str, form: Any) -> opinion_svc.Correction:
    if field == "category":
        return opinion_svc.Correction(category=value)
    if field == "department":
        return opinion_svc.Correction(department=value)
    if field == "locality":
        return opinion_svc.Correction(locality=value or None, locality_given=True)
    if field == "confirm":
        return opinion_svc.Correction()
    if field == "escalation":
        if value == "none":
            change = opinion_svc.EscalationChange(False)
        elif value.startswith("ground:"):
            change = opinion_svc.EscalationChange(True, ground=value.removeprefix("ground:"))
        elif value == "custom":
            level = str(form.get("level") or "")
            reason = str(form.get("reason") or "").strip()[:500]
            change = opinion_svc.EscalationChange(True, level=level or None, reason=reason)
        elif value == "keep":
            return opinion_svc.Correction()
        else:
            raise PageError(422, "Lựa chọn chuyển cấp không hợp lệ.")
        return opinion_svc.Correction(escalation=change)
    raise PageError(422, "Không rõ cần sửa gì: hãy tải lại trang.")


CORRECTED = {"category": "Đã đổi nhóm", "department": "Đã đổi cơ quan trả lời",
             "locality": "Đã đổi địa bàn", "escalation": "Đã sửa việc chuyển cấp trên",
             "confirm": "Đã xác nhận"}


@router.post("/opinions/{public_id}/correct", include_in_schema=False)
@page
async def correct(public_id: str, web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    form = await web.form()
    field = str(form.get("field") or "")
    value = str(form.get("value") or "")
    note = str(form.get("note") or "").strip()[:2000] or None
    correction = _correction(web, field, value, form)
    correction.note = note
    await run_in_threadpool(opinion_svc.correct_opinion, web.runtime, web.db, actor, public_id,
                            correction)
    message = f"{CORRECTED.get(field, 'Đã lưu')} cho ý kiến {public_id}."
    next_url = safe_next(str(form.get("next") or ""), f"/opinions/{public_id}")
    if web.wants_json:
        detail = _detail(web, public_id)
        html = web.fragment("partials/review_card.html", rec=detail["rec"],
                            **_card_context(web, next_url.split("#")[0]))
        return web.json({"ok": True, "message": message, "html": html})
    return web.redirect(next_url, message)


def _members(web: Web, key: str) -> tuple[Any, list[dict[str, Any]], str | None]:
    group = group_svc.get_group(web.runtime, web.db, key)
    members = records(web.db, repo.group_members(web.db, group.id), web.runtime.jurisdiction,
                      follow_context(web.runtime, web.db))
    representative = next((m["opinion_id"] for m in members if m["duplicate_of"] is None), None)
    return group, members, representative


@router.get("/groups/{key}", include_in_schema=False)
@page
def group_page(key: str, web: WebDep) -> Response:
    web.require(*REVIEWERS)
    group, members, representative = _members(web, key)
    return web.render("group.html", nav="review", title=f"Nhóm {key}", group=group,
                      members=members, representative=representative)


def _keys(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part[:32])
    return out


@router.post("/groups/merge", include_in_schema=False)
@page
async def merge(web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    form = await web.form()
    keys = _keys([str(v) for v in form.getlist("groups")] +
                 [str(v) for v in form.getlist("more_groups")])
    into = str(form.get("into") or "").strip() or None
    note = str(form.get("note") or "").strip()[:500] or None
    target = await run_in_threadpool(group_svc.merge_groups, web.runtime, web.db, actor, keys,
                                     into=into, note=note)
    message = f"Đã gộp {len(keys)} nhóm vào nhóm {target.key} ({target.size} ý kiến)."
    return web.redirect(safe_next(str(form.get("next") or ""), f"/groups/{target.key}"),
                        message)


@router.post("/groups/{key}/split", include_in_schema=False)
@page
async def split(key: str, web: WebDep) -> Response:
    actor = web.require(*REVIEWERS)
    form = await web.form()
    ids = [str(v) for v in form.getlist("opinions")]
    note = str(form.get("note") or "").strip()[:500] or None
    new = await run_in_threadpool(group_svc.split_group, web.runtime, web.db, actor, key, ids,
                                  note=note)
    return web.redirect(f"/groups/{key}",
                        f"Đã tách {len(ids)} ý kiến sang nhóm mới {new.key}.")
