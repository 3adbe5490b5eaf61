"""Tables: Excel pastes (tab-separated), CSV files, .xlsx sheets and tables inside .docx."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from triage.intake import IntakeError, read_batch


def test_excel_paste_with_title_row_and_multiline_cell(fixture_bytes):
    batch = read_batch(fixture_bytes("excel_dan_tsv.txt"))
    assert batch.format == "tsv"
    assert [o.id for o in batch.opinions] == ["1", "2", "3", "4"]  # STT numbers, no id column
    assert [o.line for o in batch.opinions] == [3, 4, 7, 8]  # row 2 spans lines 4-6
    multi = batch.opinions[1]
    assert multi.text == (
        "Gia đình tôi mua đất bằng giấy viết tay năm 2005. Nay muốn làm sổ thì phải làm những "
        "thủ tục gì? SĐT: 0965 123 456"
    )
    assert multi.original.count("\n") == 2
    assert multi.masked_text.endswith("SĐT: [số điện thoại]")
    assert multi.submitter == "Trần Thị Mai, Tổ 7"
    assert multi.extra == {"STT": "2"}
    skipped = [(s.line, s.reason) for s in batch.skipped]
    assert skipped == [(1, "tiêu đề"), (2, "dòng tiêu đề bảng"), (9, "không có nội dung")]


def test_excel_paste_locality_priority(fixture_bytes):
    batch = read_batch(fixture_bytes("excel_dan_tsv.txt"))
    sources = [(o.locality, o.locality_source) for o in batch.opinions]
    assert sources == [
        ("son_loc", "address"),  # "Tổ 3, phường Sơn Lộc"
        ("son_loc", "section"),  # the sheet's title names the ward
        ("duong_lam", "address"),  # "Thôn Cam Lâm, Đường Lâm"
        ("son_loc", "section"),  # "đường Quang Trung" is a street, not the ward
    ]


def test_excel_paste_columns_in_another_order(fixture_bytes):
    batch = read_batch(fixture_bytes("excel_dan_cot_dao.txt"))
    assert batch.format == "tsv"
    first, second, third = batch.opinions
    assert first.text == (
        'Đề nghị xã xác nhận nguồn gốc đất cho "khu đất giãn dân" thôn Đoài Giáp '
        "để làm hồ sơ cấp giấy."
    )
    assert first.submitter == "Kiều Văn Sơn, Đoài Giáp"
    assert first.extra == {"Số điện thoại": "0912000111", "STT": "1"}
    assert (first.locality, first.locality_source) == ("duong_lam", "text")
    assert (second.locality, second.locality_source) == ("xuan_khanh", "address")
    # A row holding only "XÃ THANH MỸ" opens a section; "Thôn Xuân Khanh" names a village.
    assert third.section == "XÃ THANH MỸ"
    assert (third.locality, third.locality_source) == ("thanh_my", "section")
    assert (5, "đề mục") in [(s.line, s.reason) for s in batch.skipped]


def test_csv_file_with_quoted_commas(fixture_bytes):
    batch = read_batch(fixture_bytes("y_kien.csv"), filename="y_kien.csv")
    assert batch.format == "csv"
    assert [o.text for o in batch.opinions][1] == (
        "Hồ sơ tách thửa nộp từ tháng 1, đến nay đã quá hạn, đề nghị trả lời."
    )
    assert batch.opinions[1].extra == {"STT": "2", "Ghi chú": "cần gấp"}
    assert [o.locality for o in batch.opinions] == ["phu_thinh", "co_dong", None]
    assert batch.opinions[2].submitter == "Vũ Văn Định"


def test_id_column_wins_over_stt_and_must_be_unique():
    text = "Mã\tSTT\tNội dung\nPA-7\t1\tĐề nghị cấp GCN lần đầu\nPA-9\t2\tĐề nghị tách thửa\n"
    batch = read_batch(text)
    assert [o.id for o in batch.opinions] == ["PA-7", "PA-9"]
    with pytest.raises(IntakeError) as err:
        read_batch(text.replace("PA-9", "PA-7"))
    assert "PA-7" in err.value.message and "dòng 3" in err.value.message
    assert err.value.location == "dòng 3"


def test_repeated_stt_falls_back_to_assigned_ids():
    text = (
        "STT\tNội dung ý kiến\n1\tĐề nghị cấp GCN\n2\tĐề nghị tách thửa\n"
        "XÃ KIM SƠN\t\n1\tĐề nghị đính chính sổ\n"
    )
    batch = read_batch(text, id_prefix="x-")
    assert [o.id for o in batch.opinions] == ["x-0001", "x-0002", "x-0003"]
    assert batch.opinions[2].locality == "kim_son"


def test_header_without_diacritics_and_lower_case():
    text = "ho ten,dia chi,noi dung\nNguyen Van A,xa Co Dong,de nghi cap so do\n"
    batch = read_batch(text)
    assert batch.format == "csv"
    assert batch.opinions[0].text == "de nghi cap so do"
    assert (batch.opinions[0].locality, batch.opinions[0].locality_source) == (
        "co_dong",
        "address",
    )
    assert batch.opinions[0].submitter == "Nguyen Van A, xa Co Dong"


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Hướng dẫn"
    cover.append(["Bảng này dùng cho Hội nghị đối thoại năm 2023"])
    sheet = book.create_sheet("Tổng hợp")
    sheet.append(["BẢNG TỔNG HỢP Ý KIẾN CỬ TRI XÃ ĐƯỜNG LÂM"])
    sheet.append([])
    sheet.append(["STT", "Nội dung ý kiến, kiến nghị", "Họ và tên", "Thôn", "Cơ quan trả lời"])
    sheet.append(
        [
            1,
            "Đề nghị cấp GCN cho các hộ đang sử dụng đất trong khu di tích.\nĐã kê khai từ 2018.",
            "Hà Văn Quý",
            "Mông Phụ",
            "Phòng TN&MT",
        ]
    )
    sheet.append(
        [2, "Thủ tục chuyển nhượng mất nhiều thời gian.", "Đinh Thị Nga", "Tổ 4 P. Ngô Quyền"]
    )
    sheet.append(["II", "HỘI PHỤ NỮ THỊ XÃ"])
    sheet.append([3, "Đề nghị hỗ trợ phụ nữ đơn thân làm thủ tục thừa kế."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_with_a_header_row_below_a_title():
    batch = read_batch(_xlsx(), filename="tong_hop.xlsx")
    assert batch.format == "xlsx"
    assert [o.id for o in batch.opinions] == ["1", "2", "3"]
    assert [o.line for o in batch.opinions] == [4, 5, 7]  # Excel row numbers
    first, second, third = batch.opinions
    assert first.text.endswith("trong khu di tích. Đã kê khai từ 2018.")
    assert first.submitter == "Hà Văn Quý, Mông Phụ"
    assert first.extra == {"STT": "1", "Cơ quan trả lời": "Phòng TN&MT"}
    assert (first.locality, first.locality_source) == ("duong_lam", "address")  # a village
    assert (second.locality, second.locality_source) == ("ngo_quyen", "address")
    assert third.section == "HỘI PHỤ NỮ THỊ XÃ" and third.locality is None


def test_xlsx_without_content_column_is_refused():
    book = openpyxl.Workbook()
    book.active.append(["STT", "Họ và tên", "Địa chỉ"])
    book.active.append([1, "Nguyễn Văn A", "Tổ 1"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(IntakeError) as err:
        read_batch(buffer.getvalue())
    assert "cột nội dung" in err.value.message
    assert "hàng 1" in err.value.message or err.value.location == "hàng 1"


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    document.add_paragraph("TỔNG HỢP Ý KIẾN CỬ TRI")
    document.add_paragraph("I. PHƯỜNG XUÂN KHANH")
    document.add_paragraph("Cử tri tổ dân phố Xuân Khanh phản ánh:")
    document.add_paragraph("Việc cấp GCN cho đất tái định cư còn chậm.", style="List Bullet")
    document.add_paragraph("Đề nghị công khai quy hoạch sử dụng đất.", style="List Bullet")
    document.add_paragraph("Hộ bà Lê Thị Huệ đề nghị được cấp lại sổ đỏ bị mất do cháy nhà.")
    document.add_paragraph("Ông Hoàng Văn Sáu hỏi thời hạn cấp GCN sau khi nộp đủ hồ sơ.")
    document.add_paragraph("II. XÃ CỔ ĐÔNG")
    table = document.add_table(rows=1, cols=3)
    for cell, header in zip(table.rows[0].cells, ["STT", "Họ tên", "Nội dung"], strict=True):
        cell.text = header
    rows = [
        ("1", "Nguyễn Văn Khải", "Đề nghị giải quyết hồ sơ cấp đổi GCN sau dồn điền đổi thửa."),
        ("2", "Lê Thị Tuyết", "Xin hỏi lệ phí trước bạ khi tặng cho nhà đất."),
    ]
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Như trên;")
    document.add_paragraph("TM. BAN THƯỜNG TRỰC")
    document.add_paragraph("Phan Văn Tùng")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_lists_and_tables_in_body_order():
    batch = read_batch(_docx())
    assert batch.format == "docx"
    texts = [o.text for o in batch.opinions]
    assert texts == [
        "Việc cấp GCN cho đất tái định cư còn chậm.",
        "Đề nghị công khai quy hoạch sử dụng đất.",
        "Hộ bà Lê Thị Huệ đề nghị được cấp lại sổ đỏ bị mất do cháy nhà.",
        "Ông Hoàng Văn Sáu hỏi thời hạn cấp GCN sau khi nộp đủ hồ sơ.",
        "Đề nghị giải quyết hồ sơ cấp đổi GCN sau dồn điền đổi thửa.",
        "Xin hỏi lệ phí trước bạ khi tặng cho nhà đất.",
    ]
    submitters = [o.submitter for o in batch.opinions]
    assert submitters[:2] == ["Cử tri tổ dân phố Xuân Khanh"] * 2  # Word bullets
    # Word paragraphs never wrap: each unnumbered paragraph is its own opinion.
    assert submitters[2:4] == ["Hộ bà Lê Thị Huệ", "Ông Hoàng Văn Sáu"]
    assert submitters[4:] == ["Nguyễn Văn Khải", "Lê Thị Tuyết"]
    assert [o.locality for o in batch.opinions] == ["xuan_khanh"] * 4 + ["co_dong"] * 2
    assert batch.opinions[4].section == "XÃ CỔ ĐÔNG"  # the table sits under the paragraph heading
    assert "Hộ bà L.T.H. đề nghị" in batch.opinions[2].masked_text
    reasons = [s.reason for s in batch.skipped]
    assert reasons.count("tiêu đề") == 3
    assert reasons[-4:] == ["nơi nhận", "nơi nhận", "chữ ký", "chữ ký"]
    assert len({o.id for o in batch.opinions}) == 6  # STT restarts per table: ids assigned


def test_docx_title_table_without_header_is_read_as_lines():
    document = docx.Document()
    top = document.add_table(rows=1, cols=2)
    top.rows[0].cells[0].text = "ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG SƠN LỘC"
    top.rows[0].cells[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    document.add_paragraph("1. Đề nghị cấp GCN cho 15 hộ tổ 2 đã sử dụng đất từ năm 1980.")
    numbered = document.add_table(rows=1, cols=2)
    numbered.rows[0].cells[0].text = "2"
    numbered.rows[0].cells[1].text = "Đề nghị rút ngắn thời gian đăng ký biến động."
    buffer = io.BytesIO()
    document.save(buffer)
    batch = read_batch(buffer.getvalue(), input_format="docx")
    assert [o.text for o in batch.opinions] == [
        "Đề nghị cấp GCN cho 15 hộ tổ 2 đã sử dụng đất từ năm 1980.",
        "Đề nghị rút ngắn thời gian đăng ký biến động.",
    ]
    assert all(o.locality == "son_loc" for o in batch.opinions)
    assert {s.reason for s in batch.skipped} <= {"tiêu đề", "đề mục"}
