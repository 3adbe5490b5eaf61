"""The plain input of every export: opinions as the reports need them, and one campaign's view.

Exports are built from `ReportData` only, never from the database or the pipeline, so the
command line (from a JSONL of triage records), the API (from stored opinions) and the tests
all feed the same builders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from triage.jurisdiction import Jurisdiction

__all__ = ["RecordError", "ReportData", "ReportOpinion", "report_opinions_from_records"]


class RecordError(ValueError):
    """A record that cannot become a report line; the message is for staff (Vietnamese)."""


@dataclass
class ReportOpinion:
    """One citizen's opinion with its decision, duplicate group and follow-up state."""

    id: str
    text: str
    masked_text: str = ""
    locality: str | None = None
    locality_name: str = ""
    category: str = "off_topic"
    department: str = ""
    escalate: bool = False
    escalation_level: str | None = None
    escalation_reason: str | None = None
    cluster: str = ""
    duplicate_of: str | None = None
    cluster_size: int = 1
    sources: list[str] = field(default_factory=list)  # member ids of the group (representative)
    submitter: str | None = None
    status: str | None = None  # a stored status; the reports recompute it from answer + date
    answer: str | None = None  # the department's answer, once recorded
    deadline: date | None = None  # None: the campaign's `departments_answer`
    category_label: str = ""
    department_name: str = ""
    position: int = 0  # order in the batch, to keep a stable order among equals


@dataclass
class ReportData:
    """Everything one export shows: a campaign, or any filtered view of it."""

    campaign: str
    jurisdiction: Jurisdiction
    generated: date  # the report's date, and "today" for statuses and overdue counts
    opinions: list[ReportOpinion]
    public: bool = False  # mask personal data and leave out submitters
    scope: str | None = None  # a filtered view says what it shows ("Phòng Tư pháp", ...)
    dialogue_date: date | None = None  # once known: the results-report deadline is printed
    conclusion_date: date | None = None  # once known: the follow-up deadline is printed


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _optional_text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _deadline(record: Mapping[str, Any], where: str) -> date | None:
    value = record.get("deadline")
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise RecordError(
            f"{where}: hạn trả lời {value!r} không đúng dạng năm-tháng-ngày (YYYY-MM-DD)."
        ) from exc


def report_opinions_from_records(
    records: Iterable[Mapping[str, Any]], jurisdiction: Jurisdiction | None = None
) -> list[ReportOpinion]:
    """Triage records (as `triage run --format jsonl` writes them) → report opinions.

    Follow-up fields that a store adds later (`answer`, `status`, `deadline`) are read when
    present. With a jurisdiction, missing locality, category and department names are filled.
    """
    opinions: list[ReportOpinion] = []
    for index, record in enumerate(records, start=1):
        where = f"Bản ghi {index}"
        if not isinstance(record, Mapping):
            raise RecordError(f"{where}: không phải một đối tượng JSON.")
        ident = _text(record, "id").strip()
        text = _text(record, "text").strip()
        if not ident:
            raise RecordError(f"{where}: thiếu mã ý kiến (id).")
        if not text:
            raise RecordError(f"{where} ({ident}): thiếu nội dung ý kiến (text).")
        sources = record.get("sources") or []
        if not isinstance(sources, list):
            raise RecordError(f"{where} ({ident}): trường sources phải là một danh sách.")
        locality = _optional_text(record, "locality")
        category = _text(record, "category") or "off_topic"
        department = _text(record, "department")
        opinion = ReportOpinion(
            id=ident,
            text=text,
            masked_text=_text(record, "masked_text"),
            locality=locality,
            locality_name=_text(record, "locality_name"),
            category=category,
            department=department,
            escalate=bool(record.get("escalate")),
            escalation_level=_optional_text(record, "escalation_level"),
            escalation_reason=_optional_text(record, "escalation_reason"),
            cluster=_text(record, "cluster") or ident,
            duplicate_of=_optional_text(record, "duplicate_of"),
            cluster_size=max(1, int(record.get("cluster_size") or 1)),
            sources=[str(s) for s in sources],
            submitter=_optional_text(record, "submitter"),
            status=_optional_text(record, "status"),
            answer=_optional_text(record, "answer"),
            deadline=_deadline(record, f"{where} ({ident})"),
            category_label=_text(record, "category_label"),
            department_name=_text(record, "department_name"),
            position=int(record.get("position") or index),
        )
        if jurisdiction is not None:
            fill_names(opinion, jurisdiction)
        opinions.append(opinion)
    return opinions


def fill_names(opinion: ReportOpinion, jurisdiction: Jurisdiction) -> None:
    """Fills display names the record did not carry, from the jurisdiction's data."""
    if opinion.locality and not opinion.locality_name:
        locality = jurisdiction.localities.get(opinion.locality)
        if locality is not None:
            opinion.locality_name = locality.name
    if not opinion.category_label:
        opinion.category_label = jurisdiction.categories.get(opinion.category, "")
    if not opinion.department_name:
        department = jurisdiction.departments.get(opinion.department)
        if department is not None:
            opinion.department_name = department.name
