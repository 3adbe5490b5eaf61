"""Reading opinions and recording reviewers' corrections.

A correction changes the current decision and is kept as decision events (before, after, who,
when); the opinion is then `reviewed` and joins the training data of the next retraining.
A review that changes nothing confirms the decision, which is a label too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.services.errors import Forbidden, Invalid, NotFound
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.models import Opinion
from triage.text import fold

LEVELS = ("city", "central")


@dataclass
class OpinionQuery:
    batch: str | None = None
    category: str | None = None
    department: str | None = None
    locality: str | None = None
    escalate: bool | None = None
    escalation_level: str | None = None
    needs_review: bool | None = None
    reviewed: bool | None = None
    cluster: str | None = None
    q: str | None = None
    order: str = "position"  # or "review": the ones a person should look at first


def _filter(rt: Runtime, session: Session, actor: Actor, query: OpinionQuery) -> repo.OpinionFilter:
    f = repo.OpinionFilter(
        campaign_id=rt.campaign_id, category=query.category, department=query.department,
        locality=query.locality, escalate=query.escalate, needs_review=query.needs_review,
        escalation_level=query.escalation_level, reviewed=query.reviewed,
    )
    if query.batch:
        batch = repo.get_batch(session, query.batch)
        f.batch_id = batch.id if batch else -1
    if query.cluster:
        group = repo.get_group(session, rt.campaign_id, query.cluster)
        f.group_id = group.id if group else -1
    if query.q and query.q.strip():
        f.search_folded = " ".join(fold(query.q).split())
    if not actor.has("reviewer", "admin"):
        f.submitted_by_id = actor.user_id if actor.user_id is not None else -1
    return f


def build_filter(
    rt: Runtime, session: Session, actor: Actor, query: OpinionQuery
) -> repo.OpinionFilter:
    """The repository filter of a query, restricted to what the actor may see (exports)."""
    return _filter(rt, session, actor, query)


def search(
    rt: Runtime, session: Session, actor: Actor, query: OpinionQuery, *, limit: int, offset: int
) -> tuple[list[Opinion], int]:
    f = _filter(rt, session, actor, query)
    return repo.list_opinions(session, f, limit=limit, offset=offset, order=query.order)


def get_opinion(session: Session, actor: Actor, public_id: str) -> Opinion:
    opinion = repo.get_opinion(session, public_id)
    if opinion is None:
        raise NotFound(f"Không có ý kiến {public_id}.")
    if not actor.has("reviewer", "admin") and opinion.batch.submitted_by_id != actor.user_id:
        raise Forbidden("Khóa API này chỉ xem được ý kiến trong các đợt do chính nó gửi.")
    return opinion


@dataclass
class EscalationChange:
    escalate: bool
    level: str | None = None
    reason: str | None = None
    ground: str | None = None


@dataclass
class Correction:
    category: str | None = None
    department: str | None = None
    escalation: EscalationChange | None = None
    locality: str | None = None
    locality_given: bool = False  # True also when the locality is set to null
    note: str | None = None


def _escalation_after(rt: Runtime, change: EscalationChange) -> dict[str, Any]:
    if not change.escalate:
        return {"escalate": False, "escalation_level": None, "escalation_reason": None,
                "escalation_ground": None}
    grounds = {g.code: g for g in rt.jurisdiction.escalation_grounds}
    ground = None
    if change.ground is not None:
        ground = grounds.get(change.ground)
        if ground is None:
            raise Invalid(f'Căn cứ chuyển cấp "{change.ground}" không có trong danh mục. '
                          f"Dùng một trong: {', '.join(sorted(grounds))}.")
    level = change.level or (ground.level if ground else None)
    if level not in LEVELS:
        raise Invalid('Cấp chuyển lên phải là "city" (Thành phố) hoặc "central" (Trung ương).')
    if ground is not None and level != ground.level:
        raise Invalid(f'Căn cứ "{ground.code}" thuộc cấp "{ground.level}", không phải "{level}".')
    reason = (change.reason or "").strip() or (ground.reason if ground else "")
    if not reason:
        raise Invalid("Khi chuyển lên cấp trên cần ghi lý do (reason) hoặc căn cứ (ground).")
    return {"escalate": True, "escalation_level": level, "escalation_reason": reason,
            "escalation_ground": ground.code if ground else None}


def _validate(rt: Runtime, c: Correction) -> None:
    j = rt.jurisdiction
    if c.category is not None and c.category not in j.categories:
        raise Invalid(f'Nhóm "{c.category}" không hợp lệ: dùng một trong '
                      f"{', '.join(j.categories)}.")
    if c.department is not None and c.department not in j.departments:
        raise Invalid(f'Mã cơ quan "{c.department}" không có trong danh mục của {j.name}. '
                      f"Dùng một trong: {', '.join(sorted(j.departments))}.")
    if c.locality_given and c.locality is not None and c.locality not in j.localities:
        raise Invalid(f'Mã địa bàn "{c.locality}" không có trong danh mục của {j.name}. '
                      f"Dùng một trong: {', '.join(sorted(j.localities))}.")


def correct_opinion(
    rt: Runtime, session: Session, actor: Actor, public_id: str, correction: Correction
) -> Opinion:
    """Applies a reviewer's correction; every changed part becomes a decision event."""
    if not actor.has("reviewer", "admin"):
        raise Forbidden("Chỉ người rà soát hoặc quản trị mới được sửa quyết định.")
    _validate(rt, correction)
    opinion = get_opinion(session, actor, public_id)
    changes: list[tuple[str, dict[str, Any]]] = []
    if correction.category is not None:
        changes.append(("category", {"category": correction.category}))
    if correction.department is not None:
        changes.append(("department", {"department": correction.department}))
    if correction.escalation is not None:
        changes.append(("escalation", _escalation_after(rt, correction.escalation)))
    if correction.locality_given:
        changes.append(("locality", {"locality": correction.locality,
                                     "locality_source": "reviewer"}))
    changed = False
    for field, after in changes:
        before = {name: getattr(opinion, name) for name in after}
        if before == after or (field == "locality" and before["locality"] == after["locality"]):
            continue
        for name, value in after.items():
            setattr(opinion, name, value)
        repo.record_event(session, opinion, field, before, after, actor_kind="reviewer",
                          actor=actor.username, user_id=actor.user_id, note=correction.note)
        changed = True
    if not changed:
        repo.record_event(session, opinion, "review", {}, repo.decision_of(opinion),
                          actor_kind="reviewer", actor=actor.username, user_id=actor.user_id,
                          note=correction.note or "xác nhận quyết định")
    if opinion.needs_review or not opinion.reviewed:
        before = {"reviewed": opinion.reviewed, "needs_review": opinion.needs_review}
        opinion.reviewed = True
        opinion.needs_review = False
        repo.record_event(session, opinion, "status", before,
                          {"reviewed": True, "needs_review": False}, actor_kind="reviewer",
                          actor=actor.username, user_id=actor.user_id)
    session.flush()
    session.refresh(opinion, ["events"])
    return opinion
