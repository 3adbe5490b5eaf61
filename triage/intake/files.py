"""Office files given as bytes: the first sheet of an .xlsx with a header, and .docx documents.

A .docx is read in body order: paragraphs go through the document splitter, tables with a
header row are read like Excel rows under the section the paragraphs above them opened, and
tables without one (the two-column title and signature blocks) are read as lines.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from triage.intake.errors import IntakeError
from triage.intake.formats import Record, find_header, read_rows, repair_records
from triage.intake.models import Draft, Line, SkippedPart
from triage.intake.repair import repair_texts
from triage.intake.split import DocumentSplitter

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction

__all__ = ["office_kind", "read_docx", "read_xlsx"]

_BULLETS = ("•", "◦", "▪", "▫", "‣", "⁃")
_STT = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])[.)]?$")


def office_kind(data: bytes) -> str | None:
    """ "xlsx", "docx", "zip" (another archive) or None when `data` is not a zip at all."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def read_xlsx(
    data: bytes, jurisdiction: Jurisdiction
) -> tuple[list[Draft], list[SkippedPart], str | None]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IntakeError(
            f"Không mở được tệp Excel (.xlsx): {type(exc).__name__}. "
            "Hãy mở tệp trong Excel, lưu lại dạng .xlsx rồi thử lại.",
            "byte 0",
        ) from None
    names = ", ".join(sheet.title for sheet in book.worksheets) or "(không có)"
    try:
        for sheet in book.worksheets:
            records = [
                Record(number, [_cell_text(v) for v in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
            fixed, legacy = repair_records(records)
            if find_header(fixed) is None:
                continue
            drafts, skipped = read_rows(records, fixed, jurisdiction, unit="hàng")
            return drafts, skipped, legacy
    finally:
        book.close()
    raise IntakeError(
        f"Không tìm thấy cột nội dung ý kiến trong các trang tính ({names}), 20 hàng đầu. "
        'Dòng tiêu đề cần có một cột như "Nội dung ý kiến" hoặc "Ý kiến, kiến nghị".',
        "hàng 1",
    )


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph's text with Word's automatic list numbering turned into a bullet."""
    text: str = paragraph.text
    ppr = paragraph._p.pPr
    level = None
    if ppr is not None and ppr.numPr is not None:
        ilvl = ppr.numPr.ilvl
        level = int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
    else:
        style = getattr(paragraph.style, "name", "") or ""
        if style.startswith(("List Number", "List Bullet")):
            level = 0 if not style[-1].isdigit() else max(int(style[-1]) - 1, 0)
    if level is not None and text.strip():
        text = f"{_BULLETS[min(level, len(_BULLETS) - 1)]} {text.strip()}"
    return text


def read_docx(
    data: bytes, jurisdiction: Jurisdiction
) -> tuple[list[Draft], list[SkippedPart], str | None]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise IntakeError(
            f"Không mở được tệp Word (.docx): {type(exc).__name__}. "
            "Hãy mở tệp trong Word, lưu lại dạng .docx rồi thử lại.",
            "byte 0",
        ) from None

    # First pass: every text in body order, so that the repair judges the whole file.
    blocks: list[tuple[str, Any]] = []  # ("p", (number, text)) | ("t", [Record])
    number = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            blocks.append(("p", (number, _paragraph_text(Paragraph(child, document)))))
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                number += 1
                rows.append(Record(number, [cell.text for cell in row.cells]))
            blocks.append(("t", rows))
    texts: list[str] = []
    for kind, payload in blocks:
        if kind == "p":
            texts.append(payload[1])
        else:
            texts.extend(cell for record in payload for cell in record.cells)
    fixed, legacy = repair_texts(texts)

    splitter = DocumentSplitter(jurisdiction, paragraphs=True)
    pos = 0
    for kind, payload in blocks:
        if kind == "p":
            number, raw = payload
            for raw_line, text_line in zip(raw.split("\n"), fixed[pos].split("\n"), strict=False):
                splitter.feed(Line(raw_line, text_line, number))
            pos += 1
            continue
        records: list[Record] = payload
        repaired: list[Record] = []
        for record in records:
            repaired.append(Record(record.number, fixed[pos : pos + len(record.cells)]))
            pos += len(record.cells)
        if find_header(repaired) is not None:
            splitter.flush()
            drafts, skipped = read_rows(
                records, repaired, jurisdiction, unit="hàng", section=splitter.section()
            )
            splitter.drafts.extend(drafts)
            splitter.skipped.extend(skipped)
            continue
        for record, fixed_record in zip(records, repaired, strict=True):
            _feed_table_row(splitter, record, fixed_record.cells)
    splitter.flush()
    return splitter.drafts, splitter.skipped, legacy


def _feed_table_row(splitter: DocumentSplitter, record: Record, fixed: list[str]) -> None:
    """A row of a table without header: a numbered opinion, or blocks of text per cell."""
    pairs = []
    seen: set[str] = set()
    for raw, text in zip(record.cells, fixed, strict=True):
        if raw.strip() and raw not in seen:  # merged cells repeat their text
            seen.add(raw)
            pairs.append((raw, text))
    if len(pairs) >= 2 and _STT.match(pairs[0][1].strip()):
        stt = pairs[0][1].strip().rstrip(".)")
        raw_rest = " ".join(r for r, _ in pairs[1:])
        text_rest = " ".join(t for _, t in pairs[1:])
        splitter.feed(Line(f"{stt}. {raw_rest}", f"{stt}. {text_rest}", record.number))
        splitter.flush()
        return
    for raw, text in pairs:
        for raw_line, text_line in zip(raw.split("\n"), text.split("\n"), strict=False):
            splitter.feed(Line(raw_line, text_line, record.number))
        splitter.feed(Line("", "", record.number))
