"""Compiled documents: headings, numbered items, wrapping, lead-ins, top matter, signatures."""

from __future__ import annotations

from triage.intake import Batch, IntakeOpinion, read_batch


def _by_line(batch: Batch) -> dict[int | None, IntakeOpinion]:
    return {o.line: o for o in batch.opinions}


def test_town_report_opinions_sections_and_lead_ins(fixture_bytes, son_tay):
    batch = read_batch(
        fixture_bytes("tong_hop_mttq_thi_xa.txt"), jurisdiction=son_tay, id_prefix="b1-"
    )
    assert batch.format == "document"
    assert batch.legacy_encoding is None
    assert len(batch.opinions) == 11
    assert [o.id for o in batch.opinions][:3] == ["b1-0001", "b1-0002", "b1-0003"]
    assert [o.position for o in batch.opinions] == list(range(1, 12))

    first = batch.opinions[0]
    assert first.line == 13
    assert first.section == "PHƯỜNG TRUNG HƯNG"
    assert (first.locality, first.locality_source) == ("trung_hung", "section")
    assert first.submitter == "Cử tri tổ dân phố số 4"
    assert first.text.startswith("nhiều hộ gia đình sử dụng đất ổn định")
    assert first.original.startswith("1. Cử tri tổ dân phố số 4 phản ánh:")

    # An inline lead-in with a name: the name leaves the text, the phone is masked.
    second = batch.opinions[1]
    assert second.submitter == "Ông Nguyễn Văn Bình (tổ 5)"
    assert "Nguyễn Văn Bình" not in second.text
    assert "0912 345 678" in second.text
    assert "[số điện thoại]" in second.masked_text
    assert [span.kind for span in second.personal_data] == ["phone"]


def test_wrapped_item_with_indentation_is_one_opinion(fixture_bytes):
    batch = read_batch(fixture_bytes("tong_hop_mttq_thi_xa.txt"))
    wrapped = _by_line(batch)[15]
    assert wrapped.text == (
        "Đề nghị làm rõ việc thu tiền sử dụng đất khi cấp GCN lần đầu đối với đất giao trái "
        "thẩm quyền trước năm 2004, hiện nay người dân chưa được hướng dẫn cụ thể mức thu."
    )
    assert wrapped.original.count("\n") == 2  # three input lines kept as they came


def test_lead_in_on_its_own_line_names_each_bullet(fixture_bytes):
    batch = read_batch(fixture_bytes("tong_hop_mttq_thi_xa.txt"))
    lines = _by_line(batch)
    for line in (21, 22):
        bullet = lines[line]
        assert bullet.submitter == "Cử tri thôn Mông Phụ"
        assert bullet.original.startswith("Cử tri thôn Mông Phụ phản ánh:\n- ")
        assert bullet.locality == "duong_lam"
    assert lines[21].text.startswith("Đất ở trong khu di tích")
    # After the list, an unmarked paragraph with its own speaker ...
    assert lines[23].submitter == "Bà Kiều Thị Hoa, thôn Đông Sàng"
    assert lines[23].text.startswith("hướng dẫn thủ tục tách thửa")
    # ... and the next numbered item has no speaker: the lead-in spoke for its list only.
    assert lines[24].submitter is None
    assert (lines[24].locality, lines[24].locality_source) == ("duong_lam", "section")


def test_street_named_like_a_ward_does_not_move_the_opinion(fixture_bytes):
    batch = read_batch(fixture_bytes("tong_hop_mttq_thi_xa.txt"))
    lines = _by_line(batch)
    # "đường Quang Trung" is a street; the opinion sits under "III. PHƯỜNG QUANG TRUNG".
    assert lines[27].locality_source == "section"
    assert lines[27].submitter == "Hộ ông Phùng Văn Tuấn ở đường Quang Trung"
    assert lines[27].text.startswith("Hộ ông Phùng Văn Tuấn")  # no colon: text kept whole
    assert "Hộ ông P.V.T. ở đường" in lines[27].masked_text


def test_mass_organisation_section_has_no_locality(fixture_bytes):
    batch = read_batch(fixture_bytes("tong_hop_mttq_thi_xa.txt"))
    lines = _by_line(batch)
    for line in (31, 32):
        assert lines[line].section == "HỘI NÔNG DÂN THỊ XÃ"
        assert lines[line].locality is None
        assert lines[line].locality_source is None


