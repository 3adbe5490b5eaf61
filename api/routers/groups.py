"""Duplicate groups across the campaign's batches: list, read, merge, split (reviewers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from api.deps import Reviewer, RuntimeDep, SessionDep
from api.schemas import GroupDetail, GroupOut, GroupPage, MergeIn, SplitIn
from api.services import groups as svc
from api.services.followup import context as follow_context
from api.services.records import records
from api.services.runtime import Runtime
from storage import repositories as repo
from storage.models import DuplicateGroup, Opinion

router = APIRouter(tags=["groups"])


def _representatives(session: Session, groups: list[DuplicateGroup]) -> dict[int, Opinion]:
    ids = [g.representative_id for g in groups if g.representative_id is not None]
    return {o.id: o for o in repo.opinions_by_ids(session, ids)}


def group_body(
    runtime: Runtime, session: Session, group: DuplicateGroup, *, members: bool = False
) -> dict[str, Any]:
    reps = _representatives(session, [group])
    rep = reps.get(group.representative_id or 0)
    follow = follow_context(runtime, session)
    body: dict[str, Any] = {
        "key": group.key, "size": group.size, "created_at": group.created_at,
        "representative": records(session, [rep], runtime.jurisdiction, follow)[0]
        if rep else None,
    }
    if members:
        body["members"] = records(session, repo.group_members(session, group.id),
                                  runtime.jurisdiction, follow)
    return body


@router.get("/groups", response_model=GroupPage, summary="Duplicate groups, largest first")
def list_groups(
    runtime: RuntimeDep, session: SessionDep, actor: Reviewer,
    min_size: Annotated[int, Query(ge=1, description="2: only real duplicates")] = 1,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    groups, total = svc.list_groups(runtime, session, min_size=min_size, limit=limit,
                                    offset=offset)
    reps = _representatives(session, groups)
    rep_records = {o.id: r for o, r in zip(
        reps.values(), records(session, list(reps.values()), runtime.jurisdiction,
                               follow_context(runtime, session)), strict=True)}
    items = [{"key": g.key, "size": g.size, "created_at": g.created_at,
              "representative": rep_records.get(g.representative_id or 0)} for g in groups]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/groups/{key}", response_model=GroupDetail, summary="One group with its members")
def get_group(key: str, runtime: RuntimeDep, session: SessionDep, actor: Reviewer
              ) -> dict[str, Any]:
    return group_body(runtime, session, svc.get_group(runtime, session, key), members=True)


@router.post("/groups/merge", response_model=GroupDetail,
             summary="Merge groups into one (the oldest, or `into`)")
def merge(body: MergeIn, runtime: RuntimeDep, session: SessionDep, actor: Reviewer
          ) -> dict[str, Any]:
    group = svc.merge_groups(runtime, session, actor, body.groups, into=body.into,
                             note=body.note)
    return group_body(runtime, session, group, members=True)


@router.post("/groups/{key}/split", response_model=GroupDetail, status_code=201,
             summary="Move the given opinions out of a group into a new one")
def split(key: str, body: SplitIn, runtime: RuntimeDep, session: SessionDep, actor: Reviewer
          ) -> dict[str, Any]:
    group = svc.split_group(runtime, session, actor, key, body.opinions, note=body.note)
    return group_body(runtime, session, group, members=True)


__all__ = ["GroupOut", "router"]
