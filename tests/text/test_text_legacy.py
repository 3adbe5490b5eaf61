"""TCVN3 and VNI: the tables, detection, and repair of whole sentences and documents."""

from __future__ import annotations

import json
import unicodedata

import pytest

from triage.settings import get_settings
from triage.text import (
    decode_legacy,
    detect_legacy_encoding,
    encode_legacy,
    repair_text,
    repair_with_report,
)

VOWELS = "aăâeêioôơuưy"
MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
LOWER = [
    *sorted({unicodedata.normalize("NFC", v + m) for v in VOWELS for m in MARKS} - set("aeiouy")),
    "đ",
]
UPPER = [c.upper() for c in LOWER]

SENTENCES = [
    "Người dân đề nghị cấp giấy chứng nhận quyền sử dụng đất lần đầu cho các hộ đã sử dụng "
    "đất ổn định.",
    "Hồ sơ đăng ký biến động của gia đình tôi nộp từ tháng 3 nhưng đến nay vẫn chưa được "
    "giải quyết.",
    "Đề nghị thị xã xem xét cấp giấy chứng nhận cho 12 hộ dân ở khu đất giãn dân thôn Mông "
    "Phụ, xã Đường Lâm.",
    "Ở thôn Đông Sàng, nhiều hộ phải chờ hơn một năm mới được cấp đổi sổ đỏ.",
    "Ủy ban nhân dân thị xã Sơn Tây",
    "Cử tri phường Trung Hưng phản ánh thủ tục tách thửa, chuyển nhượng còn rườm rà, kéo dài.",
    "Gia đình ông Nguyễn Văn Tuấn có thửa đất số 215, tờ bản đồ số 7, đã nộp đủ thuế nhưng "
    "chưa nhận được sổ.",
]
HEADINGS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐỘC LẬP - TỰ DO - HẠNH PHÚC",
    "BÁO CÁO TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI",
    "XÃ ĐƯỜNG LÂM",
]


def test_tables_are_data_files_with_every_letter() -> None:
    directory = get_settings().data_dir / "encodings"
    tcvn3 = json.loads((directory / "tcvn3.json").read_text(encoding="utf-8"))["map"]
    vni = json.loads((directory / "vni.json").read_text(encoding="utf-8"))["map"]
    # VN3: the 67 lower-case letters plus the 7 capitals Ă Â Ê Ô Ơ Ư Đ, all one byte.
    assert set(tcvn3.values()) == set(LOWER) | set("ĂÂÊÔƠƯĐ")
    assert all(len(k) == 1 and 0xA1 <= ord(k) <= 0xFE for k in tcvn3)
    assert tcvn3["\u00ad"] == "ư"  # the soft hyphen is TCVN3's ư
    # VNI has every letter in both cases.
    assert set(vni.values()) == set(LOWER) | set(UPPER)
    assert len(set(vni.values())) == len(vni)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("letter", LOWER)
def test_every_lower_case_letter_round_trips(encoding: str, letter: str) -> None:
    # After a consonant: a toned vowel opening a TCVN3 line is read as a capital (see below).
    encoded = encode_legacy("x" + letter, encoding)
    assert decode_legacy(encoded, encoding) == "x" + letter
    word = "th" + letter + "ng"
    assert decode_legacy(encode_legacy(word, encoding), encoding) == word


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("letter", UPPER)
def test_every_capital_letter_round_trips_in_a_capitalised_word(encoding: str, letter: str) -> None:
    # TCVN3 has no codes for capital toned vowels: .VnTimeH headings use the lower-case codes
    # and the capitals are recovered from the surrounding capital letters.
    word = "TH" + letter + "NG"
    assert decode_legacy(encode_legacy(word, encoding), encoding) == word


def test_tcvn3_encodes_capitals_the_way_vntimeh_headings_were_typed() -> None:
    assert encode_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam", "tcvn3") == (
        "Céng hßa x· héi chñ nghÜa ViÖt Nam"
    )
    assert encode_legacy("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "tcvn3") == (
        "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM"
    )
    assert encode_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam", "vni") == (
        "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
    )


