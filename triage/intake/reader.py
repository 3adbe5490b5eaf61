"""`read_batch`: any pasted or uploaded batch in, clean located opinions out.

Everything is validated before anything is returned: a batch that breaks one rule is refused
whole with one Vietnamese line that says what, where and what to do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from triage.intake.decode import check_text_content, decode_bytes
from triage.intake.errors import IntakeError
from triage.intake.files import office_kind, read_docx, read_xlsx
from triage.intake.formats import (
    Record,
    all_lines_tabbed,
    detect_table,
    parse_json_items,
    parse_table,
    read_rows,
    repair_records,
    resolve_locality_field,
)
from triage.intake.locality import find_locality
from triage.intake.models import Batch, Draft, IntakeOpinion, Line, SkippedPart
from triage.intake.personal import find_personal_data, mask_personal_data
from triage.intake.repair import repair_lines, repair_texts
from triage.intake.split import DocumentSplitter, looks_like_document, split_posts

if TYPE_CHECKING:
    from triage.jurisdiction import Jurisdiction
    from triage.settings import Settings

__all__ = ["INPUT_FORMATS", "read_batch"]

INPUT_FORMATS = ("jsonl", "csv", "tsv", "text", "document", "posts", "xlsx", "docx")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise IntakeError(
            f"Lô dữ liệu quá lớn: {_mb(size)}, vượt giới hạn {_mb(limit)} (byte {limit}). "
            "Hãy chia thành nhiều lô nhỏ hơn rồi gửi từng lô.",
            f"byte {limit}",
        )


def _check_lines(lines: list[str], limit: int) -> None:
    for number, line in enumerate(lines, 1):
        if len(line) > limit:
            raise IntakeError(
                f"Dòng {number} dài {len(line):,} ký tự, vượt giới hạn {limit:,} ký tự một dòng. "
                "Có thể tệp không phải văn bản, hoặc cần xuống dòng giữa các ý kiến.".replace(
                    ",", "."
                ),
                f"dòng {number}",
            )


def _split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n").split("\n")


def _where(draft: Draft, unit: str) -> str:
    return f"{unit} {draft.line}" if draft.line is not None else "phần tử"


def read_batch(
    data: bytes | str,
    *,
    input_format: str | None = None,
    filename: str | None = None,
    jurisdiction: Jurisdiction | None = None,
    id_prefix: str = "",
    settings: Settings | None = None,
) -> Batch:
    """Reads a batch in any supported form (detected from the content) into opinions."""
    if settings is None:
        from triage.settings import get_settings

        settings = get_settings()
    if jurisdiction is None:
        from triage.jurisdiction import default_jurisdiction

        jurisdiction = default_jurisdiction()
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise IntakeError(
            f'Định dạng "{input_format}" không được hỗ trợ. '
            f"Chọn một trong: {', '.join(INPUT_FORMATS)}.",
            None,
        )
    hint = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else ""

    codepage: str | None = None
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        _check_size(len(raw), settings.max_batch_bytes)
        if not raw.strip():
            raise _empty()
        kind = office_kind(raw)
        if kind in {"xlsx", "docx"} and input_format in {None, kind}:
            reader = read_xlsx if kind == "xlsx" else read_docx
            drafts, skipped, legacy = reader(raw, jurisdiction)
            unit = "hàng" if kind == "xlsx" else "đoạn"
            return _finish(kind, drafts, skipped, legacy, jurisdiction, settings, id_prefix, unit)
        if input_format in {"xlsx", "docx"}:
            raise IntakeError(
                f"Tệp không phải .{input_format} hợp lệ (không phải tệp Office mới). "
                "Hãy lưu lại tệp đúng định dạng rồi thử lại.",
                "byte 0",
            )
        if raw.startswith(_OLE_MAGIC):
            raise IntakeError(
                "Tệp Word/Excel đời cũ (.doc, .xls) chưa đọc được: byte 0 là dấu hiệu định dạng "
                "cũ. Hãy mở tệp và lưu lại dạng .docx hoặc .xlsx.",
                "byte 0",
            )
        if kind == "zip":
            raise IntakeError(
                "Tệp nén (.zip) không phải .xlsx hay .docx: byte 0. "
                "Hãy giải nén và gửi từng tệp văn bản, .xlsx hoặc .docx.",
                "byte 0",
            )
        text, codepage = decode_bytes(raw)
    else:
        text = data
        if len(text) > settings.max_batch_bytes:
            _check_size(len(text), settings.max_batch_bytes)  # at least one byte a character
        elif len(text) * 4 > settings.max_batch_bytes:
            _check_size(len(text.encode("utf-8", errors="surrogatepass")), settings.max_batch_bytes)
        if input_format in {"xlsx", "docx"}:
            raise IntakeError(
                f"Dữ liệu dạng văn bản không thể đọc như tệp .{input_format}: "
                "hãy gửi nội dung tệp (bytes).",
                "byte 0",
            )
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _empty()
    check_text_content(text)
    lines = _split_lines(text)
    _check_lines(lines, settings.max_line_chars)
    text = "\n".join(lines)

    fmt = input_format
    if fmt is None and _looks_like_json(lines, hint):
        fmt = "jsonl"
    if fmt == "jsonl":
        drafts = parse_json_items(lines, text)
        _check_count(len(drafts), settings.max_items_per_batch, drafts, "dòng")
        fixed, legacy = repair_texts([d.text for d in drafts])
        for draft, repaired in zip(drafts, fixed, strict=True):
            draft.text = " ".join(repaired.split())
        return _finish("jsonl", drafts, [], legacy or codepage, jurisdiction, settings, id_prefix)

    # Everything else is judged on the repaired text: a TCVN3 header is not recognisable.
    fixed_lines, legacy = repair_lines(lines)
    legacy = legacy or codepage
    fixed_text = "\n".join(fixed_lines)
    if fmt in {"csv", "tsv"} or (fmt is None and hint in {"csv", "tsv"}):
        table = detect_table(fixed_text, forced=fmt or hint)
        if table is None:
            return _no_content_column(lines)
        return _finish_table(text, table, legacy, jurisdiction, settings, id_prefix)
    if fmt is None:
        table = detect_table(fixed_text)
        if table is not None:
            return _finish_table(text, table, legacy, jurisdiction, settings, id_prefix)
        if all_lines_tabbed(lines):
            return _no_content_column(lines)
        fmt = "text"

    numbered = [Line(r, t, n) for n, (r, t) in enumerate(zip(lines, fixed_lines, strict=True), 1)]
    if fmt == "text":
        fmt = "document" if looks_like_document(numbered, jurisdiction) else "posts"
    if fmt == "document":
        splitter = DocumentSplitter(jurisdiction)
        splitter.feed_all(numbered)
        drafts, skipped = splitter.drafts, splitter.skipped
    else:
        drafts, skipped = split_posts(numbered)
    return _finish(fmt, drafts, skipped, legacy, jurisdiction, settings, id_prefix)


def _empty() -> IntakeError:
    return IntakeError(
        "Dữ liệu trống: không có nội dung nào (dòng 1). Hãy dán hoặc tải lên các ý kiến.",
        "dòng 1",
    )


def _looks_like_json(lines: list[str], hint: str) -> bool:
    """JSON Lines when the first non-empty line is a JSON object (or the file says .jsonl)."""
    first = next((line.strip() for line in lines if line.strip()), "")
    if hint in {"jsonl", "ndjson"}:
        return True  # let the JSON reader name the broken line, if any
    if first.startswith("["):
        return hint == "json"
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return hint == "json"


def _no_content_column(lines: list[str]) -> Batch:
    first = next((n for n, line in enumerate(lines, 1) if line.strip()), 1)
    raise IntakeError(
        f"Không tìm thấy cột nội dung ý kiến ở dòng tiêu đề (dòng {first}). Dòng đầu của bảng "
        'cần có một cột như "Nội dung ý kiến", "Ý kiến, kiến nghị" hoặc "Nội dung phản ánh".',
        f"dòng {first}",
    )


def _finish_table(
    text: str,
    table: tuple[str, list[Record]],
    legacy: str | None,
    jurisdiction: Jurisdiction,
    settings: Settings,
    id_prefix: str,
) -> Batch:
    delimiter, fixed = table
    records = parse_table(text, delimiter)
    same_shape = len(records) == len(fixed) and all(
        len(a.cells) == len(b.cells) and a.number == b.number
        for a, b in zip(records, fixed, strict=True)
    )
    if not same_shape:
        # The repair changed quoting (e.g. curly quotes): repair the raw cells instead.
        fixed, cell_legacy = repair_records(records)
        legacy = legacy or cell_legacy
    drafts, skipped = read_rows(records, fixed, jurisdiction, unit="dòng")
    fmt = "tsv" if delimiter == "\t" else "csv"
    return _finish(fmt, drafts, skipped, legacy, jurisdiction, settings, id_prefix)


def _check_count(count: int, limit: int, drafts: list[Draft], unit: str) -> None:
    if count > limit:
        where = _where(drafts[limit], unit)
        raise IntakeError(
            f"Lô có {count} ý kiến, vượt giới hạn {limit} ý kiến mỗi lô "
            f"(ý kiến thứ {limit + 1} ở {where}). Hãy chia thành nhiều lô nhỏ hơn.",
            where,
        )


def _finish(
    fmt: str,
    drafts: list[Draft],
    skipped: list[SkippedPart],
    legacy: str | None,
    jurisdiction: Jurisdiction,
    settings: Settings,
    id_prefix: str,
    unit: str = "dòng",
) -> Batch:
    if not drafts:
        what = f" (đã bỏ qua {len(skipped)} phần không phải ý kiến)" if skipped else ""
        raise IntakeError(
            f"Không tìm thấy ý kiến nào trong dữ liệu{what}, từ dòng 1 đến hết. "
            "Hãy kiểm tra lại nội dung đã dán.",
            "dòng 1",
        )
    _check_count(len(drafts), settings.max_items_per_batch, drafts, unit)
    for draft in drafts:
        if len(draft.text) > settings.max_item_chars:
            where = _where(draft, unit)
            raise IntakeError(
                f"Ý kiến ở {where} dài {len(draft.text)} ký tự, vượt giới hạn "
                f"{settings.max_item_chars} ký tự. Kiểm tra xem có thiếu dòng trống "
                "hoặc số thứ tự giữa các ý kiến không.",
                where,
            )
    ids = _assign_ids(drafts, id_prefix, unit)
    localities = [_locality(d, jurisdiction, unit) for d in drafts]

    opinions = []
    for position, (draft, opinion_id, (locality, source)) in enumerate(
        zip(drafts, ids, localities, strict=True), 1
    ):
        spans = find_personal_data(draft.text)
        opinions.append(
            IntakeOpinion(
                id=opinion_id,
                position=position,
                original=draft.original,
                text=draft.text,
                submitter=draft.submitter,
                locality=locality,
                locality_source=source,
                section=draft.section,
                line=draft.line,
                masked_text=mask_personal_data(draft.text, spans) if spans else draft.text,
                personal_data=spans,
                extra=draft.extra,
            )
        )
    return Batch(format=fmt, opinions=opinions, skipped=skipped, legacy_encoding=legacy)


def _assign_ids(drafts: list[Draft], id_prefix: str, unit: str) -> list[str]:
    """Caller ids where given (unique), else STT numbers when complete, else assigned."""
    seen: dict[str, Draft] = {}
    for draft in drafts:
        if draft.caller_id is None:
            continue
        if draft.caller_id in seen:
            first = seen[draft.caller_id]
            raise IntakeError(
                f'Mã ý kiến "{draft.caller_id}" bị trùng: ở {_where(draft, unit)} và '
                f"{_where(first, unit)}. Mỗi ý kiến trong lô cần một mã riêng.",
                _where(draft, unit),
            )
        seen[draft.caller_id] = draft
    stts = [d.stt for d in drafts]
    use_stt = not seen and all(stts) and len(set(stts)) == len(stts)
    ids = []
    taken = set(seen)
    for position, draft in enumerate(drafts, 1):
        if draft.caller_id is not None:
            ids.append(draft.caller_id)
            continue
        candidate = f"{id_prefix}{draft.stt}" if use_stt else f"{id_prefix}{position:04d}"
        while candidate in taken:  # an assigned id must not collide with a caller's own
            candidate = f"{candidate}-{position}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


def _locality(draft: Draft, jurisdiction: Jurisdiction, unit: str) -> tuple[str | None, str | None]:
    if draft.locality_field:
        return resolve_locality_field(draft.locality_field, jurisdiction, _where(draft, unit)), (
            "field"
        )
    own = f"{draft.speaker} {draft.text}" if draft.speaker else draft.text
    code = find_locality(own, jurisdiction)
    if code:
        return code, "text"
    if draft.address:
        code = find_locality(draft.address, jurisdiction)
        if code:
            return code, "address"
    if draft.section_locality:
        return draft.section_locality, "section"
    return None, None
