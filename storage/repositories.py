"""Repositories: every query of the product lives here, so the CLI and the API share them."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, case, distinct, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    ApiKey,
    Batch,
    Campaign,
    DecisionEvent,
    DuplicateGroup,
    ModelVersionRow,
    Opinion,
    TrainingJob,
    User,
    utcnow,
)

DECISION_FIELDS = (
    "category", "confidence", "department", "escalate", "escalation_level",
    "escalation_reason", "escalation_ground", "locality", "needs_review",
)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def decision_of(opinion: Opinion) -> dict[str, Any]:
    return {name: getattr(opinion, name) for name in DECISION_FIELDS}


# --- campaigns ---------------------------------------------------------------------------


def get_campaign(session: Session, code: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.code == code))


def ensure_campaign(session: Session, code: str, **fields: Any) -> Campaign:
    campaign = get_campaign(session, code)
    if campaign is None:
        campaign = Campaign(code=code, **fields)
        session.add(campaign)
        session.flush()
    return campaign


def lock_campaign(session: Session, campaign_id: int) -> Campaign:
    """Serialises duplicate grouping within a campaign (row lock on PostgreSQL).

    SQLite has no row locks and ignores FOR UPDATE: a no-op UPDATE as the first write takes the
    database write lock instead (waiting for the busy timeout), which serialises writers just
    the same. Call it before any other write of the transaction.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Campaign).where(Campaign.id == campaign_id)
            .values(groups_revision=Campaign.groups_revision)
        )
    campaign = session.scalar(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    assert campaign is not None
    return campaign


def bump_groups_revision(session: Session, campaign: Campaign) -> None:
    """Marks every cached duplicate index of the campaign as stale (after a merge or split)."""
    campaign.groups_revision = (campaign.groups_revision or 0) + 1


# --- users and keys ----------------------------------------------------------------------


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_user(
    session: Session, username: str, role: str, *, display_name: str = "",
    password_hash: str | None = None,
) -> User:
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=password_hash)
    session.add(user)
    session.flush()
    return user


