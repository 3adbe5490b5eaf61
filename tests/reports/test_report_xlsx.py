"""The follow-up workbook, opened with openpyxl: sheets, headers, counts, statuses, format."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from office_readers import open_xlsx
from openpyxl.worksheet.worksheet import Worksheet

from triage.reports import ReportData, build_xlsx
from triage.reports.xlsx import SHEET_ESCALATIONS, SHEET_OVERDUE, SHEET_SUMMARY

DEPARTMENT_COLUMNS = ["STT", "Nội dung", "Số người nêu và nguồn", "Địa bàn", "Hạn trả lời",
                      "Trạng thái"]


def _header_row(sheet: Worksheet) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == "STT":
            return row[0].row
    raise AssertionError(f"no header row in {sheet.title}")


def _rows(sheet: Worksheet) -> list[list[object]]:
    start = _header_row(sheet) + 1
    return [list(r) for r in sheet.iter_rows(min_row=start, values_only=True)
            if any(v is not None for v in r)]


def _table(sheet: Worksheet, title: str) -> dict[str, list[object]]:
    """A summary block: first column → the other columns, down to the 'Cộng' line."""
    found: dict[str, list[object]] = {}
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    for row in rows[start + 2:]:
        found[str(row[0])] = [v for v in row[1:] if v is not None]
        if row[0] == "Cộng":
            break
    return found


def _as_date(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def test_sheets_one_per_department(sample_data: ReportData) -> None:
    workbook = open_xlsx(build_xlsx(sample_data))
    names = workbook.sheetnames
    assert names[0] == SHEET_SUMMARY
    assert names[-2:] == [SHEET_ESCALATIONS, SHEET_OVERDUE]
    departments = names[1:-2]
    assert departments[:2] == ["Phòng TN&MT thị xã", "VPĐKĐĐ Hà Nội – CN Sơn Tây"]
    assert len(departments) == len({o.department for o in sample_data.opinions}) == 11
    assert all(len(n) <= 31 for n in names)


def test_department_sheet_layout(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))["Phòng TN&MT thị xã"]
    header = _header_row(sheet)
    values = [c.value for c in sheet[header]]
    assert values[:6] == DEPARTMENT_COLUMNS
    assert all(c.font.bold for c in sheet[header] if c.value)
    assert sheet.freeze_panes == f"A{header + 1}"  # the header stays on screen
    assert sheet.column_dimensions["B"].width >= 40  # the text column is wide
    first = sheet.cell(header + 1, 2)
    assert first.alignment.wrap_text
    assert "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG" in str(sheet["A1"].value)
    assert sheet.page_setup.orientation == "landscape"


def test_department_sheet_rows(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))["Phòng TN&MT thị xã"]
    rows = _rows(sheet)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    _, text, sources, places, deadline, status = rows[0][:6]
    assert str(text).startswith("Nhiều hộ gia đình sử dụng đất ổn định từ trước năm 1993")
    assert str(sources).splitlines()[0] == "4 người nêu"
    assert "b1-0009 – Cử tri tổ dân phố số 2 (phường Lê Lợi)" in str(sources)
    assert str(places).splitlines() == ["phường Trung Hưng", "phường Lê Lợi", "xã Sơn Đông"]
    assert _as_date(deadline) == date(2023, 8, 30)
    assert status == "quá hạn"
    # The duplicates' own wording does not appear as separate lines.
    assert not any("đã kê khai từ năm 2019" in str(r[1]) for r in rows)
    answered = next(r for r in rows if r[5] == "đã trả lời")
    assert "rà soát 17 trường hợp" in str(answered[6])
    escalated = next(r for r in rows if "làng cổ Đường Lâm" in str(r[1]))
    assert "Đề nghị chuyển Thành phố Hà Nội" in str(escalated[7])


def test_own_deadline_shows_unanswered(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))["VPĐKĐĐ Hà Nội – CN Sơn Tây"]
    rows = _rows(sheet)
    by_text = {str(r[1])[:30]: r for r in rows}
    later = next(r for t, r in by_text.items() if t.startswith("Việc cấp đổi GCN"))
    assert _as_date(later[4]) == date(2023, 9, 15) and later[5] == "chưa trả lời"


def test_summary_counts(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))[SHEET_SUMMARY]
    categories = _table(sheet, "1. Theo nhóm vấn đề")
    assert categories == {
        "Cấp GCN lần đầu": [16, 9],
        "Đăng ký biến động": [9, 6],
        "Ngoài chủ đề": [6, 5],
        "Cộng": [31, 20],
    }
    departments = _table(sheet, "2. Theo cơ quan trả lời (số vấn đề theo trạng thái)")
    assert departments["Phòng Tài nguyên và Môi trường thị xã"] == [9, 4, 1, 0, 3]
    assert departments["Cộng"] == [31, 20, 9, 2, 9]
    places = _table(sheet, "3. Theo địa bàn")
    assert places["Xã Đường Lâm"] == [5]
    assert places["Chưa rõ địa bàn"] == [3]
    assert places["Cộng"] == [31]
    statuses = _table(sheet, "4. Theo trạng thái trả lời")
    assert statuses == {"Quá hạn": [9, 15], "Chưa trả lời": [2, 3], "Đã trả lời": [9, 13],
                        "Cộng": [20, 31]}
    levels = _table(sheet, "5. Đề nghị chuyển cấp trên (vượt thẩm quyền)")
    assert levels == {"Thành phố Hà Nội": [4, 7], "Trung ương": [1, 1], "Cộng": [5, 8]}


def test_escalation_sheet_has_level_and_reason(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))[SHEET_ESCALATIONS]
    header = [c.value for c in sheet[_header_row(sheet)]]
    assert header[4:6] == ["Cấp giải quyết", "Lý do chuyển cấp trên"]
    rows = _rows(sheet)
    assert len(rows) == 5
    assert [r[4] for r in rows] == ["Thành phố Hà Nội"] * 4 + ["Trung ương"]
    reasons = {str(r[5]) for r in rows}
    assert "Diện tích tối thiểu và điều kiện tách thửa do UBND Thành phố quy định." in reasons
    assert "Thuế suất do luật quy định, thuộc thẩm quyền Quốc hội." in reasons


def test_overdue_sheet_lists_late_issues(sample_data: ReportData) -> None:
    sheet = open_xlsx(build_xlsx(sample_data))[SHEET_OVERDUE]
    rows = _rows(sheet)
    assert len(rows) == 9
    assert {r[1] for r in rows} >= {"Phòng Tài nguyên và Môi trường thị xã", "Thanh tra thị xã"}
    assert all(r[5] == 3 for r in rows)  # 30/8 → 6/9 is 3 working days


def test_before_the_deadline_nothing_is_overdue(sample_data: ReportData) -> None:
    workbook = open_xlsx(build_xlsx(replace(sample_data, generated=date(2023, 8, 28))))
    rows = _rows(workbook[SHEET_OVERDUE])
    assert rows == [["Không có ý kiến, kiến nghị quá hạn trả lời.", None, None, None, None,
                     None]]
    statuses = _table(workbook[SHEET_SUMMARY], "4. Theo trạng thái trả lời")
    assert statuses["Quá hạn"] == [0, 0]
