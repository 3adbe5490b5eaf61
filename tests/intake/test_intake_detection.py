"""Which reader a batch goes to: decided by the content, the file name only as a hint."""

from __future__ import annotations

import pytest

from triage.intake import INPUT_FORMATS, read_batch

JSONL = '{"id": "1", "text": "Đề nghị cấp GCN lần đầu"}\n'
TSV = "STT\tNội dung ý kiến\n1\tĐề nghị cấp GCN lần đầu\n"
CSV = "STT;Nội dung ý kiến\n1;Đề nghị cấp GCN lần đầu\n"
DOCUMENT = "I. PHƯỜNG LÊ LỢI\n1. Đề nghị cấp GCN lần đầu.\n2. Đề nghị tách thửa.\n"
POSTS = "de nghi cap so do\n\nxin hoi thu tuc tach thua\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(JSONL, "jsonl"), (TSV, "tsv"), (CSV, "csv"), (DOCUMENT, "document"), (POSTS, "posts")],
)
def test_format_detected_from_content(data, expected):
    assert read_batch(data).format == expected
    assert read_batch(data.encode("utf-8")).format == expected
    # A misleading file name does not override the content.
    assert read_batch(data, filename="y_kien.txt").format == expected


def test_input_format_forces_a_reader():
    # Forced to text, a table is read as posts: one paragraph, one opinion.
    batch = read_batch(TSV, input_format="text")
    assert batch.format == "posts" and len(batch.opinions) == 1
    assert read_batch(DOCUMENT, input_format="posts").format == "posts"
    assert read_batch(POSTS, input_format="document").format == "document"
    assert read_batch(CSV, input_format="csv").format == "csv"
    assert read_batch(TSV, input_format="tsv").format == "tsv"
    assert set(INPUT_FORMATS) >= {"jsonl", "csv", "tsv", "text", "xlsx", "docx"}


def test_a_sentence_with_commas_is_not_a_csv_header():
    text = (
        "Nội dung ý kiến, kiến nghị của cử tri xã Kim Sơn về việc cấp sổ\n"
        "đề nghị thị xã xem xét sớm giải quyết cho dân\n"
    )
    batch = read_batch(text)
    assert batch.format == "posts"
    assert batch.opinions[0].locality == "kim_son"


def test_word_title_block_with_tabs_is_not_a_table():
    text = (
        "ỦY BAN MTTQ VIỆT NAM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "XÃ ĐƯỜNG LÂM\tĐộc lập - Tự do - Hạnh phúc\n"
        "\n"
        "1. Đề nghị cấp GCN cho các hộ trong khu di tích.\n"
        "2. Đề nghị hướng dẫn thủ tục sửa nhà cổ.\n"
    )
    batch = read_batch(text)
    assert batch.format == "document"
    assert [o.locality for o in batch.opinions] == ["duong_lam", "duong_lam"]
    assert batch.opinions[0].locality_source == "section"  # from the title block


def test_ids_are_unique_and_prefixed():
    batch = read_batch("\n".join([POSTS] * 3), id_prefix="b7-")
    assert [o.id for o in batch.opinions] == [f"b7-{i:04d}" for i in range(1, 7)]


def test_assigned_ids_do_not_collide_with_caller_ids():
    data = '{"id": "0002", "text": "Ý kiến có mã"}\n{"text": "Ý kiến không mã"}\n'
    batch = read_batch(data)
    ids = [o.id for o in batch.opinions]
    assert ids[0] == "0002" and ids[1] != "0002" and len(set(ids)) == 2


def test_word_list_pasted_with_tabs_after_numbers_is_a_document():
    text = (
        "1.\tĐề nghị cấp GCN cho các hộ tổ 4 phường Trung Hưng.\n"
        "2.\tĐề nghị giải quyết hồ sơ tách thửa quá hạn.\n"
        "3.\tĐề nghị công khai thủ tục cấp đổi sổ.\n"
    )
    batch = read_batch(text)
    assert batch.format == "document"
    assert len(batch.opinions) == 3
    assert batch.opinions[0].locality == "trung_hung"


def test_document_ending_with_a_comma_line_is_not_a_table():
    from triage.intake import read_batch

    text = (
        "I. PHƯỜNG LÊ LỢI\n"
        "1. Đề nghị sớm cấp giấy chứng nhận lần đầu cho các hộ ở tổ 3.\n"
        "2. Nội dung ý kiến, kiến nghị của cử tri về việc sang tên, tách thửa còn chậm, "
        "đề nghị rút ngắn thời gian.\n"
    )
    batch = read_batch(text)
    assert batch.format == "document"
    assert len(batch.opinions) == 2
    assert batch.opinions[1].locality == "le_loi"