def create_api_key(session: Session, user: User, name: str) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is shown once and never stored."""
    raw = "tri_" + secrets.token_urlsafe(32)
    key = ApiKey(user_id=user.id, name=name, prefix=raw[:10], key_hash=hash_key(raw))
    session.add(key)
    session.flush()
    return key, raw


def user_for_api_key(session: Session, raw: str) -> User | None:
    key = session.scalar(
        select(ApiKey)
        .where(ApiKey.key_hash == hash_key(raw), ApiKey.revoked_at.is_(None))
        .options(selectinload(ApiKey.user))
    )
    return key.user if key else None


# --- batches -----------------------------------------------------------------------------


def find_existing_batch(
    session: Session, campaign_id: int, client_batch_id: str | None,
    idempotency_key: str | None,
) -> Batch | None:
    conditions = []
    if client_batch_id:
        conditions.append(Batch.client_batch_id == client_batch_id)
    if idempotency_key:
        conditions.append(Batch.idempotency_key == idempotency_key)
    if not conditions:
        return None
    return session.scalar(
        select(Batch).where(Batch.campaign_id == campaign_id, or_(*conditions))
    )


def next_batch_key(session: Session) -> str:
    count = session.scalar(select(func.count(Batch.id))) or 0
    return f"b{count + 1}"


def create_batch(session: Session, **fields: Any) -> Batch:
    """Inserts a batch keyed by its row id ("b17"): unique without any counter to race for."""
    batch = Batch(key="pending-" + secrets.token_hex(12), **fields)
    session.add(batch)
    session.flush()
    batch.key = f"b{batch.id}"
    session.flush()
    return batch


def get_batch(session: Session, key: str) -> Batch | None:
    return session.scalar(select(Batch).where(Batch.key == key))


def list_batches(session: Session, campaign_id: int, *, user_id: int | None = None,
                 limit: int = 50, offset: int = 0) -> list[Batch]:
    query = select(Batch).where(Batch.campaign_id == campaign_id)
    if user_id is not None:
        query = query.where(Batch.submitted_by_id == user_id)
    return list(session.scalars(query.order_by(Batch.id.desc()).limit(limit).offset(offset)))


def count_batches(session: Session, campaign_id: int, *, user_id: int | None = None) -> int:
    query = select(func.count(Batch.id)).where(Batch.campaign_id == campaign_id)
    if user_id is not None:
        query = query.where(Batch.submitted_by_id == user_id)
    return session.scalar(query) or 0


# --- opinions ----------------------------------------------------------------------------


@dataclass
class OpinionFilter:
    campaign_id: int | None = None
    batch_id: int | None = None
    category: str | None = None
    department: str | None = None
    locality: str | None = None
    escalate: bool | None = None
    needs_review: bool | None = None
    group_id: int | None = None
    search_folded: str | None = None  # already folded by the caller
    submitted_by_id: int | None = None
    escalation_level: str | None = None
    reviewed: bool | None = None


def _filtered(query: Select[Any], f: OpinionFilter) -> Select[Any]:
    if f.campaign_id is not None:
        query = query.where(Opinion.campaign_id == f.campaign_id)
    if f.batch_id is not None:
        query = query.where(Opinion.batch_id == f.batch_id)
    for name in ("category", "department", "locality", "escalate", "needs_review", "group_id",
                 "escalation_level", "reviewed"):
        value = getattr(f, name)
        if value is not None:
            query = query.where(getattr(Opinion, name) == value)
    if f.search_folded:
        query = query.where(Opinion.folded_text.contains(f.search_folded, autoescape=True))
    if f.submitted_by_id is not None:
        query = query.join(Batch, Batch.id == Opinion.batch_id).where(
            Batch.submitted_by_id == f.submitted_by_id
        )
    return query


def list_opinions(
    session: Session, f: OpinionFilter, *, limit: int = 50, offset: int = 0,
    order: str = "position",
) -> tuple[list[Opinion], int]:
    total = session.scalar(_filtered(select(func.count(Opinion.id)), f)) or 0
    query = _filtered(select(Opinion), f).options(selectinload(Opinion.group))
    if order == "review":
        query = query.order_by(Opinion.needs_review.desc(), Opinion.reviewed.asc(),
                               Opinion.confidence.asc(), Opinion.id)
    else:
        query = query.order_by(Opinion.batch_id, Opinion.position)
    return list(session.scalars(query.limit(limit).offset(offset))), total


def all_opinions(session: Session, f: OpinionFilter) -> list[Opinion]:
    """Every opinion of a filtered view, in batch order (exports read a whole view)."""
    query = _filtered(select(Opinion), f).options(selectinload(Opinion.group))
    return list(session.scalars(query.order_by(Opinion.batch_id, Opinion.position)))


def group_member_ids(session: Session, group_ids: Sequence[int]) -> dict[int, list[str]]:
    """Public ids of every member of the given groups (all batches), oldest first."""
    ids = sorted({g for g in group_ids if g is not None})
    if not ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = session.execute(
        select(Opinion.group_id, Opinion.public_id).where(Opinion.group_id.in_(ids))
        .order_by(Opinion.id)
    )
    for group_id, public_id in rows:
        if group_id is not None:
            out.setdefault(int(group_id), []).append(str(public_id))
    return out


def group_answers(session: Session, group_ids: Sequence[int]) -> dict[int, Opinion]:
    """The earliest answered member of each group that has one: a department answers an
    issue once, for everyone who raised it."""
    ids = sorted({g for g in group_ids if g is not None})
    if not ids:
        return {}
    out: dict[int, Opinion] = {}
    for opinion in session.scalars(
        select(Opinion).where(Opinion.group_id.in_(ids), Opinion.answer.is_not(None))
        .order_by(Opinion.answered_at, Opinion.id)
    ):
        assert opinion.group_id is not None
        out.setdefault(opinion.group_id, opinion)
    return out


def followup_rows(
    session: Session, campaign_id: int
) -> list[tuple[int, str, int | None, bool]]:
    """(opinion id, department, group id, has its own answer) of a campaign's opinions."""
    rows = session.execute(
        select(Opinion.id, Opinion.department, Opinion.group_id, Opinion.answer.is_not(None))
        .where(Opinion.campaign_id == campaign_id).order_by(Opinion.id)
    )
    return [(int(r[0]), str(r[1]), r[2], bool(r[3])) for r in rows]


def usernames(session: Session, user_ids: Sequence[int]) -> dict[int, str]:
    ids = sorted({u for u in user_ids if u is not None})
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {int(r[0]): str(r[1]) for r in rows}


def get_opinion(session: Session, public_id: str) -> Opinion | None:
    return session.scalar(
        select(Opinion)
        .where(Opinion.public_id == public_id)
        .options(selectinload(Opinion.events), selectinload(Opinion.group))
    )


