"""Readers for generated Office files: every text a person (or a search) could find in them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from docx import Document
from docx.table import Table
from openpyxl import Workbook, load_workbook


def open_xlsx(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def xlsx_texts(content: bytes) -> list[str]:
    """Every non-empty cell of every sheet, as text, plus the sheet names."""
    workbook = open_xlsx(content)
    texts = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            texts.extend(str(c.value) for c in row if c.value is not None)
    return texts


def _table_texts(table: Table) -> Iterator[str]:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                yield paragraph.text
            for inner in cell.tables:
                yield from _table_texts(inner)


def docx_paragraphs(content: bytes) -> list[str]:
    """Body paragraphs in order (tables excluded)."""
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def docx_texts(content: bytes) -> list[str]:
    """Every paragraph of the body, of every table (nested too), of headers and footers."""
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(_table_texts(table))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):
            texts.extend(p.text for p in part.paragraphs)
    return texts


def raw_xml_text(content: bytes) -> str:
    """All XML parts of an Office file, concatenated: catches text no API walks through."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", errors="replace")
            for name in archive.namelist()
            if name.endswith(".xml") or name.endswith(".rels")
        )
