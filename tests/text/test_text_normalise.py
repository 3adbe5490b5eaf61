"""The one normaliser, list markers, and the Vietnamese helpers (fold, syllables)."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from triage.jurisdiction import Jurisdiction
from triage.text import (
    Abbreviations,
    NormalisedText,
    Normaliser,
    clean_list_marker,
    encode_legacy,
    fold,
    repair_text,
    strip_diacritics,
)
from triage.text.vietnamese import is_syllable, parse_syllable


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser.for_jurisdiction("son_tay_2023")


def test_the_three_forms(normaliser: Normaliser) -> None:
    original = "  e ko biết thủ tục sang tên sổ đỏ ở VPĐKĐĐ , mất bao lâu ạ?  "
    result = normaliser(original)
    assert isinstance(result, NormalisedText)
    assert result.original == original
    assert result.repaired == repair_text(original)
    assert result.repaired == "e ko biết thủ tục sang tên sổ đỏ ở VPĐKĐĐ, mất bao lâu ạ?"
    assert result.expanded == (
        "em không biết thủ tục sang tên giấy chứng nhận quyền sử dụng đất ở Văn phòng Đăng ký "
        "đất đai, mất bao lâu ạ?"
    )
    assert result.folded == fold(result.expanded)
    assert result.folded.startswith("em khong biet thu tuc sang ten giay chung nhan")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.folded = ""  # type: ignore[misc]


def test_accents_legacy_and_abbreviations_meet_in_the_folded_form(normaliser: Normaliser) -> None:
    written = "Tôi xin hỏi thủ tục sang tên sổ đỏ mất bao lâu?"
    variants = [
        written,
        "toi xin hoi thu tuc sang ten so do mat bao lau?",
        "Tôi xin hỏi thủ tục sang tên GCNQSDĐ mất bao lâu ?",
        encode_legacy(written, "tcvn3"),
        encode_legacy(written, "vni"),
        unicodedata.normalize("NFD", written),
    ]
    folded = {normaliser(v).folded for v in variants}
    assert folded == {"toi xin hoi thu tuc sang ten giay chung nhan quyen su dung dat mat bao lau?"}
    legacy = normaliser(encode_legacy(written, "tcvn3"))
    assert legacy.repaired == written
    assert legacy.legacy_encoding == "tcvn3"
    assert "tcvn3" in legacy.fixes


def test_many_keeps_order_and_reuses_identical_texts(normaliser: Normaliser) -> None:
    texts = ["Cấp GCN lần đầu", "hs chậm", "Cấp GCN lần đầu", ""]
    results = normaliser.many(texts)
    assert [r.original for r in results] == texts
    assert results[0] is results[2]
    assert results[1].expanded == "hồ sơ chậm"
    assert results[3].folded == ""
    assert normaliser.many(iter(texts[:2])) == results[:2]


def test_for_jurisdiction_accepts_a_code_an_object_or_nothing(
    jurisdiction: Jurisdiction,
) -> None:
    by_object = Normaliser.for_jurisdiction(jurisdiction)
    by_default = Normaliser.for_jurisdiction()
    assert by_object("UBND").expanded == by_default("UBND").expanded == "Ủy ban nhân dân"
    assert Normaliser.for_jurisdiction("son_tay_2023") is Normaliser.for_jurisdiction(
        "son_tay_2023"
    )
    with pytest.raises(FileNotFoundError):
        Normaliser.for_jurisdiction("khong_co_dau")


def test_normaliser_without_abbreviations_only_repairs() -> None:
    plain = Normaliser(Abbreviations.empty())
    result = plain("Hoà  giải GCN")
    assert result.expanded == result.repaired == "Hòa giải GCN"
    assert result.folded == "hoa giai gcn"


# --- list markers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "marker", "rest"),
    [
        ("1. Cử tri thôn Mông Phụ phản ánh:", "1.", "Cử tri thôn Mông Phụ phản ánh:"),
        ("  2) Đề nghị cấp đổi sổ", "2)", "Đề nghị cấp đổi sổ"),
        ("a) Chậm cấp giấy chứng nhận", "a)", "Chậm cấp giấy chứng nhận"),
        ("đ) Thủ tục tách thửa", "đ)", "Thủ tục tách thửa"),
        ("- Hồ sơ tồn đọng", "-", "Hồ sơ tồn đọng"),
        ("-Hồ sơ tồn đọng", "-", "Hồ sơ tồn đọng"),
        ("+ Đất giãn dân", "+", "Đất giãn dân"),
        ("• Đất dôi dư", "•", "Đất dôi dư"),
        ("* Ý kiến khác", "*", "Ý kiến khác"),
        ("\uf0b7\tÝ kiến khác", "\uf0b7", "Ý kiến khác"),
        ("I. PHƯỜNG TRUNG HƯNG", "I.", "PHƯỜNG TRUNG HƯNG"),
        ("II. XÃ ĐƯỜNG LÂM", "II.", "XÃ ĐƯỜNG LÂM"),
        ("IV. HỘI NÔNG DÂN", "IV.", "HỘI NÔNG DÂN"),
        ("1.2. Tiếp tục đổi mới", "1.2.", "Tiếp tục đổi mới"),
        ("1.2 Tiếp tục đổi mới", "1.2", "Tiếp tục đổi mới"),
        ("(3) Ông Lê Văn Hòa kiến nghị", "(3)", "Ông Lê Văn Hòa kiến nghị"),
        ("3.Ông Lê Văn Hòa kiến nghị", "3.", "Ông Lê Văn Hòa kiến nghị"),
        ("12- Bà Trần Thị Mai", "12-", "Bà Trần Thị Mai"),
        ("B. PHẦN KIẾN NGHỊ", "B.", "PHẦN KIẾN NGHỊ"),
    ],
)
def test_list_markers(line: str, marker: str, rest: str) -> None:
    assert clean_list_marker(line) == (marker, rest)


@pytest.mark.parametrize(
    "line",
    [
        "12.500.000 đồng mỗi mét vuông",
        "1.5 ha đất nông nghiệp",
        "2023 là năm đối thoại",
        "+84 912 345 678 là số của tôi",
        "-5 độ",
        "Ông Nguyễn Văn A. Kiến nghị",
        "Cử tri thôn Mông Phụ phản ánh",
        "",
    ],
)
def test_lines_without_markers(line: str) -> None:
    assert clean_list_marker(line) == (None, line.strip())


# --- Vietnamese helpers -----------------------------------------------------------------------


def test_strip_diacritics_keeps_case_and_length() -> None:
    text = "Ủy ban nhân dân XÃ ĐƯỜNG LÂM, thửa đất"
    stripped = strip_diacritics(text)
    assert stripped == "Uy ban nhan dan XA DUONG LAM, thua dat"
    assert len(stripped) == len(text)
    assert strip_diacritics(unicodedata.normalize("NFD", text)) == stripped
    assert strip_diacritics("plain ASCII") == "plain ASCII"


def test_fold() -> None:
    assert fold("  Đường   Lâm,\tSơn Tây  ") == "duong lam, son tay"
    assert fold("Dòng một  \n  Dòng HAI") == "dong mot\ndong hai"
    assert fold("Ðất") == "dat"


@pytest.mark.parametrize(
    "word",
    ["người", "được", "quyền", "nghĩa", "giữ", "gì", "quỳnh", "khuỷu", "thuở", "hòa", "hoà",
     "thủy", "thuỷ", "Ủy", "ĐƯỜNG", "xoong", "oanh", "yêu", "ếch", "sơn", "hơn"],
)  # fmt: skip
def test_real_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["hßa", "céng", "Coäng", "hoøa", "xaõ", "nghóa", "chuû", "cafộ", "hóaa", "muà", "ngé",
     "ghà", "kà", "quu", "hoàng2", "tiê", "các̀", "họp̃", "Müller"],
)  # fmt: skip
def test_not_syllables(word: str) -> None:
    assert not is_syllable(word)


def test_parse_syllable_and_new_style_tone_position() -> None:
    syllable = parse_syllable("hoà")
    assert syllable is not None
    assert (syllable.onset, syllable.nucleus, syllable.coda) == ("h", "oa", "")
    assert syllable.tone_index == 2
    assert syllable.canonical_tone_index() == 1
    quy = parse_syllable("quý")
    assert quy is not None and quy.onset == "qu" and quy.canonical_tone_index() == 2
