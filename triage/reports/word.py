"""The Word documents, in the administrative style of the plan (Nghị định 30/2020 layout).

- The consolidated report ("Báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân") for the town's
  leaders before the dialogue, and, in its public version, for publication afterwards.
- The list of requests beyond the town's authority, sent up to the city (and through it to
  the central level), each with the reason it cannot be settled locally.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from triage.followup import (
    STATUS_ANSWERED,
    STATUS_OVERDUE,
    STATUS_UNANSWERED,
    follow_up_due,
    results_report_due,
)
from triage.reports.letterhead import place_and_date
from triage.reports.models import ReportData
from triage.reports.view import Issue, ReportView

__all__ = [
    "ESCALATIONS_TITLE",
    "REPORT_TITLE",
    "build_escalations_docx",
    "build_report_docx",
    "roman",
]

REPORT_TITLE = "BÁO CÁO TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN"
ESCALATIONS_TITLE = "DANH SÁCH Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT_NAME = "Times New Roman"
BODY_SIZE = 13
TEXT_WIDTH_CM = 16.0  # A4 minus 3 cm left and 2 cm right margins
SOURCES_SHOWN = 8  # internal report: submitters listed per issue before "và N ý kiến khác"
OFF_TOPIC = "off_topic"


def roman(number: int) -> str:
    """Section numbers of administrative documents: I, II, III, IV..."""
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in numerals:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


# --- low-level helpers ----------------------------------------------------------------------


def _set_run_font(run_element: object, name: str) -> None:
    r_pr = run_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _new_document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    _set_run_font(normal.element, FONT_NAME)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(4)
    fmt.line_spacing = 1.1
    _page_numbers(document)
    return document


def _page_numbers(document: DocxDocument) -> None:
    """Page number at the top centre from page 2 on, as administrative documents do."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _para(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: float | None = 1.0,
    after: float | None = None,
    before: float | None = None,
    underline: bool = False,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size, underline=underline)
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Cm(indent)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if keep_with_next:
        fmt.keep_with_next = True
    return paragraph


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None, underline: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size is not None:
        run.font.size = Pt(size)


def _first_para(cell: _Cell, text: str, **kwargs: object) -> Paragraph:
    """Writes into the cell's existing first paragraph (a new cell is never empty in Word)."""
    paragraph = cell.paragraphs[0]
    _run(paragraph, text, **kwargs)  # type: ignore[arg-type]
    return paragraph


