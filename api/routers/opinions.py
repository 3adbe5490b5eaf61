"""Stored opinions: filter and page through them, read one with its history, correct it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.deps import ActorDep, Reviewer, RuntimeDep, SessionDep
from api.schemas import CorrectionIn, OpinionDetail, OpinionPage
from api.services import followup as follow_svc
from api.services import opinions as svc
from api.services.records import event_record, records

router = APIRouter(tags=["opinions"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Today = Annotated[date | None, Query(
    description="Reference day of the follow-up status (YYYY-MM-DD); default: today.")]


def opinion_filters(
    batch: str | None = None,
    category: str | None = None,
    department: str | None = None,
    locality: str | None = None,
    escalate: bool | None = None,
    escalation_level: Literal["city", "central"] | None = None,
    needs_review: bool | None = None,
    reviewed: bool | None = None,
    cluster: str | None = None,
    q: Annotated[str | None, Query(description="Words to find, with or without diacritics.",
                                   max_length=500)] = None,
) -> svc.OpinionQuery:
    """The filters of a view of stored opinions, shared by listing and exporting."""
    return svc.OpinionQuery(
        batch=batch, category=category, department=department, locality=locality,
        escalate=escalate, escalation_level=escalation_level, needs_review=needs_review,
        reviewed=reviewed, cluster=cluster, q=q,
    )


OpinionFilters = Annotated[svc.OpinionQuery, Depends(opinion_filters)]


@router.get("/opinions", response_model=OpinionPage,
            summary="Filter and page through stored opinions")
def list_opinions(
    runtime: RuntimeDep, session: SessionDep, actor: ActorDep, filters: OpinionFilters,
    order: Literal["position", "review"] = "position",
    limit: Limit = 50,
    offset: Offset = 0,
    today: Today = None,
) -> dict[str, Any]:
    query = replace(filters, order=order)
    rows, total = svc.search(runtime, session, actor, query, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset,
            "items": records(session, rows, runtime.jurisdiction,
                             follow_svc.context(runtime, session, today))}


def detail(runtime: Any, session: Any, opinion: Any,
           follow: follow_svc.FollowUp | None = None) -> dict[str, Any]:
    follow = follow or follow_svc.context(runtime, session)
    body = records(session, [opinion], runtime.jurisdiction, follow)[0]
    body["history"] = [event_record(e) for e in opinion.events]
    return body


@router.get("/opinions/{opinion_id}", response_model=OpinionDetail,
            summary="One opinion with the history of its decisions")
def get_opinion(
    opinion_id: str, runtime: RuntimeDep, session: SessionDep, actor: ActorDep,
    today: Today = None,
) -> dict[str, Any]:
    return detail(runtime, session, svc.get_opinion(session, actor, opinion_id),
                  follow_svc.context(runtime, session, today))


def _correct(
    opinion_id: str, body: CorrectionIn, runtime: Any, session: Any, actor: Any
) -> dict[str, Any]:
    escalation = None
    if body.escalation is not None:
        e = body.escalation
        escalation = svc.EscalationChange(e.escalate, e.level, e.reason, e.ground)
    correction = svc.Correction(
        category=body.category, department=body.department, escalation=escalation,
        locality=body.locality, locality_given="locality" in body.model_fields_set,
        note=body.note,
    )
    opinion = svc.correct_opinion(runtime, session, actor, opinion_id, correction)
    return detail(runtime, session, opinion)


@router.post("/opinions/{opinion_id}/corrections", response_model=OpinionDetail,
             summary="Correct category, department, escalation or locality (reviewers)")
def correct(
    opinion_id: str, body: CorrectionIn, runtime: RuntimeDep, session: SessionDep,
    actor: Reviewer,
) -> dict[str, Any]:
    return _correct(opinion_id, body, runtime, session, actor)


@router.patch("/opinions/{opinion_id}", response_model=OpinionDetail,
              summary="The same correction, as a PATCH of the opinion")
def patch(
    opinion_id: str, body: CorrectionIn, runtime: RuntimeDep, session: SessionDep,
    actor: Reviewer,
) -> dict[str, Any]:
    return _correct(opinion_id, body, runtime, session, actor)


@router.get("/escalations", response_model=OpinionPage, tags=["escalations"],
            summary="Opinions beyond the town's authority, to send up (reviewers)")
def escalations(
    runtime: RuntimeDep, session: SessionDep, actor: Reviewer,
    level: Literal["city", "central"] | None = None,
    department: str | None = None,
    locality: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    today: Today = None,
) -> dict[str, Any]:
    query = svc.OpinionQuery(escalate=True, escalation_level=level, department=department,
                             locality=locality)
    rows, total = svc.search(runtime, session, actor, query, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset,
            "items": records(session, rows, runtime.jurisdiction,
                             follow_svc.context(runtime, session, today))}
