"""find_locality: wards and communes from free text, with or without diacritics."""

from __future__ import annotations

import pytest

from triage.intake import find_locality


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Cử tri phường Trung Hưng phản ánh", "trung_hung"),
        ("Đất ở xã Đường Lâm chưa được cấp sổ", "duong_lam"),
        ("Tổ 5, P. Lê Lợi", "le_loi"),
        ("số 3 P.Lê Lợi", "le_loi"),
        ("X. Kim Sơn, TX Sơn Tây", "kim_son"),
        ("Gia đình tôi ở Đường Lâm", "duong_lam"),
        ("ai biet o duong lam lam so mat bao lau", "duong_lam"),
        ("toi o thon Mong Phu, Duong Lam", "duong_lam"),
        ("PHUONG XUAN KHANH", "xuan_khanh"),
        ("phuong trung son tram", "trung_son_tram"),
        ("Cử tri thôn Đoài Giáp phản ánh", "duong_lam"),  # a village of the commune
        ("Tổ 2 Viên Sơn", "vien_son"),
        ("UBND xã Cổ Đông", "co_dong"),
        ("xa Co Dong", "co_dong"),
        ("nhà ở đường Quang Trung, phường Lê Lợi", "le_loi"),  # the ward, not the street
    ],
)
def test_locality_found(text, code, son_tay):
    assert find_locality(text, son_tay) == code


@pytest.mark.parametrize(
    "text",
    [
        "TX Sơn Tây",
        "thị xã Sơn Tây, thành phố Hà Nội",
        "nhà mặt đường Quang Trung",  # a street named after the hero
        "số nhà 12 phố Lê Lợi",
        "ngõ 12 Ngô Quyền",
        "ngõ 12/5 Ngô Quyền",
        "ông Lê Lợi đến hỏi",  # a person
        "chấn chỉnh lề lối làm việc của cán bộ",  # "lề lối" folds to "le loi"
        "chan chinh le loi lam viec",
        "con đường lâm nghiệp xuống cấp",
        "hôm đó có đông người đến",
        "thôn Xuân Khanh",  # a village sharing a ward's name is not the ward
        "",
    ],
)
def test_no_locality(text, son_tay):
    assert find_locality(text, son_tay) is None


def test_kind_word_beats_a_bare_name(son_tay):
    # "Xuân Khanh" alone is weaker than "xã Thanh Mỹ" named with its kind.
    assert find_locality("Cửa hàng Xuân Khanh ở xã Thanh Mỹ", son_tay) == "thanh_my"
    # Between two named with their kind, the first one wins.
    assert find_locality("ở phường Sơn Lộc, có đất tại xã Xuân Sơn", son_tay) == "son_loc"


def test_localities_come_only_from_the_jurisdiction(son_tay):
    assert find_locality("phường Hà Đông", son_tay) is None
    assert find_locality("xã Ba Vì", son_tay) is None


def test_villages_are_data(son_tay):
    assert "Mông Phụ" in son_tay.localities["duong_lam"].villages
    assert all(isinstance(v, str) for loc in son_tay.localities.values() for v in loc.villages)
