"""The models page: every version with its metrics and confusion matrix, and what a rollback
would restore.

The table rows (`training.model_rows`) carry the headline metrics, the comparison with the
version that was current at retraining, and refusals; the full metrics (per class, confusion
matrix) are in each version's card in `models/`, read through `triage.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.services import training
from api.services.runtime import Runtime
from storage import repositories as repo
from storage.models import TrainingJob
from triage import registry


@dataclass
class VersionView:
    key: str
    status: str
    promoted: bool
    created_at: datetime | None
    promoted_at: datetime | None
    refusal_reason: str | None
    corrections_used: int
    heldout: dict[str, Any] | None
    corrections: dict[str, Any] | None
    baseline: dict[str, Any] | None
    gate: dict[str, Any] | None
    confusion: dict[str, Any] | None
    per_class: dict[str, Any] = field(default_factory=dict)
    training_data: dict[str, Any] = field(default_factory=dict)
    heldout_n: int | None = None


def _cards(rt: Runtime) -> dict[str, dict[str, Any]]:
    directory = rt.settings.models_dir
    if not directory.exists():
        return {}
    return {v.key: v.card for v in registry.list_versions(directory)}


def previous_version(rt: Runtime) -> str | None:
    """The version a rollback would restore (the last one promoted before the current)."""
    state = registry._read_promoted(rt.settings.models_dir)
    history = state.get("history") or []
    return str(history[-1]) if history else None


def versions(rt: Runtime, session: Session) -> tuple[list[VersionView], str | None]:
    rows, promoted = training.model_rows(rt, session)
    cards = _cards(rt)
    out = []
    for row in rows:
        card = cards.get(row.key, {})
        full = card.get("metrics") or {}
        category = full.get("category") or {}
        stored = row.metrics or {}
        heldout = stored.get("heldout") or training.summary(full)
        out.append(VersionView(
            key=row.key, status=row.status, promoted=row.key == promoted,
            created_at=row.created_at, promoted_at=row.promoted_at,
            refusal_reason=row.refusal_reason, corrections_used=row.corrections_used,
            heldout=heldout, corrections=stored.get("corrections"),
            baseline=stored.get("baseline"), gate=stored.get("gate"),
            confusion=category.get("confusion_matrix"),
            per_class=category.get("per_class") or {},
            training_data=card.get("training_data") or {},
            heldout_n=full.get("n"),
        ))
    return out, promoted


def active_job(session: Session) -> TrainingJob | None:
    return repo.active_job(session)


def corrections_count(rt: Runtime, session: Session) -> tuple[int, int]:
    """(corrections the next retraining learns from, corrections kept aside to measure it)."""
    train, aside = training.corrections(rt, session)
    return len(train), len(aside)
