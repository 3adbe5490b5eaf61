"""JSON Lines from other intake tools: caller ids, caller localities, extra fields."""

from __future__ import annotations

import json

import pytest

from triage.intake import IntakeError, read_batch


def test_jsonl_keeps_caller_ids_and_assigns_the_rest(fixture_bytes):
    batch = read_batch(fixture_bytes("form_web.jsonl"), id_prefix="b9-")
    assert batch.format == "jsonl"
    assert [o.id for o in batch.opinions] == ["web-101", "102", "b9-0003", "web-104"]
    assert [o.line for o in batch.opinions] == [1, 2, 4, 5]
    first = batch.opinions[0]
    assert first.submitter == "Nguyễn Thị Hằng"
    assert first.extra == {"kenh": "cổng thông tin", "ngay": "12/08/2023"}
    assert batch.opinions[2].extra == {"so_trang": "2"}


def test_jsonl_locality_field_wins_over_the_text(fixture_bytes):
    batch = read_batch(fixture_bytes("form_web.jsonl"))
    assert [(o.locality, o.locality_source) for o in batch.opinions] == [
        (None, None),
        ("thanh_my", "field"),
        ("kim_son", "field"),  # the caller's word beats "phường Trung Hưng" in the text
        ("duong_lam", "text"),  # null field: found from the village "thôn Cam Thịnh"
    ]


def test_jsonl_unknown_locality_code_is_an_error_naming_the_line():
    data = '{"text": "Đề nghị cấp GCN", "locality": "ha_dong"}\n'
    with pytest.raises(IntakeError) as err:
        read_batch("\n" + data)
    assert "ha_dong" in err.value.message
    assert "dòng 2" in err.value.message.lower()
    assert "duong_lam" in err.value.message  # lists the codes that are accepted
    assert err.value.location == "dòng 2"


def test_jsonl_locality_by_name_is_accepted():
    batch = read_batch('{"text": "Đề nghị cấp GCN", "locality": "Đường Lâm"}')
    assert batch.opinions[0].locality == "duong_lam"


def test_jsonl_repeated_id_is_an_error_naming_both_lines():
    data = "\n".join(
        json.dumps({"id": "a1", "text": t}, ensure_ascii=False)
        for t in ("Ý kiến một", "Ý kiến hai")
    )
    with pytest.raises(IntakeError) as err:
        read_batch(data)
    assert '"a1"' in err.value.message
    message = err.value.message.lower()
    assert "dòng 2" in message and "dòng 1" in message


def test_jsonl_text_is_repaired_and_original_kept():
    from triage.text import encode_legacy

    legacy = encode_legacy("Đề nghị cấp giấy chứng nhận cho hộ gia đình ở xã Cổ Đông", "tcvn3")
    batch = read_batch(json.dumps({"id": "t1", "text": legacy}, ensure_ascii=False))
    opinion = batch.opinions[0]
    assert opinion.text == "Đề nghị cấp giấy chứng nhận cho hộ gia đình ở xã Cổ Đông"
    assert opinion.original == legacy
    assert opinion.locality == "co_dong"
    assert batch.legacy_encoding == "tcvn3"


def test_json_array_of_objects_is_read_like_jsonl():
    data = json.dumps(
        [{"id": "x", "text": "Đề nghị tách thửa"}, {"text": "Đề nghị cấp lại sổ"}],
        ensure_ascii=False,
    )
    batch = read_batch(data, filename="batch.json")
    assert batch.format == "jsonl"
    assert [o.id for o in batch.opinions] == ["x", "0002"]