def test_top_matter_and_signature_block_are_skipped_with_reasons(fixture_bytes):
    batch = read_batch(fixture_bytes("tong_hop_mttq_thi_xa.txt"))
    reasons = {(s.line, s.reason) for s in batch.skipped}
    assert {(1, "tiêu đề"), (2, "tiêu đề"), (4, "tiêu đề"), (6, "tiêu đề")} <= reasons
    assert (7, "tiêu đề") in reasons  # second line of the title
    assert (8, "tiêu đề") in reasons  # "(Phục vụ Hội nghị đối thoại năm 2023)"
    assert (10, "phần mở đầu") in reasons
    assert {(12, "đề mục"), (19, "đề mục"), (26, "đề mục"), (30, "đề mục")} <= reasons
    assert (20, "lời dẫn") in reasons
    assert (34, "phần kết") in reasons
    assert {(36, "nơi nhận"), (37, "nơi nhận"), (39, "nơi nhận")} <= reasons
    assert (41, "chữ ký") in reasons
    texts = " ".join(o.text for o in batch.opinions)
    for left_out in ("CỘNG HÒA", "Nơi nhận", "Nguyễn Thị Lan", "Đã ký", "Trên đây"):
        assert left_out not in texts


def test_report_with_arabic_headings_and_hard_wrapped_lines(fixture_bytes):
    batch = read_batch(fixture_bytes("bao_cao_phuong_xa.txt"))
    assert batch.format == "document"
    assert len(batch.opinions) == 10
    lines = _by_line(batch)
    # "1. Phường Lê Lợi:" opens a section; "a)" items wrap without indentation.
    item = lines[9]
    assert item.section == "Phường Lê Lợi"
    assert item.locality == "le_loi"
    assert item.text.endswith("đã kê khai từ năm 2019 nhưng chưa được xét duyệt.")
    assert item.submitter == "Cử tri tổ dân phố số 2"
    # A question after "hỏi:" keeps only the question; the address in the lead-in is a
    # street ("phố Ngô Quyền"), not the ward Ngô Quyền.
    question = lines[14]
    assert question.submitter == "Ông Lê Văn Nam (số nhà 12 phố Ngô Quyền)"
    assert question.text.startswith("khi tặng cho quyền sử dụng đất")
    assert question.locality == "le_loi"


def test_lead_in_with_as_follows_and_plus_bullets(fixture_bytes):
    batch = read_batch(fixture_bytes("bao_cao_phuong_xa.txt"))
    lines = _by_line(batch)
    assert lines[19].submitter == lines[21].submitter == "Ông Đỗ Văn Hải, thôn Tiền Huân"
    assert lines[19].text.endswith("đến nay chưa được cấp GCN;")
    assert lines[19].locality == "kim_son"
    # A list in another style after the "+" bullets is no longer the lead-in's.
    assert lines[22].submitter == "Cử tri"


def test_mixed_case_organisation_headings(fixture_bytes):
    batch = read_batch(fixture_bytes("bao_cao_phuong_xa.txt"))
    lines = _by_line(batch)
    veterans = lines[29]
    assert veterans.section == "Hội Cựu chiến binh"
    # "P. Xuân Khanh" in the text itself
    assert (veterans.locality, veterans.locality_source) == ("xuan_khanh", "text")
    assert lines[31].section == "Hội Cựu chiến binh"
    assert lines[31].locality is None  # the organisation's section says nothing of a place
    assert lines[34].section == "Đoàn Thanh niên"
    signature = [s for s in batch.skipped if s.reason == "chữ ký"]
    assert [s.text for s in signature] == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "(đã ký)",
        "Trần Văn Minh",
    ]


def test_two_reports_pasted_one_after_the_other(fixture_bytes):
    batch = read_batch(fixture_bytes("y_kien_hai_phuong_xuong_dong.txt"))
    assert len(batch.opinions) == 6
    ngo_quyen = [o for o in batch.opinions if o.locality == "ngo_quyen"]
    thanh_my = [o for o in batch.opinions if o.locality == "thanh_my"]
    assert len(ngo_quyen) == 3 and len(thanh_my) == 3
    # Unnumbered paragraphs: a line that closes a sentence ends the opinion, a line that
    # does not is continued by the next.
    first, second = batch.opinions[0], batch.opinions[1]
    assert first.text.endswith("Đề nghị thị xã sớm có phương án giải quyết.")
    assert second.text.startswith("Đề nghị Chi nhánh Văn phòng đăng ký đất đai")
    assert second.line == 7
    # "Câu 1:" labels are list markers.
    assert thanh_my[0].text.startswith("Nhân dân thôn Thuần Nghệ đề nghị")
    assert thanh_my[0].submitter == "Nhân dân thôn Thuần Nghệ"
    assert thanh_my[0].original.startswith("Câu 1:")
    # The second report's own title resets the outline: its items are not Ngô Quyền's.
    assert all(o.section == "MTTQ XÃ THANH MỸ" for o in thanh_my)
    assert {s.reason for s in batch.skipped if s.line >= 23} == {"nơi nhận", "chữ ký"}