def _centred_rule(container: DocxDocument | _Cell, box_cm: float, line_cm: float,
                  gap_pt: float = 1) -> None:
    """A short centred horizontal line under the previous line, as under the national motto.

    Drawn as the top border of an empty paragraph indented to the line's length, whose mark is
    1 pt high so the line sits right under the text. The border and the mark's size go in
    first: python-docx then inserts spacing and indents in the order the schema requires.
    """
    paragraph = container.add_paragraph()
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    p_pr.append(mark)
    side = Cm((box_cm - line_cm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = side
    fmt.right_indent = side
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(gap_pt)  # clears the descenders of the line above
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _fixed_table(document: DocxDocument, rows: int, widths_cm: Sequence[float],
                 *, grid: bool) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_cm))
    if grid:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # a fixed layout: the widths below hold in Word and LibreOffice
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return table


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cell_text(cell: _Cell, lines: Iterable[str], *, bold: bool = False, italic: bool = False,
               size: float = 12, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        _run(paragraph, line, bold=bold, italic=italic, size=size)
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.first_line_indent = Cm(0)


# --- the parts every document shares ---------------------------------------------------------


def _header_block(document: DocxDocument, view: ReportView, number: str) -> None:
    """Issuer on the left, national motto on the right, number and place-date underneath."""
    letterhead = view.letterhead
    left_w, right_w = 6.5, 9.5
    table = _fixed_table(document, 1, (left_w, right_w), grid=False)
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for cell in (left, right):
        cell.paragraphs[0].alignment = centre
    _first_para(left, letterhead.superior, size=12)
    _para(left, letterhead.issuer, bold=True, size=12, align=centre, indent=None, after=0)
    _centred_rule(left, left_w, 2.4, gap_pt=2)
    _para(left, number, size=13, align=centre, indent=None, after=0)

    _first_para(right, NATION, bold=True, size=12)
    _para(right, MOTTO, bold=True, size=13.5, align=centre, indent=None, after=0)
    _centred_rule(right, right_w, 5.6, gap_pt=2)
    _para(right, place_and_date(letterhead.place, view.today), italic=True, size=13.5,
          align=centre, indent=None, after=0)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.space_after = Pt(1)
            paragraph.paragraph_format.first_line_indent = Cm(0)


def _title(document: DocxDocument, view: ReportView, title: str, subtitles: Sequence[str]) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, title, bold=True, size=14, align=centre, indent=None, before=18, after=0)
    for line in subtitles:
        _para(document, line, bold=True, size=14, align=centre, indent=None, after=0)
    if view.public:
        _para(document, "(Bản công khai — thông tin cá nhân đã được che)", italic=True,
              size=13, align=centre, indent=None, after=0)
    if view.data.scope:
        _para(document, f"(Phạm vi: {view.data.scope})", italic=True, size=13, align=centre,
              indent=None, after=0)
    _centred_rule(document, TEXT_WIDTH_CM, 4.0, gap_pt=5)
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _heading(document: DocxDocument, text: str) -> None:
    _para(document, text, bold=True, before=6, keep_with_next=True)


def _signature(document: DocxDocument, view: ReportView, recipients: Sequence[str]) -> None:
    """"Nơi nhận" on the left, the signer on the right, as at the end of the plan."""
    letterhead = view.letterhead
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the closing sentence
    _para(document, "", after=6, keep_with_next=True)
    table = _fixed_table(document, 1, (8.5, 7.5), grid=False)
    cant_split = OxmlElement("w:cantSplit")
    table.rows[0]._tr.get_or_add_trPr().append(cant_split)
    left, right = table.rows[0].cells
    left_p = _first_para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    left_p.paragraph_format.space_after = Pt(0)
    for line in recipients:
        _para(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, indent=None, after=0)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    titles = list(letterhead.signer_title) or [""]
    first = _first_para(right, titles[0], bold=True, size=13)
    first.alignment = centre
    for line in titles[1:]:
        _para(right, line, bold=True, size=13, align=centre, indent=None, after=0)
    for _ in range(4):
        _para(right, "", align=centre, indent=None, after=0)
    if letterhead.signer_name:
        _para(right, letterhead.signer_name, bold=True, size=13, align=centre, indent=None)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.paragraph_format.keep_with_next = True


def _to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _where(view: ReportView, issue: Issue) -> str:
    return ", ".join(view.localities(issue))


# --- the consolidated report -----------------------------------------------------------------


def _overview(document: DocxDocument, view: ReportView) -> None:
    issues = view.issues
    located = [name for name, _ in view.locality_counts() if name != "chưa rõ địa bàn"]
    total_places = len(view.jurisdiction.localities)
    _para(
        document,
        f"Tổng số ý kiến, kiến nghị tiếp nhận: {view.opinion_count} ý kiến của Nhân dân"
        f" tại {len(located)}/{total_places} xã, phường; sau khi gộp các ý kiến trùng nhau"
        f" còn {len(issues)} vấn đề, cụ thể:",
    )
    for code in view.category_codes():
        own = view.issues_in(code, issues)
        _para(document, f"- {view.category_label(code)}: {sum(i.count for i in own)} ý kiến "
                        f"({len(own)} vấn đề);")
    escalations = view.escalations
    if escalations:
        parts = [
            f"{view.level_name(level) or 'chưa rõ cấp'}: "
            f"{sum(1 for i in escalations if (i.escalation_level or '') == level)}"
            for level in view.escalation_levels()
        ]
        _para(document, f"- Vượt thẩm quyền của {view.letterhead.town}, đề nghị chuyển cấp "
                        f"trên: {len(escalations)} vấn đề ({'; '.join(parts)}).")
    else:
        _para(document, f"- Không có ý kiến vượt thẩm quyền của {view.letterhead.town}.")


