"""Queries of the web pages that `repositories.py` does not have yet (dashboard, group sources).

Kept apart only while another change edits `repositories.py`; they follow its rules (typed
results, no business logic) and can move there unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, case, distinct, func, select
from sqlalchemy.orm import Session

from storage.models import Batch, DuplicateGroup, Opinion


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