@pytest.mark.parametrize(
    ("mojibake", "expected"),
    [
        ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("§éC LËP - Tù DO - H¹NH PHóC", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
        (
            "Ng\u00adêi d©n ®Ò nghÞ cÊp giÊy chøng nhËn quyÒn sö dông ®Êt lÇn ®Çu.",
            "Người dân đề nghị cấp giấy chứng nhận quyền sử dụng đất lần đầu.",
        ),
        ("Thñ t\u00adíng ChÝnh phñ", "Thủ tướng Chính phủ"),
        ("ñy ban nh©n d©n thÞ x· S¬n T©y", "Ủy ban nhân dân thị xã Sơn Tây"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (
            "Ngöôøi daân phaûn aùnh thuû tuïc sang teân quyeàn söû duïng ñaát coøn chaäm.",
            "Người dân phản ánh thủ tục sang tên quyền sử dụng đất còn chậm.",
        ),
        ("UÛY BAN NHAÂN DAÂN THÒ XAÕ SÔN TAÂY", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY"),
    ],
)
def test_mojibake_literals_are_repaired(mojibake: str, expected: str) -> None:
    assert repair_text(mojibake) == expected


def test_vntimeh_heading_keeps_old_tone_style_only_until_repair() -> None:
    # decode_legacy gives what was typed ("hoà", old style); repair applies the new style.
    assert decode_legacy("Céng hoµ", "tcvn3") == "Cộng hoà"
    assert repair_text("Céng hoµ") == "Cộng hòa"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("sentence", SENTENCES + HEADINGS)
def test_sentences_round_trip_through_detection(encoding: str, sentence: str) -> None:
    mojibake = encode_legacy(sentence, encoding)
    assert mojibake != sentence
    assert detect_legacy_encoding(mojibake) == encoding
    report = repair_with_report(mojibake)
    assert report.text == repair_text(sentence) == sentence
    assert report.legacy_encoding == encoding
    assert encoding in report.fixes


def test_capital_toned_vowel_inside_a_tcvn3_sentence_comes_back_in_small_letters() -> None:
    # .VnTime has no capital toned vowels; a writer switched that one letter to .VnTimeH,
    # which leaves the lower-case code. At the start of a sentence we restore the capital;
    # inside a sentence there is nothing to tell it from a small letter.
    mojibake = encode_legacy("Gửi Ủy ban nhân dân. Ủy ban trả lời.", "tcvn3")
    assert repair_text(mojibake) == "Gửi ủy ban nhân dân. Ủy ban trả lời."


def test_document_with_only_some_legacy_lines() -> None:
    lines = [
        "TỔNG HỢP Ý KIẾN CỬ TRI",
        encode_legacy("I. PHƯỜNG TRUNG HƯNG", "tcvn3"),
        encode_legacy("1. Đề nghị đẩy nhanh việc cấp giấy chứng nhận lần đầu.", "tcvn3"),
        "2. Thủ tục sang tên sổ đỏ còn chậm, đề nghị rút ngắn thời gian.",
        encode_legacy("3. Hồ sơ tách thửa nộp từ năm 2021 chưa được giải quyết.", "vni"),
        "",
        "Café Müller ở Đường Lâm mở cửa.",
    ]
    expected = [
        "TỔNG HỢP Ý KIẾN CỬ TRI",
        "I. PHƯỜNG TRUNG HƯNG",
        "1. Đề nghị đẩy nhanh việc cấp giấy chứng nhận lần đầu.",
        "2. Thủ tục sang tên sổ đỏ còn chậm, đề nghị rút ngắn thời gian.",
        "3. Hồ sơ tách thửa nộp từ năm 2021 chưa được giải quyết.",
        "",
        "Café Müller ở Đường Lâm mở cửa.",
    ]
    report = repair_with_report("\n".join(lines))
    assert report.text.split("\n") == expected
    assert report.legacy_encoding == "tcvn3"  # most converted lines
    assert "tcvn3" in report.fixes and "vni" in report.fixes
    assert detect_legacy_encoding("\n".join(lines)) == "tcvn3"


def test_legacy_cell_in_a_tab_separated_row() -> None:
    row = "1\tNguyễn Văn An\tThôn Mông Phụ\t" + encode_legacy(
        "Đề nghị cấp giấy chứng nhận cho đất giãn dân.", "tcvn3"
    )
    assert repair_text(row) == (
        "1\tNguyễn Văn An\tThôn Mông Phụ\tĐề nghị cấp giấy chứng nhận cho đất giãn dân."
    )


def test_short_lines_follow_the_document_once_it_is_known_to_be_legacy() -> None:
    # "Céng ty" alone has only characters that are also Unicode letters: on its own it
    # stays, in a TCVN3 document it is converted.
    assert repair_text("Céng ty") == "Céng ty"
    document = encode_legacy("Công ty đo đạc đã đến đo đất của gia đình tôi.", "tcvn3")
    assert repair_text(document + "\nCéng ty") == (
        "Công ty đo đạc đã đến đo đất của gia đình tôi.\nCộng ty"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Tôi là người dân thôn Cam Lâm, xã Đường Lâm, đề nghị cấp sổ đỏ cho gia đình.",
        "Bà con phản ánh cán bộ địa chính xã làm việc chậm, thái độ chưa tốt.",
        "Năm 2019 gia đình tôi mua 120 m² đất bằng giấy viết tay, đến nay chưa làm được sổ.",
        "Xin cảm ơn! Chúc hội nghị thành công tốt đẹp.",
        "toi xin hoi thu tuc sang ten so do mat bao lau a",
        "The café on Müller Straße serves crème brûlée; São Paulo, señor, naïve résumé.",
        "Plain ASCII text with numbers 12.500.000 and symbols © ® § ½ µm.",
        "Ông Lê Văn Bé, bà Trần Thị Lý có ý kiến về giá đất ở, ô tô, xe máy.",
    ],
)
def test_unicode_and_english_are_never_converted(text: str) -> None:
    assert detect_legacy_encoding(text) is None
    report = repair_with_report(text)
    assert report.legacy_encoding is None
    assert "tcvn3" not in report.fixes and "vni" not in report.fixes


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        decode_legacy("abc", "viscii")
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        encode_legacy("abc", "viqr")
