"""Plain data that intake hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonalDataSpan:
    """A piece of personal data in an opinion's `text` (offsets into that string)."""

    kind: str  # "phone" | "citizen_id" | "email" | "name"
    start: int
    end: int
    value: str


@dataclass
class IntakeOpinion:
    id: str
    position: int  # 1-based order in the batch
    original: str  # the raw item as it came in (lead-in included, before repair)
    text: str  # repaired text, lead-in and list marker removed, whitespace collapsed
    submitter: str | None
    locality: str | None
    locality_source: str | None  # "text" | "address" | "section" | "field" | None
    section: str | None  # heading the item sits under, as written
    line: int | None  # 1-based input line (row for spreadsheets) where the item starts
    masked_text: str  # `text` with personal data masked, fit for publication
    personal_data: list[PersonalDataSpan] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkippedPart:
    """A part of the input that is not an opinion, kept so that nothing disappears silently."""

    text: str
    line: int
    reason: str  # Vietnamese: "tiêu đề", "nơi nhận", "chữ ký", "đề mục", ...


@dataclass
class Batch:
    format: str  # "jsonl" | "csv" | "tsv" | "document" | "posts" | "xlsx" | "docx"
    opinions: list[IntakeOpinion]
    skipped: list[SkippedPart] = field(default_factory=list)
    legacy_encoding: str | None = None  # e.g. "tcvn3", "vni" when the text was repaired


# --- internal: what the readers hand to the finishing step ---------------------------------


@dataclass(frozen=True)
class Line:
    """One input line: as it came (`raw`), repaired (`text`), and the number shown to users."""

    raw: str
    text: str
    number: int


@dataclass
class Draft:
    """An opinion before ids, locality and personal data are settled."""

    original: str
    text: str
    line: int | None
    submitter: str | None = None
    speaker: str = ""  # the lead-in, searched for a locality together with the text
    caller_id: str | None = None
    stt: str | None = None  # a table's row number (STT): an id only if no id column exists
    locality_field: str | None = None
    address: str | None = None
    section: str | None = None
    section_locality: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
