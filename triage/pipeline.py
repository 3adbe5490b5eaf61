"""Runs the stages over a batch: intake → normalise → features → decide → duplicates.

The result is one `TriageRecord` per opinion, in input order, with the fields of the contract
(`shared/contract.md`) and more (sources, submitter, masked text, explanation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from triage.dedup import DedupItem, group_duplicates
from triage.features import default_workers, feature_texts
from triage.intake import Batch, IntakeOpinion
from triage.jurisdiction import Jurisdiction
from triage.model import Decision, TriageModel
from triage.settings import Settings, get_settings
from triage.text import NormalisedText, Normaliser


class ContractRecord(BaseModel):
    """The fields of the triage record that callers rely on (`shared/contract.md`)."""

    id: str
    text: str
    locality: str | None
    category: str
    confidence: float
    department: str
    escalate: bool
    escalation_level: str | None
    escalation_reason: str | None
    cluster: str
    duplicate_of: str | None
    needs_review: bool


class TriageRecord(ContractRecord):
    """One opinion as it leaves the pipeline: the contract's fields, then the product's."""

    position: int
    submitter: str | None = None
    masked_text: str = ""
    locality_source: str | None = None
    category_label: str = ""
    department_name: str = ""
    escalation_ground: str | None = None
    cluster_size: int = 1
    sources: list[str] = Field(default_factory=list)
    review_reasons: list[str] = Field(default_factory=list)
    explanation: dict[str, Any] = Field(default_factory=dict)
    model_version: str = ""

    def contract_dict(self) -> dict[str, Any]:
        return self.model_dump()


def _workers(n: int, settings: Settings) -> int:
    if n < settings.parallel_min_items:
        return 1
    return settings.workers or default_workers()


def decide_opinions(
    normalised: Sequence[NormalisedText],
    model: TriageModel,
    jurisdiction: Jurisdiction,
    *,
    settings: Settings | None = None,
) -> list[Decision]:
    settings = settings or get_settings()
    texts = feature_texts(normalised, workers=_workers(len(normalised), settings))
    return model.decide(texts, jurisdiction)


def triage_batch(
    batch: Batch,
    model: TriageModel,
    jurisdiction: Jurisdiction,
    *,
    cluster_prefix: str = "c",
    settings: Settings | None = None,
) -> list[TriageRecord]:
    normaliser = Normaliser.for_jurisdiction(jurisdiction)
    normalised = normaliser.many([o.text for o in batch.opinions])
    decisions = decide_opinions(normalised, model, jurisdiction, settings=settings)
    groups = group_duplicates(
        [
            DedupItem(o.id, n.repaired, n.expanded, n.folded)
            for o, n in zip(batch.opinions, normalised, strict=True)
        ],
        group_prefix=cluster_prefix,
        verifier=model.duplicates,
    )
    return assemble_records(batch.opinions, decisions, groups, model, jurisdiction)


def assemble_records(
    opinions: Sequence[IntakeOpinion],
    decisions: Sequence[Decision],
    groups: Sequence[Any],
    model: TriageModel,
    jurisdiction: Jurisdiction,
) -> list[TriageRecord]:
    group_of = {member: g for g in groups for member in g.members}
    records = []
    for opinion, decision in zip(opinions, decisions, strict=True):
        group = group_of[opinion.id]
        is_rep = group.representative == opinion.id
        department = jurisdiction.departments.get(decision.department)
        records.append(
            TriageRecord(
                id=opinion.id,
                text=opinion.text,
                locality=opinion.locality,
                category=decision.category,
                confidence=decision.confidence,
                department=decision.department,
                escalate=decision.escalate,
                escalation_level=decision.escalation_level,
                escalation_reason=decision.escalation_reason,
                cluster=group.id,
                duplicate_of=None if is_rep else group.representative,
                needs_review=decision.needs_review,
                position=opinion.position,
                submitter=opinion.submitter,
                masked_text=opinion.masked_text,
                locality_source=opinion.locality_source,
                category_label=jurisdiction.categories.get(decision.category, ""),
                department_name=department.name if department else "",
                escalation_ground=decision.escalation_ground,
                cluster_size=len(group.members),
                sources=list(group.members) if is_rep else [],
                review_reasons=decision.review_reasons,
                explanation=decision.explanation,
                model_version=f"{model.name}-{model.version}",
            )
        )
    return records
