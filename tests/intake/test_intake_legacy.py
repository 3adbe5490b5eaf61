"""Old encodings: TCVN3 and VNI mojibake, Windows-1258 bytes, UTF-16 and BOMs."""

from __future__ import annotations

import codecs
import unicodedata

from triage.intake import read_batch
from triage.text import encode_legacy


def test_tcvn3_document_reads_like_its_unicode_original(fixture_text):
    source = fixture_text("bao_cao_phuong_xa.txt")
    mojibake = encode_legacy(source, "tcvn3")
    assert "Ph­êng Lª Lîi" in mojibake  # what Word hands over for a .VnTime document
    unicode_batch = read_batch(source)
    batch = read_batch(mojibake)
    assert batch.format == "document"
    assert batch.legacy_encoding == "tcvn3"
    assert len(batch.opinions) == len(unicode_batch.opinions) == 10
    for legacy, expected in zip(batch.opinions, unicode_batch.opinions, strict=True):
        assert legacy.text == expected.text
        assert legacy.submitter == expected.submitter
        assert legacy.locality == expected.locality
        assert legacy.section == expected.section
        assert legacy.line == expected.line
    # `original` is the item as it came in: still mojibake.
    assert batch.opinions[0].original.startswith("a) Cö tri tæ d©n phè sè 2")
    assert [s.text for s in batch.skipped] == [s.text for s in unicode_batch.skipped]


def test_tcvn3_bytes_saved_as_ansi_are_decoded_and_repaired(fixture_text):
    source = fixture_text("tong_hop_mttq_thi_xa.txt")
    raw = encode_legacy(source, "tcvn3").encode("cp1252")  # a .txt saved as "ANSI"
    batch = read_batch(raw)
    assert batch.legacy_encoding == "tcvn3"
    assert batch.opinions[0].text == read_batch(source).opinions[0].text
    assert batch.opinions[0].locality == "trung_hung"


def test_vni_document_opinions_are_repaired(fixture_text):
    source = fixture_text("bao_cao_phuong_xa.txt")
    mojibake = encode_legacy(source, "vni")
    assert "Phöôøng Leâ Lôïi" in mojibake
    unicode_batch = read_batch(source)
    batch = read_batch(mojibake)
    assert batch.legacy_encoding == "vni"
    assert [o.text for o in batch.opinions] == [o.text for o in unicode_batch.opinions]
    assert [o.submitter for o in batch.opinions] == [o.submitter for o in unicode_batch.opinions]
    assert batch.opinions[0].locality == "le_loi"
    assert batch.opinions[0].original.startswith("a) Cöû tri toå daân phoá")


def test_vni_excel_paste_is_repaired_cell_by_cell():
    rows = [
        "STT\tHọ và tên\tĐịa chỉ\tNội dung ý kiến",
        "1\tNguyễn Văn Toàn\tThôn Đông Sàng\tĐề nghị cấp giấy chứng nhận lần đầu cho đất ở.",
        "2\tLê Thị Hạnh\tXã Xuân Sơn\tThủ tục thừa kế quyền sử dụng đất cần giấy tờ gì?",
    ]
    batch = read_batch(encode_legacy("\n".join(rows), "vni"))
    assert batch.format == "tsv"
    assert batch.legacy_encoding == "vni"
    assert batch.opinions[0].text == "Đề nghị cấp giấy chứng nhận lần đầu cho đất ở."
    assert batch.opinions[0].submitter == "Nguyễn Văn Toàn, Thôn Đông Sàng"
    assert [o.locality for o in batch.opinions] == ["duong_lam", "xuan_son"]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Word writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if c not in _TONES)
        out.append(unicodedata.normalize("NFC", base) + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


def test_windows_1258_bytes_with_combining_tone_marks():
    text = "Đề nghị cấp sổ đỏ cho các hộ ở xã Sơn Đông\n\nThủ tục sang tên mất bao lâu?\n"
    raw = _cp1258(text)
    batch = read_batch(raw)
    assert batch.legacy_encoding == "cp1258"
    assert batch.opinions[0].text == "Đề nghị cấp sổ đỏ cho các hộ ở xã Sơn Đông"
    assert batch.opinions[0].locality == "son_dong"


def test_utf8_bom_and_utf16_excel_unicode_text():
    text = "STT\tNội dung ý kiến\tĐịa chỉ\n1\tĐề nghị đính chính sổ đỏ\tPhường Lê Lợi\n"
    for raw in (codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        batch = read_batch(raw)
        assert batch.format == "tsv"
        assert batch.opinions[0].text == "Đề nghị đính chính sổ đỏ"
        assert batch.opinions[0].locality == "le_loi"
        assert batch.legacy_encoding is None


def test_vni_short_heading_lines_are_repaired(fixture_text):
    source = fixture_text("bao_cao_phuong_xa.txt")
    batch = read_batch(encode_legacy(source, "vni"))
    assert [o.section for o in batch.opinions] == [o.section for o in read_batch(source).opinions]


def test_utf8_read_as_latin1_is_not_taken_for_binary():
    text = "Đề nghị cấp sổ đỏ cho các hộ ở xã Đường Lâm.\n\nThủ tục tặng cho ở phường Lê Lợi."
    mojibake = text.encode("utf-8").decode("latin-1")  # full of U+0080-U+009F controls
    batch = read_batch(mojibake)
    assert [o.text for o in batch.opinions] == [
        "Đề nghị cấp sổ đỏ cho các hộ ở xã Đường Lâm.",
        "Thủ tục tặng cho ở phường Lê Lợi.",
    ]
    assert [o.locality for o in batch.opinions] == ["duong_lam", "le_loi"]
    assert batch.opinions[0].original == mojibake.split("\n")[0]
