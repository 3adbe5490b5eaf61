"""Abbreviation expansion: what is spelled out, and what must be left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.jurisdiction import load_jurisdiction
from triage.text import Abbreviations, expand_abbreviations, strip_diacritics


@pytest.fixture(scope="module")
def abbreviations() -> Abbreviations:
    return Abbreviations.load("son_tay_2023")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cấp GCNQSDĐ cho hộ tôi", "cấp giấy chứng nhận quyền sử dụng đất cho hộ tôi"),
        ("de nghi cap GCNQSDD", "de nghi cap giấy chứng nhận quyền sử dụng đất"),
        ("cấp GCN QSDĐ lần đầu", "cấp giấy chứng nhận quyền sử dụng đất lần đầu"),
        ("chưa có gcn", "chưa có giấy chứng nhận"),
        ("chuyển nhượng QSD đất", "chuyển nhượng quyền sử dụng đất"),
        ("sang tên QSDĐ", "sang tên quyền sử dụng đất"),
        ("làm sổ đỏ, sổ hồng, bìa đỏ", "làm giấy chứng nhận quyền sử dụng đất, giấy chứng nhận "
         "quyền sử dụng đất, giấy chứng nhận quyền sử dụng đất"),
        ("thu tuc sang ten so do", "thu tuc sang ten giấy chứng nhận quyền sử dụng đất"),
        ("so do cap nam 2005", "giấy chứng nhận quyền sử dụng đất cap nam 2005"),
        ("so do thua ke", "giấy chứng nhận quyền sử dụng đất thua ke"),
        ("UBND xã Kim Sơn", "Ủy ban nhân dân xã Kim Sơn"),
        ("HĐND và UBND TX Sơn Tây", "Hội đồng nhân dân và Ủy ban nhân dân thị xã Sơn Tây"),
        ("TX. Sơn Tây, TP.Hà Nội", "thị xã Sơn Tây, thành phố Hà Nội"),
        ("Khu TĐC Đồng Sen P. Trung Hưng", "Khu tái định cư Đồng Sen phường Trung Hưng"),
        ("hộ ở X. Kim Sơn, P.Lê Lợi", "hộ ở xã Kim Sơn, phường Lê Lợi"),
        ("VPĐKĐĐ Hà Nội - CN Sơn Tây", "Văn phòng Đăng ký đất đai Hà Nội - chi nhánh Sơn Tây"),
        ("CN VPĐK đất đai", "chi nhánh Văn phòng Đăng ký đất đai"),
        ("Sở TN&MT, phòng TNMT", "Sở Tài nguyên và Môi trường, phòng Tài nguyên và Môi trường"),
        ("TDP số 3, MTTQ phường", "tổ dân phố số 3, Mặt trận Tổ quốc phường"),
        ("tiền bồi thường GPMB, đất TĐC", "tiền bồi thường giải phóng mặt bằng, đất tái định cư"),
        ("nộp hs từ tháng 5", "nộp hồ sơ từ tháng 5"),
        ("e ko biết", "em không biết"),
        ("Ko ai trả lời", "Không ai trả lời"),
        ("k được trả lời, khg thấy ai", "không được trả lời, không thấy ai"),
        ("mãi vẫn chưa đc cấp", "mãi vẫn chưa được cấp"),
        ("dc cap so roi", "được cap so roi"),
        ("đc: thôn Phú Nhi", "địa chỉ: thôn Phú Nhi"),
        ("đc thôn Phú Nhi", "địa chỉ thôn Phú Nhi"),
        ("a ơi cho e hỏi", "anh ơi cho em hỏi"),
        ("nói chuyện vs cán bộ", "nói chuyện với cán bộ"),
        ("ng dân rất bức xúc", "người dân rất bức xúc"),
        ("SĐT: 0912 345 678", "số điện thoại: 0912 345 678"),
        ("CCCD 001234567890", "căn cước công dân 001234567890"),
        ("ĐT: 0912345678", "điện thoại: 0912345678"),
        ("DT 120 m2", "diện tích 120 m2"),
        ("chưa đủ đk cấp sổ", "chưa đủ điều kiện cấp sổ"),
        ("làm đk biến động", "làm đăng ký biến động"),
        ("QĐ thu hồi đất", "quyết định thu hồi đất"),
        ("CN QSDĐ cho con", "chuyển nhượng quyền sử dụng đất cho con"),
    ],
)  # fmt: skip
def test_expanded(abbreviations: Abbreviations, text: str, expected: str) -> None:
    assert expand_abbreviations(text, abbreviations) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Theo điểm a khoản 1 Điều 100 Luật Đất đai",  # point a of an article
        "điểm e khoản 2",
        "Ông Nguyễn Văn A, lô K, thửa B",  # capitals name people and lots
        "Ông Nguyễn Văn P. ở tổ 3, ông X",  # a given name, a placeholder: no ward or commune
        "a) Cấp đổi giấy chứng nhận",  # list markers
        "e. Đo đạc lại",
        "cảm ơn a",  # unaccented ạ, not anh
        "tôi e rằng sẽ chậm",  # the verb e (to fear)
        "mua 5 kg gạo, 100 k",  # units after numbers
        "Kon Tum, kong, kho, kế hoạch",  # whole words only
        "Quyết định số 123/QĐ-UBND ngày 5/6/2023",  # part of a document number
        "công nhân CN, Chủ nhật CN",  # CN is chi nhánh only next to the registration office
        "hs lớp 5 trường tiểu học",  # học sinh
        "đk",  # điều kiện or đăng ký: nothing says which
        "ĐT 413 đi Ba Vì",  # a provincial road, not a phone
        "so do thua dat so 12",  # sơ đồ thửa đất, not sổ đỏ
        "trích lục so do",
        "đ/c Hùng",  # đồng chí
        "e-mail, k/c, A&B",
        "Café vs. tea",
    ],
)
def test_not_expanded(abbreviations: Abbreviations, text: str) -> None:
    assert expand_abbreviations(text, abbreviations) == text


def test_expansion_is_idempotent(abbreviations: Abbreviations) -> None:
    text = "e ko biết thủ tục sang tên sổ đỏ ở VPĐKĐĐ CN Sơn Tây ntn, a ơi cho e hỏi"
    once = expand_abbreviations(text, abbreviations)
    assert once == (
        "em không biết thủ tục sang tên giấy chứng nhận quyền sử dụng đất ở Văn phòng Đăng "
        "ký đất đai chi nhánh Sơn Tây như thế nào, anh ơi cho em hỏi"
    )
    assert expand_abbreviations(once, abbreviations) == once


def test_loads_from_a_path_and_from_data(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.yaml"
    path.write_text(
        "guards:\n"
        "  number:\n"
        "    - before: '\\d\\s*$'\n"
        "entries:\n"
        "  - forms: [GCN]\n"
        "    expansion: giấy chứng nhận\n"
        "  - forms: [k]\n"
        "    expansion: không\n"
        "    case: sensitive\n"
        "    guards: [number]\n"
        "  - forms: [TP]\n"
        "    expansion: thành phố\n"
        "    dot: true\n"
        "    only_if:\n"
        "      - after: '^\\.?\\s*ha noi'\n",
        encoding="utf-8",
    )
    custom = Abbreviations.from_path(path)
    assert len(custom) == 3
    assert len(Abbreviations.load(path)) == 3
    assert custom.expand("Gcn k có, 5 k, K") == "giấy chứng nhận không có, 5 k, K"
    assert custom.expand("TP.Hà Nội, TP. Hồ Chí Minh") == "thành phố Hà Nội, TP. Hồ Chí Minh"
    data = Abbreviations.from_data({"entries": [{"forms": ["UBND"], "expansion": "Ủy ban"}]})
    assert data.expand("ubnd xã") == "Ủy ban xã"
    assert Abbreviations.empty().expand("GCN") == "GCN"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entries": [{"forms": ["GCN"]}]}, "needs 'forms' and 'expansion'"),
        ({"entries": [{"forms": ["k"], "expansion": "x", "guards": ["nope"]}]}, "unknown guard"),
        ({"entries": [{"forms": ["k"], "expansion": "x", "case": "upper"}]}, "case is"),
        ({"entries": [{"forms": ["k"], "expansion": "x", "unless": [{"before": "("}]}]},
         "bad pattern"),
        ({"entries": [{"forms": ["k"], "expansion": "x", "unless": [{"near": "x"}]}]},
         "a condition has"),
    ],
)  # fmt: skip
def test_bad_data_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Abbreviations.from_data(data)


def test_p_and_x_expand_before_every_ward_and_commune_of_the_jurisdiction(
    abbreviations: Abbreviations,
) -> None:
    """The guards of "P." and "X." list the wards and communes of `localities.yaml` again:
    they must name each of them, with and without diacritics."""
    for loc in load_jurisdiction("son_tay_2023").localities.values():
        form, word = ("P", "phường") if loc.kind == "phuong" else ("X", "xã")
        for name in (loc.name, strip_diacritics(loc.name)):
            assert expand_abbreviations(f"hộ ở {form}. {name}", abbreviations) == \
                f"hộ ở {word} {name}"


def test_every_entry_of_the_jurisdiction_expands_somewhere(abbreviations: Abbreviations) -> None:
    # Guards against an entry that can never fire (a typo in a form or a condition).
    samples = {
        "chi nhánh": "VPĐKĐĐ - CN Sơn Tây",
        "chuyển nhượng": "CN QSDĐ",
        "điện thoại": "ĐT 0912345678",
        "diện tích": "DT 50 m2",
        "điều kiện": "đủ đk",
        "đăng ký": "đk biến động",
        "thủ tục": "tt sang tên",
        "địa chỉ": "đc: tổ 3",
        "rồi": "đã nộp r",
        "anh": "a ơi",
        "phường": "P. Sơn Lộc",
        "xã": "X. Thanh Mỹ",
    }
    for entry in abbreviations.entries:
        text = samples.get(entry.expansion, entry.forms[0] + " cho")
        assert abbreviations.expand(text) != text, entry.forms