def _issue_paragraphs(document: DocxDocument, view: ReportView, issue: Issue) -> None:
    text = view.opinion_text(issue.representative)
    paragraph = _para(document, "", after=1)
    _run(paragraph, f"{issue.number}. ", bold=True)
    _run(paragraph, text)
    department = view.department_name(issue.department, issue.representative.department_name)
    meta = f"Số người nêu: {issue.count}"
    where = _where(view, issue)
    if where:
        meta += f" ({where})"
    meta += f". Cơ quan trả lời: {department}."
    details = [meta]
    if issue.escalate:
        details.append(
            f"Đề nghị chuyển {view.level_name(issue.escalation_level)}: "
            f"{view.show(issue.escalation_reason) or 'vượt thẩm quyền của ' + view.letterhead.town}"
        )
    if issue.answer:
        details.append(f"Kết quả trả lời: {view.show(issue.answer)}")
    elif issue.status == STATUS_OVERDUE:
        details.append(f"Chưa trả lời, quá hạn {issue.overdue_days} ngày làm việc "
                       f"(hạn {_fmt(issue.deadline)}).")
    if not view.public and (issue.count > 1 or issue.representative.submitter):
        details.append("Nguồn: " + "; ".join(view.sources(issue, limit=SOURCES_SHOWN)) + ".")
    for line in details:
        _para(document, line, italic=True, size=12, after=1)
    document.paragraphs[-1].paragraph_format.space_after = Pt(6)


def _contents(document: DocxDocument, view: ReportView) -> None:
    for index, code in enumerate(view.category_codes(), start=1):
        own = view.issues_in(code, view.issues)
        _heading(document, f"{index}. {view.category_label(code)} "
                           f"({sum(i.count for i in own)} ý kiến, {len(own)} vấn đề)")
        if code == OFF_TOPIC:
            _para(document, "(Các ý kiến ngoài chủ đề hội nghị đối thoại không đưa ra thảo luận"
                            " tại hội nghị; chuyển cơ quan chức năng trả lời theo thẩm quyền.)",
                  italic=True, size=12)
        for issue in own:
            _issue_paragraphs(document, view, issue)


def _escalation_summary(document: DocxDocument, view: ReportView) -> None:
    escalations = view.escalations
    if not escalations:
        _para(document, "Không có ý kiến, kiến nghị vượt thẩm quyền.")
        return
    _para(document, f"Có {len(escalations)} vấn đề ({sum(i.count for i in escalations)} ý kiến)"
                    f" vượt thẩm quyền giải quyết của {view.letterhead.town}, được tổng hợp"
                    " thành danh sách riêng gửi cấp có thẩm quyền xem xét, giải quyết:")
    for level in view.escalation_levels():
        own = [i for i in escalations if (i.escalation_level or "") == level]
        numbers = ", ".join(i.number for i in own)
        _para(document, f"- {view.level_name(level) or 'Chưa rõ cấp'}: {len(own)} vấn đề "
                        f"(mục {numbers} phần II).")