def campaign_opinions_for_dedup(
    session: Session, campaign_id: int, after_id: int = 0
) -> list[tuple[int, str, str | None]]:
    """(opinion id, text, group key) of a campaign's opinions, oldest first."""
    rows = session.execute(
        select(Opinion.id, Opinion.text, DuplicateGroup.key)
        .outerjoin(DuplicateGroup, DuplicateGroup.id == Opinion.group_id)
        .where(Opinion.campaign_id == campaign_id, Opinion.id > after_id)
        .order_by(Opinion.id)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def dedup_rows(session: Session, campaign_id: int) -> list[tuple[str, str, str, str | None]]:
    """(public id, text, expanded text, group key) of a campaign's opinions, oldest first."""
    rows = session.execute(
        select(Opinion.public_id, Opinion.text, Opinion.expanded_text, DuplicateGroup.key)
        .outerjoin(DuplicateGroup, DuplicateGroup.id == Opinion.group_id)
        .where(Opinion.campaign_id == campaign_id)
        .order_by(Opinion.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def max_opinion_id(session: Session, campaign_id: int) -> int:
    return session.scalar(
        select(func.max(Opinion.id)).where(Opinion.campaign_id == campaign_id)
    ) or 0


def opinions_by_public_ids(session: Session, public_ids: Sequence[str]) -> list[Opinion]:
    if not public_ids:
        return []
    return list(session.scalars(
        select(Opinion).where(Opinion.public_id.in_(list(public_ids))).order_by(Opinion.id)
    ))


def opinions_by_ids(session: Session, ids: Sequence[int]) -> list[Opinion]:
    if not ids:
        return []
    return list(session.scalars(
        select(Opinion).where(Opinion.id.in_(list(ids))).order_by(Opinion.id)
    ))


def group_cards(
    session: Session, group_ids: Sequence[int]
) -> dict[int, tuple[str, int, str | None]]:
    """(key, size, representative's public id) of each group, for rendering records."""
    ids = sorted({g for g in group_ids if g is not None})
    if not ids:
        return {}
    rows = session.execute(
        select(DuplicateGroup.id, DuplicateGroup.key, DuplicateGroup.size, Opinion.public_id)
        .outerjoin(Opinion, Opinion.id == DuplicateGroup.representative_id)
        .where(DuplicateGroup.id.in_(ids))
    )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def record_event(
    session: Session, opinion: Opinion, field: str, before: dict[str, Any],
    after: dict[str, Any], *, actor_kind: str, actor: str, user_id: int | None = None,
    note: str | None = None,
) -> DecisionEvent:
    event = DecisionEvent(opinion_id=opinion.id, field=field, before=before, after=after,
                          actor_kind=actor_kind, actor=actor, user_id=user_id, note=note)
    session.add(event)
    return event


def corrected_opinions(session: Session, campaign_id: int | None = None) -> list[Opinion]:
    """Opinions a reviewer has corrected: they join the training data (with their groups)."""
    query = select(Opinion).where(Opinion.reviewed.is_(True)).options(
        selectinload(Opinion.group))
    if campaign_id is not None:
        query = query.where(Opinion.campaign_id == campaign_id)
    return list(session.scalars(query.order_by(Opinion.id)))


# --- duplicate groups --------------------------------------------------------------------


def get_group(session: Session, campaign_id: int, key: str) -> DuplicateGroup | None:
    return session.scalar(
        select(DuplicateGroup).where(DuplicateGroup.campaign_id == campaign_id,
                                     DuplicateGroup.key == key)
    )


def group_members(session: Session, group_id: int) -> list[Opinion]:
    return list(session.scalars(
        select(Opinion).where(Opinion.group_id == group_id).order_by(Opinion.id)
    ))


def list_groups(
    session: Session, campaign_id: int, *, min_size: int = 1, limit: int = 50, offset: int = 0
) -> tuple[list[DuplicateGroup], int]:
    base = select(DuplicateGroup).where(DuplicateGroup.campaign_id == campaign_id,
                                        DuplicateGroup.size >= min_size)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(DuplicateGroup.size.desc(), DuplicateGroup.id).limit(limit).offset(offset)
    )
    return list(rows), total


def refresh_group(session: Session, group: DuplicateGroup) -> None:
    """Recomputes size and representative (the earliest member) after members changed."""
    members = group_members(session, group.id)
    group.size = len(members)
    group.representative_id = members[0].id if members else None


def next_group_key(session: Session, campaign_id: int) -> str:
    count = session.scalar(
        select(func.count(DuplicateGroup.id)).where(DuplicateGroup.campaign_id == campaign_id)
    ) or 0
    return f"c{count + 1:04d}"


def new_group_keys(session: Session, campaign_id: int, n: int) -> list[str]:
    """Keys for n new groups of a campaign (call under `lock_campaign`; keys are never reused,
    emptied groups keep theirs)."""
    count = session.scalar(
        select(func.count(DuplicateGroup.id)).where(DuplicateGroup.campaign_id == campaign_id)
    ) or 0
    return [f"c{count + i:04d}" for i in range(1, n + 1)]


def groups_by_keys(session: Session, campaign_id: int, keys: Sequence[str]) -> list[DuplicateGroup]:
    if not keys:
        return []
    return list(session.scalars(
        select(DuplicateGroup).where(DuplicateGroup.campaign_id == campaign_id,
                                     DuplicateGroup.key.in_(list(keys)))
        .order_by(DuplicateGroup.id)
    ))


# --- models and training -----------------------------------------------------------------


def upsert_model_version(session: Session, key: str, **fields: Any) -> ModelVersionRow:
    row = session.scalar(select(ModelVersionRow).where(ModelVersionRow.key == key))
    if row is None:
        row = ModelVersionRow(key=key, **fields)
        session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    session.flush()
    return row


def list_model_versions(session: Session) -> list[ModelVersionRow]:
    return list(session.scalars(select(ModelVersionRow).order_by(ModelVersionRow.id.desc())))


def mark_promoted(session: Session, key: str) -> None:
    session.execute(
        update(ModelVersionRow).where(ModelVersionRow.status == "promoted")
        .values(status="retired")
    )
    session.execute(
        update(ModelVersionRow).where(ModelVersionRow.key == key)
        .values(status="promoted", promoted_at=utcnow())
    )


def create_job(session: Session, requested_by: str) -> TrainingJob:
    job = TrainingJob(status="queued", requested_by=requested_by)
    session.add(job)
    session.flush()
    return job


def active_job(session: Session) -> TrainingJob | None:
    """A training job that is queued or running, if any (one at a time)."""
    return session.scalar(
        select(TrainingJob).where(TrainingJob.status.in_(("queued", "running")))
        .order_by(TrainingJob.id)
    )


def get_model_version(session: Session, key: str) -> ModelVersionRow | None:
    return session.scalar(select(ModelVersionRow).where(ModelVersionRow.key == key))


def get_job(session: Session, job_id: int) -> TrainingJob | None:
    return session.get(TrainingJob, job_id)


def finish_job(job: TrainingJob, status: str, *, result: dict[str, Any] | None = None,
               error: str | None = None, model_key: str | None = None) -> None:
    job.status = status
    job.result = result or {}
    job.error = error
    job.model_key = model_key
    job.finished_at = datetime.now(job.created_at.tzinfo) if job.created_at else utcnow()


def counts_by(session: Session, campaign_id: int, column: str) -> dict[str, int]:
    attr = getattr(Opinion, column)
    rows = session.execute(
        select(attr, func.count(Opinion.id)).where(Opinion.campaign_id == campaign_id)
        .group_by(attr)
    )
    return {str(k): int(v) for k, v in rows}


def bulk_add(session: Session, rows: Sequence[Any]) -> None:
    session.add_all(list(rows))
    session.flush()


# --- the web pages: dashboard and group sources ---------------------------------------------


@dataclass(frozen=True)
class DepartmentLoad:
    """What one department has to answer: opinions, distinct issues (duplicate groups)..."""

    department: str
    opinions: int
    issues: int
    escalated: int
    needs_review: int
    reviewed: int


def _flag(column: Any) -> Any:
    """How many rows have the boolean column true."""
    return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)


def department_workload(session: Session, campaign_id: int) -> list[DepartmentLoad]:
    rows = session.execute(
        select(
            Opinion.department,
            func.count(Opinion.id),
            func.count(distinct(func.coalesce(Opinion.group_id, -Opinion.id))),
            _flag(Opinion.escalate),
            _flag(Opinion.needs_review),
            _flag(Opinion.reviewed),
        )
        .where(Opinion.campaign_id == campaign_id)
        .group_by(Opinion.department)
        .order_by(func.count(Opinion.id).desc(), Opinion.department)
    )
    return [DepartmentLoad(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]))
            for r in rows]


