"""Documents and follow-up: exports of any filtered view, departments' answers, overdue lists,
and the campaign's dates that start the follow-up clocks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ActorDep, Reviewer, RuntimeDep, SessionDep
from api.routers.opinions import OpinionFilters, detail
from api.schemas import AnswerIn, CampaignDatesIn, CampaignOut, OpinionDetail, OverdueOut
from api.services import followup as follow_svc
from api.services import opinions as opinion_svc
from api.services import reports as svc

router = APIRouter(tags=["reports"])

Today = Annotated[date | None, Query(
    description="The report's date and the reference for statuses (YYYY-MM-DD); "
                "default: today in the jurisdiction's time zone.")]

def content_disposition(filename: str) -> str:
    """An ASCII name for old clients and the UTF-8 one (RFC 6266)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "tai-lieu"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def file_response(file: svc.ExportFile) -> Response:
    return Response(file.content, media_type=file.media_type,
                    headers={"Content-Disposition": content_disposition(file.filename)})


@router.get(
    "/exports/{kind}",
    summary="A document of the campaign or of a filtered view (.xlsx or .docx)",
    response_class=Response,
    responses={200: {"content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
    }, "description": "The file, with a Content-Disposition file name."}},
)
def export(
    kind: Literal["xlsx", "report", "escalations"],
    runtime: RuntimeDep, session: SessionDep, actor: ActorDep, filters: OpinionFilters,
    public: Annotated[bool, Query(
        description="Public version: names, phone numbers, ID numbers and e-mail addresses "
                    "masked, no submitters.")] = False,
    today: Today = None,
) -> Response:
    """xlsx: the follow-up workbook (a sheet per department, escalations, overdue items,
    counts); report: "Báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân"; escalations: the list
    of requests beyond the town's authority, sent up. Filters are those of `GET /opinions`;
    an intake key exports only the opinions of its own batches."""
    return file_response(svc.export(runtime, session, actor, kind, filters, public=public,
                                    today=today))


@router.post("/opinions/{opinion_id}/answer", response_model=OpinionDetail, tags=["opinions"],
             summary="Record the department's written answer (reviewers)")
def record_answer(
    opinion_id: str, body: AnswerIn, runtime: RuntimeDep, session: SessionDep,
    actor: Reviewer, today: Today = None,
) -> dict[str, Any]:
    """The answer reaches everyone who raised the same issue: the other members of the
    duplicate group show it (`answer_from`) and their status becomes "đã trả lời"."""
    follow_svc.record_answer(runtime, session, actor, opinion_id,
                             follow_svc.AnswerIn(body.answer, body.reference, body.note))
    return detail(runtime, session, opinion_svc.get_opinion(session, actor, opinion_id),
                  follow_svc.context(runtime, session, today))


@router.delete("/opinions/{opinion_id}/answer", response_model=OpinionDetail, tags=["opinions"],
               summary="Remove an answer recorded by mistake (reviewers)")
def withdraw_answer(
    opinion_id: str, runtime: RuntimeDep, session: SessionDep, actor: Reviewer,
    today: Today = None,
) -> dict[str, Any]:
    follow_svc.withdraw_answer(runtime, session, actor, opinion_id)
    return detail(runtime, session, opinion_svc.get_opinion(session, actor, opinion_id),
                  follow_svc.context(runtime, session, today))


@router.get("/followup/overdue", response_model=OverdueOut,
            summary="Overdue issues per department, in working days (reviewers)")
def overdue(
    runtime: RuntimeDep, session: SessionDep, actor: Reviewer,
    department: str | None = None,
    category: str | None = None,
    locality: str | None = None,
    batch: str | None = None,
    escalate: bool | None = None,
    today: Today = None,
) -> dict[str, Any]:
    query = opinion_svc.OpinionQuery(batch=batch, category=category, department=department,
                                     locality=locality, escalate=escalate)
    return svc.overdue(runtime, session, actor, query, today=today)


@router.get("/campaign", response_model=CampaignOut, tags=["reports"],
            summary="The campaign's deadlines and the follow-up dates derived from them")
def campaign(runtime: RuntimeDep, session: SessionDep, actor: ActorDep,
             today: Today = None) -> dict[str, Any]:
    return follow_svc.campaign_body(runtime, session, today)


@router.patch("/campaign", response_model=CampaignOut, tags=["reports"],
              summary="Record the dialogue day, the conclusion notice's day (reviewers)")
def set_campaign(body: CampaignDatesIn, runtime: RuntimeDep, session: SessionDep,
                 actor: Reviewer, today: Today = None) -> dict[str, Any]:
    given = {name: getattr(body, name) for name in body.model_fields_set}
    follow_svc.set_campaign_dates(runtime, session, actor, **given)
    return follow_svc.campaign_body(runtime, session, today)