def test_lead_in_numbered_with_sub_bullets_and_wrapping():
    text = (
        "II. XÃ SƠN ĐÔNG\n"
        "1. Ông Khuất Văn Thành (thôn Văn Gia) kiến nghị:\n"
        "   - Gia đình được giao đất năm 1996 nhưng chưa được cấp giấy chứng nhận, đề nghị\n"
        "   xem xét cấp cho gia đình;\n"
        "   - Đề nghị hướng dẫn thủ tục tặng cho đất cho con trai.\n"
        "2. Đề nghị xã công khai kết quả xét duyệt hồ sơ cấp GCN.\n"
    )
    batch = read_batch(text)
    assert [o.submitter for o in batch.opinions] == [
        "Ông Khuất Văn Thành (thôn Văn Gia)",
        "Ông Khuất Văn Thành (thôn Văn Gia)",
        None,
    ]
    assert batch.opinions[0].text == (
        "Gia đình được giao đất năm 1996 nhưng chưa được cấp giấy chứng nhận, đề nghị xem xét "
        "cấp cho gia đình;"
    )
    assert all(o.locality == "son_dong" for o in batch.opinions)
    assert batch.opinions[2].line == 6


def test_topic_subheadings_keep_the_locality_of_their_unit():
    text = (
        "I. PHƯỜNG VIÊN SƠN\n"
        "1. Về cấp GCN lần đầu:\n"
        "- Đề nghị đẩy nhanh việc cấp GCN cho đất dôi dư.\n"
        "2. Về đăng ký biến động:\n"
        "- Thủ tục tách thửa còn rườm rà.\n"
        "II. CÁC Ý KIẾN KHÁC\n"
        "- Đề nghị lắp đèn chiếu sáng ngõ xóm.\n"
    )
    batch = read_batch(text)
    assert [(o.section, o.locality) for o in batch.opinions] == [
        ("Về cấp GCN lần đầu", "vien_son"),
        ("Về đăng ký biến động", "vien_son"),
        ("CÁC Ý KIẾN KHÁC", None),
    ]
    assert [s.reason for s in batch.skipped] == ["đề mục"] * 4


def test_item_ending_with_colon_takes_its_own_sub_list():
    text = (
        "1. Phường Sơn Lộc:\n"
        "a) Đề nghị thị xã chỉ đạo các phòng chuyên môn giải quyết dứt điểm các việc sau:\n"
        "- hồ sơ cấp GCN của 12 hộ tổ 8 nộp từ năm 2020;\n"
        "- hồ sơ tách thửa của 5 hộ tổ 9.\n"
        "b) Đề nghị công khai quy hoạch khu dân cư mới.\n"
    )
    batch = read_batch(text)
    assert len(batch.opinions) == 2
    assert batch.opinions[0].text.endswith(
        "các việc sau: - hồ sơ cấp GCN của 12 hộ tổ 8 nộp từ "
        "năm 2020; - hồ sơ tách thửa của 5 hộ tổ 9."
    )
    assert batch.opinions[0].original.count("\n") == 2


def test_end_mark_and_word_tab_numbering():
    text = (
        "TỔNG HỢP Ý KIẾN CỬ TRI XÃ XUÂN SƠN\n"
        "1.\tĐề nghị cấp GCN cho các hộ khu Đồng Chằm đã nộp tiền sử dụng đất.\n"
        "2.\tĐề nghị hỗ trợ kinh phí đo đạc cho hộ nghèo./.\n"
    )
    batch = read_batch(text)
    assert [o.text for o in batch.opinions] == [
        "Đề nghị cấp GCN cho các hộ khu Đồng Chằm đã nộp tiền sử dụng đất.",
        "Đề nghị hỗ trợ kinh phí đo đạc cho hộ nghèo",
    ]
    assert batch.skipped[0].reason == "tiêu đề"


