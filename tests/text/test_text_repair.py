"""The full repair: mojibake, Unicode form, tone marks, look-alikes, spaces and punctuation."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from triage.text import Repaired, encode_legacy, repair_text, repair_with_report

CLEAN = [
    "Đề nghị thị xã sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở xóm Mới.",
    "Gia đình tôi ở tổ dân phố số 5, phường Trung Hưng, đã nộp hồ sơ từ tháng 6/2022.",
    "Thửa đất 1,5 ha; giá 12.500.000 đồng/m²; làm việc từ 8:30 đến 11:00.",
    "Hòa, thủy, khỏe, quý, quả, giữ, ngoài, hoàn thành, khuya, khuỷu tay, Quỳnh, thuở xưa.",
    "I. PHƯỜNG TRUNG HƯNG\n1. Cử tri thôn Mông Phụ phản ánh:\n\ta) Chậm cấp đổi sổ.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_unicode_passes_through_unchanged(text: str) -> None:
    report = repair_with_report(text)
    assert report.text == text
    assert report.fixes == ()
    assert report.legacy_encoding is None


@pytest.mark.parametrize(
    "text",
    [
        "The café on Müller Straße serves crème brûlée; São Paulo, señor, naïve résumé.",
        "Please call +84 912 345 678 (office hours 8:00-17:00), e-mail: mttq@sontay.gov.vn",
        "Plain ASCII: GCN, UBND, QSDD; 12.500.000 VND.",
    ],
)
def test_english_and_ascii_pass_through_unchanged(text: str) -> None:
    assert repair_with_report(text) == Repaired(text, text, (), None)


def test_report_is_frozen_and_keeps_the_original() -> None:
    report = repair_with_report("Đường  Lâm ")
    assert isinstance(report, Repaired)
    assert report.original == "Đường  Lâm "
    assert report.text == "Đường Lâm"
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.text = "x"  # type: ignore[misc]


# --- UTF-8 read as Windows-1252 -------------------------------------------------------------


def _as_cp1252(text: str) -> str:
    """What a UTF-8 text looks like opened as Windows-1252 (undefined bytes as C1 controls)."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


def test_cp1252_mojibake_literal() -> None:
    assert repair_text("Giáº¥y chá»©ng nháº­n") == "Giấy chứng nhận"
    report = repair_with_report("Ä\x90á»\x81 nghá»‹ cáº¥p sá»• Ä‘á»\x8f cho ngÆ°á»\x9di dÃ¢n")
    assert report.text == "Đề nghị cấp sổ đỏ cho người dân"
    assert report.fixes[0] == "mojibake_cp1252"


@pytest.mark.parametrize(
    "sentence",
    [
        "Hồ sơ tách thửa của ông Trần Văn Hải nộp ngày 12/3 nhưng chưa được trả kết quả.",
        "Đề nghị UBND xã Đường Lâm xác nhận nguồn gốc đất cho các hộ giãn dân.",
        "Chi nhánh Văn phòng đăng ký đất đai Sơn Tây “hẹn” lần thứ ba – quá chậm…",
    ],
)
def test_cp1252_mojibake_round_trip(sentence: str) -> None:
    mojibake = _as_cp1252(sentence)
    assert mojibake != sentence
    assert repair_text(mojibake) == repair_text(sentence)


def test_latin1_reading_with_c1_controls() -> None:
    mojibake = "Thá»§ tá»¥c ".encode("cp1252").decode("latin-1") + "sang tên"
    assert repair_text(mojibake) == "Thủ tục sang tên"


def test_mojibake_with_lost_undefined_byte_is_resolved_by_the_syllable() -> None:
    # "ề" is E1 BB 81 and "ờ" E1 BB 9D; some tools drop the bytes cp1252 leaves undefined.
    assert repair_text("quyá»n sá»­ dá»¥ng cá»§a ngÆ°á»i dÃ¢n") == "quyền sử dụng của người dân"


def test_mojibake_twice() -> None:
    twice = _as_cp1252(_as_cp1252("Sổ đỏ"))
    assert repair_text(twice) == "Sổ đỏ"


def test_mojibake_that_does_not_yield_vietnamese_is_left() -> None:
    assert repair_text("Giá: Â£5, SÃO PAULO") == "Giá: Â£5, SÃO PAULO"


# --- Unicode form, tone marks, look-alikes ---------------------------------------------------


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Việt Nam, Đường Lâm, thửa đất")
    report = repair_with_report(decomposed)
    assert report.text == "Việt Nam, Đường Lâm, thửa đất"
    assert "nfc" in report.fixes