def _follow_up(document: DocxDocument, view: ReportView) -> None:
    issues = view.issues
    counts = view.status_counts(issues)
    deadline = view.default_deadline
    _para(document, f"Hạn các cơ quan, đơn vị trả lời bằng văn bản: {_fmt(deadline)}. Tính đến "
                    f"ngày {_fmt(view.today)}: đã trả lời {counts[STATUS_ANSWERED]}/{len(issues)}"
                    f" vấn đề; chưa trả lời {counts[STATUS_UNANSWERED]}; quá hạn "
                    f"{counts[STATUS_OVERDUE]}.")
    widths = (1.1, 7.3, 1.9, 1.9, 1.9, 1.9)
    codes = view.department_codes()
    table = _fixed_table(document, len(codes) + 1, widths, grid=True)
    _repeat_header(table)
    heads = ("STT", "Cơ quan trả lời", "Số vấn đề", "Đã trả lời", "Chưa trả lời", "Quá hạn")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        _cell_text(cell, [head], bold=True, align=centre)
    for n, code in enumerate(codes, start=1):
        own = view.issues_of_department(code)
        own_counts = view.status_counts(own)
        name = view.department_name(code, own[0].representative.department_name)
        values = (str(n), name, str(len(own)), str(own_counts[STATUS_ANSWERED]),
                  str(own_counts[STATUS_UNANSWERED]), str(own_counts[STATUS_OVERDUE]))
        for column, (cell, value) in enumerate(zip(table.rows[n].cells, values, strict=True)):
            _cell_text(cell, [value], align=WD_ALIGN_PARAGRAPH.LEFT if column == 1 else centre)
    _para(document, "", after=2)
    overdue = view.overdue
    if overdue:
        _para(document, "Các vấn đề quá hạn trả lời, đề nghị các cơ quan khẩn trương trả lời:")
        for code in codes:
            late = [i for i in overdue if i.department == code]
            if not late:
                continue
            name = view.department_name(code, late[0].representative.department_name)
            by_days: dict[int, list[str]] = {}
            for issue in late:
                by_days.setdefault(issue.overdue_days, []).append(issue.number)
            items = "; ".join(f"mục {', '.join(numbers)} (quá {days} ngày làm việc)"
                              for days, numbers in sorted(by_days.items(), reverse=True))
            _para(document, f"- {name}: {items}.")
    steps = []
    if view.data.dialogue_date:
        due = results_report_due(view.data.dialogue_date, view.deadlines, view.calendar)
        steps.append(f"báo cáo kết quả hội nghị đối thoại, thông báo công khai chậm nhất ngày "
                     f"{_fmt(due)} ({view.deadlines.results_report_working_days} ngày làm việc"
                     f" sau hội nghị ngày {_fmt(view.data.dialogue_date)})")
    else:
        steps.append(f"báo cáo kết quả hội nghị đối thoại, thông báo công khai chậm nhất "
                     f"{view.deadlines.results_report_working_days} ngày làm việc sau hội nghị")
    unit = "ngày làm việc" if view.deadlines.follow_up_counts_working_days else "ngày"
    if view.data.conclusion_date:
        due = follow_up_due(view.data.conclusion_date, view.deadlines, view.calendar)
        steps.append(f"thông báo kết quả giải quyết từng ý kiến chậm nhất ngày {_fmt(due)} "
                     f"({view.deadlines.follow_up_days_after_conclusion} {unit} kể từ ngày "
                     f"thông báo kết luận {_fmt(view.data.conclusion_date)})")
    else:
        steps.append(f"thông báo kết quả giải quyết từng ý kiến sau "
                     f"{view.deadlines.follow_up_days_after_conclusion} {unit} kể từ ngày có "
                     "thông báo kết luận hội nghị")
    _para(document, "Các mốc tiếp theo: " + "; ".join(steps) + ".")


