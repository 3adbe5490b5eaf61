"""Structured inputs: JSON Lines and tables (CSV, tab-separated Excel pastes, sheets).

Tables are recognised by their header row, whatever the column order or spelling
("Nội dung ý kiến", "Ý kiến, kiến nghị", "noi dung"); rows that only carry a ward or commune
name ("I | PHƯỜNG TRUNG HƯNG") open a section, as they do in the Front's compiled sheets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from triage.intake.errors import IntakeError
from triage.intake.folding import collapse, fold_same_length, upper_ratio
from triage.intake.locality import find_locality, locality_heading
from triage.intake.models import Draft, SkippedPart
from triage.intake.repair import repair_texts
from triage.intake.vocabulary import (
    ADDRESS_HEADER_WORDS,
    ADDRESS_HEADERS_EXACT,
    CONTENT_HEADER_WORDS,
    CONTENT_HEADERS_EXACT,
    ID_HEADERS_EXACT,
    LOCALITY_FIELD_HEADERS_EXACT,
    NAME_HEADER_WORDS,
    NAME_HEADERS_EXACT,
    NON_CONTENT_HEADER_WORDS,
    ORG_HEADING_PATTERN,
    STT_HEADERS_EXACT,
)

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction

__all__ = [
    "Columns",
    "Record",
    "detect_table",
    "find_header",
    "parse_json_items",
    "parse_table",
    "read_rows",
    "repair_records",
    "resolve_locality_field",
]

HEADER_SCAN_ROWS = 20
_DELIMITERS = ("\t", ";", ",", "|")
_ORG = re.compile(ORG_HEADING_PATTERN)
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]+|[A-ZĐ]|[a-zđ])[.)]?$")


def normalise_header(cell: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold_same_length(cell.strip())).split())


@dataclass(frozen=True)
class Record:
    """One table row: its number for users (line or row) and its raw cells."""

    number: int
    cells: list[str]


@dataclass
class Columns:
    content: int
    headers: list[str]
    name: int | None = None
    address: list[int] = field(default_factory=list)
    id: int | None = None
    stt: int | None = None
    locality: int | None = None


def _content_score(h: str) -> int:
    if not h:
        return 0
    if h in CONTENT_HEADERS_EXACT:
        return 3
    if any(w in h for w in NON_CONTENT_HEADER_WORDS):
        return 0
    return 2 if any(w in h for w in CONTENT_HEADER_WORDS) else 0


def find_header(records: list[Record]) -> tuple[int, Columns] | None:
    """Index of the header among the first rows and what each column holds."""
    for index, record in enumerate(records[:HEADER_SCAN_ROWS]):
        cells = record.cells
        normal = [normalise_header(c) for c in cells]
        if sum(1 for h in normal if h) < 2 or any(len(c) > 80 for c in cells):
            continue
        scores = [_content_score(h) for h in normal]
        best = max(scores, default=0)
        if not best:
            continue
        cols = Columns(content=scores.index(best), headers=[c.strip() for c in cells])
        for i, h in enumerate(normal):
            if i == cols.content or not h:
                continue
            if h in ID_HEADERS_EXACT and cols.id is None:
                cols.id = i
            elif h in STT_HEADERS_EXACT and cols.stt is None:
                cols.stt = i
            elif h in LOCALITY_FIELD_HEADERS_EXACT and cols.locality is None:
                cols.locality = i
            elif cols.name is None and (
                h in NAME_HEADERS_EXACT or any(w in h for w in NAME_HEADER_WORDS)
            ):
                cols.name = i
            elif h in ADDRESS_HEADERS_EXACT or any(h.startswith(w) for w in ADDRESS_HEADER_WORDS):
                cols.address.append(i)
        return index, cols
    return None


def parse_table(text: str, delimiter: str) -> list[Record]:
    """Rows of delimited text with the line each starts on; quoted cells may span lines."""
    records: list[Record] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            records.append(Record(start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise IntakeError(
            f"Dòng {start}: không đọc được bảng ({exc}). Kiểm tra các ô có dấu ngoặc kép.",
            f"dòng {start}",
        ) from None
    if any(delimiter in c and "\n" in c for r in records for c in r.cells):
        # An unbalanced quote swallowed the rows after it: read line by line instead.
        records = []
        for number, line in enumerate(text.split("\n"), 1):
            records.append(Record(number, line.split(delimiter)))
    return records


def detect_table(text: str, forced: str | None = None) -> tuple[str, list[Record]] | None:
    """The delimiter and rows when `text` is a table with a recognisable header row."""
    head = text[:65536]
    delimiters = ("\t",) if forced == "tsv" else _DELIMITERS
    if forced == "csv":
        delimiters = (",", ";", "\t", "|")
    for delimiter in delimiters:
        if delimiter not in head:
            continue
        try:
            sample = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        sample_records = [Record(i, cells) for i, cells in enumerate(sample[:HEADER_SCAN_ROWS])]
        found = find_header(sample_records)
        if found is None:
            continue
        index, _ = found
        width = len(sample[index])
        following = [r for r in sample[index + 1 : index + 11] if any(c.strip() for c in r)]
        same = sum(1 for r in following if len(r) == width)
        if not forced and (width < 2 or not following or same < 0.6 * len(following)):
            continue  # a sentence that happens to read like a header, or a header with no rows
        return delimiter, parse_table(text, delimiter)
    return None


# Word puts a tab after its automatic list numbers: "1.\tĐề nghị ...", "-\tĐề nghị ...".
_LIST_CELL = re.compile(r"^\s*(?:\d{1,3}[.)]|[IVX]{1,5}[.)]|[a-zđA-ZĐ][.)]|[-+•*–—●▪◦])\s*$")


def all_lines_tabbed(lines: list[str]) -> bool:
    """Every non-empty line has the same number (>0) of tabs: a table without a header."""
    filled = [line for line in lines[:200] if line.strip()]
    if len(filled) < 2 or any(_LIST_CELL.match(line.split("\t", 1)[0]) for line in filled):
        return False
    counts = {line.count("\t") for line in filled}
    return len(counts) == 1 and counts != {0}


# --- table rows → drafts -------------------------------------------------------------------


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _section_text(record: Record, cols: Columns, jurisdiction: Jurisdiction) -> str | None:
    """The heading a row carries when it is a section row rather than an opinion."""
    texts: list[str] = []
    for i, cell in enumerate(record.cells):
        value = collapse(cell)
        if not value or (i in (cols.stt, cols.id) and _ROMAN_OR_LETTER.match(value)):
            continue
        if value not in texts:
            texts.append(value)
    if len(texts) != 1:
        return None
    text = texts[0]
    letters, ratio = upper_ratio(text)
    folded = fold_same_length(text)
    if (
        locality_heading(text, jurisdiction)
        or (letters >= 3 and ratio >= 0.8 and len(text.split()) <= 15)
        or (_ORG.match(folded) and len(text.split()) <= 10)
    ):
        return text.rstrip(" :.")
    stt = collapse(_cell(record.cells, cols.stt))
    if stt and _ROMAN_OR_LETTER.match(stt) and not stt[0].isdigit() and len(text.split()) <= 12:
        return text.rstrip(" :.")
    return None


def repair_records(records: list[Record]) -> tuple[list[Record], str | None]:
    """The same rows with every cell repaired, judged together as one batch."""
    fixed, legacy = repair_texts([cell for r in records for cell in r.cells])
    out: list[Record] = []
    pos = 0
    for record in records:
        out.append(Record(record.number, fixed[pos : pos + len(record.cells)]))
        pos += len(record.cells)
    return out, legacy


def read_rows(
    records: list[Record],
    fixed: list[Record],
    jurisdiction: Jurisdiction,
    *,
    unit: str,
    section: tuple[str | None, str | None] = (None, None),
) -> tuple[list[Draft], list[SkippedPart]]:
    """Drafts from table rows: `records` as they came, `fixed` the same rows repaired."""
    found = find_header(fixed)
    if found is None:
        first = records[0].number if records else 1
        raise IntakeError(
            f"Không tìm thấy cột nội dung ý kiến trong {HEADER_SCAN_ROWS} {unit} đầu "
            f'(từ {unit} {first}). Dòng tiêu đề cần có một cột như "Nội dung ý kiến", '
            '"Ý kiến, kiến nghị" hoặc "Nội dung phản ánh".',
            f"{unit} {first}",
        )
    index, cols = found
    drafts: list[Draft] = []
    skipped: list[SkippedPart] = []
    for record in fixed[:index]:
        text = collapse(" ".join(record.cells))
        if text:
            skipped.append(SkippedPart(text, record.number, "tiêu đề"))
    skipped.append(
        SkippedPart(collapse(" | ".join(cols.headers)), records[index].number, "dòng tiêu đề bảng")
    )
    section_text, section_locality = section
    for skipped_title in skipped[:-1]:
        # "DANH SÁCH Ý KIẾN CỬ TRI PHƯỜNG SƠN LỘC" above the header places the whole sheet.
        code = find_locality(skipped_title.text, jurisdiction)
        if code:
            section_text, section_locality = skipped_title.text, code
    special = {cols.content, cols.name, cols.id, cols.locality, *cols.address}
    for i in range(index + 1, len(records)):
        record = records[i]
        cells = fixed[i].cells
        if not any(c.strip() for c in cells):
            continue
        heading = _section_text(Record(record.number, cells), cols, jurisdiction)
        if heading is not None:
            section_text = heading
            section_locality = locality_heading(heading, jurisdiction) or find_locality(
                heading, jurisdiction
            )
            skipped.append(SkippedPart(heading, record.number, "đề mục"))
            continue
        content = collapse(_cell(cells, cols.content))
        if not content:
            skipped.append(
                SkippedPart(collapse(" ".join(cells)), record.number, "không có nội dung")
            )
            continue
        name = collapse(_cell(cells, cols.name))
        address = ", ".join(a for a in (collapse(_cell(cells, j)) for j in cols.address) if a)
        submitter = ", ".join(p for p in (name, address) if p) or None
        extra = {}
        for j, header in enumerate(cols.headers):
            value = collapse(_cell(cells, j))
            if j not in special and value:
                extra[header or f"cột {j + 1}"] = value
        drafts.append(
            Draft(
                original=_cell(record.cells, cols.content).strip(),
                text=content,
                line=record.number,
                submitter=submitter,
                caller_id=collapse(_cell(record.cells, cols.id)) or None,
                stt=collapse(_cell(record.cells, cols.stt)) or None,
                locality_field=collapse(_cell(cells, cols.locality)) or None,
                address=address or None,
                section=section_text,
                section_locality=section_locality,
                extra=extra,
            )
        )
    return drafts, skipped


# --- JSON -------------------------------------------------------------------------------


def _str_value(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


def _json_draft(obj: Any, where: str, number: int | None) -> Draft:
    if not isinstance(obj, dict):
        raise IntakeError(
            f"{where.capitalize()}: không phải một đối tượng JSON {{...}}. "
            'Mỗi dòng phải là một đối tượng có trường "text".',
            where,
        )
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IntakeError(
            f'{where.capitalize()}: thiếu trường "text" hoặc trường này rỗng. '
            'Mỗi ý kiến cần có nội dung trong trường "text".',
            where,
        )
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or (raw_id is not None and not isinstance(raw_id, str | int)):
        raise IntakeError(f'{where.capitalize()}: trường "id" phải là chuỗi hoặc số.', where)
    locality = obj.get("locality")
    if locality is not None and not isinstance(locality, str):
        raise IntakeError(
            f'{where.capitalize()}: trường "locality" phải là mã địa bàn (chuỗi).', where
        )
    submitter = obj.get("submitter")
    extra = {}
    for key, value in obj.items():
        if key in {"text", "id", "locality", "submitter"}:
            continue
        as_str = _str_value(value)
        if as_str is not None:
            extra[str(key)] = as_str
    return Draft(
        original=text,
        text=text,
        line=number,
        submitter=(submitter.strip() or None) if isinstance(submitter, str) else None,
        caller_id=(str(raw_id).strip() or None) if raw_id is not None else None,
        locality_field=(locality.strip() or None) if locality else None,
        extra=extra,
    )


def parse_json_items(lines: list[str], text: str) -> list[Draft]:
    """Drafts from JSON Lines (or one JSON array of objects)."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            at = text[: len(text) - len(stripped)].count("\n") + exc.lineno
            raise IntakeError(
                f"Dòng {at}: JSON không hợp lệ ({exc.msg}, cột {exc.colno}). "
                "Sửa dòng này hoặc gửi mỗi ý kiến một dòng (JSON Lines).",
                f"dòng {at}",
            ) from None
        if not isinstance(items, list):
            raise IntakeError("Dữ liệu JSON phải là danh sách ý kiến.", "dòng 1")
        return [_json_draft(obj, f"phần tử {i}", None) for i, obj in enumerate(items, 1)]
    drafts = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IntakeError(
                f"Dòng {number}: JSON không hợp lệ ({exc.msg}, cột {exc.colno}). "
                "Mỗi dòng phải là một đối tượng JSON đầy đủ, ví dụ "
                '{"id": "1", "text": "..."}.',
                f"dòng {number}",
            ) from None
        drafts.append(_json_draft(obj, f"dòng {number}", number))
    return drafts


def resolve_locality_field(value: str, jurisdiction: Jurisdiction, where: str) -> str:
    """The caller's locality: a code of the jurisdiction (or a name that is one exactly)."""
    if value in jurisdiction.localities:
        return value
    folded = normalise_header(value)
    for loc in jurisdiction.localities.values():
        names = (loc.code.replace("_", " "), loc.name, *loc.aliases)
        if folded in {normalise_header(n) for n in names}:
            return loc.code
    known = ", ".join(sorted(jurisdiction.localities))
    raise IntakeError(
        f'{where.capitalize()}: mã địa bàn "{value}" không có trong danh mục của '
        f"{jurisdiction.name}. Dùng một trong các mã: {known}.",
        where,
    )