@dataclass(frozen=True)
class CampaignTotals:
    opinions: int
    batches: int
    escalated: int
    needs_review: int
    reviewed: int
    duplicate_groups: int  # groups with two members or more
    in_duplicate_groups: int  # opinions in those groups


def campaign_totals(session: Session, campaign_id: int) -> CampaignTotals:
    row = session.execute(
        select(
            func.count(Opinion.id),
            _flag(Opinion.escalate),
            _flag(Opinion.needs_review),
            _flag(Opinion.reviewed),
        ).where(Opinion.campaign_id == campaign_id)
    ).one()
    batches = session.scalar(
        select(func.count(Batch.id)).where(Batch.campaign_id == campaign_id)) or 0
    groups = session.execute(
        select(func.count(DuplicateGroup.id),
               func.coalesce(func.sum(DuplicateGroup.size), 0).cast(Integer))
        .where(DuplicateGroup.campaign_id == campaign_id, DuplicateGroup.size >= 2)
    ).one()
    return CampaignTotals(int(row[0]), int(batches), int(row[1]), int(row[2]), int(row[3]),
                          int(groups[0]), int(groups[1]))


def opinions_in_groups(session: Session, group_ids: Sequence[int]) -> list[Opinion]:
    """Every member of the given duplicate groups (all batches), oldest first."""
    ids = sorted({g for g in group_ids if g is not None})
    if not ids:
        return []
    return list(session.scalars(
        select(Opinion).where(Opinion.group_id.in_(ids)).order_by(Opinion.id)
    ))
