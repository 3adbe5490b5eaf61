"""Stored opinions as triage records: the contract's fields first, then the product's extras.

`id` is the caller's own id where it sent one (else the assigned one, equal to `opinion_id`);
`opinion_id` ("b3-0007") is unique across batches and names the opinion in URLs. Duplicate
groups span batches, so `cluster` is the stored group's key and `duplicate_of` is the
representative's `opinion_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.services.followup import FollowUp, for_campaign, local_today, record_fields
from storage import repositories as repo
from storage.models import Batch, DecisionEvent, Opinion
from triage.jurisdiction import Jurisdiction


def opinion_record(
    opinion: Opinion,
    card: tuple[str, int, str | None] | None,
    jurisdiction: Jurisdiction,
    batch_key: str | None = None,
    follow: dict[str, Any] | None = None,
) -> dict[str, Any]:
    key, size, representative = card or (f"o{opinion.id}", 1, opinion.public_id)
    department = jurisdiction.departments.get(opinion.department)
    return {
        "id": opinion.external_id,
        "text": opinion.text,
        "locality": opinion.locality,
        "category": opinion.category,
        "confidence": opinion.confidence,
        "department": opinion.department,
        "escalate": opinion.escalate,
        "escalation_level": opinion.escalation_level,
        "escalation_reason": opinion.escalation_reason,
        "cluster": key,
        "duplicate_of": None if representative in (None, opinion.public_id) else representative,
        "needs_review": opinion.needs_review,
        "opinion_id": opinion.public_id,
        "batch": batch_key or opinion.public_id.rsplit("-", 1)[0],
        "position": opinion.position,
        "submitter": opinion.submitter,
        "original_text": opinion.original_text,
        "masked_text": opinion.masked_text,
        "locality_source": opinion.locality_source,
        "section": opinion.section,
        "line": opinion.line,
        "category_label": jurisdiction.categories.get(opinion.category, ""),
        "department_name": department.name if department else "",
        "escalation_ground": opinion.escalation_ground,
        "cluster_size": size,
        "review_reasons": list(opinion.review_reasons or []),
        "explanation": dict(opinion.explanation or {}),
        "model_version": opinion.model_version,
        "reviewed": opinion.reviewed,
        "extra": dict(opinion.extra or {}),
        "created_at": opinion.created_at,
        "updated_at": opinion.updated_at,
        **(follow or {}),
    }


def records(
    session: Session, opinions: Sequence[Opinion], jurisdiction: Jurisdiction,
    follow: FollowUp | None = None,
) -> list[dict[str, Any]]:
    """Records of many opinions with one query for their groups, and their follow-up state
    (`status`, `deadline`, `answer`...) on `follow.today` (the real date when not given)."""
    opinions = list(opinions)
    cards = repo.group_cards(session, [o.group_id for o in opinions if o.group_id is not None])
    if follow is None and opinions:
        follow = for_campaign(session, opinions[0].campaign_id, jurisdiction,
                              local_today(jurisdiction))
    states = record_fields(session, opinions, follow) if follow is not None else {}
    return [
        opinion_record(o, cards.get(o.group_id) if o.group_id is not None else None,
                       jurisdiction, follow=states.get(o.id))
        for o in opinions
    ]


def event_record(event: DecisionEvent) -> dict[str, Any]:
    return {
        "field": event.field,
        "before": event.before,
        "after": event.after,
        "actor_kind": event.actor_kind,
        "actor": event.actor,
        "note": event.note,
        "at": event.created_at,
    }


def batch_summary(batch: Batch, submitted_by: str | None = None) -> dict[str, Any]:
    return {
        "key": batch.key,
        "client_batch_id": batch.client_batch_id,
        "idempotency_key": batch.idempotency_key,
        "source": batch.source,
        "submitter": batch.submitter,
        "submitted_by": submitted_by,
        "input_format": batch.input_format,
        "filename": batch.filename,
        "opinion_count": batch.opinion_count,
        "model_version": batch.model_version,
        "created_at": batch.created_at,
    }
