"""Personal data: found, kept in internal lists, masked for anything published."""

from __future__ import annotations

import pytest

from triage.intake import find_personal_data, mask_personal_data


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in find_personal_data(text)]


@pytest.mark.parametrize(
    "phone",
    ["0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84 912 345 678",
     "+84912345678", "(+84) 912 345 678", "024 3383 1234", "02433831234"],
)  # fmt: skip
def test_phone_numbers_in_any_grouping(phone):
    text = f"Liên hệ {phone} để được hướng dẫn."
    assert _kinds(text) == [("phone", phone)]
    assert mask_personal_data(text, find_personal_data(text)) == (
        "Liên hệ [số điện thoại] để được hướng dẫn."
    )


def test_citizen_ids():
    assert _kinds("CCCD số 001085012345 cấp năm 2021") == [("citizen_id", "001085012345")]
    assert _kinds("căn cước 001 085 012 345") == [("citizen_id", "001 085 012 345")]
    assert _kinds("CMND: 112233445") == [("citizen_id", "112233445")]
    assert _kinds("so chung minh nhan dan 012345678") == [("citizen_id", "012345678")]
    # Nine digits without context are not an ID (nor a phone: no leading 0).
    assert _kinds("mã hồ sơ 112233445") == []


def test_email_addresses():
    text = "gửi về hoa.nguyen.84@gmail.com hoặc mttq_sontay@hanoi.gov.vn nhé"
    assert _kinds(text) == [
        ("email", "hoa.nguyen.84@gmail.com"),
        ("email", "mttq_sontay@hanoi.gov.vn"),
    ]
    assert mask_personal_data(text, find_personal_data(text)) == "gửi về [email] hoặc [email] nhé"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Ông Nguyễn Văn An đề nghị", "Ông N.V.A. đề nghị"),
        ("hộ bà Trần Thị Bích ở tổ 3", "hộ bà T.T.B. ở tổ 3"),
        ("ong Nguyen Van An hoi", "ong N.V.A. hoi"),
        ("gia đình chú Khuất Duy Tiến và cô Hà", "gia đình chú K.D.T. và cô H."),
        ("Anh Phùng Văn Hậu, Chị Lê Thị Thu", "Anh P.V.H., Chị L.T.T."),
        ("Em Đỗ Minh, Bác Kiều Văn Ba", "Em Đ.M., Bác K.V.B."),
        ("đã gặp ông Nguyễn Văn An.", "đã gặp ông N.V.A."),
        ("Bà B, TDP số 3", "Bà B., TDP số 3"),
    ],
)  # fmt: skip
def test_names_after_honorifics_become_initials(text, masked):
    assert mask_personal_data(text, find_personal_data(text)) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Ông Chủ tịch UBND xã hứa giải quyết",
        "bà con thôn Mông Phụ",
        "anh em trong họ",
        "Cô giáo trường mầm non",
        "Em xin hỏi thủ tục",
        "Ông bà để lại mảnh đất",
        "Chú ý: hồ sơ phải nộp trước ngày 20",
    ],
)
def test_no_name_where_the_honorific_is_not_followed_by_a_name(text):
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "thửa số 125, tờ bản đồ số 7, diện tích 320 m2",
        "năm 1993, năm 2004 và năm 2023",
        "nộp 150.000.000 đồng và 1.050.000.000 đ tiền sử dụng đất",
        "theo Quyết định số 20/2017/QĐ-UBND ngày 01/06/2017",
        "Nghị định 43/2014/NĐ-CP, Luật Đất đai 2013",
        "hồ sơ số 000123/2023 nộp ngày 05.08.2023",
    ],
)
def test_parcels_years_amounts_and_decisions_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_spans_point_into_the_text_and_mask_keeps_the_rest():
    text = "Ông Lê Văn Nam, SĐT 0987654321, CCCD 001090001234, email nam@gmail.com."
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == ["name", "phone", "citizen_id", "email"]
    assert all(text[s.start : s.end] == s.value for s in spans)
    assert mask_personal_data(text, spans) == (
        "Ông L.V.N., SĐT [số điện thoại], CCCD [số CCCD/CMND], email [email]."
    )
    assert mask_personal_data(text, []) == text