def test_windows_1258_combining_tone_marks() -> None:
    # Windows-1258 writes the tone as a separate combining mark after the vowel.
    assert repair_text("ho\u0300a gia\u0301 đâ\u0301t") == "hòa giá đất"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("HOÀ", "HÒA"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("toả", "tỏa"),
        ("loè", "lòe"),
        ("hoạ", "họa"),
        ("tuỳ", "tùy"),
        ("Uỷ ban", "Ủy ban"),
        ("Thuỵ", "Thụy"),
        ("hòan thành", "hoàn thành"),  # a final consonant keeps the tone on the last vowel
        ("Hùynh", "Huỳnh"),
        ("qủa", "quả"),
        ("qúy", "quý"),
    ],
)
def test_tone_marks_follow_the_new_style(old: str, new: str) -> None:
    report = repair_with_report(old)
    assert report.text == new
    assert report.fixes == ("tone_marks",)


@pytest.mark.parametrize(
    "word",
    ["quý", "quả", "quà", "quỳnh", "giữ", "già", "gì", "giếng", "hoàn", "ngoài", "khuya",
     "khuỷu", "thuở", "hoạch", "xoáy", "người", "mùa", "của", "hòa", "thủy"],
)  # fmt: skip
def test_tone_marks_already_right_are_kept(word: str) -> None:
    assert repair_text(word) == word


def test_lookalike_letters() -> None:
    report = repair_with_report("Ðất ðai xã Ðường Lâm")
    assert report.text == "Đất đai xã Đường Lâm"
    assert "lookalikes" in report.fixes
    assert repair_text("ＧＣＮ số ０１２３") == "GCN số 0123"
    assert repair_text("Sơn Тây") == "Sơn Tây"  # Cyrillic Т inside a Latin word
    assert repair_text("Москва") == "Москва"  # a Cyrillic word stays Cyrillic


def test_zero_width_characters_and_bom() -> None:
    report = repair_with_report("\ufeffng\u200bười dân\u200d xã\u2060 Kim Sơn")
    assert report.text == "người dân xã Kim Sơn"
    assert "zero_width" in report.fixes


def test_odd_spaces_become_plain_spaces() -> None:
    text = "xã\u00a0Cổ Đông,\u2009thôn\u202fHậu Ái\u3000và\u2002Văn Miếu"
    assert repair_text(text) == "xã Cổ Đông, thôn Hậu Ái và Văn Miếu"


def test_soft_hyphen_outside_tcvn3_is_dropped() -> None:
    assert repair_text("chứng\u00ad nhận") == "chứng nhận"


# --- spaces, punctuation, lines ------------------------------------------------------------


def test_spaces_are_collapsed_and_lines_trimmed_but_kept() -> None:
    text = "  Ông   Nguyễn Văn Nam  \r\n\r\n  kiến nghị :  đo lại thửa đất ( số 15 ) .  \r\n"
    assert repair_text(text) == "Ông Nguyễn Văn Nam\n\nkiến nghị: đo lại thửa đất (số 15).\n"


def test_line_count_is_preserved() -> None:
    text = "\n a \r\n\u2028b\x0bc\n\n"
    repaired = repair_text(text)
    assert repaired == "\na\n\nb\nc\n\n"
    assert repaired.count("\n") == len(text.replace("\r\n", "\n").splitlines())


def test_tabs_are_kept_for_spreadsheet_rows() -> None:
    row = "STT\tHọ và tên \t Địa chỉ\t\tNội dung"
    assert repair_text(row) == "STT\tHọ và tên\tĐịa chỉ\t\tNội dung"


def test_missing_space_after_comma_between_words() -> None:
    assert repair_text("Sơn Tây,Hà Nội;năm 2023") == "Sơn Tây, Hà Nội; năm 2023"
    assert repair_text("diện tích 1,5 ha") == "diện tích 1,5 ha"


def test_quotes_dashes_and_ellipsis() -> None:
    report = repair_with_report("“Đẩy nhanh” cấp sổ – VP HĐND–UBND ‘trả lời’…")
    assert report.text == "\"Đẩy nhanh\" cấp sổ - VP HĐND-UBND 'trả lời'..."
    assert "punctuation" in report.fixes


def test_control_characters_are_removed() -> None:
    assert repair_text("sổ\x00 đỏ\x07") == "sổ đỏ"


@pytest.mark.parametrize(
    "text",
    [
        *CLEAN,
        "Céng hßa x· héi chñ nghÜa ViÖt Nam",
        "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
        "Giáº¥y chá»©ng nháº­n  “hoà”…",
        unicodedata.normalize("NFD", " Thuỷ  lợi ,Ðồng  Mô "),
        encode_legacy("Hòa giải tranh chấp đất đai ở thôn Phú Nhi.", "tcvn3") + "\nOK",
    ],
)
def test_repair_is_idempotent(text: str) -> None:
    once = repair_text(text)
    assert repair_text(once) == once