def test_large_document_keeps_every_opinion(fixture_text):
    body = fixture_text("tong_hop_mttq_thi_xa.txt")
    sections = body.split("I. PHƯỜNG TRUNG HƯNG", 1)[1].split("Trên đây", 1)[0]
    text = "I. PHƯỜNG TRUNG HƯNG" + sections * 910  # 10,010 opinions, about 2 MB
    batch = read_batch(text)
    assert len(batch.opinions) == 10_010
    assert len({o.id for o in batch.opinions}) == 10_010
    assert batch.opinions[-1].id == "10010"
    assert batch.opinions[-1].section == "HỘI NÔNG DÂN THỊ XÃ"


def test_letter_headings_colon_speakers_and_a_compiler_signature(fixture_bytes):
    batch = read_batch(fixture_bytes("bao_cao_phu_thinh_nhieu_kieu.txt"))
    assert len(batch.opinions) == 6
    assert all(o.locality == "phu_thinh" for o in batch.opinions)  # from the title
    first, second, third = batch.opinions[:3]
    # "Cử tri tổ 1: đề nghị ..." and "Bà ... (tổ 3): hỏi ...": the speaker leaves the text,
    # the verb stays with the opinion.
    assert (first.submitter, first.text) == (
        "Cử tri tổ 1",
        "đề nghị cấp giấy cho 7 hộ giãn dân khu Đồng Sổ.",
    )
    assert third.submitter == "Bà Nguyễn Thị Mận (tổ 3)"
    assert third.text == "hỏi về thủ tục cho tặng đất cho con."
    # A clause after the name is not part of a speaker: no submitter, name masked in text.
    assert second.submitter is None
    assert second.masked_text.startswith("Hộ ông K.V.T. có đất ở")
    assert [o.section for o in batch.opinions] == [
        "Ý KIẾN VỀ CẤP GCN LẦN ĐẦU",
        "Ý KIẾN VỀ CẤP GCN LẦN ĐẦU",
        "Ý KIẾN VỀ ĐĂNG KÝ BIẾN ĐỘNG",
        "Ý KIẾN VỀ ĐĂNG KÝ BIẾN ĐỘNG",
        "Ý KIẾN KHÁC",
        "Ý KIẾN KHÁC",
    ]
    assert batch.opinions[5].text.endswith("chở vật liệu chạy tốc độ cao qua khu dân cư.")
    assert [(s.text, s.reason) for s in batch.skipped[-2:]] == [
        ("Người tổng hợp", "chữ ký"),
        ("Lê Văn Tám", "chữ ký"),
    ]


def test_opinions_right_under_a_title_are_not_taken_for_its_second_line():
    text = (
        "Ý KIẾN CỬ TRI XÃ KIM SƠN\n"
        "Đề nghị cấp GCN cho các hộ thôn Tiền Huân\n"
        "Thủ tục tách thửa kéo dài quá lâu.\n"
    )
    batch = read_batch(text, input_format="document")
    assert [o.text for o in batch.opinions] == [
        "Đề nghị cấp GCN cho các hộ thôn Tiền Huân Thủ tục tách thửa kéo dài quá lâu.",
    ]
    assert batch.opinions[0].locality == "kim_son"
    assert [s.reason for s in batch.skipped] == ["tiêu đề"]


def test_numbered_opinions_typed_in_capitals_are_opinions_not_headings():
    from triage.intake import read_batch

    text = (
        "I. PHƯỜNG NGÔ QUYỀN\n"
        "1. SANG TEN 3 THANG CHUA XONG, GOI DIEN LEN CHI NHANH KHONG AI NGHE, DAN PHAI DI LAI "
        "NHIEU LAN\n"
        "2. ĐỀ NGHỊ XÂY DỰNG CHỢ NÔNG THÔN, BÀ CON PHẢI HỌP CHỢ TẠM VEN ĐƯỜNG.\n"
        "3. Đề nghị cấp giấy chứng nhận lần đầu cho các hộ ở tổ 5.\n"
        "II. XÃ KIM SƠN\n"
        "1. Hồ sơ tách thửa nộp từ tháng 3 chưa có kết quả.\n"
    )
    batch = read_batch(text)
    assert len(batch.opinions) == 4
    assert batch.opinions[0].text.startswith("SANG TEN")
    assert [o.locality for o in batch.opinions] == ["ngo_quyen"] * 3 + ["kim_son"]
    assert [s.text for s in batch.skipped] == ["I. PHƯỜNG NGÔ QUYỀN", "II. XÃ KIM SƠN"]
