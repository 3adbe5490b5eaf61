"""The Word documents, opened with python-docx: administrative layout, grouping, reasons."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from docx import Document
from office_readers import docx_paragraphs, docx_texts

from triage.reports import ReportData, build_escalations_docx, build_report_docx
from triage.reports.word import ESCALATIONS_TITLE, REPORT_TITLE, roman


def _index(paragraphs: list[str], start: str) -> int:
    return next(i for i, p in enumerate(paragraphs) if p.startswith(start))


def test_roman_numerals() -> None:
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 14)] == ["I", "II", "III", "IV", "V", "IX",
                                                          "XIV"]


def test_report_has_the_administrative_header(sample_data: ReportData) -> None:
    document = Document(io.BytesIO(build_report_docx(sample_data)))
    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["UBND THỊ XÃ SƠN TÂY", "VĂN PHÒNG HĐND VÀ UBND", "Số:        /BC-VP"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Sơn Tây, ngày 06 tháng 9 năm 2023"]
    assert header.cell(0, 1).paragraphs[0].runs[0].bold
    paragraphs = [p.text for p in document.paragraphs]
    assert REPORT_TITLE in paragraphs
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_report_sections_and_grouping(sample_data: ReportData) -> None:
    paragraphs = docx_paragraphs(build_report_docx(sample_data))
    sections = [p for p in paragraphs if p[:3] in ("I. ", "II.", "III", "IV.")]
    assert sections == [
        "I. TÌNH HÌNH CHUNG",
        "II. NỘI DUNG Ý KIẾN, KIẾN NGHỊ THEO NHÓM VẤN ĐỀ",
        "III. Ý KIẾN, KIẾN NGHỊ VƯỢT THẨM QUYỀN",
        "IV. TÌNH HÌNH TRẢ LỜI, THEO DÕI GIẢI QUYẾT",
    ]
    # Categories in order with their counts, each before its issues.
    first = _index(paragraphs, "1. Cấp GCN lần đầu (16 ý kiến, 9 vấn đề)")
    second = _index(paragraphs, "2. Đăng ký biến động (9 ý kiến, 6 vấn đề)")
    third = _index(paragraphs, "3. Ngoài chủ đề (6 ý kiến, 5 vấn đề)")
    assert first < second < third
    issue = _index(paragraphs, "1.1. Nhiều hộ gia đình sử dụng đất ổn định")
    assert first < issue < second
    assert paragraphs[issue + 1] == (
        "Số người nêu: 4 (phường Trung Hưng, phường Lê Lợi, xã Sơn Đông). "
        "Cơ quan trả lời: Phòng Tài nguyên và Môi trường thị xã."
    )
    # A duplicate group is one item: the members' own wording is not repeated.
    joined = "\n".join(paragraphs)
    assert "đã kê khai từ năm 2019 nhưng chưa được xét duyệt" not in joined
    numbered = [p.split(" ", 1)[0] for p in paragraphs[second:third]
                if p[:2] == "2." and p[2:3].isdigit()]
    assert numbered == ["2.1.", "2.2.", "2.3.", "2.4.", "2.5.", "2.6."]


def test_report_details_of_an_issue(sample_data: ReportData) -> None:
    paragraphs = docx_paragraphs(build_report_docx(sample_data))
    joined = "\n".join(paragraphs)
    assert ("Đề nghị chuyển Thành phố Hà Nội: Cơ chế đặc thù đối với khu di tích "
            "(làng cổ Đường Lâm) do Thành phố quyết định.") in joined
    assert "Kết quả trả lời: Điện lực Sơn Tây đã lắp thêm trạm biến áp" in joined
    assert "Chưa trả lời, quá hạn 3 ngày làm việc (hạn 30/08/2023)." in joined
    # The internal report names the sources.
    assert "b1-0002 – Ông Nguyễn Văn Bình (tổ 5) (phường Trung Hưng)" in joined


def test_report_follow_up_section(sample_data: ReportData) -> None:
    content = build_report_docx(replace(sample_data, dialogue_date=date(2023, 9, 15)))
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    joined = "\n".join(paragraphs)
    assert ("Tính đến ngày 06/09/2023: đã trả lời 9/20 vấn đề; chưa trả lời 2; quá hạn 9."
            in joined)
    assert "chậm nhất ngày 29/09/2023 (10 ngày làm việc sau hội nghị ngày 15/09/2023)" in joined
    assert "- Thanh tra thị xã: mục 1.9 (quá 3 ngày làm việc)." in joined
    table = next(t for t in document.tables if t.cell(0, 1).text == "Cơ quan trả lời")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1] == ["1", "Phòng Tài nguyên và Môi trường thị xã", "4", "1", "0", "3"]
    assert len(rows) == 12  # header + 11 departments


def test_report_ends_with_recipients_and_signer(sample_data: ReportData) -> None:
    texts = docx_texts(build_report_docx(sample_data))
    assert "Nơi nhận:" in texts
    assert "- Lưu: VT, VP." in texts
    assert "CHÁNH VĂN PHÒNG" in texts
    paragraphs = docx_paragraphs(build_report_docx(sample_data))
    closing = paragraphs[_index(paragraphs, "Trên đây là báo cáo tổng hợp")]
    assert closing.endswith("./.")


def test_escalation_list_per_level_with_reasons(sample_data: ReportData) -> None:
    content = build_escalations_docx(sample_data)
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    assert ESCALATIONS_TITLE in paragraphs
    assert "Đề nghị Thành phố Hà Nội và Trung ương xem xét, giải quyết" in paragraphs
    assert "I. THUỘC THẨM QUYỀN THÀNH PHỐ HÀ NỘI (4 vấn đề)" in paragraphs
    assert "II. THUỘC THẨM QUYỀN TRUNG ƯƠNG (1 vấn đề)" in paragraphs
    city, central = (t for t in document.tables[1:] if t.cell(0, 0).text == "STT")
    assert len(city.rows) == 5 and len(central.rows) == 2
    assert city.cell(0, 3).text == "Lý do đề nghị chuyển cấp trên"
    reasons = [city.cell(r, 3).paragraphs[0].text for r in range(1, 5)]
    assert "Hạn mức công nhận đất ở do UBND Thành phố quy định." in reasons
    assert "Bảng giá đất và đơn giá bồi thường do UBND Thành phố Hà Nội ban hành." in reasons
    assert central.cell(1, 3).paragraphs[0].text == (
        "Thuế suất do luật quy định, thuộc thẩm quyền Quốc hội.")
    assert central.cell(1, 3).paragraphs[1].text == "Cơ quan tham mưu: Chi cục Thuế khu vực"
    relic = next(r for r in range(1, 5) if "Đường Lâm" in city.cell(r, 1).text)
    assert city.cell(relic, 2).text.splitlines() == ["3 người nêu", "xã Đường Lâm"]
    texts = docx_texts(content)
    assert "- UBND thành phố Hà Nội (để báo cáo);" in texts


def test_escalation_list_without_escalations(sample_data: ReportData) -> None:
    calm = [replace(o, escalate=False, escalation_level=None, escalation_reason=None)
            for o in sample_data.opinions]
    paragraphs = docx_paragraphs(build_escalations_docx(replace(sample_data, opinions=calm)))
    assert "Không có ý kiến, kiến nghị vượt thẩm quyền." in paragraphs


def test_scope_of_a_filtered_view_is_printed(sample_data: ReportData) -> None:
    only_tnmt = [o for o in sample_data.opinions if o.department == "tnmt"]
    view = replace(sample_data, opinions=only_tnmt,
                   scope="Phòng Tài nguyên và Môi trường thị xã")
    paragraphs = docx_paragraphs(build_report_docx(view))
    assert "(Phạm vi: Phòng Tài nguyên và Môi trường thị xã)" in paragraphs
    assert "1. Cấp GCN lần đầu (9 ý kiến, 4 vấn đề)" in paragraphs
    assert not any(p.startswith("2. Đăng ký biến động") for p in paragraphs)
