"""The follow-up workbook: one sheet per department, escalations, overdue items, a summary.

VP HĐND–UBND sends each department its sheet to answer in writing, and tracks answers in the
same file; the summary and the overdue sheet are what the office reports upwards.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from triage.followup import STATUS_ANSWERED, STATUS_OVERDUE, STATUS_UNANSWERED, STATUSES
from triage.reports.models import ReportData
from triage.reports.names import SheetNamer
from triage.reports.view import Issue, ReportView

__all__ = [
    "DEPARTMENT_HEADERS",
    "ESCALATION_HEADERS",
    "OVERDUE_HEADERS",
    "SHEET_ESCALATIONS",
    "SHEET_OVERDUE",
    "SHEET_SUMMARY",
    "build_xlsx",
]

SHEET_SUMMARY = "Tổng hợp"
SHEET_ESCALATIONS = "Vượt thẩm quyền"
SHEET_OVERDUE = "Quá hạn"

DEPARTMENT_HEADERS = (
    ("STT", 5),
    ("Nội dung", 52),
    ("Số người nêu và nguồn", 32),
    ("Địa bàn", 16),
    ("Hạn trả lời", 11),
    ("Trạng thái", 12),
    ("Nội dung trả lời", 36),
    ("Ghi chú", 20),
)
ESCALATION_HEADERS = (
    ("STT", 5),
    ("Nội dung", 52),
    ("Số người nêu và nguồn", 32),
    ("Địa bàn", 16),
    ("Cấp giải quyết", 14),
    ("Lý do chuyển cấp trên", 36),
    ("Cơ quan tham mưu", 24),
)
OVERDUE_HEADERS = (
    ("STT", 5),
    ("Cơ quan trả lời", 28),
    ("Nội dung", 60),
    ("Số người nêu", 10),
    ("Hạn trả lời", 11),
    ("Số ngày làm việc quá hạn", 13),
)
# Row heights are set here: LibreOffice does not grow rows of wrapped text on its own.
LINE_HEIGHT_PT = 15.5
CHARS_PER_WIDTH_UNIT = 1.25  # Times New Roman 12 pt in a column measured in Calibri digits

FONT_NAME = "Times New Roman"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_STATUS_FILL = {
    STATUS_OVERDUE: PatternFill("solid", fgColor="F8CBAD"),
    STATUS_UNANSWERED: PatternFill("solid", fgColor="FFF2CC"),
    STATUS_ANSWERED: PatternFill("solid", fgColor="E2EFDA"),
}
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER_TOP = Alignment(wrap_text=True, vertical="top", horizontal="center")
DATE_FORMAT = "DD/MM/YYYY"


def _font(bold: bool = False, italic: bool = False, size: float = 12) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


def _capitalised(text: str) -> str:
    """"phường Trung Hưng" → "Phường Trung Hưng" (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def _fmt_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


class _SheetWriter:
    """Writes a titled table: title rows, a bold frozen header row, bordered wrapped cells."""

    def __init__(self, ws: Worksheet, headers: Sequence[tuple[str, float]]) -> None:
        self.ws = ws
        self.headers = headers
        self.row = 1
        for index, (_, width) in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_options.horizontalCentered = True

    def title(self, text: str, *, size: float = 14, bold: bool = True,
              italic: bool = False) -> None:
        last = get_column_letter(len(self.headers))
        self.ws.merge_cells(f"A{self.row}:{last}{self.row}")
        cell = self.ws.cell(self.row, 1, text)
        cell.font = _font(bold=bold, italic=italic, size=size)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.row += 1

    def header(self) -> None:
        for index, (name, _) in enumerate(self.headers, start=1):
            cell = self.ws.cell(self.row, index, name)
            cell.font = _font(bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws.row_dimensions[self.row].height = 2 * LINE_HEIGHT_PT + 3
        self.ws.freeze_panes = f"A{self.row + 1}"
        self.ws.print_title_rows = f"{self.row}:{self.row}"
        self.row += 1

    def line(self, values: Sequence[Any], *, centred: Sequence[int] = (0,),
             status_column: int | None = None) -> list[Cell]:
        cells = []
        for index, value in enumerate(values):
            cell = self.ws.cell(self.row, index + 1, value)
            cell.font = _font()
            cell.border = _BORDER
            cell.alignment = _CENTER_TOP if index in centred else _WRAP_TOP
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        if status_column is not None:
            fill = _STATUS_FILL.get(str(values[status_column]))
            if fill is not None:
                cells[status_column].fill = fill
        self._fit_height(values)
        self.row += 1
        return cells

    def _fit_height(self, values: Sequence[Any]) -> None:
        lines = 1
        for index, value in enumerate(values):
            width = self.ws.column_dimensions[get_column_letter(index + 1)].width or 10
            per_line = max(1, int(width * CHARS_PER_WIDTH_UNIT) - 1)
            text = "" if value is None else str(value)
            needed = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
            lines = max(lines, needed)
        self.ws.row_dimensions[self.row].height = lines * LINE_HEIGHT_PT + 3

    def empty(self, text: str) -> None:
        last = get_column_letter(len(self.headers))
        self.ws.merge_cells(f"A{self.row}:{last}{self.row}")
        cell = self.ws.cell(self.row, 1, text)
        cell.font = _font(italic=True)
        cell.alignment = Alignment(horizontal="center")
        self.row += 1


def _sources_cell(view: ReportView, issue: Issue) -> str:
    return "\n".join([f"{issue.count} người nêu", *view.sources(issue)])


def _note(view: ReportView, issue: Issue) -> str:
    parts = [view.category_label(issue.category)]
    if issue.escalate:
        parts.append(f"Đề nghị chuyển {view.level_name(issue.escalation_level)}")
    if issue.status == STATUS_OVERDUE:
        parts.append(f"Quá hạn {issue.overdue_days} ngày làm việc")
    return "\n".join(parts)


def _subtitle(view: ReportView) -> str:
    parts = [f"Số liệu đến ngày {_fmt_date(view.today)}"]
    if view.public:
        parts.append("Bản công khai (đã che thông tin cá nhân)")
    return " · ".join(parts)


def _title_rows(writer: _SheetWriter, view: ReportView, title: str) -> None:
    writer.title(title)
    writer.title(view.data.campaign, size=12, bold=False, italic=True)
    if view.data.scope:
        writer.title(f"Phạm vi: {view.data.scope}", size=12, bold=False, italic=True)
    writer.title(_subtitle(view), size=11, bold=False, italic=True)


def _summary(ws: Worksheet, view: ReportView) -> None:
    headers = (("", 46), ("", 13), ("", 13), ("", 13), ("", 13), ("", 13))
    writer = _SheetWriter(ws, headers)
    _title_rows(writer, view, "TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN")
    issues = view.issues
    writer.title(
        f"Tổng số: {view.opinion_count} ý kiến, {len(issues)} vấn đề sau khi gộp ý kiến trùng"
        f" · Hạn các cơ quan trả lời: {_fmt_date(view.default_deadline)}",
        size=12, bold=True,
    )
    ws.freeze_panes = f"A{writer.row}"

    def block(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        writer.row += 1
        cell = ws.cell(writer.row, 1, title)
        cell.font = _font(bold=True, size=13)
        writer.row += 1
        for index, name in enumerate(columns, start=1):
            head = ws.cell(writer.row, index, name)
            head.font = _font(bold=True)
            head.fill = _HEADER_FILL
            head.border = _BORDER
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        writer.row += 1
        for row in rows:
            writer.line(row, centred=range(1, len(row)))
        total = ["Cộng", *[sum(r[i] for r in rows) for i in range(1, len(columns))]]
        for cell in writer.line(total, centred=range(1, len(columns))):
            cell.font = _font(bold=True)

    by_category = [
        (label, sum(i.count for i in view.issues_in(code, issues)),
         len(view.issues_in(code, issues)))
        for code, label in view.jurisdiction.categories.items()
    ]
    block("1. Theo nhóm vấn đề", ("Nhóm vấn đề", "Số ý kiến", "Số vấn đề"), by_category)

    by_department = []
    for code in view.department_codes():
        own = view.issues_of_department(code)
        counts = view.status_counts(own)
        by_department.append((
            view.department_name(code, own[0].representative.department_name),
            sum(i.count for i in own), len(own),
            counts[STATUS_ANSWERED], counts[STATUS_UNANSWERED], counts[STATUS_OVERDUE],
        ))
    block(
        "2. Theo cơ quan trả lời (số vấn đề theo trạng thái)",
        ("Cơ quan trả lời", "Số ý kiến", "Số vấn đề", _capitalised(STATUS_ANSWERED),
         _capitalised(STATUS_UNANSWERED), _capitalised(STATUS_OVERDUE)),
        by_department,
    )
    block("3. Theo địa bàn", ("Địa bàn", "Số ý kiến"),
          [(_capitalised(name), n) for name, n in view.locality_counts()])
    counts = view.status_counts(issues)
    people = {s: sum(i.count for i in issues if i.status == s) for s in STATUSES}
    block("4. Theo trạng thái trả lời", ("Trạng thái", "Số vấn đề", "Số ý kiến"),
          [(_capitalised(s), counts[s], people[s]) for s in STATUSES])
    levels = [
        (view.level_name(level) or "Chưa rõ cấp",
         sum(1 for i in view.escalations if (i.escalation_level or "") == level),
         sum(i.count for i in view.escalations if (i.escalation_level or "") == level))
        for level in view.escalation_levels()
    ]
    block("5. Đề nghị chuyển cấp trên (vượt thẩm quyền)",
          ("Cấp giải quyết", "Số vấn đề", "Số ý kiến"), levels)


def _department_sheet(ws: Worksheet, view: ReportView, code: str) -> None:
    issues = view.issues_of_department(code)
    name = view.department_name(code, issues[0].representative.department_name)
    writer = _SheetWriter(ws, DEPARTMENT_HEADERS)
    _title_rows(writer, view, f"Ý KIẾN, KIẾN NGHỊ GIAO {name.upper()} TRẢ LỜI")
    counts = view.status_counts(issues)
    writer.title(
        f"{len(issues)} vấn đề ({sum(i.count for i in issues)} ý kiến) · "
        f"đã trả lời {counts[STATUS_ANSWERED]} · chưa trả lời {counts[STATUS_UNANSWERED]} · "
        f"quá hạn {counts[STATUS_OVERDUE]}",
        size=11, bold=True,
    )
    writer.header()
    for n, issue in enumerate(issues, start=1):
        writer.line(
            (n, view.opinion_text(issue.representative), _sources_cell(view, issue),
             "\n".join(view.localities(issue)), issue.deadline, issue.status,
             view.show(issue.answer), _note(view, issue)),
            centred=(0, 4, 5), status_column=5,
        )


def _escalation_sheet(ws: Worksheet, view: ReportView) -> None:
    writer = _SheetWriter(ws, ESCALATION_HEADERS)
    _title_rows(writer, view, "Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN, ĐỀ NGHỊ CHUYỂN CẤP TRÊN")
    writer.header()
    escalations = sorted(
        view.escalations,
        key=lambda i: view.escalation_levels().index(i.escalation_level or ""),
    )
    if not escalations:
        writer.empty("Không có ý kiến, kiến nghị vượt thẩm quyền.")
    for n, issue in enumerate(escalations, start=1):
        writer.line(
            (n, view.opinion_text(issue.representative), _sources_cell(view, issue),
             "\n".join(view.localities(issue)), view.level_name(issue.escalation_level),
             view.show(issue.escalation_reason) or "—",
             view.department_name(issue.department,
                                  issue.representative.department_name)),
            centred=(0, 4),
        )


def _overdue_sheet(ws: Worksheet, view: ReportView) -> None:
    writer = _SheetWriter(ws, OVERDUE_HEADERS)
    _title_rows(writer, view, "DANH SÁCH Ý KIẾN, KIẾN NGHỊ QUÁ HẠN TRẢ LỜI")
    writer.header()
    n = 0
    for code in view.department_codes():
        late = sorted((i for i in view.issues_of_department(code) if i.status == STATUS_OVERDUE),
                      key=lambda i: -i.overdue_days)
        for issue in late:
            n += 1
            writer.line(
                (n, view.department_name(code, issue.representative.department_name),
                 view.opinion_text(issue.representative), issue.count, issue.deadline,
                 issue.overdue_days),
                centred=(0, 3, 4, 5),
            )
    if n == 0:
        writer.empty("Không có ý kiến, kiến nghị quá hạn trả lời.")


def build_xlsx(data: ReportData, *, view: ReportView | None = None) -> bytes:
    """The workbook as bytes: summary, one sheet per department, escalations, overdue."""
    view = view or ReportView(data)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SHEET_SUMMARY
    _summary(summary, view)
    namer = SheetNamer(view.jurisdiction)
    for reserved in (SHEET_SUMMARY, SHEET_ESCALATIONS, SHEET_OVERDUE):
        namer.reserve(reserved)
    for code in view.department_codes():
        name = view.department_name(code, view.issues_of_department(code)[0]
                                    .representative.department_name)
        _department_sheet(workbook.create_sheet(namer.title(code, name)), view, code)
    _escalation_sheet(workbook.create_sheet(SHEET_ESCALATIONS), view)
    _overdue_sheet(workbook.create_sheet(SHEET_OVERDUE), view)
    workbook.properties.creator = view.letterhead.issuer_name
    workbook.properties.title = "Tổng hợp ý kiến, kiến nghị của Nhân dân"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
