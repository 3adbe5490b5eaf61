"""Request and response bodies of the API (what the OpenAPI document describes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from triage.pipeline import ContractRecord, TriageRecord

__all__ = ["TriageRecord"]


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, AfterValidator(_utc)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- records ---------------------------------------------------------------------------------


class OpinionRecord(ContractRecord):
    """A stored opinion: the contract's triage record, then the product's extras."""

    id: str = Field(description="The caller's own id where it sent one, else `opinion_id`.")
    cluster: str = Field(description="Key of the duplicate group (spans batches).")
    duplicate_of: str | None = Field(description="`opinion_id` of the group's representative.")
    opinion_id: str = Field(description="Unique across batches, e.g. b3-0007.")
    batch: str
    position: int
    submitter: str | None = None
    original_text: str = ""
    masked_text: str = ""
    locality_source: str | None = None
    section: str | None = None
    line: int | None = None
    category_label: str = ""
    department_name: str = ""
    escalation_ground: str | None = None
    cluster_size: int = 1
    review_reasons: list[str] = Field(default_factory=list)
    explanation: dict[str, Any] = Field(default_factory=dict)
    model_version: str = Field("", description="The model version that decided it.")
    reviewed: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    status: str | None = Field(
        None, description="Follow-up status, derived on the day: \"chưa trả lời\", "
                          "\"đã trả lời\" or \"quá hạn\".")
    deadline: date | None = Field(None, description="The day the department must answer by.")
    overdue_days: int = Field(0, description="Working days late (0 when not overdue).")
    answer: str | None = Field(
        None, description="The department's answer: its own, or its duplicate group's.")
    answer_reference: str | None = Field(None, description="Number and date of the answer.")
    answered_at: Timestamp | None = None
    answered_by: str | None = Field(None, description="Who recorded the answer.")
    answer_from: str | None = Field(
        None, description="`opinion_id` of the group member whose answer this one shares.")


class DecisionEventOut(BaseModel):
    field: str
    before: dict[str, Any]
    after: dict[str, Any]
    actor_kind: str = Field(description="model, reviewer or system")
    actor: str = Field(description="The model version or the reviewer's user name.")
    note: str | None = None
    at: Timestamp


class OpinionDetail(OpinionRecord):
    history: list[DecisionEventOut]


class OpinionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[OpinionRecord]


# --- batches ---------------------------------------------------------------------------------


class BatchItemIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str
    id: str | int | None = None
    locality: str | None = None
    submitter: str | None = None


class BatchIn(ApiModel):
    """A batch as JSON: raw pasted text, or a list of items."""

    text: str | None = Field(None, description="Raw text: a compiled document, Excel rows, "
                                               "posts, CSV or JSON Lines.")
    items: list[BatchItemIn] | None = None
    client_batch_id: str | None = Field(None, max_length=200)
    submitter: str | None = Field(None, max_length=300,
                                  description="Who sent the batch, e.g. MTTQ phường Lê Lợi.")
    input_format: Literal["jsonl", "csv", "tsv", "text", "document", "posts"] | None = None
    filename: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _one_of(self) -> BatchIn:
        if (self.text is None) == (self.items is None):
            raise ValueError('gửi đúng một trong hai trường "text" hoặc "items"')
        return self


class SkippedPart(BaseModel):
    text: str
    line: int
    reason: str


class BatchSummary(BaseModel):
    key: str
    client_batch_id: str | None
    idempotency_key: str | None
    source: str
    submitter: str | None
    submitted_by: str | None
    input_format: str
    filename: str | None
    opinion_count: int
    model_version: str
    created_at: Timestamp


class BatchOut(BatchSummary):
    skipped: list[SkippedPart]
    records: list[OpinionRecord]


class BatchPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[BatchSummary]


class TriageIn(ApiModel):
    text: str = Field(min_length=1)
    id: str | None = None
    locality: str | None = None
    submitter: str | None = None


# --- corrections -----------------------------------------------------------------------------


class EscalationIn(ApiModel):
    escalate: bool
    level: Literal["city", "central"] | None = None
    reason: str | None = None
    ground: str | None = Field(None, description="An escalation ground code of the jurisdiction.")


class CorrectionIn(ApiModel):
    """Only the fields sent change; an empty body confirms the decision as it is."""

    category: str | None = None
    department: str | None = None
    escalation: EscalationIn | None = None
    locality: str | None = Field(None, description="A locality code; null clears it.")
    note: str | None = Field(None, max_length=2000)


# --- groups ----------------------------------------------------------------------------------


class GroupOut(BaseModel):
    key: str
    size: int
    representative: OpinionRecord | None
    created_at: Timestamp


class GroupDetail(GroupOut):
    members: list[OpinionRecord]


class GroupPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[GroupOut]


class MergeIn(ApiModel):
    groups: list[str] = Field(min_length=1)
    into: str | None = Field(None, description="The group that stays; default: the oldest.")
    note: str | None = None


class SplitIn(ApiModel):
    opinions: list[str] = Field(min_length=1, description="`opinion_id`s to move out.")
    note: str | None = None


# --- models ----------------------------------------------------------------------------------


class ModelVersionOut(BaseModel):
    key: str
    status: str = Field(description="candidate, promoted, retired or refused")
    promoted: bool
    metrics: dict[str, Any]
    refusal_reason: str | None
    corrections_used: int
    card: dict[str, Any]
    created_at: Timestamp
    promoted_at: Timestamp | None


class ModelList(BaseModel):
    promoted: str | None
    promotion_tolerance: float
    versions: list[ModelVersionOut]


class RetrainIn(ApiModel):
    promote: bool = Field(False, description="Promote at once if not worse than the current.")


class JobOut(BaseModel):
    id: int
    status: str = Field(description="queued, running, succeeded or failed")
    progress: str
    requested_by: str
    model_key: str | None
    result: dict[str, Any]
    error: str | None
    created_at: Timestamp
    finished_at: Timestamp | None


# --- users -----------------------------------------------------------------------------------


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: Timestamp
    revoked_at: Timestamp | None


class NewApiKey(ApiKeyOut):
    key: str = Field(description="Shown once; only its hash is stored.")


class UserIn(ApiModel):
    username: str
    role: Literal["intake", "reviewer", "admin"]
    display_name: str = ""
    password: str | None = None


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    created_at: Timestamp
    keys: list[ApiKeyOut] = Field(default_factory=list)


class KeyIn(ApiModel):
    name: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    username: str
    role: str


class Health(BaseModel):
    status: str
    model: str | None
    campaign: str


# --- follow-up and exports -------------------------------------------------------------------


class AnswerIn(ApiModel):
    """The department's written answer to an opinion (and so to its duplicate group)."""

    answer: str = Field(min_length=1, max_length=20_000,
                        description="What the department answered, or its summary.")
    reference: str | None = Field(None, max_length=300,
                                  description="Number and date of the answer, e.g. "
                                              "\"Văn bản số 125/TNMT ngày 29/8/2023\".")
    note: str | None = Field(None, max_length=2000)


class CampaignDatesIn(ApiModel):
    """Dates that become known during the campaign; a field sent as null clears it."""

    dialogue_date: date | None = None
    conclusion_date: date | None = None
    departments_answer: date | None = None


class CampaignOut(BaseModel):
    code: str
    name: str
    today: date
    departments_answer: date | None
    dialogue_date: date | None
    conclusion_date: date | None
    results_report_due: date | None = Field(description="N working days after the dialogue.")
    follow_up_due: date | None = Field(description="After the conclusion notice.")
    results_report_working_days: int
    follow_up_days_after_conclusion: int
    follow_up_counts_working_days: bool


class OverdueIssue(BaseModel):
    cluster: str
    representative: str = Field(description="`opinion_id` of the issue's representative.")
    text: str
    count: int = Field(description="How many people raised it.")
    localities: list[str]
    deadline: date | None
    overdue_days: int = Field(description="Working days late.")
    opinion_ids: list[str]
    escalate: bool


class OverdueDepartment(BaseModel):
    department: str
    department_name: str
    issues: int
    opinions: int
    items: list[OverdueIssue]


class OverdueOut(BaseModel):
    today: date
    deadline: date | None
    issues: int
    opinions: int
    departments: list[OverdueDepartment]
