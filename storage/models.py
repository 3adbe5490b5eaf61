"""Tables of the product, as SQLAlchemy 2.0 typed models.

Raw input is kept verbatim, every decision change is kept in `decision_events` (who, when,
before, after), and duplicate groups span all batches of a campaign.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Campaign(Base):
    """One dialogue: a jurisdiction, a year, a theme and its deadlines."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    jurisdiction: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(Text, default="")
    deadlines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped by every reviewer merge or split, so that a cached duplicate index knows it is stale.
    groups_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Known only once they happen; they start the working-day counts of the follow-up
    # (results report after the dialogue, announcement after the conclusion notice).
    dialogue_date: Mapped[date | None] = mapped_column(Date, default=None)
    conclusion_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # intake, reviewer, admin
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """An API key; only its SHA-256 is stored, the prefix helps people tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship()


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("campaign_id", "client_batch_id", name="uq_batch_client_id"),
        UniqueConstraint("campaign_id", "idempotency_key", name="uq_batch_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # "b3", used in opinion ids
    client_batch_id: Mapped[str | None] = mapped_column(String(200), default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    source: Mapped[str] = mapped_column(String(20))  # web, api, cli
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    submitter: Mapped[str | None] = mapped_column(String(300), default=None)
    input_format: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str | None] = mapped_column(String(300), default=None)
    raw_input: Mapped[str] = mapped_column(Text)  # verbatim (base64 for binary uploads)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    skipped: Mapped[list[Any]] = mapped_column(default=list)
    opinion_count: Mapped[int] = mapped_column(Integer, default=0)
    model_version: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    opinions: Mapped[list[Opinion]] = relationship(
        back_populates="batch", order_by="Opinion.position"
    )


class DuplicateGroup(Base):
    """Opinions judged to make the same request; spans the batches of a campaign."""

    __tablename__ = "duplicate_groups"
    __table_args__ = (UniqueConstraint("campaign_id", "key", name="uq_group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # "c0012"
    representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("opinions.id", use_alter=True, name="fk_group_representative"), default=None
    )
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Opinion(Base):
    __tablename__ = "opinions"
    __table_args__ = (
        UniqueConstraint("batch_id", "external_id", name="uq_opinion_external_id"),
        Index("ix_opinion_filters", "campaign_id", "category", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True)  # "b3-0007"
    external_id: Mapped[str] = mapped_column(String(200))  # the caller's id, or assigned
    position: Mapped[int] = mapped_column(Integer)
    original_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    masked_text: Mapped[str] = mapped_column(Text)
    folded_text: Mapped[str] = mapped_column(Text)  # for search with or without diacritics
    # Abbreviations expanded: with its folded form, what the duplicate index is rebuilt from.
    expanded_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    section: Mapped[str | None] = mapped_column(String(500), default=None)
    line: Mapped[int | None] = mapped_column(Integer, default=None)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    submitter: Mapped[str | None] = mapped_column(String(500), default=None)
    locality: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    locality_source: Mapped[str | None] = mapped_column(String(20), default=None)
    category: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    department: Mapped[str] = mapped_column(String(40))
    escalate: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    escalation_level: Mapped[str | None] = mapped_column(String(20), default=None)
    escalation_reason: Mapped[str | None] = mapped_column(Text, default=None)
    escalation_ground: Mapped[str | None] = mapped_column(String(64), default=None)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_reasons: Mapped[list[Any]] = mapped_column(default=list)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[str] = mapped_column(String(100))
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("duplicate_groups.id"), default=None, index=True
    )
    # The department's written answer. Follow-up status (chưa trả lời / đã trả lời / quá hạn)
    # is derived from it, the campaign's deadline and today's date, never stored.
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answer_reference: Mapped[str | None] = mapped_column(String(300), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_opinion_answered_by"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    batch: Mapped[Batch] = relationship(back_populates="opinions")
    group: Mapped[DuplicateGroup | None] = relationship(foreign_keys=[group_id])
    events: Mapped[list[DecisionEvent]] = relationship(
        back_populates="opinion", order_by="DecisionEvent.id"
    )


class DecisionEvent(Base):
    """One change of a decision: by a model version or by a reviewer, before and after."""

    __tablename__ = "decision_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))  # "decision", "category", "department"...
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor_kind: Mapped[str] = mapped_column(String(20))  # model, reviewer, system
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="events")


class ModelVersionRow(Base):
    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(20))  # candidate, promoted, retired, refused
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    card: Mapped[dict[str, Any]] = mapped_column(default=dict)
    refusal_reason: Mapped[str | None] = mapped_column(Text, default=None)
    corrections_used: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class TrainingJob(Base):
    __tablename__ = "training_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # queued, running, succeeded, failed
    progress: Mapped[str] = mapped_column(String(200), default="")
    requested_by: Mapped[str] = mapped_column(String(100))
    model_key: Mapped[str | None] = mapped_column(String(100), default=None)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