def build_report_docx(data: ReportData, *, view: ReportView | None = None) -> bytes:
    """"Báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân", grouped by category then by issue."""
    view = view or ReportView(data)
    letterhead = view.letterhead
    document = _new_document()
    _header_block(document, view, letterhead.report_number)
    _title(document, view, REPORT_TITLE, [data.campaign])
    _para(document, f"Trên cơ sở ý kiến, kiến nghị của Nhân dân do Ủy ban MTTQ các xã, phường và"
                    f" các tổ chức chính trị - xã hội tổng hợp gửi về, {letterhead.issuer_name}"
                    " tổng hợp, phân loại theo nhóm vấn đề và cơ quan trả lời như sau:")
    sections = (
        ("TÌNH HÌNH CHUNG", _overview),
        ("NỘI DUNG Ý KIẾN, KIẾN NGHỊ THEO NHÓM VẤN ĐỀ", _contents),
        ("Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN", _escalation_summary),
        ("TÌNH HÌNH TRẢ LỜI, THEO DÕI GIẢI QUYẾT", _follow_up),
    )
    for number, (heading, writer) in enumerate(sections, start=1):
        _heading(document, f"{roman(number)}. {heading}")
        writer(document, view)
    _para(document, f"Trên đây là báo cáo tổng hợp ý kiến, kiến nghị của Nhân dân"
                    f" ({data.campaign[:1].lower() + data.campaign[1:]})./.", before=6)
    _signature(document, view, letterhead.recipients)
    return _to_bytes(document)


# --- the list sent up --------------------------------------------------------------------------


def build_escalations_docx(data: ReportData, *, view: ReportView | None = None) -> bytes:
    """Requests beyond the town's authority, per level, each with the reason it goes up."""
    view = view or ReportView(data)
    letterhead = view.letterhead
    document = _new_document()
    _header_block(document, view, letterhead.escalation_number)
    levels = view.escalation_levels() or ["city"]
    addressed = " và ".join(view.level_name(level) for level in levels if level)
    _title(document, view, ESCALATIONS_TITLE,
           [f"Đề nghị {addressed} xem xét, giải quyết", f"({data.campaign})"])
    escalations = view.escalations
    _para(document, f"Qua tổng hợp ý kiến, kiến nghị của Nhân dân, có {len(escalations)} vấn đề"
                    f" ({sum(i.count for i in escalations)} ý kiến) vượt thẩm quyền giải quyết"
                    f" của {letterhead.town}. {letterhead.issuer_name} tổng hợp, kính đề nghị"
                    " cấp có thẩm quyền xem xét, giải quyết như sau:")
    widths = (1.3, 7.0, 3.2, 4.5)
    heads = ("STT", "Nội dung ý kiến, kiến nghị", "Số người nêu, địa bàn",
             "Lý do đề nghị chuyển cấp trên")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for number, level in enumerate(view.escalation_levels(), start=1):
        own = [i for i in escalations if (i.escalation_level or "") == level]
        name = view.level_name(level) or "cấp có thẩm quyền"
        _heading(document, f"{roman(number)}. THUỘC THẨM QUYỀN {name.upper()} "
                           f"({len(own)} vấn đề)")
        table = _fixed_table(document, len(own) + 1, widths, grid=True)
        _repeat_header(table)
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            _cell_text(cell, [head], bold=True, align=centre)
        for n, issue in enumerate(own, start=1):
            cells = table.rows[n].cells
            department = view.department_name(issue.department,
                                              issue.representative.department_name)
            _cell_text(cells[0], [str(n)], align=centre)
            _cell_text(cells[1], [view.opinion_text(issue.representative)])
            _cell_text(cells[2], [f"{issue.count} người nêu", *view.localities(issue)])
            _cell_text(cells[3], [view.show(issue.escalation_reason) or "—"])
            tail = cells[3].add_paragraph()
            tail.paragraph_format.space_after = Pt(2)
            _run(tail, f"Cơ quan tham mưu: {department}", italic=True, size=11)
        _para(document, "", after=4)
    if not escalations:
        _para(document, "Không có ý kiến, kiến nghị vượt thẩm quyền.", italic=True)
    _para(document, f"{letterhead.issuer_name} kính báo cáo, đề nghị cấp có thẩm quyền xem xét,"
                    " giải quyết, trả lời để thông báo tới Nhân dân./.", before=6)
    _signature(document, view, letterhead.escalation_recipients)
    return _to_bytes(document)
